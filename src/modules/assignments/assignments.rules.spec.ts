import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../../libs/errors/domain-error.js';
import type { AnswerKey } from './assignments.events.js';
import { answerKeyQuestions, normalizeAnswer, parseNumber, scoreAnswer, scoreAnswerKey } from '../../../libs/answer-key/answer-key.js';
import { canTransition, checkAnswerKey, gradingSourceProblems, presentAnswerKey, sameAnswerKey, STATUS_TRANSITIONS, validAnswerKey } from './assignments.rules.js';

const seedKey = (overrides: Record<string, unknown> = {}) => ({
  type: 'text',
  answers: ['42', 'Yes', 'Photosynthesis'],
  points_per_question: 5,
  total_questions: 3,
  ...overrides,
});

function problemsOf(value: unknown) {
  const checked = checkAnswerKey(value);
  if (checked.ok) throw new Error('expected the answer key to be refused');
  return checked.problems;
}

function keyOf(value: unknown): AnswerKey {
  const checked = checkAnswerKey(value);
  if (!checked.ok) throw new Error(`expected a valid answer key: ${JSON.stringify(checked.problems)}`);
  return checked.answerKey;
}

describe('status lifecycle', () => {
  const all = ['draft', 'active', 'closed', 'archived'] as const;
  const legal = new Set(['draft>active', 'draft>archived', 'active>closed', 'closed>active', 'closed>archived']);

  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))('%s → %s is legal only if it is in the lifecycle', (from, to) => {
    expect(canTransition(from, to)).toBe(legal.has(`${from}>${to}`));
  });

  it('makes archived final', () => {
    expect(STATUS_TRANSITIONS.archived).toEqual([]);
  });
});

describe('gradingSourceProblems', () => {
  it('asks rubric mode for a rubric and nothing else', () => {
    expect(gradingSourceProblems('rubric', 'r-1', undefined)).toEqual([]);
    expect(gradingSourceProblems('rubric', null, undefined)).toEqual([{ field: 'rubricId', message: 'rubricId is required when gradingMode is rubric' }]);
    expect(gradingSourceProblems('rubric', 'r-1', seedKey())).toEqual([
      { field: 'answerKeyData', message: 'answerKeyData is only for gradingMode answer_key; leave it out in rubric mode' },
    ]);
  });

  it('asks answer_key mode for an answer key and nothing else', () => {
    expect(gradingSourceProblems('answer_key', undefined, seedKey())).toEqual([]);
    expect(gradingSourceProblems('answer_key', undefined, null)).toEqual([{ field: 'answerKeyData', message: 'answerKeyData is required when gradingMode is answer_key' }]);
    expect(gradingSourceProblems('answer_key', 'r-1', undefined)).toEqual([
      { field: 'answerKeyData', message: 'answerKeyData is required when gradingMode is answer_key' },
      { field: 'rubricId', message: 'rubricId is only for gradingMode rubric; leave it out in answer_key mode' },
    ]);
  });
});

