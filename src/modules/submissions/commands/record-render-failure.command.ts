import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SYSTEM_ACTOR } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { SubmissionStatusChanged, type SubmissionStatus } from '../submissions.events.js';

/** A page of the submission's PDF cannot be drawn: the submission goes to `error` with the reason, and its upload to `failed`. */
export class RecordRenderFailureCommand extends Command<void> {
  constructor(
    readonly submissionId: string,
    readonly reason: string,
  ) {
    super();
  }
}

@CommandHandler(RecordRenderFailureCommand)
export class RecordRenderFailureHandler implements ICommandHandler<RecordRenderFailureCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute({ submissionId, reason }: RecordRenderFailureCommand): Promise<void> {
    await this.uow.run(SYSTEM_ACTOR, async (tx) => {
      const [submission]: Array<{ version: number; status: SubmissionStatus; assignment_id: string; class_id: string; upload_id: string; owner_id: string }> = await tx.manager.query(
        `SELECT s.version, s.status, s.assignment_id, a.class_id, s.upload_id, c.user_id AS owner_id
           FROM submissions s JOIN assignments a ON a.id = s.assignment_id JOIN classes c ON c.id = a.class_id
          WHERE s.id = $1 FOR NO KEY UPDATE OF s`,
        [submissionId],
      );
      if (!submission || submission.status === 'error') return;
      await tx.manager.query(`UPDATE submissions SET status = 'error', error_message = $2, version = version + 1 WHERE id = $1`, [submissionId, reason.slice(0, 1000)]);
      await tx.manager.query(`UPDATE uploads SET status = 'failed', completed_at = now() WHERE id = $1 AND status = 'processing'`, [submission.upload_id]);
      tx.record(
        SubmissionStatusChanged,
        submissionId,
        { submissionId, assignmentId: submission.assignment_id, classId: submission.class_id, ownerId: submission.owner_id, from: submission.status, to: 'error' },
        { expectedVersion: submission.version },
      );
    });
  }
}
