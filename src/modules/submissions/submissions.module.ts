import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AssignStudentHandler } from './commands/assign-student.command.js';
import { ReadStudentNameHandler } from './commands/read-student-name.command.js';
import { RecordRenderFailureHandler } from './commands/record-render-failure.command.js';
import { RecordRenderedPageHandler } from './commands/record-rendered-page.command.js';
import { UploadStackHandler } from './commands/upload-stack.command.js';
import { UploadSubmissionsHandler } from './commands/upload-submissions.command.js';
import { OrphanBlobSweep } from './orphan-blobs.sweep.js';
import { GetIntakeProgressHandler } from './queries/get-intake-progress.query.js';
import { GetSubmissionFileHandler } from './queries/get-submission-file.query.js';
import { GetSubmissionHandler } from './queries/get-submission.query.js';
import { ListSubmissionsHandler } from './queries/list-submissions.query.js';
import { SubmissionFilesController } from './submission-files.controller.js';
import { SubmissionStorage } from './submission-storage.js';
import { SubmissionsController } from './submissions.controller.js';
import { PageRenderPool } from './workers/page-render.pool.js';
import { ReadNameJobs, ReadStudentNamesWorker } from './workers/read-student-names.worker.js';
import { RenderPagesJobs, RenderSubmissionPagesWorker } from './workers/render-submission-pages.worker.js';

@Module({
  imports: [CqrsModule],
  controllers: [SubmissionsController, SubmissionFilesController],
  providers: [
    // storage
    SubmissionStorage,
    OrphanBlobSweep,
    // commands
    UploadSubmissionsHandler,
    UploadStackHandler,
    AssignStudentHandler,
    RecordRenderedPageHandler,
    RecordRenderFailureHandler,
    // queries
    GetSubmissionHandler,
    ListSubmissionsHandler,
    GetIntakeProgressHandler,
    GetSubmissionFileHandler,
    // page rendering
    RenderPagesJobs,
    RenderSubmissionPagesWorker,
    PageRenderPool,
    // reading names on stack pages with Claude
    ReadStudentNameHandler,
    ReadNameJobs,
    ReadStudentNamesWorker,
  ],
})
export class SubmissionsModule {}
