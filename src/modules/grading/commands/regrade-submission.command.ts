import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClaudeClient } from '../../../../libs/ai/claude-client.js';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { storageId } from '../../../../libs/storage/store-id.js';
import { claimOf, holdClaim } from '../ai-grading.claims.js';
import { moveSubmission } from '../grade.writes.js';
import { findGradableSubmission } from '../grading.access.js';
import type { SubmissionStatusDto } from '../grading.dto.js';
import { AiGradingDisabledError, AlreadyGradingError, GradingClosedError } from '../grading.errors.js';
import { gradeSubmissionJob } from '../grading.events.js';

/**
 * A teacher sends work back to the AI grader: graded or reviewed work (its grade is replaced by a
 * new, unapproved proposal, recorded as GradeEdited), failed work (error → pending → grading) or
 * work still waiting (pending → grading). The submission moves to grading and its job is enqueued in
 * the same transaction, holding the claim, so no other job grades it meanwhile. Work in grading is
 * refused (409) unless its grading attempt has been silent for STALE_CLAIM_MINUTES.
 */
export class RegradeSubmissionCommand extends Command<SubmissionStatusDto> {
  constructor(
    readonly actor: Actor,
    readonly submissionId: string,
  ) {
    super();
  }
}

@CommandHandler(RegradeSubmissionCommand)
export class RegradeSubmissionHandler implements ICommandHandler<RegradeSubmissionCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobQueue,
    private readonly claude: ClaudeClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ actor, submissionId }: RegradeSubmissionCommand): Promise<SubmissionStatusDto> {
    const job = gradeSubmissionJob(await storageId(this.config.storage.dir));
    return this.uow.run(actor, async (tx) => {
      let submission = await findGradableSubmission(tx.manager, actor, submissionId, { lock: true });
      if (!this.claude.enabled) throw new AiGradingDisabledError(this.claude.disabledReason ?? 'AI grading is disabled');
      if (submission.archived) throw new GradingClosedError();
      if (submission.status === 'grading') {
        // Work held by a grading attempt that died for good (its last retry cut short) is taken over; otherwise wait for it.
        const claim = await claimOf(tx, submissionId);
        if (claim && !claim.stale) throw new AlreadyGradingError();
      } else {
        if (submission.status === 'error') submission = await moveSubmission(tx, submission, 'pending');
        submission = await moveSubmission(tx, submission, 'grading');
      }
      const token = randomUUID();
      await holdClaim(tx, submissionId, token);
      await this.jobs.send(job, { submissionId, token }, tx);
      return { id: submissionId, assignmentId: submission.assignmentId, status: submission.status, errorMessage: null, version: submission.version };
    });
  }
}
