import { describe, expect, it } from '@jest/globals';
import type { AnswerKey } from '../../../libs/answer-key/answer-key.js';
import { DomainError } from '../../../libs/errors/domain-error.js';
import type { RubricCriterion } from '../rubrics/rubrics.events.js';
import { SUBMISSION_STATUSES, type SubmissionStatus } from '../submissions/submissions.events.js';
import {
  assertTransition,
  canTransition,
  checkAiFields,
  divideRoundingHalfUp,
  exportFileName,
  gradeChanges,
  gradeScores,
  percentageOf,
  scoreAnswers,
  scoreRubric,
  statusAfterTeacherGrade,
  SUBMISSION_TRANSITIONS,
} from './grading.rules.js';

/** The seed's Math Problem Solving template. */
const MATH: RubricCriterion[] = [
  {
    id: 'crit_1',
    name: 'Correct Answer',
    max_points: 5,
    levels: [
      { points: 5, description: 'Completely correct' },
      { points: 3, description: 'Minor calculation error' },
      { points: 0, description: 'Incorrect or missing' },
    ],
  },
  {
    id: 'crit_2',
    name: 'Shows Work',
    max_points: 3,
    levels: [
      { points: 3, description: 'All steps shown clearly' },
      { points: 2, description: 'Most steps shown' },
      { points: 0, description: 'No work shown' },
    ],
  },
];

const KEY: AnswerKey = { type: 'mixed', total_questions: 3, points_per_question: 2, answers: ['42', { answer: '0.5', tolerance: 0.01, accept: ['1/2'] }, { answer: 'Photosynthesis', points: 3 }] };

/** The DomainError a function throws, for asserting on its kind and details. */
function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('submission status machine', () => {
  const legal: Array<[SubmissionStatus, SubmissionStatus]> = [
    ['pending', 'grading'],
    ['grading', 'graded'],
    ['graded', 'reviewed'],
    ['pending', 'error'],
    ['grading', 'error'],
    ['error', 'pending'],
    ['graded', 'grading'],
    ['reviewed', 'grading'],
  ];

  it('allows exactly the documented moves', () => {
    const allowed = SUBMISSION_STATUSES.flatMap((from) => SUBMISSION_STATUSES.filter((to) => canTransition(from, to)).map((to) => [from, to]));
    expect(allowed.sort()).toEqual([...legal].sort());
  });

  it('refuses every other move with a 409 naming from and to and where it could go', () => {
    for (const from of SUBMISSION_STATUSES) {
      for (const to of SUBMISSION_STATUSES) {
        if (legal.some(([a, b]) => a === from && b === to)) {
          expect(() => assertTransition(from, to)).not.toThrow();
          continue;
        }
        const error = failure(() => assertTransition(from, to));
        expect(error).toMatchObject({ kind: 'conflict', code: 'ILLEGAL_STATUS_TRANSITION' });
        expect(error.message).toContain(`from ${from} to ${to}`);
        expect(error.message).toContain(SUBMISSION_TRANSITIONS[from].join(' or '));
      }
    }
  });

  it('takes a teacher\'s own grade straight to reviewed, except while the AI grader is busy', () => {
    expect(statusAfterTeacherGrade('pending')).toBe('reviewed');
    expect(statusAfterTeacherGrade('error')).toBe('reviewed');
    expect(statusAfterTeacherGrade('graded')).toBe('reviewed');
    expect(statusAfterTeacherGrade('reviewed')).toBeNull();
    expect(failure(() => statusAfterTeacherGrade('grading')).message).toContain('from grading to reviewed');
  });
});

