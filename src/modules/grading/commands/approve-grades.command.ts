import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { Grade } from '../grade.entity.js';
import { approveGrade } from '../grade.writes.js';
import { findGradableSubmission, findGradedAssignment } from '../grading.access.js';
import type { ApproveGradesResultDto } from '../grading.dto.js';
import { FlaggedGradesError, GradingClosedError } from '../grading.errors.js';
import { canTransition } from '../grading.rules.js';

/**
 * A teacher approves several grades of one assignment at once (the review queue's "approve all"):
 * all or nothing. Every id must be a grade of this assignment (else 404 naming the ids) whose
 * submission can move to reviewed (else 409 naming them) and which is not flagged (else 409
 * FLAGGED_GRADES naming them: those are approved one by one); approved ones are left as they are.
 */
export class ApproveGradesCommand extends Command<ApproveGradesResultDto> {
  constructor(
    readonly actor: Actor,
    readonly assignmentId: string,
    readonly gradeIds: string[],
  ) {
    super();
  }
}

@CommandHandler(ApproveGradesCommand)
export class ApproveGradesHandler implements ICommandHandler<ApproveGradesCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, assignmentId, gradeIds }: ApproveGradesCommand): Promise<ApproveGradesResultDto> {
    return this.uow.run(actor, async (tx) => {
      const assignment = await findGradedAssignment(tx.manager, actor, assignmentId, { lock: true });
      if (assignment.archived) throw new GradingClosedError();
      // Submissions are locked in id order, so two bulk approvals never deadlock.
      const found: Array<{ grade_id: string; submission_id: string }> = await tx.manager.query(
        `SELECT g.id AS grade_id, s.id AS submission_id
           FROM grades g JOIN submissions s ON s.id = g.submission_id
          WHERE g.id = ANY($1::uuid[]) AND s.assignment_id = $2
          ORDER BY s.id
            FOR NO KEY UPDATE OF s`,
        [gradeIds, assignmentId],
      );
      const known = new Set(found.map((row) => row.grade_id));
      const unknown = gradeIds.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new DomainError(
          'not_found',
          'NOT_FOUND',
          `Grade not found in this assignment: ${unknown.join(', ')}`,
          unknown.map((id) => ({ field: `gradeIds[${gradeIds.indexOf(id)}]`, message: `${id} is not a grade of this assignment` })),
        );
      }

      const grades = tx.manager.getRepository(Grade);
      const work = [];
      for (const row of found) {
        const submission = await findGradableSubmission(tx.manager, actor, row.submission_id);
        const grade = await grades.findOneByOrFail({ id: row.grade_id });
        work.push({ grade, submission });
      }
      const blocked = work.filter(({ grade, submission }) => !grade.teacherApproved && submission.status !== 'reviewed' && !canTransition(submission.status, 'reviewed'));
      if (blocked.length > 0) {
        throw new DomainError(
          'conflict',
          'ILLEGAL_STATUS_TRANSITION',
          `These grades cannot be approved now, because their submissions cannot go to reviewed: ${blocked.map(({ grade, submission }) => `${grade.id} (${submission.status})`).join(', ')}`,
          blocked.map(({ grade, submission }) => ({ field: `gradeIds[${gradeIds.indexOf(grade.id)}]`, message: `its submission is ${submission.status} and cannot go from ${submission.status} to reviewed` })),
        );
      }

      // Flagged AI grades (text addressed to the grader, illegible work, ...) are approved one by one, after a teacher looked.
      const flagged = work.filter(({ grade }) => !grade.teacherApproved && grade.flags.length > 0);
      if (flagged.length > 0) throw new FlaggedGradesError(flagged.map(({ grade }) => ({ gradeId: grade.id, field: `gradeIds[${gradeIds.indexOf(grade.id)}]`, flags: grade.flags })));

      const approved: string[] = [];
      const alreadyApproved: string[] = [];
      for (const { grade, submission } of work) {
        if (grade.teacherApproved) {
          alreadyApproved.push(grade.id);
          continue;
        }
        await approveGrade(tx, grade, submission, actor.userId);
        approved.push(grade.id);
      }
      const order = (ids: string[]) => gradeIds.filter((id) => ids.includes(id));
      return { approved: order(approved), alreadyApproved: order(alreadyApproved) };
    });
  }
}
