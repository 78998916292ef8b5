import type { ProjectedEvent } from '../../../../libs/event-store/event.js';
import type { Projector } from '../../../../libs/event-store/projector.js';
import { SUBMISSION_STATUSES, type SubmissionStatus, SubmissionStatusChanged, SubmissionUploaded } from '../../submissions/submissions.events.js';
import { AssignmentStats, type CriterionStats, type GradeSample } from '../assignment-stats.entity.js';
import { GradeEdited, GradeRecorded, type GradeScores } from '../grading.events.js';
import { divideRoundingHalfUp, fromCents, toCents } from '../grading.rules.js';

type StatusCountField = 'pendingCount' | 'gradingCount' | 'gradedCount' | 'reviewedCount' | 'errorCount';

const STATUS_FIELD: Record<SubmissionStatus, StatusCountField> = {
  pending: 'pendingCount',
  grading: 'gradingCount',
  graded: 'gradedCount',
  reviewed: 'reviewedCount',
  error: 'errorCount',
};

export const HISTOGRAM_BUCKETS = 10;

function initial(assignmentId: string): AssignmentStats {
  return {
    assignmentId,
    totalSubmissions: 0,
    pendingCount: 0,
    gradingCount: 0,
    gradedCount: 0,
    reviewedCount: 0,
    errorCount: 0,
    gradeCount: 0,
    meanPercentage: null,
    medianPercentage: null,
    histogram: new Array<number>(HISTOGRAM_BUCKETS).fill(0),
    criteria: {},
    grades: {},
  };
}

const isStatus = (value: unknown): value is SubmissionStatus => typeof value === 'string' && (SUBMISSION_STATUSES as readonly string[]).includes(value);

/** A grade's numbers in whole cents. */
export function sampleOf(scores: GradeScores): GradeSample {
  return { p: toCents(scores.percentage), s: Object.fromEntries(scores.criteria.map((part) => [part.criterionId, [toCents(part.score), toCents(part.maxScore)]])) };
}

/** The band of a percentage given in cents: 0 for [0,10), …, 9 for [90,100]. */
export function bucketOf(percentageCents: number): number {
  return Math.min(HISTOGRAM_BUCKETS - 1, Math.max(0, Math.floor(percentageCents / 1000)));
}

/** The exact median of percentages given in cents: the middle one, or the mean of the two middle ones. */
export function medianOf(percentageCents: readonly number[]): number | null {
  if (percentageCents.length === 0) return null;
  const sorted = [...percentageCents].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? fromCents(sorted[middle]) : (sorted[middle - 1] + sorted[middle]) / 200;
}

/**
 * Everything derived from the grades, recomputed from the whole multiset on every change. Integer
 * sums make the result independent of the order in which grades were added, so replaying the log
 * gives exactly the row the live path built.
 */
export function gradeStatistics(grades: Record<string, GradeSample>): Pick<AssignmentStats, 'gradeCount' | 'meanPercentage' | 'medianPercentage' | 'histogram' | 'criteria'> {
  const samples = Object.values(grades);
  const histogram = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  const sums = new Map<string, { count: number; score: number; max: number; fraction: number }>();
  let total = 0;
  for (const sample of samples) {
    total += sample.p;
    histogram[bucketOf(sample.p)] += 1;
    for (const [criterionId, [score, max]] of Object.entries(sample.s)) {
      const sum = sums.get(criterionId) ?? { count: 0, score: 0, max: 0, fraction: 0 };
      sums.set(criterionId, {
        count: sum.count + 1,
        score: sum.score + score,
        max: Math.max(sum.max, max),
        // score / max in units of 1/10,000, rounded as numeric round(score / max, 4) rounds.
        fraction: sum.fraction + (max > 0 ? divideRoundingHalfUp(score * 10_000, max) : 0),
      });
    }
  }
  // fromEntries, not assignment: a criterion may be called "__proto__".
  const criteria: Record<string, CriterionStats> = Object.fromEntries(
    [...sums]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([criterionId, sum]) => [
        criterionId,
        {
          count: sum.count,
          meanScore: fromCents(divideRoundingHalfUp(sum.score, sum.count)),
          maxScore: fromCents(sum.max),
          meanFraction: divideRoundingHalfUp(sum.fraction, sum.count) / 10_000,
        },
      ]),
  );
  return {
    gradeCount: samples.length,
    meanPercentage: samples.length === 0 ? null : fromCents(divideRoundingHalfUp(total, samples.length)),
    medianPercentage: medianOf(samples.map((sample) => sample.p)),
    histogram,
    criteria,
  };
}

/** How each event changes an assignment's row; status counts are increments, grades replace their own entry. */
const changes: Record<string, (row: AssignmentStats, data: Record<string, any>) => AssignmentStats> = {
  [SubmissionUploaded.type]: (row, data) => {
    const status: SubmissionStatus = isStatus(data.status) ? data.status : 'pending';
    return { ...row, totalSubmissions: row.totalSubmissions + 1, [STATUS_FIELD[status]]: row[STATUS_FIELD[status]] + 1 };
  },
  [SubmissionStatusChanged.type]: (row, data) => {
    if (!isStatus(data.from) || !isStatus(data.to) || data.from === data.to) return row;
    const from = STATUS_FIELD[data.from];
    const to = STATUS_FIELD[data.to];
    return { ...row, [from]: row[from] - 1, [to]: row[to] + 1 };
  },
  [GradeRecorded.type]: (row, data) => withGrade(row, data.gradeId, data as GradeScores),
  [GradeEdited.type]: (row, data) => withGrade(row, data.gradeId, data.after as GradeScores),
};

function withGrade(row: AssignmentStats, gradeId: unknown, scores: GradeScores | undefined): AssignmentStats {
  if (typeof gradeId !== 'string' || !scores) return row;
  const grades = { ...row.grades, [gradeId]: sampleOf(scores) };
  return { ...row, grades, ...gradeStatistics(grades) };
}

export function evolveAssignmentStats(row: AssignmentStats, event: ProjectedEvent): AssignmentStats {
  const change = changes[event.type];
  if (!change) return row;
  return change(row, event.data);
}

/** One assignment_stats row per assignment, kept inside every write and rebuilt by projections:rebuild. */
export const assignmentStatsProjector: Projector<AssignmentStats> = {
  name: 'assignment_stats',
  entity: AssignmentStats,
  table: 'assignment_stats',
  keyProperty: 'assignmentId',
  keyColumn: 'assignment_id',
  // GradeApproved changes no number, so it is not handled: it would only lock the row.
  eventTypes: Object.keys(changes),
  keyOf: (event) => (typeof event.data.assignmentId === 'string' ? event.data.assignmentId : null),
  initial,
  evolve: evolveAssignmentStats,
};