describe('scoring against a rubric version', () => {
  it('returns the scores in rubric order with their names, maxima and the total', () => {
    const scored = scoreRubric(MATH, [
      { criterionId: 'crit_2', score: 2, reasoning: 'Skipped the last step' },
      { criterionId: 'crit_1', score: 5 },
    ]);
    expect(scored).toEqual({
      criteriaScores: [
        { criterion_id: 'crit_1', criterion_name: 'Correct Answer', score: 5, max_score: 5, reasoning: null },
        { criterion_id: 'crit_2', criterion_name: 'Shows Work', score: 2, max_score: 3, reasoning: 'Skipped the last step' },
      ],
      totalScore: 7,
      maxScore: 8,
    });
  });

  it.each([
    ['an unknown criterion', [{ criterionId: 'crit_9', score: 1 }, { criterionId: 'crit_1', score: 5 }, { criterionId: 'crit_2', score: 3 }], 'criteriaScores[0].criterionId', '"crit_9" is not a criterion of this rubric'],
    ['a missing criterion', [{ criterionId: 'crit_1', score: 5 }], 'criteriaScores', 'criterion crit_2 (Shows Work) is missing'],
    ['a criterion scored twice', [{ criterionId: 'crit_1', score: 5 }, { criterionId: 'crit_1', score: 3 }, { criterionId: 'crit_2', score: 3 }], 'criteriaScores[1].criterionId', 'crit_1 (Correct Answer) is scored twice'],
    ['a score above the maximum', [{ criterionId: 'crit_1', score: 6 }, { criterionId: 'crit_2', score: 3 }], 'criteriaScores[0].score', 'criterion crit_1 (Correct Answer): 6 is above its maximum of 5'],
    ['a negative score', [{ criterionId: 'crit_1', score: -1 }, { criterionId: 'crit_2', score: 3 }], 'criteriaScores[0].score', 'criterion crit_1 (Correct Answer): -1 is below 0'],
    ['a score between levels', [{ criterionId: 'crit_1', score: 5 }, { criterionId: 'crit_2', score: 1 }], 'criteriaScores[1].score', 'criterion crit_2 (Shows Work): 1 is not on one of its levels; allowed scores are 3, 2, 0'],
  ])('refuses %s with a 400 naming the criterion', (_, input, field, message) => {
    const error = failure(() => scoreRubric(MATH, input));
    expect(error).toMatchObject({ kind: 'invalid', code: 'VALIDATION_FAILED' });
    expect(error.details).toEqual(expect.arrayContaining([{ field, message: expect.stringContaining(message) }]));
  });

  it('reports every problem at once', () => {
    const error = failure(() => scoreRubric(MATH, [{ criterionId: 'crit_1', score: 4 }]));
    expect(error.details.map((detail) => detail.field)).toEqual(['criteriaScores[0].score', 'criteriaScores']);
  });

  it('sums decimal levels exactly', () => {
    const halves: RubricCriterion[] = [0.1, 0.2].map((points, index) => ({ id: `c${index}`, name: `C${index}`, max_points: points, levels: [{ points, description: 'full' }] }));
    const scored = scoreRubric(halves, [{ criterionId: 'c0', score: 0.1 }, { criterionId: 'c1', score: 0.2 }]);
    expect(scored.totalScore).toBe(0.3);
    expect(scored.maxScore).toBe(0.3);
  });
});

describe('scoring typed answers against an answer key', () => {
  it('scores answers with the key\'s normalisation and tolerance', () => {
    const scored = scoreAnswers(KEY, [' 42. ', '0.505', 'photosynthesis'], undefined);
    expect(scored).toEqual({
      totalScore: 7,
      maxScore: 7,
      answers: [
        { question: 1, given: ' 42. ', expected: '42', correct: true, points: 2, max_points: 2, overridden: false },
        { question: 2, given: '0.505', expected: '0.5', correct: true, points: 2, max_points: 2, overridden: false },
        { question: 3, given: 'photosynthesis', expected: 'Photosynthesis', correct: true, points: 3, max_points: 3, overridden: false },
      ],
    });
  });

  it('treats blank and missing answers as unanswered', () => {
    const scored = scoreAnswers(KEY, ['41', ''], undefined);
    expect(scored.totalScore).toBe(0);
    expect(scored.answers.map((answer) => answer.given)).toEqual(['41', null, null]);
  });

  it('applies a teacher\'s per-question overrides on top of the key', () => {
    const scored = scoreAnswers(KEY, ['41', '1/2', 'respiration'], [{ question: 3, score: 1.5 }]);
    expect(scored.answers.map((answer) => [answer.points, answer.overridden])).toEqual([
      [0, false],
      [2, false],
      [1.5, true],
    ]);
    expect(scored.totalScore).toBe(3.5);
  });

  it('accepts overrides alone when they score every question', () => {
    expect(scoreAnswers(KEY, undefined, [1, 2, 3].map((question) => ({ question, score: 1 }))).totalScore).toBe(3);
    const error = failure(() => scoreAnswers(KEY, undefined, [{ question: 1, score: 1 }]));
    expect(error.details).toEqual([
      { field: 'questionScores', message: expect.stringContaining('question Q2 is missing') },
      { field: 'questionScores', message: expect.stringContaining('question Q3 is missing') },
    ]);
  });

  it('refuses too many answers, unknown questions and points beyond a question\'s worth', () => {
    const error = failure(() => scoreAnswers(KEY, ['1', '2', '3', '4'], [{ question: 4, score: 1 }, { question: 1, score: 2.5 }, { question: 1, score: 1 }]));
    expect(error.details).toEqual([
      { field: 'answers', message: 'the answer key has 3 questions but 4 answers were sent' },
      { field: 'questionScores[0].question', message: expect.stringContaining('question 4 does not exist') },
      { field: 'questionScores[1].score', message: expect.stringContaining('question Q1: 2.5 is outside 0 to 2') },
      { field: 'questionScores[2].question', message: expect.stringContaining('question 1 is scored twice') },
    ]);
    expect(failure(() => scoreAnswers(KEY, undefined, undefined)).details[0].field).toBe('answers');
  });
});

