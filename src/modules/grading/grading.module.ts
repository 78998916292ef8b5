import { Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProjectorRegistry } from '../../../libs/event-store/projector.js';
import { AiGrader } from './ai-grader.js';
import { AiGradingController } from './ai-grading.controller.js';
import { ApproveGradeHandler } from './commands/approve-grade.command.js';
import { ApproveGradesHandler } from './commands/approve-grades.command.js';
import { ChangeSubmissionStatusHandler } from './commands/change-submission-status.command.js';
import { GradePendingSubmissionsHandler } from './commands/grade-pending-submissions.command.js';
import { GradeSubmissionWithAiHandler } from './commands/grade-submission-with-ai.command.js';
import { ImportGradingBatchHandler } from './commands/import-grading-batch.command.js';
import { ProposeGradeHandler } from './commands/propose-grade.command.js';
import { RecordGradeHandler } from './commands/record-grade.command.js';
import { RegradeSubmissionHandler } from './commands/regrade-submission.command.js';
import { StartBatchGradingHandler } from './commands/start-batch-grading.command.js';
import { SubmitGradingBatchHandler } from './commands/submit-grading-batch.command.js';
import { GradingController } from './grading.controller.js';
import { assignmentStatsProjector } from './projections/assignment-stats.projector.js';
import { ExportGradesHandler } from './queries/export-grades.query.js';
import { GetAiAgreementHandler } from './queries/get-ai-agreement.query.js';
import { GetAssignmentStatsHandler } from './queries/get-assignment-stats.query.js';
import { GetGradeHandler } from './queries/get-grade.query.js';
import { GetGradingBatchHandler, ListGradingBatchesHandler } from './queries/get-grading-batch.query.js';
import { GetReviewQueueHandler } from './queries/get-review-queue.query.js';
import { ListGradesHandler } from './queries/list-grades.query.js';
import { AiGradingWorker } from './workers/ai-grading.worker.js';

/** Grades (manual grading, AI grading with Claude, approval and review), the submission status machine, assignment statistics with AI agreement, and the gradebook export. */
@Module({
  imports: [CqrsModule],
  controllers: [GradingController, AiGradingController],
  providers: [
    // commands
    RecordGradeHandler,
    ProposeGradeHandler,
    ApproveGradeHandler,
    ApproveGradesHandler,
    ChangeSubmissionStatusHandler,
    // AI grading with Claude
    AiGrader,
    AiGradingWorker,
    GradeSubmissionWithAiHandler,
    RegradeSubmissionHandler,
    GradePendingSubmissionsHandler,
    StartBatchGradingHandler,
    SubmitGradingBatchHandler,
    ImportGradingBatchHandler,
    // queries
    GetGradeHandler,
    ListGradesHandler,
    GetAssignmentStatsHandler,
    ExportGradesHandler,
    GetReviewQueueHandler,
    GetGradingBatchHandler,
    ListGradingBatchesHandler,
    GetAiAgreementHandler,
  ],
})
export class GradingModule implements OnModuleInit {
  constructor(private readonly projectors: ProjectorRegistry) {}

  onModuleInit(): void {
    this.projectors.register(assignmentStatsProjector);
  }
}