describe('checkAnswerKey', () => {
  it('accepts the seed shape unchanged', () => {
    expect(checkAnswerKey(seedKey())).toEqual({ ok: true, answerKey: { type: 'text', total_questions: 3, points_per_question: 5, answers: ['42', 'Yes', 'Photosynthesis'] } });
  });

  it('accepts answer objects with points, tolerance and alternatives, trims text and orders fields', () => {
    const key = keyOf({
      answers: [' 3.14 ', { tolerance: 0.01, answer: ' 2.5 ', points: 2.5 }, { accept: [' one half ', '0.5'], answer: '1/2' }, { answer: 'Paris' }],
      total_questions: 4,
      points_per_question: 1,
      type: 'mixed',
    });
    expect(key).toEqual({
      type: 'mixed',
      total_questions: 4,
      points_per_question: 1,
      answers: ['3.14', { answer: '2.5', points: 2.5, tolerance: 0.01 }, { answer: '1/2', accept: ['one half', '0.5'] }, { answer: 'Paris' }],
    });
    expect(Object.keys(key)).toEqual(['type', 'total_questions', 'points_per_question', 'answers']);
    expect(Object.keys(key.answers[1] as object)).toEqual(['answer', 'points', 'tolerance']);
  });

  it('refuses what is not an object', () => {
    for (const value of [null, [], 'answers', 7]) {
      expect(problemsOf(value)).toEqual([{ field: 'answerKeyData', message: 'answerKeyData must be an object with type, total_questions, points_per_question and answers' }]);
    }
  });

  it('names every bad top-level field', () => {
    expect(problemsOf({ type: 'essay', total_questions: 0, points_per_question: -1, answers: 'all of them', extra: true })).toEqual([
      { field: 'answerKeyData.extra', message: 'unknown field "extra" (an answer key has type, total_questions, points_per_question and answers)' },
      { field: 'answerKeyData.type', message: 'type must be one of text, numeric, mixed' },
      { field: 'answerKeyData.total_questions', message: 'total_questions must be a whole number from 1 to 500' },
      { field: 'answerKeyData.points_per_question', message: 'points_per_question must be greater than 0' },
      { field: 'answerKeyData.answers', message: 'answers must be an array with one answer per question' },
    ]);
    expect(problemsOf(seedKey({ type: undefined, total_questions: 2.5, points_per_question: '5' }))).toEqual([
      { field: 'answerKeyData.type', message: 'type must be one of text, numeric, mixed' },
      { field: 'answerKeyData.total_questions', message: 'total_questions must be a whole number from 1 to 500' },
      { field: 'answerKeyData.points_per_question', message: 'points_per_question must be a number' },
    ]);
    expect(problemsOf(seedKey({ points_per_question: 0.125 }))).toEqual([{ field: 'answerKeyData.points_per_question', message: 'points_per_question may have at most 2 decimal places' }]);
    expect(problemsOf(seedKey({ points_per_question: 1001 }))).toEqual([{ field: 'answerKeyData.points_per_question', message: 'points_per_question must be at most 1000' }]);
    expect(problemsOf(seedKey({ total_questions: 501 }))[0].field).toBe('answerKeyData.total_questions');
  });

  it('requires exactly one answer per question', () => {
    expect(problemsOf(seedKey({ total_questions: 4 }))).toEqual([
      { field: 'answerKeyData.answers', message: 'answers has 3 entries but total_questions is 4: give exactly one answer per question' },
    ]);
    expect(problemsOf(seedKey({ total_questions: 2 }))[0].message).toBe('answers has 3 entries but total_questions is 2: give exactly one answer per question');
  });

  it('names the answer and field of every bad answer', () => {
    const problems = problemsOf(
      seedKey({
        type: 'mixed',
        total_questions: 8,
        answers: ['  ', 7, { answer: '' }, { answer: 'x', points: 0 }, { answer: 'abc', tolerance: 0.5 }, { answer: '4', tolerance: -1 }, { answer: 'y', accept: ['z', 3, ' '] }, { answer: 'q', hint: 'no' }],
      }),
    );
    expect(problems).toEqual([
      { field: 'answerKeyData.answers[0]', message: 'an answer must not be empty' },
      { field: 'answerKeyData.answers[1]', message: 'each answer must be a string or an object { answer, points?, tolerance?, accept? }' },
      { field: 'answerKeyData.answers[2].answer', message: 'an answer must not be empty' },
      { field: 'answerKeyData.answers[3].points', message: 'points must be greater than 0' },
      { field: 'answerKeyData.answers[4].answer', message: '"abc" is not a number, and an answer with a tolerance must be one (for example 42, -3.5, 1,000 or 1/2)' },
      { field: 'answerKeyData.answers[5].tolerance', message: 'tolerance must be a number of at least 0' },
      { field: 'answerKeyData.answers[6].accept[1]', message: 'each alternative must be a non-empty string' },
      { field: 'answerKeyData.answers[6].accept[2]', message: 'an answer must not be empty' },
      { field: 'answerKeyData.answers[7].hint', message: 'unknown field "hint" (an answer has answer, points, tolerance and accept)' },
    ]);
  });

  it('requires numbers in a numeric key and allows tolerances only for numeric answers', () => {
    expect(problemsOf(seedKey({ type: 'numeric', answers: ['42', 'Yes', { answer: 'seven' }] }))).toEqual([
      { field: 'answerKeyData.answers[1]', message: '"Yes" is not a number, and every answer of a numeric answer key must be one (for example 42, -3.5, 1,000 or 1/2)' },
      { field: 'answerKeyData.answers[2].answer', message: '"seven" is not a number, and every answer of a numeric answer key must be one (for example 42, -3.5, 1,000 or 1/2)' },
    ]);
    expect(problemsOf(seedKey({ answers: ['42', { answer: '3', tolerance: 0.5 }, 'x'] }))).toEqual([
      { field: 'answerKeyData.answers[1].tolerance', message: 'tolerance applies to numeric answers only: use type numeric or mixed' },
    ]);
    expect(keyOf(seedKey({ type: 'numeric', answers: ['1,000', '-3.5', { answer: '1/2', tolerance: 0 }] })).answers).toEqual(['1,000', '-3.5', { answer: '1/2', tolerance: 0 }]);
  });

  it('limits answers and alternatives', () => {
    expect(problemsOf(seedKey({ total_questions: 1, answers: ['x'.repeat(501)] }))).toEqual([{ field: 'answerKeyData.answers[0]', message: 'an answer may have at most 500 characters' }]);
    const accept = Array.from({ length: 21 }, (_, i) => `a${i}`);
    expect(problemsOf(seedKey({ total_questions: 1, answers: [{ answer: 'x', accept }] }))).toEqual([{ field: 'answerKeyData.answers[0].accept', message: 'accept may list at most 20 alternatives' }]);
    expect(problemsOf(seedKey({ total_questions: 1, answers: [{ answer: 'x', accept: 'y' }] }))).toEqual([{ field: 'answerKeyData.answers[0].accept', message: 'accept must be an array of alternative answers' }]);
  });

  it('throws a 400 listing the problems from validAnswerKey', () => {
    let thrown: unknown;
    try {
      validAnswerKey(seedKey({ total_questions: 4 }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ kind: 'invalid', code: 'VALIDATION_FAILED', details: [{ field: 'answerKeyData.answers' }] });
    expect(validAnswerKey(seedKey())).toEqual(seedKey());
  });

  it('compares answer keys by content, not key order', () => {
    const key = keyOf(seedKey({ type: 'mixed', answers: ['1', { answer: '2', tolerance: 0.1 }, 'c'] }));
    const reordered = { answers: ['1', { tolerance: 0.1, answer: '2' }, 'c'], total_questions: 3, type: 'mixed', points_per_question: 5 } as AnswerKey;
    expect(sameAnswerKey(key, reordered)).toBe(true);
    expect(sameAnswerKey(key, { ...key, points_per_question: 4 })).toBe(false);
    expect(sameAnswerKey(key, null)).toBe(false);
    expect(sameAnswerKey(null, null)).toBe(true);
    expect(JSON.stringify(presentAnswerKey(reordered))).toBe(JSON.stringify(key));
  });
});

describe('parseNumber', () => {
  it.each([
    ['42', 42],
    ['-3.5', -3.5],
    ['+7', 7],
    ['.5', 0.5],
    ['-.25', -0.25],
    ['5.', 5],
    ['1,000', 1000],
    ['12,345,678.9', 12345678.9],
    ['1/2', 0.5],
    ['-3/4', -0.75],
    ['1 / 4', 0.25],
    ['3 1/2', 3.5],
    ['-2 1/4', -2.25],
    ['½', 0.5],
    ['3½', 3.5],
    ['３１', 31],
    ['\u22125', -5],
    ['  42!  ', 42],
    ['0', 0],
  ])('reads %j as %d', (text, value) => {
    expect(parseNumber(text)).toBeCloseTo(value, 10);
  });

  it.each(['', ' ', '-', '.', 'forty-two', '1,00', '1,0000', '1/0', '0x10', 'Infinity', '1e3', '12 cm', '3,5', '1..2', '--1'])('refuses %j', (text) => {
    expect(parseNumber(text)).toBeNull();
  });
});

describe('normalizeAnswer', () => {
  it('trims, collapses whitespace, lower-cases, drops trailing punctuation and applies NFKC', () => {
    expect(normalizeAnswer('  The   Water\tCycle!! ')).toBe('the water cycle');
    expect(normalizeAnswer('Yes.')).toBe('yes');
    expect(normalizeAnswer('U.S.A.')).toBe('u.s.a');
    expect(normalizeAnswer('ＰＡＲＩＳ')).toBe('paris');
    expect(normalizeAnswer('ﬁsh')).toBe('fish');
    expect(normalizeAnswer('Café')).toBe(normalizeAnswer('Cafe\u0301'));
    expect(normalizeAnswer('why?')).toBe('why');
    expect(normalizeAnswer(' . ')).toBe('');
  });
});

describe('scoring against an answer key', () => {
  it('resolves questions with their defaults, numeric per answer in a mixed key', () => {
    const key = keyOf({ type: 'mixed', total_questions: 3, points_per_question: 2, answers: ['12', { answer: 'Paris', points: 3 }, { answer: '9.8', tolerance: 0.1 }] });
    expect(answerKeyQuestions(key)).toEqual([
      { question: 1, answer: '12', accept: [], numeric: true, tolerance: 0, points: 2 },
      { question: 2, answer: 'Paris', accept: [], numeric: false, tolerance: 0, points: 3 },
      { question: 3, answer: '9.8', accept: [], numeric: true, tolerance: 0.1, points: 2 },
    ]);
    const text = keyOf(seedKey());
    expect(answerKeyQuestions(text)[0]).toEqual({ question: 1, answer: '42', accept: [], numeric: false, tolerance: 0, points: 5 });
  });

  it('scores text answers after normalisation and accepts alternatives', () => {
    const [question] = answerKeyQuestions(keyOf({ type: 'text', total_questions: 1, points_per_question: 2, answers: [{ answer: 'Photosynthesis', accept: ['photo synthesis'] }] }));
    expect(scoreAnswer(question, '  PHOTOSYNTHESIS. ')).toEqual({ question: 1, given: '  PHOTOSYNTHESIS. ', expected: 'Photosynthesis', correct: true, points: 2, maxPoints: 2 });
    expect(scoreAnswer(question, 'Photo   Synthesis!')).toMatchObject({ correct: true, points: 2 });
    expect(scoreAnswer(question, 'respiration')).toEqual({ question: 1, given: 'respiration', expected: 'Photosynthesis', correct: false, points: 0, maxPoints: 2 });
    expect(scoreAnswer(question, null)).toEqual({ question: 1, given: null, expected: 'Photosynthesis', correct: false, points: 0, maxPoints: 2 });
    expect(scoreAnswer(question, undefined)).toMatchObject({ given: null, correct: false });
    expect(scoreAnswer(question, '...')).toMatchObject({ correct: false });
  });

  it('compares text as text in a text key, even when it looks like a number', () => {
    const [question] = answerKeyQuestions(keyOf({ type: 'text', total_questions: 1, points_per_question: 1, answers: ['42'] }));
    expect(scoreAnswer(question, '42.')).toMatchObject({ correct: true });
    expect(scoreAnswer(question, '42.0')).toMatchObject({ correct: false });
  });

  it('compares numbers exactly by default, within the tolerance when given, in any written form', () => {
    const [exact, tolerant, fraction, negative] = answerKeyQuestions(
      keyOf({ type: 'numeric', total_questions: 4, points_per_question: 1, answers: ['1000', { answer: '3.14', tolerance: 0.01 }, { answer: '0.5', accept: ['one half'] }, '-3.5'] }),
    );
    expect(scoreAnswer(exact, '1,000').correct).toBe(true);
    expect(scoreAnswer(exact, '1000.0').correct).toBe(true);
    expect(scoreAnswer(exact, '1000.01').correct).toBe(false);
    expect(scoreAnswer(tolerant, '3.15').correct).toBe(true);
    expect(scoreAnswer(tolerant, '3.13').correct).toBe(true);
    expect(scoreAnswer(tolerant, '3.1416').correct).toBe(true);
    expect(scoreAnswer(tolerant, '3.16').correct).toBe(false);
    expect(scoreAnswer(tolerant, 'pi').correct).toBe(false);
    expect(scoreAnswer(fraction, '1/2').correct).toBe(true);
    expect(scoreAnswer(fraction, '½').correct).toBe(true);
    expect(scoreAnswer(fraction, 'One Half.').correct).toBe(true);
    expect(scoreAnswer(fraction, '2/4').correct).toBe(true);
    expect(scoreAnswer(fraction, '0.51').correct).toBe(false);
    expect(scoreAnswer(negative, '−3.5').correct).toBe(true);
    expect(scoreAnswer(negative, '-3 1/2').correct).toBe(true);
    expect(scoreAnswer(negative, '3.5').correct).toBe(false);
  });

  it('is not fooled by floating point noise at the tolerance edge', () => {
    const [question] = answerKeyQuestions(keyOf({ type: 'numeric', total_questions: 1, points_per_question: 1, answers: [{ answer: '0.3', tolerance: 0.1 }] }));
    expect(scoreAnswer(question, '0.4').correct).toBe(true);
    expect(scoreAnswer(question, '0.2').correct).toBe(true);
    expect(scoreAnswer(question, '0.41').correct).toBe(false);
    const [exact] = answerKeyQuestions(keyOf({ type: 'numeric', total_questions: 1, points_per_question: 1, answers: ['0.3'] }));
    expect(scoreAnswer(exact, String(0.1 + 0.2)).correct).toBe(true);
  });

  it('totals a whole sheet in exact cents with per-question results', () => {
    const key = keyOf({
      type: 'mixed',
      total_questions: 4,
      points_per_question: 0.1,
      answers: ['42', { answer: 'Yes', accept: ['y'] }, { answer: '2.5', tolerance: 0.05, points: 0.2 }, 'Photosynthesis'],
    });
    const score = scoreAnswerKey(key, ['42', 'Y', '2.54']);
    expect(score).toEqual({
      questions: [
        { question: 1, given: '42', expected: '42', correct: true, points: 0.1, maxPoints: 0.1 },
        { question: 2, given: 'Y', expected: 'Yes', correct: true, points: 0.1, maxPoints: 0.1 },
        { question: 3, given: '2.54', expected: '2.5', correct: true, points: 0.2, maxPoints: 0.2 },
        { question: 4, given: null, expected: 'Photosynthesis', correct: false, points: 0, maxPoints: 0.1 },
      ],
      points: 0.4,
      maxPoints: 0.5,
      correctCount: 3,
      totalQuestions: 4,
      percentage: 80,
    });
  });

  it('scores the seed answer key and ignores answers beyond the last question', () => {
    const score = scoreAnswerKey(keyOf(seedKey()), ['42', 'no', 'photosynthesis', 'extra']);
    expect(score.questions.map((q) => q.correct)).toEqual([true, false, true]);
    expect(score).toMatchObject({ points: 10, maxPoints: 15, correctCount: 2, totalQuestions: 3, percentage: 66.67 });
    expect(scoreAnswerKey(keyOf(seedKey()), [])).toMatchObject({ points: 0, maxPoints: 15, correctCount: 0, percentage: 0 });
  });
});
