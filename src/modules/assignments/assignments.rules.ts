import { type ErrorDetail, ValidationFailedError } from '../../../libs/errors/domain-error.js';
import { type AnswerKey, type AnswerKeyEntry, type AnswerKeyEntryObject, type AnswerKeyType, parseNumber } from '../../../libs/answer-key/answer-key.js';
import type { AssignmentStatus, GradingMode } from './assignments.events.js';

/** Pure rules of assignments: the status lifecycle, the grading source and answer-key validation (scoring lives in libs/answer-key). */

export const ASSIGNMENT_LIMITS = {
  titleLength: 200,
  instructionsLength: 20_000,
  questions: 500,
  answerLength: 500,
  alternatives: 20,
  maxPointsPerQuestion: 1000,
} as const;

// ---- status lifecycle ----

/** draft → active → closed → archived; a closed assignment may reopen; a draft may be archived unused. */
export const STATUS_TRANSITIONS: Readonly<Record<AssignmentStatus, readonly AssignmentStatus[]>> = {
  draft: ['active', 'archived'],
  active: ['closed'],
  closed: ['active', 'archived'],
  archived: [],
};

export function canTransition(from: AssignmentStatus, to: AssignmentStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

// ---- grading source ----

/**
 * What the grading mode needs from a new assignment: rubric mode a rubric and no answer key,
 * answer_key mode an answer key and no rubric. Returns the problems, each naming its field.
 */
export function gradingSourceProblems(mode: GradingMode, rubricId: string | null | undefined, answerKeyData: unknown): ErrorDetail[] {
  const hasRubric = rubricId !== undefined && rubricId !== null;
  const hasAnswerKey = answerKeyData !== undefined && answerKeyData !== null;
  if (mode === 'rubric') {
    return [
      ...(hasRubric ? [] : [{ field: 'rubricId', message: 'rubricId is required when gradingMode is rubric' }]),
      ...(hasAnswerKey ? [{ field: 'answerKeyData', message: 'answerKeyData is only for gradingMode answer_key; leave it out in rubric mode' }] : []),
    ];
  }
  return [
    ...(hasAnswerKey ? [] : [{ field: 'answerKeyData', message: 'answerKeyData is required when gradingMode is answer_key' }]),
    ...(hasRubric ? [{ field: 'rubricId', message: 'rubricId is only for gradingMode rubric; leave it out in answer_key mode' }] : []),
  ];
}

// ---- answer keys ----

const ANSWER_KEY_FIELDS = ['type', 'total_questions', 'points_per_question', 'answers'];
const ENTRY_FIELDS = ['answer', 'points', 'tolerance', 'accept'];
const ANSWER_KEY_TYPES: readonly AnswerKeyType[] = ['text', 'numeric', 'mixed'];

export type AnswerKeyCheck = { ok: true; answerKey: AnswerKey } | { ok: false; problems: ErrorDetail[] };

/**
 * Validates an answer key as it arrives in an API body (the stored shape) and returns it
 * normalized (known fields only, in a fixed order, text trimmed), or every problem found, each
 * naming its field: `answerKeyData.answers[3].tolerance`.
 */
export function checkAnswerKey(value: unknown, field = 'answerKeyData'): AnswerKeyCheck {
  if (!isPlainObject(value)) return fail(field, `${field} must be an object with type, total_questions, points_per_question and answers`);
  const problems: ErrorDetail[] = [];
  const problem = (path: string, message: string) => problems.push({ field: `${field}.${path}`, message });

  for (const key of unknownKeys(value, ANSWER_KEY_FIELDS)) problem(key, `unknown field "${key}" (an answer key has type, total_questions, points_per_question and answers)`);

  const type = value.type;
  if (typeof type !== 'string' || !ANSWER_KEY_TYPES.includes(type as AnswerKeyType)) problem('type', 'type must be one of text, numeric, mixed');

  const total = value.total_questions;
  const validTotal = Number.isInteger(total) && (total as number) >= 1 && (total as number) <= ASSIGNMENT_LIMITS.questions;
  if (!validTotal) problem('total_questions', `total_questions must be a whole number from 1 to ${ASSIGNMENT_LIMITS.questions}`);

  const pointsProblem = pointsError(value.points_per_question, 'points_per_question');
  if (pointsProblem) problem('points_per_question', pointsProblem);

  const answers = value.answers;
  const entries: AnswerKeyEntry[] = [];
  if (!Array.isArray(answers)) {
    problem('answers', 'answers must be an array with one answer per question');
  } else {
    if (validTotal && answers.length !== total) problem('answers', `answers has ${answers.length} entries but total_questions is ${total}: give exactly one answer per question`);
    else if (answers.length > ASSIGNMENT_LIMITS.questions) problem('answers', `answers may have at most ${ASSIGNMENT_LIMITS.questions} entries`);
    else {
      const keyType = ANSWER_KEY_TYPES.includes(type as AnswerKeyType) ? (type as AnswerKeyType) : undefined;
      answers.forEach((raw, index) => {
        const entry = checkEntry(raw, `answers[${index}]`, keyType, problem);
        if (entry !== undefined) entries.push(entry);
      });
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    answerKey: { type: type as AnswerKeyType, total_questions: total as number, points_per_question: value.points_per_question as number, answers: entries },
  };
}

/** checkAnswerKey for command handlers: the valid answer key, or a 400 listing every problem. */
export function validAnswerKey(value: unknown, field = 'answerKeyData'): AnswerKey {
  const checked = checkAnswerKey(value, field);
  if (!checked.ok) {
    throw new ValidationFailedError(`The answer key is invalid: ${checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, checked.problems);
  }
  return checked.answerKey;
}

function checkEntry(raw: unknown, path: string, type: AnswerKeyType | undefined, problem: (path: string, message: string) => void): AnswerKeyEntry | undefined {
  if (typeof raw === 'string') {
    const answer = answerText(raw, path, problem);
    if (answer === undefined) return undefined;
    if (type === 'numeric' && parseNumber(answer) === null) {
      problem(path, `"${answer.slice(0, 50)}" is not a number, and every answer of a numeric answer key must be one (for example 42, -3.5, 1,000 or 1/2)`);
      return undefined;
    }
    return answer;
  }
  if (!isPlainObject(raw)) {
    problem(path, 'each answer must be a string or an object { answer, points?, tolerance?, accept? }');
    return undefined;
  }
  let valid = true;
  const report = (at: string, message: string) => {
    valid = false;
    problem(at, message);
  };
  for (const key of unknownKeys(raw, ENTRY_FIELDS)) report(`${path}.${key}`, `unknown field "${key}" (an answer has answer, points, tolerance and accept)`);

  let answer: string | undefined;
  if (typeof raw.answer === 'string') answer = answerText(raw.answer, `${path}.answer`, report);
  else report(`${path}.answer`, 'answer must be a non-empty string');

  if (raw.points !== undefined) {
    const error = pointsError(raw.points, 'points');
    if (error) report(`${path}.points`, error);
  }

  const tolerance = raw.tolerance;
  if (tolerance !== undefined) {
    if (!isNumber(tolerance) || tolerance < 0) report(`${path}.tolerance`, 'tolerance must be a number of at least 0');
    else if (type === 'text') report(`${path}.tolerance`, 'tolerance applies to numeric answers only: use type numeric or mixed');
  }
  const mustBeNumber = type === 'numeric' || (type === 'mixed' && tolerance !== undefined);
  if (answer !== undefined && mustBeNumber && parseNumber(answer) === null) {
    report(`${path}.answer`, `"${answer.slice(0, 50)}" is not a number, and ${type === 'numeric' ? 'every answer of a numeric answer key' : 'an answer with a tolerance'} must be one (for example 42, -3.5, 1,000 or 1/2)`);
  }

  let accept: string[] | undefined;
  if (raw.accept !== undefined) {
    if (!Array.isArray(raw.accept)) report(`${path}.accept`, 'accept must be an array of alternative answers');
    else if (raw.accept.length > ASSIGNMENT_LIMITS.alternatives) report(`${path}.accept`, `accept may list at most ${ASSIGNMENT_LIMITS.alternatives} alternatives`);
    else {
      accept = [];
      const alternatives: string[] = [];
      raw.accept.forEach((alternative, index) => {
        if (typeof alternative !== 'string') return report(`${path}.accept[${index}]`, 'each alternative must be a non-empty string');
        const text = answerText(alternative, `${path}.accept[${index}]`, report);
        if (text !== undefined) alternatives.push(text);
      });
      accept = alternatives;
    }
  }

  if (!valid || answer === undefined) return undefined;
  const entry: AnswerKeyEntryObject = { answer };
  if (raw.points !== undefined) entry.points = raw.points as number;
  if (tolerance !== undefined) entry.tolerance = tolerance as number;
  if (accept !== undefined) entry.accept = accept;
  return entry;
}

function answerText(value: string, path: string, problem: (path: string, message: string) => void): string | undefined {
  const text = value.trim();
  if (text === '') {
    problem(path, 'an answer must not be empty');
    return undefined;
  }
  if (text.length > ASSIGNMENT_LIMITS.answerLength) {
    problem(path, `an answer may have at most ${ASSIGNMENT_LIMITS.answerLength} characters`);
    return undefined;
  }
  return text;
}

function pointsError(value: unknown, name: string): string | undefined {
  if (!isNumber(value)) return `${name} must be a number`;
  if (value <= 0) return `${name} must be greater than 0`;
  if (value > ASSIGNMENT_LIMITS.maxPointsPerQuestion) return `${name} must be at most ${ASSIGNMENT_LIMITS.maxPointsPerQuestion}`;
  if (!hasTwoDecimalsAtMost(value)) return `${name} may have at most 2 decimal places`;
  return undefined;
}

/** The answer key with its fields in a fixed order and nothing else (JSONB does not keep key order). */
export function presentAnswerKey(key: AnswerKey): AnswerKey {
  return {
    type: key.type,
    total_questions: key.total_questions,
    points_per_question: key.points_per_question,
    answers: key.answers.map((entry) =>
      typeof entry === 'string'
        ? entry
        : {
            answer: entry.answer,
            ...(entry.points === undefined ? {} : { points: entry.points }),
            ...(entry.tolerance === undefined ? {} : { tolerance: entry.tolerance }),
            ...(entry.accept === undefined ? {} : { accept: [...entry.accept] }),
          },
    ),
  };
}

/** The same answer key, whatever the key order of its JSON. */
export function sameAnswerKey(a: AnswerKey | null, b: AnswerKey | null): boolean {
  if (a === null || b === null) return a === b;
  return JSON.stringify(presentAnswerKey(a)) === JSON.stringify(presentAnswerKey(b));
}

// ---- helpers ----

function unknownKeys(value: Record<string, unknown>, known: string[]): string[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => key.slice(0, 64));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function hasTwoDecimalsAtMost(value: number): boolean {
  return Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;
}



function fail(field: string, message: string): AnswerKeyCheck {
  return { ok: false, problems: [{ field, message }] };
}
