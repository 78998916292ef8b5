import { Inject, Logger } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { ClaudeBatchResult } from '../../../../libs/ai/claude-client.js';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { DomainError } from '../../../../libs/errors/domain-error.js';
import { SYSTEM_ACTOR } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { storageId } from '../../../../libs/storage/store-id.js';
import { AiGrader, type CallRecord } from '../ai-grader.js';
import { claimOf, failClaimedSubmission } from '../ai-grading.claims.js';
import { importGradingBatchJob } from '../ai-grading.jobs.js';
import { type GradingBatchItemState, loadGradingBatch, setItemState } from '../grading-batches.js';
import { findGradableSubmission } from '../grading.access.js';
import { gradeSubmissionJob, GradingBatchEnded } from '../grading.events.js';
import { ProposeGradeCommand } from './propose-grade.command.js';
import { batchToken } from './start-batch-grading.command.js';
import { handOverToInteractive } from './submit-grading-batch.command.js';

/**
 * The batch-import job: polls the Message Batch (rescheduling itself while Claude works on it) and,
 * once it has ended, imports each result on its own: a valid answer becomes a proposal (one
 * interactive repair attempt when it does not fit), expired, canceled and retryable errors go to
 * interactive grading, other errors put the submission in error. Each result is written in its own
 * transaction and only while the batch still holds the submission, so an import cut short by a
 * restart resumes where it stopped and grades nothing twice.
 */
export class ImportGradingBatchCommand extends Command<'polled' | 'imported' | 'skipped'> {
  constructor(
    readonly batchId: string,
    readonly attempt: { retryCount: number; retryLimit: number; signal?: AbortSignal } = { retryCount: 0, retryLimit: 0 },
  ) {
    super();
  }
}

