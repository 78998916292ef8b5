/**
 * Checks Claude's tool input before anything is stored: the shape, criterion ids exactly the
 * rubric's, scores within 0..max and on the chosen level, evidence quotes found in the
 * transcription (answer-key mode: answers found in it), a confidence between 0 and 1, known flags.
 * Returns every problem in words Claude can act on (they become the repair message), never throws.
 * Pure: no I/O.
 */
import { type AnswerKey, answerKeyQuestions } from '../../../libs/answer-key/answer-key.js';
import type { RubricCriterion } from '../rubrics/rubrics.events.js';
import { GRADING_FLAGS, type GradingFlag } from './ai-grading.prompt.js';

export interface AiCriterionResult {
  criterionId: string;
  level: number;
  score: number;
  maxScore: number;
  reasoning: string;
  evidence: string;
}

export interface ValidRubricReply {
  mode: 'rubric';
  transcription: string;
  criteria: AiCriterionResult[];
  feedback: string;
  /** Rounded to 2 decimals, as grades.ai_confidence stores it. */
  confidence: number;
  /** The model's flags and any the server added (see addressedToGrader), sorted, without duplicates. */
  flags: GradingFlag[];
  serverFlags: GradingFlag[];
}

export interface ValidAnswerKeyReply {
  mode: 'answer_key';
  transcription: string;
  /** One per question of the key, in order; "" when unanswered. */
  answers: string[];
  confidence: number;
  flags: GradingFlag[];
  serverFlags: GradingFlag[];
}

export type ValidReply = ValidRubricReply | ValidAnswerKeyReply;
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const MAX_PROBLEMS = 20;
const MAX_TEXT = 100_000;

/** The tool input of a rubric-mode reply, checked against the rubric version's criteria. */
export function validateRubricReply(input: unknown, criteria: readonly RubricCriterion[]): ValidationResult<ValidRubricReply> {
  const problems: string[] = [];
  if (!isObject(input)) return { ok: false, problems: ['the tool input must be an object with transcription, criteria, feedback, confidence and flags'] };
  const transcription = text(input.transcription, 'transcription', problems);
  const feedback = text(input.feedback, 'feedback', problems);
  const confidence = confidenceOf(input.confidence, problems);
  const flags = flagsOf(input.flags, problems);

  const byId = new Map(criteria.map((criterion) => [criterion.id, criterion]));
  const seen = new Map<string, number>();
  const results: AiCriterionResult[] = [];
  const ids = criteria.map((criterion) => `"${criterion.id}"`).join(', ');
  if (!Array.isArray(input.criteria)) {
    problems.push(`criteria must be a list with one entry per rubric criterion (${ids})`);
  } else {
    input.criteria.forEach((item: unknown, index: number) => {
      const at = `criteria[${index}]`;
      if (!isObject(item)) return void problems.push(`${at} must be an object with criterion_id, level, score, reasoning and evidence_quote`);
      const id = item.criterion_id;
      const criterion = typeof id === 'string' ? byId.get(id) : undefined;
      if (!criterion) return void problems.push(`${at}.criterion_id ${JSON.stringify(id)?.slice(0, 80)} is not a criterion of this rubric; the criterion ids are exactly ${ids}`);
      if (seen.has(criterion.id)) return void problems.push(`${at}.criterion_id "${criterion.id}" is scored twice (also in criteria[${seen.get(criterion.id)}]); score each criterion exactly once`);
      seen.set(criterion.id, index);
      const name = `criterion "${criterion.id}" (${criterion.name})`;
      const reasoning = text(item.reasoning, `${at}.reasoning`, problems);
      const evidence = text(item.evidence_quote, `${at}.evidence_quote`, problems);
      const score = item.score;
      const level = item.level;
      const allowed = criterion.levels.map((l, i) => `level ${i + 1} = ${l.points}`).join(', ');
      if (typeof score !== 'number' || !Number.isFinite(score)) return void problems.push(`${at}.score of ${name} must be a number; its levels are ${allowed}`);
      if (score < 0 || score > criterion.max_points) return void problems.push(`${at}.score ${score} of ${name} is outside 0..${criterion.max_points}; its levels are ${allowed}`);
      const onLevel = criterion.levels.findIndex((l) => cents(l.points) === cents(score));
      if (onLevel < 0 || Math.abs(score * 100 - Math.round(score * 100)) > 1e-6) return void problems.push(`${at}.score ${score} of ${name} is not the points of one of its levels; its levels are ${allowed}`);
      if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > criterion.levels.length) {
        return void problems.push(`${at}.level of ${name} must be a level number from 1 to ${criterion.levels.length} (${allowed})`);
      }
      if (cents(criterion.levels[level - 1].points) !== cents(score)) {
        return void problems.push(`${at}: level ${level} of ${name} is worth ${criterion.levels[level - 1].points} points, but the score is ${score}; give the chosen level's points as the score (${allowed})`);
      }
      if (evidence !== null && transcription !== null) {
        const lowest = Math.min(...criterion.levels.map((l) => cents(l.points)));
        if (evidence.trim() === '') {
          if (cents(score) !== lowest) problems.push(`${at}.evidence_quote of ${name} is empty; quote the part of the transcription that earns level ${level}`);
        } else if (!quoteInText(evidence, transcription)) {
          problems.push(`${at}.evidence_quote of ${name} (${JSON.stringify(evidence.slice(0, 120))}) does not appear in the transcription; copy it exactly from the transcription`);
        }
      }
      results.push({ criterionId: criterion.id, level, score: cents(score) / 100, maxScore: criterion.max_points, reasoning: reasoning ?? '', evidence: evidence ?? '' });
    });
    const missing = criteria.filter((criterion) => !seen.has(criterion.id));
    if (missing.length > 0) problems.push(`criteria is missing ${missing.map((criterion) => `"${criterion.id}" (${criterion.name})`).join(', ')}; score every criterion exactly once`);
  }

  if (problems.length > 0 || transcription === null || feedback === null || confidence === null || flags === null) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
  const order = new Map(criteria.map((criterion, index) => [criterion.id, index]));
  const serverFlags = serverFlagsFor(transcription, flags);
  return {
    ok: true,
    value: {
      mode: 'rubric',
      transcription,
      criteria: results.sort((a, b) => order.get(a.criterionId)! - order.get(b.criterionId)!),
      feedback: feedback.trim(),
      confidence,
      flags: mergeFlags(flags, serverFlags),
      serverFlags,
    },
  };
}

