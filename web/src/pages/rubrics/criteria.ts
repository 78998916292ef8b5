import type { ErrorDetail, Schemas } from '../../api/client';

export type Criterion = Schemas['CriterionDto'];

export interface LevelDraft {
  key: string;
  points: number | string;
  description: string;
}

export interface CriterionDraft {
  key: string;
  id: string;
  name: string;
  description: string;
  maxPoints: number | string;
  levels: LevelDraft[];
}

let nextKey = 0;
const key = () => `k${++nextKey}`;

export function toDrafts(criteria: Criterion[]): CriterionDraft[] {
  return criteria.map((criterion) => ({
    key: key(),
    id: criterion.id,
    name: criterion.name,
    description: criterion.description ?? '',
    maxPoints: criterion.max_points,
    levels: criterion.levels.map((level) => ({ key: key(), points: level.points, description: level.description })),
  }));
}

/** A new criterion with an id not used yet and two levels (full marks and none) to edit. */
export function newCriterion(existing: CriterionDraft[]): CriterionDraft {
  const used = new Set(existing.map((criterion) => criterion.id));
  let n = existing.length + 1;
  while (used.has(`crit_${n}`)) n++;
  return {
    key: key(),
    id: `crit_${n}`,
    name: '',
    description: '',
    maxPoints: 4,
    levels: [
      { key: key(), points: 4, description: '' },
      { key: key(), points: 0, description: '' },
    ],
  };
}

export function newLevel(): LevelDraft {
  return { key: key(), points: '', description: '' };
}

/** Empty number fields go to the server as null, so its message ("must be a number") names them. */
function toNumber(value: number | string): number | null {
  if (typeof value === 'number') return value;
  return value.trim() === '' ? null : Number(value);
}

/** The criteria in the stored JSON shape the API takes (snake_case max_points). */
export function toCriteria(drafts: CriterionDraft[]): Criterion[] {
  return drafts.map((draft) => ({
    id: draft.id.trim(),
    name: draft.name,
    ...(draft.description.trim() ? { description: draft.description } : {}),
    max_points: toNumber(draft.maxPoints) as number,
    levels: draft.levels.map((level) => ({ points: toNumber(level.points) as number, description: level.description })),
  }));
}

export function totalPoints(drafts: CriterionDraft[]): number {
  return drafts.reduce((sum, draft) => sum + (Number(draft.maxPoints) || 0), 0);
}

/**
 * The server's validation details by field, with the rubric rules' criterion labels removed:
 * `criteria[1] (crit_2).levels[0].points` becomes `criteria[1].levels[0].points`.
 */
export function rubricErrors(details: ErrorDetail[]): Map<string, string[]> {
  const errors = new Map<string, string[]>();
  for (const detail of details) {
    const field = (detail.field ?? '').replace(/^criteria\[(\d+)\] \([^)]*\)/, 'criteria[$1]');
    errors.set(field, [...(errors.get(field) ?? []), detail.message]);
  }
  return errors;
}

/** The fields the editor shows beside an input; every other problem of a criterion is listed on its card. */
export function isFieldError(field: string): boolean {
  return /^criteria\[\d+\]\.(id|name|description|max_points)$/.test(field) || /^criteria\[\d+\]\.levels\[\d+\]\.(points|description)$/.test(field);
}
