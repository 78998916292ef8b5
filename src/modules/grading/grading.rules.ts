import { type AnswerKey, answerKeyQuestions, scoreAnswerKey } from '../../../libs/answer-key/answer-key.js';
import { type ErrorDetail, ValidationFailedError } from '../../../libs/errors/domain-error.js';
import type { RubricCriterion } from '../rubrics/rubrics.events.js';
import type { SubmissionStatus } from '../submissions/submissions.events.js';
import type { GradeScores, ScoredPart } from './grading.events.js';
import { IllegalSubmissionTransitionError } from './grading.errors.js';

/** Pure rules of grading: the submission status machine, scoring against a rubric version or an answer key, and exact point arithmetic. */

// ---- submission status machine ----

/**
 * pending → grading → graded → reviewed; pending or grading → error (with a message); error →
 * pending (retry); graded or reviewed → grading (regrade). A teacher's own grade is reviewed by
 * definition, so manual grading also moves pending, error and graded straight to reviewed
 * (TEACHER_GRADE_FROM); grading work the AI grader is busy with is refused.
 */
export const SUBMISSION_TRANSITIONS: Readonly<Record<SubmissionStatus, readonly SubmissionStatus[]>> = {
  pending: ['grading', 'error'],
  grading: ['graded', 'error'],
  graded: ['reviewed', 'grading'],
  reviewed: ['grading'],
  error: ['pending'],
};

/** The statuses from which a teacher's own grade moves the submission to reviewed (reviewed itself stays). */
export const TEACHER_GRADE_FROM: readonly SubmissionStatus[] = ['pending', 'error', 'graded'];

export function canTransition(from: SubmissionStatus, to: SubmissionStatus): boolean {
  return SUBMISSION_TRANSITIONS[from].includes(to);
}

/** The move, or a 409 naming from and to. */
export function assertTransition(from: SubmissionStatus, to: SubmissionStatus): void {
  if (!canTransition(from, to)) throw new IllegalSubmissionTransitionError(from, to, SUBMISSION_TRANSITIONS[from]);
}

/** Where a teacher's own grade takes the submission: reviewed, or null when it already is. */
export function statusAfterTeacherGrade(from: SubmissionStatus): SubmissionStatus | null {
  if (from === 'reviewed') return null;
  if (!TEACHER_GRADE_FROM.includes(from)) throw new IllegalSubmissionTransitionError(from, 'reviewed', SUBMISSION_TRANSITIONS[from]);
  return 'reviewed';
}

// ---- exact arithmetic: points have at most 2 decimals, so they are summed as whole cents ----

