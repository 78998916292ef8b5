/**
 * How often teachers keep the AI's scores, per rubric criterion and per assignment, from approved
 * grades: exact agreement, agreement within one level, quadratic weighted kappa, and the mean change
 * (teacher's final score minus the AI's, in points). Pure: no I/O.
 */

/** One criterion of one approved grade: what the AI proposed and what the teacher kept. */
export interface ScorePair {
  ai: number;
  final: number;
}

export interface CriterionAgreement {
  criterionId: string;
  /** Approved AI grades that scored this criterion. */
  count: number;
  /** Share (0 to 1) of grades whose score the teacher kept. */
  exactAgreement: number | null;
  /** Share whose final score is at most one level away from the AI's. */
  withinOneLevel: number | null;
  /** Cohen's kappa with quadratic weights over the criterion's levels; null when undefined (fewer than two levels used, or no grades). */
  quadraticWeightedKappa: number | null;
  /** Mean of final − AI score, in points (negative: the teacher lowers the AI's scores). */
  meanChange: number | null;
}

export interface AssignmentAgreement {
  /** Approved AI grades compared (auto-approved ones a teacher never touched are left out). */
  gradeCount: number;
  /** Over every criterion of every compared grade. */
  exactAgreement: number | null;
  withinOneLevel: number | null;
  /** The criteria's kappas weighted by their counts (kappas of different scales are not pooled). */
  quadraticWeightedKappa: number | null;
  meanChange: number | null;
  criteria: CriterionAgreement[];
}

/**
 * The ordered categories of a criterion: its levels' points and any other score seen (a teacher's
 * override in answer-key mode), ascending. Levels are what "within one level" counts in.
 */
export function categoriesOf(levels: readonly number[], pairs: readonly ScorePair[]): number[] {
  const all = new Set<number>([...levels, ...pairs.flatMap((pair) => [pair.ai, pair.final])].map(cents));
  return [...all].sort((a, b) => a - b);
}

/**
 * Cohen's kappa with quadratic weights: 1 − Σ w·O / Σ w·E, where O counts (ai, final) category
 * pairs, E = row total × column total / N, and w = (i − j)² / (k − 1)². Null when it is undefined.
 */
export function quadraticWeightedKappa(pairs: readonly ScorePair[], categories: readonly number[]): number | null {
  const k = categories.length;
  const n = pairs.length;
  if (n === 0 || k < 2) return null;
  const index = new Map(categories.map((value, i) => [value, i]));
  const observed = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const rows = new Array<number>(k).fill(0);
  const columns = new Array<number>(k).fill(0);
  for (const pair of pairs) {
    const i = index.get(cents(pair.ai))!;
    const j = index.get(cents(pair.final))!;
    observed[i][j] += 1;
    rows[i] += 1;
    columns[j] += 1;
  }
  let weightedObserved = 0;
  let weightedExpected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const weight = (i - j) ** 2 / (k - 1) ** 2;
      weightedObserved += weight * observed[i][j];
      weightedExpected += (weight * rows[i] * columns[j]) / n;
    }
  }
  if (weightedExpected === 0) return null;
  return round(1 - weightedObserved / weightedExpected, 4);
}

export function criterionAgreement(criterionId: string, levels: readonly number[], pairs: readonly ScorePair[]): CriterionAgreement {
  if (pairs.length === 0) return { criterionId, count: 0, exactAgreement: null, withinOneLevel: null, quadraticWeightedKappa: null, meanChange: null };
  const categories = categoriesOf(levels, pairs);
  const index = new Map(categories.map((value, i) => [value, i]));
  const exact = pairs.filter((pair) => cents(pair.ai) === cents(pair.final)).length;
  const withinOne = pairs.filter((pair) => Math.abs(index.get(cents(pair.ai))! - index.get(cents(pair.final))!) <= 1).length;
  const change = pairs.reduce((sum, pair) => sum + cents(pair.final) - cents(pair.ai), 0);
  return {
    criterionId,
    count: pairs.length,
    exactAgreement: round(exact / pairs.length, 4),
    withinOneLevel: round(withinOne / pairs.length, 4),
    quadraticWeightedKappa: quadraticWeightedKappa(pairs, categories),
    meanChange: round(change / pairs.length / 100, 2),
  };
}

/** Agreement per criterion (in `order`) and over the whole assignment. */
export function assignmentAgreement(gradeCount: number, order: ReadonlyArray<{ id: string; levels: readonly number[] }>, pairsByCriterion: ReadonlyMap<string, readonly ScorePair[]>): AssignmentAgreement {
  const known = new Set(order.map((criterion) => criterion.id));
  const extra = [...pairsByCriterion.keys()].filter((id) => !known.has(id)).sort();
  const criteria = [...order.map((criterion) => ({ id: criterion.id, levels: criterion.levels })), ...extra.map((id) => ({ id, levels: [] as number[] }))].map((criterion) =>
    criterionAgreement(criterion.id, criterion.levels, pairsByCriterion.get(criterion.id) ?? []),
  );
  const scored = criteria.filter((criterion) => criterion.count > 0);
  const pairs = scored.reduce((sum, criterion) => sum + criterion.count, 0);
  const weighted = (pick: (criterion: CriterionAgreement) => number | null, digits: number) => {
    const usable = scored.filter((criterion) => pick(criterion) !== null);
    const weight = usable.reduce((sum, criterion) => sum + criterion.count, 0);
    return weight === 0 ? null : round(usable.reduce((sum, criterion) => sum + pick(criterion)! * criterion.count, 0) / weight, digits);
  };
  const allPairs = [...pairsByCriterion.values()].flat();
  return {
    gradeCount,
    exactAgreement: pairs === 0 ? null : weighted((criterion) => criterion.exactAgreement, 4),
    withinOneLevel: pairs === 0 ? null : weighted((criterion) => criterion.withinOneLevel, 4),
    quadraticWeightedKappa: weighted((criterion) => criterion.quadraticWeightedKappa, 4),
    meanChange: allPairs.length === 0 ? null : round(allPairs.reduce((sum, pair) => sum + cents(pair.final) - cents(pair.ai), 0) / allPairs.length / 100, 2),
    criteria,
  };
}

function cents(value: number): number {
  return Math.round(value * 100);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