describe('grade arithmetic', () => {
  it('computes the percentage exactly as the generated column rounds it', () => {
    expect(percentageOf(7, 8)).toBe(87.5);
    expect(percentageOf(2, 3)).toBe(66.67);
    expect(percentageOf(1, 3)).toBe(33.33);
    expect(percentageOf(0.1, 0.8)).toBe(12.5);
    expect(percentageOf(1, 8)).toBe(12.5);
    expect(percentageOf(1, 16)).toBe(6.25);
    // 1/32 = 3.125 %: numeric round() takes a half away from zero.
    expect(percentageOf(1, 32)).toBe(3.13);
  });

  it('divides integers rounding halves up', () => {
    expect(divideRoundingHalfUp(5, 2)).toBe(3);
    expect(divideRoundingHalfUp(7, 3)).toBe(2);
    expect(divideRoundingHalfUp(8, 3)).toBe(3);
    expect(divideRoundingHalfUp(0, 3)).toBe(0);
  });

  it('names the scored parts of a grade: criteria in rubric mode, Q1 … Qn in answer-key mode', () => {
    const rubric = scoreRubric(MATH, [{ criterionId: 'crit_1', score: 3 }, { criterionId: 'crit_2', score: 2 }]);
    expect(gradeScores({ totalScore: 5, maxScore: 8, percentage: 62.5, criteriaScores: rubric.criteriaScores, answers: null })).toEqual({
      totalScore: 5,
      maxScore: 8,
      percentage: 62.5,
      criteria: [
        { criterionId: 'crit_1', score: 3, maxScore: 5 },
        { criterionId: 'crit_2', score: 2, maxScore: 3 },
      ],
    });
    const answers = scoreAnswers(KEY, ['42', 'no', 'photosynthesis'], undefined).answers;
    expect(gradeScores({ totalScore: 5, maxScore: 7, percentage: 71.43, criteriaScores: null, answers }).criteria).toEqual([
      { criterionId: 'Q1', score: 2, maxScore: 2 },
      { criterionId: 'Q2', score: 0, maxScore: 2 },
      { criterionId: 'Q3', score: 3, maxScore: 3 },
    ]);
  });
});

describe('what an edit changed', () => {
  const base = { rubricVersionId: 'v1', criteriaScores: scoreRubric(MATH, [{ criterionId: 'crit_1', score: 3 }, { criterionId: 'crit_2', score: 2 }]).criteriaScores, answers: null, feedbackText: 'Good', teacherNotes: null };

  it('names the changed fields, never their values', () => {
    const rescored = scoreRubric(MATH, [{ criterionId: 'crit_1', score: 5 }, { criterionId: 'crit_2', score: 2 }]).criteriaScores;
    expect(gradeChanges(base, { ...base, criteriaScores: rescored, teacherNotes: 'check again' })).toEqual(['criteriaScores', 'teacherNotes']);
    expect(gradeChanges(base, { ...base, feedbackText: null })).toEqual(['feedbackText']);
  });

  it('sees no change when only the JSON key order differs', () => {
    const reordered = base.criteriaScores.map((score) => ({ reasoning: score.reasoning, max_score: score.max_score, score: score.score, criterion_name: score.criterion_name, criterion_id: score.criterion_id }));
    expect(gradeChanges(base, { ...base, criteriaScores: reordered })).toEqual([]);
  });
});

describe('AI proposals and exports', () => {
  it('checks the AI grader\'s confidence, model and flags', () => {
    expect(() => checkAiFields({ aiConfidence: 0.82, aiModel: 'claude-sonnet-4-5', flags: ['illegible'] })).not.toThrow();
    const error = failure(() => checkAiFields({ aiConfidence: 1.2, aiModel: ' ', flags: ['Off Topic'] }));
    expect(error.details.map((detail) => detail.field)).toEqual(['aiConfidence', 'aiModel', 'flags[0]']);
  });

  it('makes a safe file name from an assignment title', () => {
    expect(exportFileName('Unit 3 Quiz: Fractions & Décimals')).toBe('unit-3-quiz-fractions-decimals-grades.csv');
    expect(exportFileName('../../etc/passwd')).toBe('etc-passwd-grades.csv');
    expect(exportFileName('数学')).toBe('assignment-grades.csv');
  });
});
