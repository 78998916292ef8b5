import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ValidationFailedError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import type { SubmissionStatus } from '../../submissions/submissions.events.js';
import { moveSubmission } from '../grade.writes.js';
import { findGradableSubmission } from '../grading.access.js';
import type { SubmissionStatusDto } from '../grading.dto.js';
import { GradingClosedError, SubmissionVersionMismatchError } from '../grading.errors.js';
import { assertTransition } from '../grading.rules.js';

/**
 * Moves a submission along the grading status machine (grading.rules.ts): a teacher marks work as
 * failed (error, with a message) or retries it (error → pending); the AI grader's jobs use the same
 * command for pending → grading and for their own errors. Illegal moves answer 409 naming from and to.
 */
export class ChangeSubmissionStatusCommand extends Command<SubmissionStatusDto> {
  constructor(
    readonly actor: Actor,
    readonly submissionId: string,
    readonly to: SubmissionStatus,
    readonly message?: string,
    /** From If-Match: the submission version the caller last read. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(ChangeSubmissionStatusCommand)
export class ChangeSubmissionStatusHandler implements ICommandHandler<ChangeSubmissionStatusCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, submissionId, to, message, expectedVersion }: ChangeSubmissionStatusCommand): Promise<SubmissionStatusDto> {
    const text = message?.trim();
    if (to === 'error' && !text) throw new ValidationFailedError('Invalid request: say what went wrong in message', [{ field: 'message', message: 'message is required with status error' }]);
    if (to !== 'error' && message !== undefined) throw new ValidationFailedError('Invalid request: message is only for status error', [{ field: 'message', message: 'message is only for status error' }]);
    return this.uow.run(actor, async (tx) => {
      const submission = await findGradableSubmission(tx.manager, actor, submissionId, { lock: true });
      if (submission.archived) throw new GradingClosedError();
      if (expectedVersion !== undefined && expectedVersion !== submission.version) {
        throw new SubmissionVersionMismatchError(submission.version, expectedVersion);
      }
      assertTransition(submission.status, to);
      const moved = await moveSubmission(tx, submission, to, { message: text, checked: true });
      return { id: submissionId, assignmentId: submission.assignmentId, status: moved.status, errorMessage: to === 'error' ? text! : null, version: moved.version };
    });
  }
}
