import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { SYSTEM_ACTOR } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { enqueueAiGradingWhenReady } from '../../grading/grading.events.js';
import { SubmissionStorage } from '../submission-storage.js';
import { SubmissionPagesRendered } from '../submissions.events.js';
import type { RenderedPageBlobs } from '../workers/render-pages.js';
import { ReadNameJobs } from '../workers/read-student-names.worker.js';

/** Fills a rendered page's row; the submission's last page records SubmissionPagesRendered. */
export class RecordRenderedPageCommand extends Command<void> {
  constructor(
    readonly submissionId: string,
    readonly pageNumber: number,
    readonly page: RenderedPageBlobs,
  ) {
    super();
  }
}

@CommandHandler(RecordRenderedPageCommand)
export class RecordRenderedPageHandler implements ICommandHandler<RecordRenderedPageCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly storage: SubmissionStorage,
    private readonly jobs: JobQueue,
    private readonly nameJobs: ReadNameJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ submissionId, pageNumber, page }: RecordRenderedPageCommand): Promise<void> {
    await this.uow.run(SYSTEM_ACTOR, async (tx) => {
      // The submission row lock orders the page commits of one submission, so exactly one sees the last page.
      const [submission]: Array<{ version: number; assignment_id: string; class_id: string; upload_id: string; owner_id: string; source_kind: string; match_status: string }> = await tx.manager.query(
        `SELECT s.version, s.assignment_id, a.class_id, s.upload_id, c.user_id AS owner_id, s.source_kind, s.match_status
           FROM submissions s JOIN assignments a ON a.id = s.assignment_id JOIN classes c ON c.id = a.class_id
          WHERE s.id = $1 FOR NO KEY UPDATE OF s`,
        [submissionId],
      );
      if (!submission) return;
      await this.storage.hold(tx.manager, [{ key: page.blobKey }, { key: page.thumbnailKey }]);
      const filled: unknown[] = await tx.manager.query(
        `UPDATE submission_pages SET blob_key = $3, thumbnail_key = $4, mime_type = $5, width = $6, height = $7, rendered_at = now()
          WHERE submission_id = $1 AND page_number = $2 AND blob_key IS NULL RETURNING 1`,
        [submissionId, pageNumber, page.blobKey, page.thumbnailKey, page.mimeType, page.width, page.height],
      );
      if (filled.length === 0) return;
      const [{ missing, pages }]: Array<{ missing: number; pages: number }> = await tx.manager.query(
        `SELECT count(*) FILTER (WHERE blob_key IS NULL)::int AS missing, count(*)::int AS pages FROM submission_pages WHERE submission_id = $1`,
        [submissionId],
      );
      // One UPDATE of the submission per transaction: a second one would re-check its foreign keys (it updates a row this transaction wrote).
      const done = missing === 0;
      if (pageNumber === 1 || done) {
        await tx.manager.query(
          `UPDATE submissions SET image_thumbnail_url = CASE WHEN $2 THEN COALESCE(image_thumbnail_url, $3) ELSE image_thumbnail_url END,
                                  version = version + CASE WHEN $4 THEN 1 ELSE 0 END
            WHERE id = $1`,
          [submissionId, pageNumber === 1, page.thumbnailKey, done],
        );
      }
      if (!done) return;
      tx.record(
        SubmissionPagesRendered,
        submissionId,
        { submissionId, assignmentId: submission.assignment_id, classId: submission.class_id, ownerId: submission.owner_id, pageCount: pages },
        { expectedVersion: submission.version },
      );
      await completeUploadIfRendered(tx.manager, submission.upload_id);
      // Its pages are all there: an active assignment's work goes to the AI grader, in this transaction.
      await enqueueAiGradingWhenReady(this.jobs, this.config, tx, submissionId);
      // A stack's student not known yet: Claude reads the name on its first page.
      if (this.config.ai.enabled && submission.source_kind === 'stack' && submission.match_status !== 'matched') {
        await this.jobs.send(await this.nameJobs.definition(), { submissionId }, tx);
      }
    });
  }
}

/**
 * An upload is complete once no page of its submissions waits for rendering. The upload row is
 * locked first, so of two submissions finishing at once the second sees the first's pages
 * (its next statement reads after the first committed) and completes the upload.
 */
export async function completeUploadIfRendered(manager: import('typeorm').EntityManager, uploadId: string): Promise<void> {
  // NO KEY UPDATE: it serializes the completers without waiting on the key-share locks of foreign-key checks.
  await manager.query(`SELECT 1 FROM uploads WHERE id = $1 FOR NO KEY UPDATE`, [uploadId]);
  await manager.query(
    `UPDATE uploads SET status = 'complete', completed_at = now()
      WHERE id = $1 AND status = 'processing'
        AND NOT EXISTS (SELECT 1 FROM submissions s JOIN submission_pages p ON p.submission_id = s.id
                         WHERE s.upload_id = $1 AND p.blob_key IS NULL AND s.status <> 'error')`,
    [uploadId],
  );
}
