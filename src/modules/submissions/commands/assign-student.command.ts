import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { findOwnedSubmission } from '../submissions.access.js';
import { SUBMISSION_SELECT, type SubmissionDto, type SubmissionRow, toSubmissionDto } from '../submissions.dto.js';
import { AssignmentArchivedError, StudentNotInClassError, SubmissionVersionMismatchError } from '../submissions.errors.js';
import { SubmissionMatched } from '../submissions.events.js';

/**
 * The teacher says whose work this is: from the matching queue, or to correct an earlier match
 * (SubmissionMatched then names the previous student). Assigning the current student changes nothing.
 */
export class AssignStudentCommand extends Command<SubmissionDto> {
  constructor(
    readonly actor: Actor,
    readonly submissionId: string,
    readonly studentId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(AssignStudentCommand)
export class AssignStudentHandler implements ICommandHandler<AssignStudentCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, submissionId, studentId, expectedVersion }: AssignStudentCommand): Promise<SubmissionDto> {
    return this.uow.run(actor, async (tx) => {
      const submission = await findOwnedSubmission(tx.manager, actor.userId, submissionId, { lock: true });
      if (expectedVersion !== undefined && expectedVersion !== submission.version) throw new SubmissionVersionMismatchError(submission.version, expectedVersion);
      if (submission.assignmentArchived) throw new AssignmentArchivedError();
      const inClass: unknown[] = await tx.manager.query(`SELECT 1 FROM students WHERE id = $1 AND class_id = $2 FOR SHARE`, [studentId, submission.classId]);
      if (inClass.length === 0) throw new StudentNotInClassError();
      if (submission.studentId !== studentId) {
        await tx.manager.query(
          `UPDATE submissions SET student_id = $2, student_name = NULL, match_status = 'matched', match_method = 'teacher', match_candidates = '[]'::jsonb, version = version + 1 WHERE id = $1`,
          [submissionId, studentId],
        );
        tx.record(
          SubmissionMatched,
          submissionId,
          { submissionId, assignmentId: submission.assignmentId, classId: submission.classId, ownerId: submission.ownerId, studentId, previousStudentId: submission.studentId, method: 'teacher' },
          { expectedVersion: submission.version },
        );
      }
      const [row]: SubmissionRow[] = await tx.manager.query(`${SUBMISSION_SELECT} WHERE s.id = $1`, [submissionId]);
      return toSubmissionDto(row);
    });
  }
}
