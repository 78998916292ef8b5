import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { Grade } from '../grade.entity.js';
import { approveGrade, gradeOf } from '../grade.writes.js';
import { findGradableSubmission, findSubmissionOfGrade } from '../grading.access.js';
import { type GradeDto, toGradeDto } from '../grading.dto.js';
import { GradingClosedError, GradeVersionMismatchError } from '../grading.errors.js';

/**
 * A teacher approves a grade as it stands (typically an AI proposal): GradeApproved, and the
 * submission moves graded → reviewed. Approving an approved grade changes nothing. With If-Match,
 * only if the grade is still at that version.
 */
export class ApproveGradeCommand extends Command<GradeDto> {
  constructor(
    readonly actor: Actor,
    readonly gradeId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(ApproveGradeCommand)
export class ApproveGradeHandler implements ICommandHandler<ApproveGradeCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, gradeId, expectedVersion }: ApproveGradeCommand): Promise<GradeDto> {
    return this.uow.run(actor, async (tx) => {
      const submissionId = await findSubmissionOfGrade(tx.manager, actor, gradeId);
      const submission = await findGradableSubmission(tx.manager, actor, submissionId, { lock: true });
      const grade = await gradeOf(tx.manager, submissionId);
      // Read again under the submission's lock (the submission may have been deleted meanwhile).
      if (!grade || grade.id !== gradeId) throw new NotFoundError('Grade');
      if (submission.archived) throw new GradingClosedError();
      if (expectedVersion !== undefined && grade.version !== expectedVersion) throw new GradeVersionMismatchError(grade.version, expectedVersion);
      if (!grade.teacherApproved) await approveGrade(tx, grade, submission, actor.userId);
      return toGradeDto(await tx.manager.getRepository(Grade).findOneByOrFail({ id: gradeId }));
    });
  }
}