export function toCents(value: number): number {
  return Math.round(value * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/** round(numerator / denominator) with halves rounded up, in integers (both non-negative, denominator > 0). */
export function divideRoundingHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** grades.percentage exactly as the generated column computes it: round(total / max × 100, 2). */
export function percentageOf(totalScore: number, maxScore: number): number {
  return fromCents(divideRoundingHalfUp(toCents(totalScore) * 10_000, toCents(maxScore)));
}

function hasTwoDecimalsAtMost(value: number): boolean {
  return Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;
}

// ---- rubric mode ----

/** A criterion score as sent by a teacher (or the AI grader). */
export interface CriterionScoreInput {
  criterionId: string;
  score: number;
  reasoning?: string | null;
}

/** A criterion score as stored in grades.criteria_scores (the seed's JSON shape, snake_case). */
export interface StoredCriterionScore {
  criterion_id: string;
  criterion_name: string;
  score: number;
  max_score: number;
  reasoning: string | null;
}

export interface RubricScore {
  criteriaScores: StoredCriterionScore[];
  totalScore: number;
  maxScore: number;
}

function describeCriterion(criterion: RubricCriterion): string {
  return `${criterion.id} (${criterion.name})`;
}

function levelList(criterion: RubricCriterion): string {
  return [...new Set(criterion.levels.map((level) => level.points))].sort((a, b) => b - a).join(', ');
}

/**
 * Checks criterion scores against a rubric version: every criterion exactly once, each score within
 * 0..max_points and equal to the points of one of that criterion's levels. Returns the scores in
 * the rubric's criterion order with the total, or a 400 whose details name every bad criterion.
 */
export function scoreRubric(criteria: readonly RubricCriterion[], input: readonly CriterionScoreInput[], field = 'criteriaScores'): RubricScore {
  const problems: ErrorDetail[] = [];
  const byId = new Map(criteria.map((criterion) => [criterion.id, criterion]));
  const given = new Map<string, { index: number; input: CriterionScoreInput }>();

  input.forEach((item, index) => {
    const at = `${field}[${index}]`;
    const criterion = byId.get(item.criterionId);
    if (!criterion) {
      problems.push({ field: `${at}.criterionId`, message: `"${item.criterionId.slice(0, 64)}" is not a criterion of this rubric; its criteria are ${criteria.map(describeCriterion).join(', ')}` });
      return;
    }
    if (given.has(item.criterionId)) {
      problems.push({ field: `${at}.criterionId`, message: `criterion ${describeCriterion(criterion)} is scored twice (also at ${field}[${given.get(item.criterionId)!.index}]); score every criterion exactly once` });
      return;
    }
    given.set(item.criterionId, { index, input: item });
    const score = item.score;
    const name = describeCriterion(criterion);
    if (!Number.isFinite(score) || score < 0) problems.push({ field: `${at}.score`, message: `criterion ${name}: ${score} is below 0; scores go from 0 to ${criterion.max_points}` });
    else if (score > criterion.max_points) problems.push({ field: `${at}.score`, message: `criterion ${name}: ${score} is above its maximum of ${criterion.max_points}` });
    else if (!criterion.levels.some((level) => toCents(level.points) === toCents(score)) || !hasTwoDecimalsAtMost(score)) {
      problems.push({ field: `${at}.score`, message: `criterion ${name}: ${score} is not on one of its levels; allowed scores are ${levelList(criterion)}` });
    }
  });
  for (const criterion of criteria) {
    if (!given.has(criterion.id)) problems.push({ field, message: `criterion ${describeCriterion(criterion)} is missing; score every criterion exactly once` });
  }
  if (problems.length > 0) throw invalidScores(problems);

  const criteriaScores = criteria.map((criterion) => {
    const item = given.get(criterion.id)!.input;
    return { criterion_id: criterion.id, criterion_name: criterion.name, score: fromCents(toCents(item.score)), max_score: criterion.max_points, reasoning: item.reasoning ?? null };
  });
  return {
    criteriaScores,
    totalScore: fromCents(criteriaScores.reduce((sum, score) => sum + toCents(score.score), 0)),
    maxScore: fromCents(criteria.reduce((sum, criterion) => sum + toCents(criterion.max_points), 0)),
  };
}

// ---- answer-key mode ----

/** A teacher's score for one question, replacing what the key gave the answer. */
export interface QuestionScoreInput {
  question: number;
  score: number;
}

/** One question's result as stored in grades.answers (snake_case, like criteria_scores). */
export interface StoredAnswer {
  question: number;
  /** The student's typed or transcribed answer; null when there was none. */
  given: string | null;
  expected: string;
  correct: boolean;
  points: number;
  max_points: number;
  /** The teacher set the points instead of the key. */
  overridden: boolean;
}

export interface AnswerKeyGrade {
  answers: StoredAnswer[];
  totalScore: number;
  maxScore: number;
}

/**
 * Scores typed answers against the key deterministically (libs/answer-key: normalised text,
 * numeric tolerance), then applies the teacher's per-question overrides (partial credit, or a
 * correct answer the key did not foresee). Without answers, every question needs an override.
 */
export function scoreAnswers(key: AnswerKey, answers: ReadonlyArray<string | null> | undefined, overrides: readonly QuestionScoreInput[] | undefined): AnswerKeyGrade {
  const questions = answerKeyQuestions(key);
  const problems: ErrorDetail[] = [];
  if (answers === undefined && overrides === undefined) {
    problems.push({ field: 'answers', message: 'send the answers to score against the key, questionScores for every question, or both' });
  }
  if (answers !== undefined && answers.length > questions.length) {
    problems.push({ field: 'answers', message: `the answer key has ${questions.length} questions but ${answers.length} answers were sent` });
  }
  const overridden = new Map<number, number>();
  (overrides ?? []).forEach((item, index) => {
    const at = `questionScores[${index}]`;
    const question = questions[item.question - 1];
    if (!Number.isInteger(item.question) || !question) {
      problems.push({ field: `${at}.question`, message: `question ${item.question} does not exist; the answer key has questions 1 to ${questions.length}` });
      return;
    }
    if (overridden.has(item.question)) {
      problems.push({ field: `${at}.question`, message: `question ${item.question} is scored twice; score each question at most once` });
      return;
    }
    overridden.set(item.question, item.score);
    if (!Number.isFinite(item.score) || item.score < 0 || item.score > question.points) {
      problems.push({ field: `${at}.score`, message: `question Q${item.question}: ${item.score} is outside 0 to ${question.points}, the points it is worth` });
    } else if (!hasTwoDecimalsAtMost(item.score)) {
      problems.push({ field: `${at}.score`, message: `question Q${item.question}: ${item.score} has more than 2 decimals` });
    }
  });
  if (answers === undefined && overrides !== undefined) {
    for (const question of questions) {
      if (!overridden.has(question.question)) problems.push({ field: 'questionScores', message: `question Q${question.question} is missing: without answers, score every question` });
    }
  }
  if (problems.length > 0) throw invalidScores(problems);

  const given = (answers ?? []).map((answer) => (answer === null || answer.trim() === '' ? null : answer));
  const scored = scoreAnswerKey(key, given);
  const results: StoredAnswer[] = scored.questions.map((question) => {
    const override = overridden.get(question.question);
    const points = override === undefined ? question.points : fromCents(toCents(override));
    return { question: question.question, given: question.given, expected: question.expected, correct: question.correct, points, max_points: question.maxPoints, overridden: override !== undefined };
  });
  return {
    answers: results,
    totalScore: fromCents(results.reduce((sum, result) => sum + toCents(result.points), 0)),
    maxScore: scored.maxPoints,
  };
}

/** Question n's name in events, stats and the CSV export. */
export function questionId(question: number): string {
  return `Q${question}`;
}

// ---- what events say about a grade ----

/** The scores of a grade as events carry them (rubric criteria, or questions named Q1 … Qn). */
export function gradeScores(grade: { totalScore: number; maxScore: number; percentage: number; criteriaScores: StoredCriterionScore[] | null; answers: StoredAnswer[] | null }): GradeScores {
  const criteria: ScoredPart[] = grade.criteriaScores
    ? grade.criteriaScores.map((score) => ({ criterionId: score.criterion_id, score: score.score, maxScore: score.max_score }))
    : (grade.answers ?? []).map((answer) => ({ criterionId: questionId(answer.question), score: answer.points, maxScore: answer.max_points }));
  return { totalScore: grade.totalScore, maxScore: grade.maxScore, percentage: grade.percentage, criteria };
}

function invalidScores(problems: ErrorDetail[]): ValidationFailedError {
  return new ValidationFailedError(`The scores do not fit the assignment: ${problems.map((p) => p.message).join('; ')}`, problems);
}

// ---- export ----

/** A file name from an assignment title: letters, digits and dashes, never empty. */
export function exportFileName(title: string): string {
  const base =
    title
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase()
      .slice(0, 80)
      .replace(/-+$/, '') || 'assignment';
  return `${base}-grades.csv`;
}

// ---- what an edit changed ----

/** The parts of a grade an edit can change. */
export interface GradeContent {
  rubricVersionId: string | null;
  criteriaScores: StoredCriterionScore[] | null;
  answers: StoredAnswer[] | null;
  feedbackText: string | null;
  teacherNotes: string | null;
}

/** The same scores whatever the key order of their JSON (jsonb does not keep it). */
function canonicalCriteria(scores: StoredCriterionScore[] | null): string {
  return JSON.stringify(scores?.map((s) => [s.criterion_id, s.criterion_name, toCents(s.score), toCents(s.max_score), s.reasoning ?? null]) ?? null);
}

function canonicalAnswers(answers: StoredAnswer[] | null): string {
  return JSON.stringify(answers?.map((a) => [a.question, a.given, a.expected, a.correct, toCents(a.points), toCents(a.max_points), a.overridden]) ?? null);
}

/** API field names whose values differ between two versions of a grade. */
export function gradeChanges(before: GradeContent, after: GradeContent): string[] {
  const changed: string[] = [];
  if (canonicalCriteria(before.criteriaScores) !== canonicalCriteria(after.criteriaScores)) changed.push('criteriaScores');
  if (canonicalAnswers(before.answers) !== canonicalAnswers(after.answers)) changed.push('answers');
  if (before.rubricVersionId !== after.rubricVersionId) changed.push('rubricVersionId');
  if (before.feedbackText !== after.feedbackText) changed.push('feedbackText');
  if (before.teacherNotes !== after.teacherNotes) changed.push('teacherNotes');
  return changed;
}

// ---- AI proposals ----

const FLAG = /^[a-z_]{1,64}$/;

/** What the AI grader adds to a grade, checked before anything is stored. */
export function checkAiFields(fields: { aiConfidence: number; aiModel: string; flags: readonly string[] }): void {
  const problems: ErrorDetail[] = [];
  if (!Number.isFinite(fields.aiConfidence) || fields.aiConfidence < 0 || fields.aiConfidence > 1) problems.push({ field: 'aiConfidence', message: 'aiConfidence must be between 0 and 1' });
  if (fields.aiModel.trim() === '' || fields.aiModel.length > 200) problems.push({ field: 'aiModel', message: 'aiModel must name the model (1 to 200 characters)' });
  fields.flags.forEach((flag, index) => {
    if (!FLAG.test(flag)) problems.push({ field: `flags[${index}]`, message: 'a flag is 1 to 64 lower-case letters or "_"' });
  });
  if (problems.length > 0) throw new ValidationFailedError(`The AI grade is invalid: ${problems.map((p) => p.message).join('; ')}`, problems);
}
