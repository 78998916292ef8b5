import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClaudeClient } from '../../../../libs/ai/claude-client.js';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { DomainError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { storageId } from '../../../../libs/storage/store-id.js';
import { holdClaim } from '../ai-grading.claims.js';
import { submitGradingBatchJob } from '../ai-grading.jobs.js';
import { moveSubmission } from '../grade.writes.js';
import { findGradableSubmission, findGradedAssignment } from '../grading.access.js';
import { AiGradingDisabledError, GradingClosedError } from '../grading.errors.js';
import { GradingBatchStarted } from '../grading.events.js';

/** Submissions per batch run; more pending work needs another "grade all pending". */
export const MAX_BATCH_SUBMISSIONS = 1000;

/** The claim token of a batch: the batch holds its submissions until each result is imported. */
export function batchToken(batchId: string): string {
  return `batch:${batchId}`;
}

/**
 * "Grade all pending" through the Message Batches API (half price): every pending submission of the
 * assignment whose pages are rendered moves to grading, held by a new batch run, and the job that
 * builds and submits the batch is enqueued, all in one transaction. Nothing is sent to Claude here.
 */
export class StartBatchGradingCommand extends Command<{ batchId: string; enqueued: number }> {
  constructor(
    readonly actor: Actor,
    readonly assignmentId: string,
  ) {
    super();
  }
}

@CommandHandler(StartBatchGradingCommand)
export class StartBatchGradingHandler implements ICommandHandler<StartBatchGradingCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobQueue,
    private readonly claude: ClaudeClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ actor, assignmentId }: StartBatchGradingCommand): Promise<{ batchId: string; enqueued: number }> {
    const job = submitGradingBatchJob(await storageId(this.config.storage.dir));
    return this.uow.run(actor, async (tx) => {
      const assignment = await findGradedAssignment(tx.manager, actor, assignmentId, { lock: true });
      if (!this.claude.enabled) throw new AiGradingDisabledError(this.claude.disabledReason ?? 'AI grading is disabled');
      if (assignment.archived) throw new GradingClosedError();
      // Locked in id order, so two runs started at once never deadlock; the second finds nothing pending.
      const rows: Array<{ id: string }> = await tx.manager.query(
        `SELECT s.id FROM submissions s
          WHERE s.assignment_id = $1 AND s.status = 'pending'
            AND NOT EXISTS (SELECT 1 FROM submission_pages p WHERE p.submission_id = s.id AND p.blob_key IS NULL)
          ORDER BY s.id LIMIT $2 FOR NO KEY UPDATE OF s`,
        [assignmentId, MAX_BATCH_SUBMISSIONS],
      );
      if (rows.length === 0) throw new DomainError('conflict', 'NOTHING_TO_GRADE', 'No submission of this assignment is waiting for grading (pending, with its pages rendered)');
      const batchId = randomUUID();
      await tx.manager.query(`INSERT INTO grading_batches (id, assignment_id, status, model, total, created_by) VALUES ($1, $2, 'submitting', $3, $4, $5)`, [
        batchId,
        assignmentId,
        this.claude.model,
        rows.length,
        actor.userId,
      ]);
      await tx.manager.query(`INSERT INTO grading_batch_items (batch_id, submission_id) SELECT $1, unnest($2::uuid[])`, [batchId, rows.map((row) => row.id)]);
      for (const row of rows) {
        const submission = await findGradableSubmission(tx.manager, actor, row.id);
        await moveSubmission(tx, submission, 'grading');
        await holdClaim(tx, row.id, batchToken(batchId), batchId);
      }
      tx.record(GradingBatchStarted, batchId, { batchId, assignmentId, classId: assignment.classId, ownerId: assignment.ownerId, submissionCount: rows.length }, { expectedVersion: 0 });
      await this.jobs.send(job, { batchId }, tx);
      return { batchId, enqueued: rows.length };
    });
  }
}