@CommandHandler(ImportGradingBatchCommand)
export class ImportGradingBatchHandler implements ICommandHandler<ImportGradingBatchCommand> {
  private readonly logger = new Logger('AiGrading');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly commands: CommandBus,
    private readonly grader: AiGrader,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ batchId, attempt }: ImportGradingBatchCommand): Promise<'polled' | 'imported' | 'skipped'> {
    try {
      return await this.pollAndImport(batchId, attempt);
    } catch (error) {
      if (attempt.signal?.aborted || attempt.retryCount < attempt.retryLimit) throw error;
      // Out of retries (Claude unreachable for hours): the work still waiting is graded one by one instead.
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`grading batch ${batchId} could not be imported; its remaining work goes to interactive grading: ${reason}`);
      const storeId = await storageId(this.config.storage.dir);
      const waiting: Array<{ submission_id: string }> = await this.dataSource.query(`SELECT submission_id FROM grading_batch_items WHERE batch_id = $1 AND state = 'waiting' ORDER BY submission_id`, [batchId]);
      await this.uow.run(SYSTEM_ACTOR, async (tx) => {
        await handOverToInteractive(tx, this.jobs, gradeSubmissionJob(storeId), batchId, waiting.map((row) => row.submission_id));
        await tx.manager.query(`UPDATE grading_batches SET status = 'failed', error_message = $2, completed_at = now() WHERE id = $1 AND status IN ('in_progress', 'importing')`, [
          batchId,
          `The batch could not be imported (${reason.slice(0, 500)}); its remaining submissions were graded one by one instead`,
        ]);
      });
      return 'skipped';
    }
  }

  private async pollAndImport(batchId: string, attempt: ImportGradingBatchCommand['attempt']): Promise<'polled' | 'imported' | 'skipped'> {
    const batch = await loadGradingBatch(this.dataSource.manager, batchId);
    if (!batch || !batch.anthropic_batch_id || (batch.status !== 'in_progress' && batch.status !== 'importing')) return 'skipped';
    const storeId = await storageId(this.config.storage.dir);
    const remote = await this.grader.claude.retrieveBatch(batch.anthropic_batch_id, { signal: attempt.signal });
    await this.uow.run(SYSTEM_ACTOR, async (tx) => {
      await tx.manager.query(
        `UPDATE grading_batches SET processing = $2, succeeded = $3, errored = $4, expired = $5, canceled = $6, ended_at = $7,
                status = CASE WHEN $8 AND status = 'in_progress' THEN 'importing' ELSE status END
          WHERE id = $1`,
        [batchId, remote.counts.processing, remote.counts.succeeded, remote.counts.errored, remote.counts.expired, remote.counts.canceled, remote.endedAt, remote.status === 'ended'],
      );
      if (remote.status !== 'ended') await this.jobs.send(importGradingBatchJob(storeId), { batchId }, tx, { startAfterSeconds: this.config.ai.batchPollSeconds });
    });
    if (remote.status !== 'ended') return 'polled';

    // Read every result first (a few kilobytes each), so a slow repair call never holds the results download open.
    const results: ClaudeBatchResult[] = [];
    for await (const result of this.grader.claude.batchResults(batch.anthropic_batch_id, { signal: attempt.signal })) results.push(result);
    for (const result of results) {
      if (attempt.signal?.aborted) throw new Error('the import was interrupted; it resumes with the next result not yet imported');
      await this.importResult(batchId, result, storeId, attempt.signal);
    }
    await this.finish(batchId);
    return 'imported';
  }

  private async importResult(batchId: string, result: ClaudeBatchResult, storeId: string, signal?: AbortSignal): Promise<void> {
    const submissionId = result.customId;
    const state = await this.itemState(batchId, submissionId);
    if (state !== 'waiting') return;
    if (!(await this.stillHeld(batchId, submissionId))) {
      const [row]: Array<{ status: string }> = await this.dataSource.query(`SELECT status FROM submissions WHERE id = $1`, [submissionId]);
      await setItemState(this.dataSource.manager, batchId, submissionId, row && ['graded', 'reviewed'].includes(row.status) ? 'graded' : 'skipped');
      return;
    }
    const token = batchToken(batchId);
    const fail = (message: string, detail: string) =>
      this.uow.run(SYSTEM_ACTOR, async (tx) => {
        await failClaimedSubmission(tx, await findGradableSubmission(tx.manager, SYSTEM_ACTOR, submissionId, { lock: true }), token, message);
        await setItemState(tx.manager, batchId, submissionId, 'failed', detail);
      });
    const retry = (reason: string) =>
      this.uow.run(SYSTEM_ACTOR, async (tx) => {
        const moved = await handOverToInteractive(tx, this.jobs, gradeSubmissionJob(storeId), batchId, [submissionId]);
        if (moved.length === 1) await tx.manager.query(`UPDATE grading_batch_items SET detail = $3 WHERE batch_id = $1 AND submission_id = $2`, [batchId, submissionId, reason]);
      });

    if (result.type === 'expired' || result.type === 'canceled') return retry(`the batch request ${result.type}`);
    if (result.type === 'errored') {
      if (result.retryable) return retry(`${result.error.type}: ${result.error.message}`);
      return fail(`Claude could not grade this work in the batch (${result.error.type}: ${result.error.message}). Grade it by hand, or send it back for AI regrading.`, `${result.error.type}: ${result.error.message}`);
    }

    const prepared = await this.grader.prepare(submissionId);
    if (!prepared.ok) return fail(`AI grading could not finish: ${prepared.reason}.`, prepared.reason);
    const call: CallRecord = { requestId: null, model: result.model, via: 'batch', usage: result.usage, costUsd: result.costUsd, latencyMs: null, stopReason: result.message.stop_reason ?? null };
    const outcome = await this.grader.checkWithRepair(prepared.prepared, result.message, [call], signal);
    if (!outcome.ok) {
      const problems = outcome.problems.slice(0, 3).join('; ');
      return fail(`Claude's grade did not fit the assignment, even after one repair attempt: ${problems}. Grade this work by hand, or send it back for AI regrading.`, problems);
    }
    try {
      await this.commands.execute(new ProposeGradeCommand(SYSTEM_ACTOR, submissionId, this.grader.toProposal(prepared.prepared, outcome, { batchId })));
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'ILLEGAL_STATUS_TRANSITION' && error.code !== 'ASSIGNMENT_ARCHIVED' && error.kind !== 'not_found')) throw error;
      await setItemState(this.dataSource.manager, batchId, submissionId, 'skipped');
      return;
    }
    await setItemState(this.dataSource.manager, batchId, submissionId, outcome.repairProblems ? 'repaired' : 'graded');
  }

  /** Results the API never returned are sent to interactive grading; the run is complete. */
  private async finish(batchId: string): Promise<void> {
    const storeId = await storageId(this.config.storage.dir);
    const missing: Array<{ submission_id: string }> = await this.dataSource.query(`SELECT submission_id FROM grading_batch_items WHERE batch_id = $1 AND state = 'waiting' ORDER BY submission_id`, [batchId]);
    await this.uow.run(SYSTEM_ACTOR, async (tx) => {
      const moved = await handOverToInteractive(tx, this.jobs, gradeSubmissionJob(storeId), batchId, missing.map((row) => row.submission_id));
      const notHeld = missing.map((row) => row.submission_id).filter((id) => !moved.includes(id));
      if (notHeld.length > 0) await tx.manager.query(`UPDATE grading_batch_items SET state = 'skipped' WHERE batch_id = $1 AND submission_id = ANY($2::uuid[]) AND state = 'waiting'`, [batchId, notHeld]);
      const done: unknown[] = await tx.manager.query(`UPDATE grading_batches SET status = 'completed', completed_at = now() WHERE id = $1 AND status = 'importing' RETURNING 1`, [batchId]);
      if (done.length === 0) return;
      const batch = (await loadGradingBatch(tx.manager, batchId))!;
      const items = batch.items ?? {};
      tx.record(GradingBatchEnded, batchId, {
        batchId,
        assignmentId: batch.assignment_id,
        classId: batch.class_id,
        ownerId: batch.owner_id,
        succeeded: batch.succeeded,
        errored: batch.errored,
        expired: batch.expired,
        canceled: batch.canceled,
        retried: items.retried ?? 0,
        failed: items.failed ?? 0,
      });
    });
    this.logger.log(`grading batch ${batchId} imported`);
  }

  private async itemState(batchId: string, submissionId: string): Promise<GradingBatchItemState | null> {
    const rows: Array<{ state: GradingBatchItemState }> = await this.dataSource.query(`SELECT state FROM grading_batch_items WHERE batch_id = $1 AND submission_id = $2`, [batchId, submissionId]);
    return rows[0]?.state ?? null;
  }

  private async stillHeld(batchId: string, submissionId: string): Promise<boolean> {
    return this.uow.run(SYSTEM_ACTOR, async (tx) => {
      const submission = await findGradableSubmission(tx.manager, SYSTEM_ACTOR, submissionId).catch(() => null);
      if (!submission || submission.status !== 'grading' || submission.archived) return false;
      return (await claimOf(tx, submissionId))?.batchId === batchId;
    });
  }
}
