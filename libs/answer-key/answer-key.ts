/**
 * Answer keys and deterministic scoring against them: shared by assignments (which validate and
 * store keys) and grading (which scores transcribed answers). Pure functions, no I/O.
 */

/**
 * An answer key as stored in assignments.answer_key_data (handmark-data-models.md, snake_case):
 * the seed's `{ type, answers, points_per_question, total_questions }`, where an answer is either
 * the expected text or an object with its own points, a numeric tolerance and accepted alternatives.
 */
export interface AnswerKey {
  type: AnswerKeyType;
  total_questions: number;
  points_per_question: number;
  answers: AnswerKeyEntry[];
}

export type AnswerKeyType = 'text' | 'numeric' | 'mixed';

export type AnswerKeyEntry = string | AnswerKeyEntryObject;

export interface AnswerKeyEntryObject {
  answer: string;
  /** Overrides points_per_question for this question. */
  points?: number;
  /** Numeric answers only: the largest accepted difference from `answer`. */
  tolerance?: number;
  /** Other answers that also count as correct. */
  accept?: string[];
}

/** One question of an answer key with its defaults resolved. */
export interface AnswerKeyQuestion {
  /** 1-based question number. */
  question: number;
  answer: string;
  accept: string[];
  /** Compared as numbers (within `tolerance`) rather than as text. */
  numeric: boolean;
  tolerance: number;
  points: number;
}

export interface QuestionScore {
  question: number;
  /** The student's answer as given (null when there was none). */
  given: string | null;
  expected: string;
  correct: boolean;
  points: number;
  maxPoints: number;
}

export interface AnswerKeyScore {
  questions: QuestionScore[];
  points: number;
  maxPoints: number;
  correctCount: number;
  totalQuestions: number;
  /** points / maxPoints × 100, rounded to 2 decimals. */
  percentage: number;
}

/**
 * The questions of a valid answer key. In a numeric key every answer is a number; in a mixed key
 * an answer is compared as a number when it has a tolerance or reads as one; a text key compares text.
 */
export function answerKeyQuestions(key: AnswerKey): AnswerKeyQuestion[] {
  return key.answers.map((entry, index) => {
    const object: AnswerKeyEntryObject = typeof entry === 'string' ? { answer: entry } : entry;
    const numeric = key.type === 'numeric' || (key.type === 'mixed' && (object.tolerance !== undefined || parseNumber(object.answer) !== null));
    return {
      question: index + 1,
      answer: object.answer,
      accept: object.accept ?? [],
      numeric,
      tolerance: numeric ? (object.tolerance ?? 0) : 0,
      points: object.points ?? key.points_per_question,
    };
  });
}

/** Scores one answer: full points when it matches the expected answer or an accepted alternative, else none. */
export function scoreAnswer(question: AnswerKeyQuestion, given: string | null | undefined): QuestionScore {
  const text = typeof given === 'string' ? given : null;
  const result = { question: question.question, given: text, expected: question.answer, maxPoints: question.points };
  const correct = text !== null && matches(question, text);
  return { ...result, correct, points: correct ? question.points : 0 };
}

/** Scores a student's answers (in question order) against an answer key, with totals in exact cents. */
export function scoreAnswerKey(key: AnswerKey, givenAnswers: ReadonlyArray<string | null | undefined>): AnswerKeyScore {
  const questions = answerKeyQuestions(key).map((question) => scoreAnswer(question, givenAnswers[question.question - 1]));
  const points = fromCents(questions.reduce((sum, q) => sum + toCents(q.points), 0));
  const maxPoints = fromCents(questions.reduce((sum, q) => sum + toCents(q.maxPoints), 0));
  return {
    questions,
    points,
    maxPoints,
    correctCount: questions.filter((q) => q.correct).length,
    totalQuestions: questions.length,
    percentage: maxPoints === 0 ? 0 : Math.round((points / maxPoints) * 10_000) / 100,
  };
}

function matches(question: AnswerKeyQuestion, given: string): boolean {
  const expected = [question.answer, ...question.accept];
  const normalized = normalizeAnswer(given);
  if (normalized === '') return false;
  if (question.numeric) {
    const value = parseNumber(given);
    for (const candidate of expected) {
      const number = parseNumber(candidate);
      if (number === null) {
        if (normalizeAnswer(candidate) === normalized) return true;
      } else if (value !== null && withinTolerance(value, number, question.tolerance)) {
        return true;
      }
    }
    return false;
  }
  return expected.some((candidate) => normalizeAnswer(candidate) === normalized);
}

/** Float noise (0.1 + 0.2) must not turn an exact answer wrong. */
function withinTolerance(given: number, expected: number, tolerance: number): boolean {
  return Math.abs(given - expected) <= tolerance + 1e-9 * Math.max(1, Math.abs(expected));
}

const TRAILING_PUNCTUATION = /[\s.,;:!?]+$/u;
const VULGAR_FRACTION = /[\u00BC-\u00BE\u2150-\u215E]/u;
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/gu;

/** Text answers compare after NFKC, trimming, collapsing whitespace, lower-casing and dropping trailing punctuation. */
export function normalizeAnswer(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLowerCase().replace(TRAILING_PUNCTUATION, '').trim();
}

const DECIMAL = /^([+-])?(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/;
const FRACTION = /^([+-])?(\d+(?:\.\d+)?) ?\/ ?(\d+(?:\.\d+)?)$/;
const MIXED_NUMBER = /^([+-])?(\d+) (\d+) ?\/ ?(\d+)$/;

/**
 * Reads a number as students write it: 42, -3.5, +7, .5, 1,000, 1/2, -3/4, 3 1/2, 3½, full-width
 * digits and typographic minus signs, with trailing punctuation ignored. Anything else is null.
 */
export function parseNumber(text: string): number | null {
  // NFKC turns "3½" into "31⁄2"; a space first keeps it a mixed number.
  const spaced = text.replace(new RegExp(`(\\d)(${VULGAR_FRACTION.source})`, 'gu'), '$1 $2');
  const s = spaced.normalize('NFKC').replace(DASHES, '-').replace(/\u2044/gu, '/').replace(/\s+/gu, ' ').trim().replace(TRAILING_PUNCTUATION, '').trim();
  const sign = (symbol: string | undefined) => (symbol === '-' ? -1 : 1);

  const mixed = MIXED_NUMBER.exec(s);
  if (mixed) {
    const denominator = Number(mixed[4]);
    return denominator === 0 ? null : sign(mixed[1]) * (Number(mixed[2]) + Number(mixed[3]) / denominator);
  }
  const fraction = FRACTION.exec(s);
  if (fraction) {
    const denominator = Number(fraction[3]);
    return denominator === 0 ? null : sign(fraction[1]) * (Number(fraction[2]) / denominator);
  }
  const decimal = DECIMAL.exec(s);
  if (decimal && (decimal[2] !== undefined || decimal[3] !== undefined)) {
    return sign(decimal[1]) * Number(`${(decimal[2] ?? '0').replace(/,/g, '')}.${decimal[3] ?? '0'}`);
  }
  return null;
}

function toCents(value: number): number {
  return Math.round(value * 100);
}

function fromCents(cents: number): number {
  return cents / 100;
}
