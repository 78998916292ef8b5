import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConcurrencyError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { type Transaction, UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { Grade } from '../grade.entity.js';
import { approveGrade, gradeOf, moveSubmission, type ScoresInput, scoreSubmission } from '../grade.writes.js';
import { findGradableSubmission, type GradableSubmission } from '../grading.access.js';
import { type GradeDto, toGradeDto } from '../grading.dto.js';
import { GradingClosedError } from '../grading.errors.js';
import { GradeEdited, GradeRecorded } from '../grading.events.js';
import { assertTransition, checkAiFields, gradeChanges, gradeScores, toCents } from '../grading.rules.js';

/** What the AI grader proposes for a piece of work, after its answer was checked against the tool schema. */
export interface GradeProposal extends ScoresInput {
  feedbackText: string | null;
  aiConfidence: number;
  aiModel: string;
  /** Transcription, per-criterion reasoning and evidence, token counts, request id: stored with the grade, never in events. */
  aiReasoning: Record<string, any>;
  flags: string[];
}

/**
 * The AI grader's write path: stores a proposal (checked against the rubric version or answer key
 * exactly like a teacher's grade), unapproved until a teacher approves it, and moves the submission
 * grading → graded. A regrade replaces the previous grade and records GradeEdited with before and
 * after. Claude is called before this command, never inside its transaction.
 */
export class ProposeGradeCommand extends Command<GradeDto> {
  constructor(
    readonly actor: Actor,
    readonly submissionId: string,
    readonly proposal: GradeProposal,
  ) {
    super();
  }
}

@CommandHandler(ProposeGradeCommand)
export class ProposeGradeHandler implements ICommandHandler<ProposeGradeCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * Auto-approval, off by default: when the assignment has a threshold, an unflagged proposal whose
   * confidence reaches it is approved in the same transaction (GradeApproved with `auto: true`, no
   * approver). Flagged work always waits for a teacher.
   */
  private async autoApprove(tx: Transaction, grade: Grade, submission: GradableSubmission): Promise<void> {
    if (grade.flags.length > 0 || grade.aiConfidence === null) return;
    const [row]: Array<{ auto_approve_threshold: string | null }> = await tx.manager.query(`SELECT auto_approve_threshold FROM assignments WHERE id = $1`, [submission.assignmentId]);
    if (row?.auto_approve_threshold == null || toCents(grade.aiConfidence) < toCents(Number(row.auto_approve_threshold))) return;
    await approveGrade(tx, grade, submission, null, { auto: true });
  }

  execute({ actor, submissionId, proposal }: ProposeGradeCommand): Promise<GradeDto> {
    checkAiFields(proposal);
    return this.uow.run(actor, async (tx) => {
      const submission = await findGradableSubmission(tx.manager, actor, submissionId, { lock: true });
      if (submission.archived) throw new GradingClosedError();
      assertTransition(submission.status, 'graded');
      const scored = await scoreSubmission(tx.manager, submission, proposal);
      const existing = await gradeOf(tx.manager, submissionId);
      const grades = tx.manager.getRepository(Grade);
      const fields = {
        ...scored,
        feedbackText: proposal.feedbackText,
        teacherNotes: existing?.teacherNotes ?? null,
        source: 'ai' as const,
        aiConfidence: proposal.aiConfidence,
        aiModel: proposal.aiModel,
        aiReasoning: proposal.aiReasoning,
        flags: proposal.flags,
        teacherApproved: false,
        teacherModified: false,
        approvedAt: null,
        approvedBy: null,
      };
      const common = { submissionId, assignmentId: submission.assignmentId, classId: submission.classId, ownerId: submission.ownerId };

      let gradeId: string;
      if (!existing) {
        const inserted = await grades.insert({ submissionId, ...fields, version: 1 });
        const grade = await grades.findOneByOrFail({ id: inserted.identifiers[0].id as string });
        gradeId = grade.id;
        tx.record(
          GradeRecorded,
          grade.id,
          {
            gradeId,
            ...common,
            source: 'ai',
            mode: submission.gradingMode,
            rubricVersionId: grade.rubricVersionId,
            teacherApproved: false,
            aiConfidence: grade.aiConfidence,
            aiModel: grade.aiModel,
            flags: grade.flags,
            ...gradeScores(grade),
          },
          { expectedVersion: 0 },
        );
      } else {
        gradeId = existing.id;
        const result = await grades.update({ id: existing.id, version: existing.version }, { ...fields, version: existing.version + 1 });
        if (result.affected !== 1) throw new ConcurrencyError();
        const updated = await grades.findOneByOrFail({ id: existing.id });
        tx.record(
          GradeEdited,
          existing.id,
          {
            gradeId,
            ...common,
            source: 'ai',
            changed: gradeChanges(existing, updated),
            before: gradeScores(existing),
            after: gradeScores(updated),
            rubricVersionId: updated.rubricVersionId,
            teacherModified: false,
            teacherApproved: false,
          },
          { expectedVersion: existing.version },
        );
      }
      const graded = await moveSubmission(tx, submission, 'graded', { checked: true });
      await this.autoApprove(tx, await grades.findOneByOrFail({ id: gradeId }), graded);
      return toGradeDto(await grades.findOneByOrFail({ id: gradeId }));
    });
  }
}
