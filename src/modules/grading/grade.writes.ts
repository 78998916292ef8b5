import type { EntityManager } from 'typeorm';
import { ConcurrencyError } from '../../../libs/errors/domain-error.js';
import type { Transaction } from '../../../libs/event-store/unit-of-work.js';
import { type SubmissionStatus, SubmissionStatusChanged } from '../submissions/submissions.events.js';
import { Grade } from './grade.entity.js';
import { GradeApproved } from './grading.events.js';
import { type GradableSubmission, rubricCriteria } from './grading.access.js';
import { WrongGradingModeError } from './grading.errors.js';
import { assertTransition, type CriterionScoreInput, type QuestionScoreInput, scoreAnswers, scoreRubric, type StoredAnswer, type StoredCriterionScore } from './grading.rules.js';

/** The grade of a submission, if it has one (read after the submission row is locked, so it cannot change meanwhile). */
export function gradeOf(manager: EntityManager, submissionId: string): Promise<Grade | null> {
  return manager.getRepository(Grade).findOneBy({ submissionId });
}

/**
 * Moves a submission to `to` (checked against the status machine unless the caller already did),
 * with the row's version checked and bumped, and records SubmissionStatusChanged. The submissions
 * table belongs to the submissions module; grading changes only its status columns, with SQL.
 */
export async function moveSubmission(tx: Transaction, submission: GradableSubmission, to: SubmissionStatus, options: { message?: string; checked?: boolean } = {}): Promise<GradableSubmission> {
  if (!options.checked) assertTransition(submission.status, to);
  const result: [unknown[], number] = await tx.manager.query(
    `UPDATE submissions
        SET status = $3,
            version = version + 1,
            -- A teacher's own grade completes the grading as well as the review.
            graded_at = CASE WHEN $3 = 'graded' OR ($3 = 'reviewed' AND graded_at IS NULL) THEN now() ELSE graded_at END,
            reviewed_at = CASE WHEN $3 = 'reviewed' THEN now() ELSE reviewed_at END,
            error_message = CASE WHEN $3 = 'error' THEN $4::text END
      WHERE id = $1 AND version = $2`,
    [submission.submissionId, submission.version, to, options.message ?? null],
  );
  if (result[1] !== 1) throw new ConcurrencyError();
  tx.record(
    SubmissionStatusChanged,
    submission.submissionId,
    // classId: the teacher dashboard counts pending work per class.
    { submissionId: submission.submissionId, assignmentId: submission.assignmentId, classId: submission.classId, ownerId: submission.ownerId, from: submission.status, to },
    { expectedVersion: submission.version },
  );
  return { ...submission, status: to, version: submission.version + 1 };
}

/** The grade row's scores as stored: criteria in rubric mode, answers in answer-key mode. */
export interface ScoredWork {
  rubricVersionId: string | null;
  criteriaScores: StoredCriterionScore[] | null;
  answers: StoredAnswer[] | null;
  totalScore: number;
  maxScore: number;
}

/** Records GradeApproved for a grade whose row the caller has just marked approved. */
export function recordApproval(tx: Transaction, grade: Grade, submission: GradableSubmission, options: { teacherModified: boolean; percentage: number; expectedVersion: number; auto?: boolean }): void {
  tx.record(
    GradeApproved,
    grade.id,
    {
      gradeId: grade.id,
      submissionId: submission.submissionId,
      assignmentId: submission.assignmentId,
      classId: submission.classId,
      ownerId: submission.ownerId,
      source: grade.source,
      percentage: options.percentage,
      teacherModified: options.teacherModified,
      ...(options.auto ? { auto: true } : {}),
    },
    { expectedVersion: options.expectedVersion },
  );
}

/**
 * Approves a grade as it is (its submission locked by the caller) and moves the submission
 * graded → reviewed; any other status is a 409 and nothing is written.
 */
export async function approveGrade(tx: Transaction, grade: Grade, submission: GradableSubmission, approverId: string | null, options: { auto?: boolean } = {}): Promise<void> {
  if (submission.status !== 'reviewed') assertTransition(submission.status, 'reviewed');
  const result = await tx.manager
    .getRepository(Grade)
    .update({ id: grade.id, version: grade.version }, { teacherApproved: true, approvedAt: () => 'now()', approvedBy: approverId, version: grade.version + 1 });
  if (result.affected !== 1) throw new ConcurrencyError();
  recordApproval(tx, grade, submission, { teacherModified: grade.teacherModified, percentage: grade.percentage, expectedVersion: grade.version, auto: options.auto });
  if (submission.status !== 'reviewed') await moveSubmission(tx, submission, 'reviewed', { checked: true });
}

/** Scores as a command receives them: criteria (rubric mode), or answers and/or per-question overrides (answer-key mode). */
export interface ScoresInput {
  criteriaScores?: CriterionScoreInput[];
  answers?: string[];
  questionScores?: QuestionScoreInput[];
}

/** Scores the work against the assignment's pinned rubric version or its answer key (400 naming what does not fit). */
export async function scoreSubmission(manager: EntityManager, submission: GradableSubmission, input: ScoresInput): Promise<ScoredWork> {
  if (submission.gradingMode === 'rubric') {
    if (input.answers !== undefined || input.questionScores !== undefined || input.criteriaScores === undefined) throw new WrongGradingModeError('rubric');
    const criteria = await rubricCriteria(manager, submission.rubricVersionId!);
    const scored = scoreRubric(criteria, input.criteriaScores);
    return { rubricVersionId: submission.rubricVersionId, criteriaScores: scored.criteriaScores, answers: null, totalScore: scored.totalScore, maxScore: scored.maxScore };
  }
  if (input.criteriaScores !== undefined) throw new WrongGradingModeError('answer_key');
  const scored = scoreAnswers(submission.answerKey!, input.answers, input.questionScores);
  return { rubricVersionId: null, criteriaScores: null, answers: scored.answers, totalScore: scored.totalScore, maxScore: scored.maxScore };
}
