import { type ErrorDetail, ValidationFailedError } from '../../../libs/errors/domain-error.js';
import type { RubricCriterion, RubricCriterionLevel } from './rubrics.events.js';

/** Limits on what a rubric may hold; points fit grades' numeric(7,2) columns. */
export const RUBRIC_LIMITS = {
  criteria: 50,
  levels: 20,
  maxPointsPerCriterion: 1000,
  nameLength: 200,
  descriptionLength: 2000,
} as const;

const CRITERION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CRITERION_FIELDS = ['id', 'name', 'description', 'max_points', 'levels'];
const LEVEL_FIELDS = ['points', 'description'];

export type CriteriaCheck = { ok: true; criteria: RubricCriterion[]; maxPoints: number } | { ok: false; problems: ErrorDetail[] };

/**
 * Validates criteria as they arrive in an API body (the stored JSON shape) and returns them
 * normalized (known fields only, strings trimmed) with the rubric's total points, or every problem
 * found, each naming the criterion and field: `criteria[1] (crit_2).levels[0].points`.
 */
export function checkCriteria(value: unknown): CriteriaCheck {
  if (!Array.isArray(value)) return fail('criteria', 'criteria must be an array of criteria');
  if (value.length === 0) return fail('criteria', 'criteria must contain at least one criterion');
  if (value.length > RUBRIC_LIMITS.criteria) return fail('criteria', `criteria may contain at most ${RUBRIC_LIMITS.criteria} criteria (got ${value.length})`);

  const problems: ErrorDetail[] = [];
  const criteria: RubricCriterion[] = [];
  const firstIndexOfId = new Map<string, number>();
  value.forEach((raw, index) => {
    const criterion = checkCriterion(raw, index, firstIndexOfId, problems);
    if (criterion) criteria.push(criterion);
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, criteria, maxPoints: fromCents(criteria.reduce((sum, criterion) => sum + toCents(criterion.max_points), 0)) };
}

/** checkCriteria for command handlers: the valid criteria, or a 400 listing every problem. */
export function validCriteria(value: unknown): { criteria: RubricCriterion[]; maxPoints: number } {
  const checked = checkCriteria(value);
  if (!checked.ok) {
    throw new ValidationFailedError(`The rubric's criteria are invalid: ${checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, checked.problems);
  }
  return { criteria: checked.criteria, maxPoints: checked.maxPoints };
}

function checkCriterion(raw: unknown, index: number, firstIndexOfId: Map<string, number>, problems: ErrorDetail[]): RubricCriterion | undefined {
  const before = problems.length;
  const problem = (field: string, message: string) => problems.push({ field, message });
  if (!isPlainObject(raw)) {
    problem(`criteria[${index}]`, 'each criterion must be an object with id, name, max_points and levels');
    return undefined;
  }
  const label = typeof raw.id === 'string' && CRITERION_ID.test(raw.id) ? `criteria[${index}] (${raw.id})` : `criteria[${index}]`;

  for (const key of unknownKeys(raw, CRITERION_FIELDS)) {
    problem(`${label}.${key}`, `unknown field "${key}" (a criterion has id, name, description, max_points and levels, stored as JSON exactly as sent)`);
  }

  const id = raw.id;
  if (typeof id !== 'string' || !CRITERION_ID.test(id)) {
    problem(`${label}.id`, 'id must be 1 to 64 letters, digits, "_" or "-"');
  } else if (firstIndexOfId.has(id)) {
    problem(`${label}.id`, `id "${id}" is already used by criteria[${firstIndexOfId.get(id)}]`);
  } else {
    firstIndexOfId.set(id, index);
  }

  const name = requiredText(raw.name, 'name', RUBRIC_LIMITS.nameLength, (message) => problem(`${label}.name`, message));
  const description = optionalText(raw.description, 'description', RUBRIC_LIMITS.descriptionLength, (message) => problem(`${label}.description`, message));

  const maxPoints = raw.max_points;
  let validMax: number | undefined;
  if (!isNumber(maxPoints)) problem(`${label}.max_points`, 'max_points must be a number');
  else if (maxPoints <= 0) problem(`${label}.max_points`, 'max_points must be greater than 0');
  else if (maxPoints > RUBRIC_LIMITS.maxPointsPerCriterion) problem(`${label}.max_points`, `max_points must be at most ${RUBRIC_LIMITS.maxPointsPerCriterion}`);
  else if (!hasTwoDecimalsAtMost(maxPoints)) problem(`${label}.max_points`, 'max_points may have at most 2 decimal places');
  else validMax = maxPoints;

  const levels = checkLevels(raw.levels, label, validMax, problem);
  if (problems.length > before) return undefined;
  return { id: id as string, name: name!, ...(description === undefined ? {} : { description }), max_points: validMax!, levels: levels! };
}

function checkLevels(raw: unknown, label: string, max: number | undefined, problem: (field: string, message: string) => void): RubricCriterionLevel[] | undefined {
  if (!Array.isArray(raw)) {
    problem(`${label}.levels`, 'levels must be an array of { points, description }');
    return undefined;
  }
  if (raw.length === 0) {
    problem(`${label}.levels`, 'levels must contain at least one level');
    return undefined;
  }
  if (raw.length > RUBRIC_LIMITS.levels) {
    problem(`${label}.levels`, `levels may contain at most ${RUBRIC_LIMITS.levels} levels (got ${raw.length})`);
    return undefined;
  }

  const levels: RubricCriterionLevel[] = [];
  const firstIndexOfPoints = new Map<number, number>();
  let allPointsValid = true;
  raw.forEach((level, index) => {
    const field = `${label}.levels[${index}]`;
    if (!isPlainObject(level)) {
      problem(field, 'each level must be an object with points and description');
      allPointsValid = false;
      return;
    }
    for (const key of unknownKeys(level, LEVEL_FIELDS)) problem(`${field}.${key}`, `unknown field "${key}" (a level has points and description)`);

    const points = level.points;
    let validPoints: number | undefined;
    if (!isNumber(points)) problem(`${field}.points`, 'points must be a number');
    else if (points < 0 || (max !== undefined && points > max)) {
      problem(`${field}.points`, max === undefined ? 'points must not be negative' : `points must be between 0 and max_points (${max})`);
    } else if (!hasTwoDecimalsAtMost(points)) problem(`${field}.points`, 'points may have at most 2 decimal places');
    else if (firstIndexOfPoints.has(toCents(points))) {
      problem(`${field}.points`, `points ${points} is already used by levels[${firstIndexOfPoints.get(toCents(points))}]`);
    } else {
      firstIndexOfPoints.set(toCents(points), index);
      validPoints = points;
    }
    if (validPoints === undefined) allPointsValid = false;

    const description = requiredText(level.description, 'description', RUBRIC_LIMITS.descriptionLength, (message) => problem(`${field}.description`, message));
    if (validPoints !== undefined && description !== undefined) levels.push({ points: validPoints, description });
  });

  if (max !== undefined && allPointsValid && !firstIndexOfPoints.has(toCents(max))) {
    problem(`${label}.levels`, `one level must award the full max_points (${max})`);
  }
  return levels;
}

/** The editable fields of a rubric, as the API names them. */
export interface RubricFields {
  name: string;
  description: string | null;
  subject: string | null;
  gradeLevel: string | null;
  criteria: RubricCriterion[];
}

/** Which fields a patch really changes (criteria compared by content, not key order). */
export function changedFields(current: RubricFields, patch: Partial<RubricFields>): Array<keyof RubricFields> {
  const changed: Array<keyof RubricFields> = [];
  for (const field of ['name', 'description', 'subject', 'gradeLevel'] as const) {
    if (patch[field] !== undefined && patch[field] !== current[field]) changed.push(field);
  }
  if (patch.criteria !== undefined && canonicalJson(patch.criteria) !== canonicalJson(current.criteria)) changed.push('criteria');
  return changed;
}

/** Criteria with their fields in a fixed order and nothing else (JSONB does not keep key order). */
export function presentCriteria(criteria: RubricCriterion[]): RubricCriterion[] {
  return criteria.map((criterion) => ({
    id: criterion.id,
    name: criterion.name,
    ...(criterion.description === undefined ? {} : { description: criterion.description }),
    max_points: criterion.max_points,
    levels: criterion.levels.map((level) => ({ points: level.points, description: level.description })),
  }));
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    isPlainObject(item) ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, item[key]])) : item,
  );
}

function requiredText(value: unknown, field: string, maxLength: number, report: (message: string) => void): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    report(`${field} must be a non-empty string`);
    return undefined;
  }
  if (value.trim().length > maxLength) {
    report(`${field} must be at most ${maxLength} characters`);
    return undefined;
  }
  return value.trim();
}

function optionalText(value: unknown, field: string, maxLength: number, report: (message: string) => void): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    report(`${field} must be a string`);
    return undefined;
  }
  if (value.trim().length > maxLength) {
    report(`${field} must be at most ${maxLength} characters`);
    return undefined;
  }
  return value.trim() === '' ? undefined : value.trim();
}

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

function toCents(value: number): number {
  return Math.round(value * 100);
}

function fromCents(cents: number): number {
  return cents / 100;
}

function fail(field: string, message: string): CriteriaCheck {
  return { ok: false, problems: [{ field, message }] };
}