/** The tool input of an answer-key reply: one answer per question, each found in the transcription. */
export function validateAnswerKeyReply(input: unknown, key: AnswerKey): ValidationResult<ValidAnswerKeyReply> {
  const problems: string[] = [];
  if (!isObject(input)) return { ok: false, problems: ['the tool input must be an object with transcription, answers, confidence and flags'] };
  const transcription = text(input.transcription, 'transcription', problems);
  const confidence = confidenceOf(input.confidence, problems);
  const flags = flagsOf(input.flags, problems);
  const count = answerKeyQuestions(key).length;
  const answers: string[] = new Array<string>(count).fill('');
  if (!Array.isArray(input.answers)) {
    problems.push(`answers must be a list with one entry per question (1 to ${count})`);
  } else {
    const seen = new Map<number, number>();
    input.answers.forEach((item: unknown, index: number) => {
      const at = `answers[${index}]`;
      if (!isObject(item)) return void problems.push(`${at} must be an object with question and answer`);
      const question = item.question;
      if (typeof question !== 'number' || !Number.isInteger(question) || question < 1 || question > count) {
        return void problems.push(`${at}.question must be a question number from 1 to ${count} (got ${JSON.stringify(question)?.slice(0, 40)})`);
      }
      if (seen.has(question)) return void problems.push(`${at}: question ${question} is answered twice (also in answers[${seen.get(question)}]); report each question once`);
      seen.set(question, index);
      const answer = text(item.answer, `${at}.answer`, problems);
      if (answer === null) return;
      if (answer.trim() !== '' && transcription !== null && !quoteInText(answer, transcription)) {
        problems.push(`${at}.answer ${JSON.stringify(answer.slice(0, 80))} to question ${question} does not appear in the transcription; report the answer exactly as transcribed`);
      }
      answers[question - 1] = answer.trim();
    });
  }
  if (problems.length > 0 || transcription === null || confidence === null || flags === null) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
  const serverFlags = serverFlagsFor(transcription, flags);
  return { ok: true, value: { mode: 'answer_key', transcription, answers, confidence, flags: mergeFlags(flags, serverFlags), serverFlags } };
}

/**
 * Phrases that speak to the grader instead of answering the assignment. A cheap server-side check
 * that adds `addressed_to_grader` even when the model missed it (or was talked out of it); it only
 * flags for review and never changes a score, so a false positive costs a teacher a look.
 */
