import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { ClaudeBatchRequest } from '../../../../libs/ai/claude-client.js';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { SYSTEM_ACTOR } from '../../../../libs/event-store/event.js';
import { type Transaction, UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { storageId } from '../../../../libs/storage/store-id.js';
import { AiGrader } from '../ai-grader.js';
import { claimOf, failClaimedSubmission, holdClaim } from '../ai-grading.claims.js';
import { importGradingBatchJob } from '../ai-grading.jobs.js';
import { loadGradingBatch, setItemState } from '../grading-batches.js';
import { findGradableSubmission } from '../grading.access.js';
import { gradeSubmissionJob, GradingBatchSubmitted } from '../grading.events.js';
import { isRetryable } from './grade-submission-with-ai.command.js';
import { batchToken } from './start-batch-grading.command.js';

/**
 * The batch-submit job: builds one request per submission the batch still holds (the same requests
 * interactive grading sends, so the cached prefix is shared), submits them as one Message Batch, and
 * stores the batch id together with the first poll job. A retry after a crash before that commit
 * submits again (the first batch's results are then never imported, so nothing is graded twice).
 * When Claude refuses the batch for good, its submissions go to interactive grading instead.
 */
export class SubmitGradingBatchCommand extends Command<'submitted' | 'skipped' | 'fell_back'> {
  constructor(
    readonly batchId: string,
    readonly attempt: { retryCount: number; retryLimit: number; signal?: AbortSignal } = { retryCount: 0, retryLimit: 0 },
  ) {
    super();
  }
}

@CommandHandler(SubmitGradingBatchCommand)
export class SubmitGradingBatchHandler implements ICommandHandler<SubmitGradingBatchCommand> {
  private readonly logger = new Logger('AiGrading');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly grader: AiGrader,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ batchId, attempt }: SubmitGradingBatchCommand): Promise<'submitted' | 'skipped' | 'fell_back'> {
    const batch = await loadGradingBatch(this.dataSource.manager, batchId);
    if (!batch || batch.status !== 'submitting') return 'skipped';
    const token = batchToken(batchId);
    const held = await this.heldSubmissions(batchId);

    const requests: ClaudeBatchRequest[] = [];
    for (const submissionId of held) {
      const prepared = await this.grader.prepare(submissionId);
      if (prepared.ok) {
        requests.push({ customId: submissionId, params: prepared.prepared.request });
        continue;
      }
      await this.uow.run(SYSTEM_ACTOR, async (tx) => {
        await failClaimedSubmission(tx, await findGradableSubmission(tx.manager, SYSTEM_ACTOR, submissionId, { lock: true }), token, `AI grading could not start: ${prepared.reason}.`);
        await setItemState(tx.manager, batchId, submissionId, 'failed', prepared.reason);
      });
    }
    if (requests.length === 0) {
      await this.dataSource.query(`UPDATE grading_batches SET status = 'completed', completed_at = now() WHERE id = $1 AND status = 'submitting'`, [batchId]);
      return 'skipped';
    }

    const storeId = await storageId(this.config.storage.dir);
    let remote;
    try {
      remote = await this.grader.claude.createBatch(requests, { signal: attempt.signal });
    } catch (error) {
      if (isRetryable(error) && attempt.retryCount < attempt.retryLimit) throw error;
      if (attempt.signal?.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Claude refused grading batch ${batchId}; its submissions go to interactive grading: ${reason}`);
      await this.uow.run(SYSTEM_ACTOR, async (tx) => {
        const updated = await tx.manager.query(`UPDATE grading_batches SET status = 'failed', error_message = $2, completed_at = now() WHERE id = $1 AND status = 'submitting' RETURNING 1`, [
          batchId,
          `Claude did not accept the batch (${reason.slice(0, 500)}); its submissions were graded one by one instead`,
        ]);
        if (updated.length === 0) return;
        await handOverToInteractive(tx, this.jobs, gradeSubmissionJob(storeId), batchId, held);
      });
      return 'fell_back';
    }

    await this.uow.run(SYSTEM_ACTOR, async (tx) => {
      const updated: unknown[] = await tx.manager.query(
        `UPDATE grading_batches SET anthropic_batch_id = $2, status = 'in_progress', submitted_at = now(), processing = $3 WHERE id = $1 AND status = 'submitting' RETURNING 1`,
        [batchId, remote.id, requests.length],
      );
      if (updated.length === 0) return;
      tx.record(
        GradingBatchSubmitted,
        batchId,
        { batchId, assignmentId: batch.assignment_id, classId: batch.class_id, ownerId: batch.owner_id, anthropicBatchId: remote.id, requestCount: requests.length },
      );
      await this.jobs.send(importGradingBatchJob(storeId), { batchId }, tx, { startAfterSeconds: this.config.ai.batchPollSeconds });
    });
    return 'submitted';
  }

  /** The submissions the batch still holds (in grading, claimed by it), in a fixed order. */
  private async heldSubmissions(batchId: string): Promise<string[]> {
    const rows: Array<{ submission_id: string }> = await this.dataSource.query(
      `SELECT i.submission_id FROM grading_batch_items i
         JOIN ai_grading_claims c ON c.submission_id = i.submission_id AND c.batch_id = i.batch_id
         JOIN submissions s ON s.id = i.submission_id AND s.status = 'grading'
        WHERE i.batch_id = $1 AND i.state = 'waiting'
        ORDER BY i.submission_id`,
      [batchId],
    );
    return rows.map((row) => row.submission_id);
  }
}

/**
 * Moves submissions the batch holds to interactive grading: each gets a new claim token and its own
 * job, in the caller's transaction. Work the batch no longer holds is left alone.
 */
export async function handOverToInteractive(
  tx: Transaction,
  jobs: JobQueue,
  job: ReturnType<typeof gradeSubmissionJob>,
  batchId: string,
  submissionIds: readonly string[],
): Promise<string[]> {
  const moved: string[] = [];
  for (const submissionId of submissionIds) {
    const submission = await findGradableSubmission(tx.manager, SYSTEM_ACTOR, submissionId, { lock: true });
    const claim = await claimOf(tx, submissionId);
    if (submission.status !== 'grading' || claim?.batchId !== batchId) continue;
    const token = randomUUID();
    await holdClaim(tx, submissionId, token);
    await jobs.send(job, { submissionId, token }, tx);
    await setItemState(tx.manager, batchId, submissionId, 'retried');
    moved.push(submissionId);
  }
  return moved;
}
