import { Inject, Logger } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AiError, RateLimitedError } from '../../../../libs/ai/ai-errors.js';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { DomainError, NotFoundError } from '../../../../libs/errors/domain-error.js';
import { SYSTEM_ACTOR } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { storageId } from '../../../../libs/storage/store-id.js';
import { AiGrader } from '../ai-grader.js';
import { claimSubmission, failClaimedSubmission } from '../ai-grading.claims.js';
import { findGradableSubmission } from '../grading.access.js';
import { gradeSubmissionJob } from '../grading.events.js';
import { ProposeGradeCommand } from './propose-grade.command.js';

export type AiGradingOutcome = 'graded' | 'repaired' | 'failed' | 'skipped' | 'not_ready' | 'rescheduled';

/**
 * The AI grading job: claims the submission (pending → grading), reads the assignment and the
 * work, calls Claude outside any transaction, checks the answer (one repair attempt when it does not
 * fit), then stores the proposal with ProposeGradeCommand or moves the submission to error with a
 * readable message. Idempotent: a retried job resumes its own claim, any other job leaves the
 * submission alone, and work that is already graded is skipped.
 *
 * Failures Claude may recover from (timeouts, 5xx, 529) are thrown, so the job is retried with
 * backoff; on the last attempt the submission goes to error instead. A rate limit with a long
 * retry-after reschedules the job after that wait, without spending an attempt.
 */
export class GradeSubmissionWithAiCommand extends Command<AiGradingOutcome> {
  constructor(
    readonly submissionId: string,
    readonly token: string,
    readonly attempt: { retryCount: number; retryLimit: number; signal?: AbortSignal } = { retryCount: 0, retryLimit: 0 },
  ) {
    super();
  }
}

@CommandHandler(GradeSubmissionWithAiCommand)
export class GradeSubmissionWithAiHandler implements ICommandHandler<GradeSubmissionWithAiCommand> {
  private readonly logger = new Logger('AiGrading');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly commands: CommandBus,
    private readonly grader: AiGrader,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ submissionId, token, attempt }: GradeSubmissionWithAiCommand): Promise<AiGradingOutcome> {
    if (!this.grader.claude.enabled) return 'skipped';
    const claim = await this.uow
      .run(SYSTEM_ACTOR, async (tx) => claimSubmission(tx, await findGradableSubmission(tx.manager, SYSTEM_ACTOR, submissionId, { lock: true }), token))
      .catch((error: unknown) => {
        if (error instanceof NotFoundError) return 'done' as const;
        throw error;
      });
    if (claim === 'not_ready') return 'not_ready';
    if (claim !== 'claimed' && claim !== 'resumed') return 'skipped';

    const lastAttempt = attempt.retryCount >= attempt.retryLimit;
    try {
      const prepared = await this.grader.prepare(submissionId);
      if (!prepared.ok) {
        // Pages that are still rendering will be rendered: try again later; anything else will not change.
        if (!prepared.final && !lastAttempt) throw new Error(prepared.reason);
        return (await this.fail(submissionId, token, `AI grading could not start: ${prepared.reason}.`)) ? 'failed' : 'skipped';
      }
      const outcome = await this.grader.grade(prepared.prepared, attempt.signal);
      if (!outcome.ok) {
        const message = `Claude's grade did not fit the assignment, even after one repair attempt: ${outcome.problems.slice(0, 3).join('; ')}${outcome.problems.length > 3 ? ` (and ${outcome.problems.length - 3} more)` : ''}. Grade this work by hand, or send it back for AI regrading.`;
        return (await this.fail(submissionId, token, message)) ? 'failed' : 'skipped';
      }
      try {
        await this.commands.execute(new ProposeGradeCommand(SYSTEM_ACTOR, submissionId, this.grader.toProposal(prepared.prepared, outcome)));
      } catch (error) {
        // The work left grading meanwhile (archived, or graded by another attempt): nothing to store.
        if (error instanceof DomainError && (error.code === 'ILLEGAL_STATUS_TRANSITION' || error.code === 'ASSIGNMENT_ARCHIVED' || error.kind === 'not_found')) return 'skipped';
        throw error;
      }
      return outcome.repairProblems ? 'repaired' : 'graded';
    } catch (error) {
      if (error instanceof RateLimitedError && error.retryAfterMs !== null && !attempt.signal?.aborted) {
        await this.reschedule(submissionId, token, error.retryAfterMs);
        return 'rescheduled';
      }
      const retryable = isRetryable(error);
      if (retryable && !lastAttempt) throw error;
      if (attempt.signal?.aborted) throw error;
      const reason = (error instanceof Error ? error.message : String(error)).replace(/; the grading will be retried( later| after that)?$/, '');
      this.logger.warn(`AI grading of submission ${submissionId} failed for good: ${reason}`);
      const message = `AI grading failed${retryable ? ` after ${attempt.retryCount + 1} attempts` : ''}: ${reason}. Grade this work by hand, or send it back for AI regrading.`;
      return (await this.fail(submissionId, token, message)) ? 'failed' : 'skipped';
    }
  }

  private fail(submissionId: string, token: string, message: string): Promise<boolean> {
    return this.uow.run(SYSTEM_ACTOR, async (tx) => failClaimedSubmission(tx, await findGradableSubmission(tx.manager, SYSTEM_ACTOR, submissionId, { lock: true }), token, message));
  }

  /** The same grading attempt (same token), again after the rate limit's wait. */
  private async reschedule(submissionId: string, token: string, retryAfterMs: number): Promise<void> {
    const job = gradeSubmissionJob(await storageId(this.config.storage.dir));
    await this.uow.run(SYSTEM_ACTOR, (tx) => this.jobs.send(job, { submissionId, token }, tx, { startAfterSeconds: Math.ceil(retryAfterMs / 1000) }));
    this.logger.log(`AI grading of submission ${submissionId} rescheduled in ${Math.ceil(retryAfterMs / 1000)} s (rate limit)`);
  }
}

/** Claude's own verdict for its errors; our domain errors are final except a concurrent edit or an unavailable dependency; anything else (a lost connection) may pass. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AiError) return error.retryable;
  if (error instanceof DomainError) return error.kind === 'unavailable' || error.code === 'CONCURRENT_EDIT';
  return true;
}