const ADDRESSED_TO_GRADER: readonly RegExp[] = [
  /\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(instructions?|rubric|prompt|rules|criteria|above|previous|everything)\b/i,
  /\b(give|award|grant|assign|mark)\b[^.!?\n]{0,30}\b(full|maximum|max|perfect|all( the)?|100 ?%?|top|highest)\b[^.!?\n]{0,15}\b(marks?|points?|scores?|credit|grade)\b/i,
  /\b(dear|hey|hi|hello|attention|note (to|for)( the)?)\s+(grader|ai|assistant|model|chatgpt|claude|robot|marker)\b/i,
  /\b(you are|you're|act as|pretend (to be|you are))\s+(now\s+)?(an?\s+)?(ai|assistant|language model|grader|different|new)\b/i,
  /\bsystem\s*(prompt|message|instruction)s?\b/i,
  /\b(grade|mark|score)\s+(this|my|me)\b[^.!?\n]{0,30}\b(as|with|an?)\s+(an?\s+)?(a\+|100|full|perfect|10\/10|excellent)(?!\w)/i,
  /\b(the )?(teacher|instructor) (said|says|told)\b[^.!?\n]{0,40}\b(full|extra|bonus|maximum) (marks?|points?|credit)\b/i,
];

export function addressedToGrader(transcription: string): boolean {
  const normalized = transcription.normalize('NFKC');
  return ADDRESSED_TO_GRADER.some((pattern) => pattern.test(normalized));
}

/** Flags the server adds: text addressed to the grader, and blank work the model did not mark. */
function serverFlagsFor(transcription: string, modelFlags: readonly GradingFlag[]): GradingFlag[] {
  const added: GradingFlag[] = [];
  if (!modelFlags.includes('addressed_to_grader') && addressedToGrader(transcription)) added.push('addressed_to_grader');
  if (!modelFlags.includes('blank') && transcription.trim() === '') added.push('blank');
  return added;
}

function mergeFlags(model: readonly GradingFlag[], server: readonly GradingFlag[]): GradingFlag[] {
  return [...new Set([...model, ...server])].sort();
}

/**
 * Whether a quote appears in the text, comparing as a reader would: Unicode-normalised, case and
 * runs of whitespace ignored, typographic quotes and dashes equal to plain ones. "..." in the quote
 * separates fragments that must appear in that order.
 */
export function quoteInText(quote: string, text: string): boolean {
  const haystack = normalizeForQuote(text);
  const fragments = quote
    .split(/\.{3,}|…|\[\.\.\.\]/)
    .map(normalizeForQuote)
    .map((fragment) => fragment.replace(/^[\s"'.,;:!?()-]+|[\s"'.,;:!?()-]+$/g, ''))
    .filter((fragment) => fragment !== '');
  if (fragments.length === 0) return false;
  let from = 0;
  for (const fragment of fragments) {
    const at = haystack.indexOf(fragment, from);
    if (at < 0) return false;
    from = at + fragment.length;
  }
  return true;
}

function normalizeForQuote(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032`´]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033«»]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .trim();
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string, problems: string[]): string | null {
  if (typeof value !== 'string') {
    problems.push(`${field} must be a string`);
    return null;
  }
  if (value.length > MAX_TEXT) {
    problems.push(`${field} is longer than ${MAX_TEXT} characters`);
    return null;
  }
  return value;
}

function confidenceOf(value: unknown, problems: string[]): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    problems.push(`confidence must be a number between 0 and 1 (got ${JSON.stringify(value)?.slice(0, 40)})`);
    return null;
  }
  return Math.round(value * 100) / 100;
}

function flagsOf(value: unknown, problems: string[]): GradingFlag[] | null {
  if (!Array.isArray(value)) {
    problems.push(`flags must be a list of ${GRADING_FLAGS.join(', ')} (empty when none applies)`);
    return null;
  }
  const unknown = value.filter((flag) => !(GRADING_FLAGS as readonly unknown[]).includes(flag));
  if (unknown.length > 0) {
    problems.push(`flags contains ${unknown.map((flag) => JSON.stringify(flag)?.slice(0, 40)).join(', ')}; the flags are ${GRADING_FLAGS.join(', ')}`);
    return null;
  }
  return [...new Set(value as GradingFlag[])];
}

function cents(value: number): number {
  return Math.round(value * 100);
}
