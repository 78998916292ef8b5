import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConcurrencyError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { type Transaction, UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { Grade } from '../grade.entity.js';
import { gradeOf, moveSubmission, recordApproval, type ScoredWork, type ScoresInput, scoreSubmission } from '../grade.writes.js';
import { findGradableSubmission, type GradableSubmission } from '../grading.access.js';
import { type GradeDto, toGradeDto } from '../grading.dto.js';
import { GradingClosedError, GradeVersionMismatchError } from '../grading.errors.js';
import { GradeEdited, GradeRecorded } from '../grading.events.js';
import { type GradeContent, gradeChanges, gradeScores, statusAfterTeacherGrade } from '../grading.rules.js';

export interface TeacherGradeInput extends ScoresInput {
  /** Absent keeps the current text; null clears it. */
  feedbackText?: string | null;
  teacherNotes?: string | null;
}

/**
 * A teacher grades a submission by hand, or changes its grade: scores checked against the
 * assignment's pinned rubric version (or scored against its answer key). The first grade records
 * GradeRecorded; a change records GradeEdited with the scores before and after; saving an AI
 * proposal approves it (GradeApproved). A teacher's own grade is reviewed by definition, so the
 * submission moves pending, error or graded → reviewed. With If-Match, only if the grade is still at
 * that version.
 */
export class RecordGradeCommand extends Command<GradeDto> {
  constructor(
    readonly actor: Actor,
    readonly submissionId: string,
    readonly input: TeacherGradeInput,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(RecordGradeCommand)
export class RecordGradeHandler implements ICommandHandler<RecordGradeCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, submissionId, input, expectedVersion }: RecordGradeCommand): Promise<GradeDto> {
    return this.uow.run(actor, async (tx) => {
      const submission = await findGradableSubmission(tx.manager, actor, submissionId, { lock: true });
      if (submission.archived) throw new GradingClosedError();
      const scored = await scoreSubmission(tx.manager, submission, input);
      const existing = await gradeOf(tx.manager, submissionId);
      if (expectedVersion !== undefined && existing?.version !== expectedVersion) throw new GradeVersionMismatchError(existing?.version ?? null, expectedVersion);
      const nextStatus = statusAfterTeacherGrade(submission.status);

      const gradeId = existing ? await this.change(tx, submission, existing, scored, input) : await this.create(tx, submission, scored, input);
      if (nextStatus) await moveSubmission(tx, submission, nextStatus, { checked: true });
      return toGradeDto(await tx.manager.getRepository(Grade).findOneByOrFail({ id: gradeId }));
    });
  }

  private async create(tx: Transaction, submission: GradableSubmission, scored: ScoredWork, input: TeacherGradeInput): Promise<string> {
    const grades = tx.manager.getRepository(Grade);
    const inserted = await grades.insert({
      submissionId: submission.submissionId,
      ...scored,
      feedbackText: input.feedbackText ?? null,
      teacherNotes: input.teacherNotes ?? null,
      source: 'teacher',
      teacherApproved: true,
      approvedAt: () => 'now()',
      approvedBy: tx.actor.userId,
      version: 1,
    });
    const grade = await grades.findOneByOrFail({ id: inserted.identifiers[0].id as string });
    tx.record(
      GradeRecorded,
      grade.id,
      {
        gradeId: grade.id,
        submissionId: submission.submissionId,
        assignmentId: submission.assignmentId,
        classId: submission.classId,
        ownerId: submission.ownerId,
        source: 'teacher',
        mode: submission.gradingMode,
        rubricVersionId: grade.rubricVersionId,
        teacherApproved: true,
        aiConfidence: null,
        aiModel: null,
        flags: [],
        ...gradeScores(grade),
      },
      { expectedVersion: 0 },
    );
    return grade.id;
  }

  /** Edits the grade (when anything differs) and approves it (when it was an unapproved proposal), in one row update. */
  private async change(tx: Transaction, submission: GradableSubmission, existing: Grade, scored: ScoredWork, input: TeacherGradeInput): Promise<string> {
    const next: GradeContent = {
      rubricVersionId: scored.rubricVersionId,
      criteriaScores: scored.criteriaScores,
      answers: scored.answers,
      feedbackText: input.feedbackText === undefined ? existing.feedbackText : input.feedbackText,
      teacherNotes: input.teacherNotes === undefined ? existing.teacherNotes : input.teacherNotes,
    };
    const changed = gradeChanges(existing, next);
    const approving = !existing.teacherApproved;
    if (changed.length === 0 && !approving) return existing.id;

    const grades = tx.manager.getRepository(Grade);
    const version = existing.version + (changed.length > 0 ? 1 : 0) + (approving ? 1 : 0);
    const result = await grades.update(
      { id: existing.id, version: existing.version },
      {
        ...next,
        totalScore: scored.totalScore,
        maxScore: scored.maxScore,
        teacherModified: existing.teacherModified || changed.length > 0,
        ...(approving ? { teacherApproved: true, approvedAt: () => 'now()', approvedBy: tx.actor.userId } : {}),
        version,
      },
    );
    if (result.affected !== 1) throw new ConcurrencyError();
    const updated = await grades.findOneByOrFail({ id: existing.id });

    if (changed.length > 0) {
      tx.record(
        GradeEdited,
        existing.id,
        {
          gradeId: existing.id,
          submissionId: submission.submissionId,
          assignmentId: submission.assignmentId,
          classId: submission.classId,
          ownerId: submission.ownerId,
          source: 'teacher',
          changed,
          before: gradeScores(existing),
          after: gradeScores(updated),
          rubricVersionId: updated.rubricVersionId,
          teacherModified: updated.teacherModified,
          teacherApproved: true,
        },
        { expectedVersion: existing.version },
      );
    }
    if (approving) {
      recordApproval(tx, existing, submission, { teacherModified: updated.teacherModified, percentage: updated.percentage, expectedVersion: version - 1 });
    }
    return existing.id;
  }
}
