import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { storedEvent } from '../../../../test/factories/events.js';
import { seededRandom } from '../../../../test/factories/seeded-random.js';
import type { EventDefinition, StoredEvent } from '../../../../libs/event-store/event.js';
import { type SubmissionStatus, SubmissionStatusChanged, SubmissionUploaded } from '../../submissions/submissions.events.js';
import type { AssignmentStats } from '../assignment-stats.entity.js';
import { GradeApproved, GradeEdited, GradeRecorded, type GradeScores } from '../grading.events.js';
import { percentageOf } from '../grading.rules.js';
import { assignmentStatsProjector as projector, bucketOf, medianOf } from './assignment-stats.projector.js';

const assignment = randomUUID();
const owner = randomUUID();
const classId = randomUUID();
const event = <P extends object>(definition: EventDefinition<P>, data: P): StoredEvent => storedEvent(definition, data, owner);

const uploaded = (submissionId = randomUUID(), assignmentId = assignment) =>
  event(SubmissionUploaded, { submissionId, assignmentId, classId, ownerId: owner, uploadId: randomUUID(), studentId: null, matchStatus: 'unmatched', sourceKind: 'text', pageCount: 0, status: 'pending' });
const moved = (submissionId: string, from: SubmissionStatus, to: SubmissionStatus) => event(SubmissionStatusChanged, { submissionId, assignmentId: assignment, ownerId: owner, from, to });

/** Math Problem Solving scores: crit_1 of 5, crit_2 of 3. */
function scores(correct: number, work: number): GradeScores {
  const total = correct + work;
  return {
    totalScore: total,
    maxScore: 8,
    percentage: percentageOf(total, 8),
    criteria: [
      { criterionId: 'crit_1', score: correct, maxScore: 5 },
      { criterionId: 'crit_2', score: work, maxScore: 3 },
    ],
  };
}

const common = (gradeId: string, submissionId: string) => ({ gradeId, submissionId, assignmentId: assignment, classId, ownerId: owner });
const recorded = (gradeId: string, submissionId: string, numbers: GradeScores) =>
  event(GradeRecorded, { ...common(gradeId, submissionId), source: 'teacher', mode: 'rubric', rubricVersionId: randomUUID(), teacherApproved: true, aiConfidence: null, aiModel: null, flags: [], ...numbers });
const edited = (gradeId: string, submissionId: string, before: GradeScores, after: GradeScores) =>
  event(GradeEdited, { ...common(gradeId, submissionId), source: 'teacher', changed: ['criteriaScores'], before, after, rubricVersionId: randomUUID(), teacherModified: true, teacherApproved: true });

function given(events: StoredEvent[], key = assignment): AssignmentStats {
  return events
    .filter((e) => projector.eventTypes.includes(e.type) && projector.keyOf(e) === key)
    .reduce((row, e) => projector.evolve(row, e), projector.initial(key));
}

/** n graded submissions: upload, then a teacher's grade moving it to reviewed. */
function gradedWork(numbers: GradeScores[]): { events: StoredEvent[]; gradeIds: string[]; submissionIds: string[] } {
  const events: StoredEvent[] = [];
  const gradeIds: string[] = [];
  const submissionIds: string[] = [];
  for (const value of numbers) {
    const [submissionId, gradeId] = [randomUUID(), randomUUID()];
    events.push(uploaded(submissionId), recorded(gradeId, submissionId, value), moved(submissionId, 'pending', 'reviewed'));
    gradeIds.push(gradeId);
    submissionIds.push(submissionId);
  }
  return { events, gradeIds, submissionIds };
}

describe('assignment stats projector', () => {
  it('starts every assignment at zero with empty bands', () => {
    expect(projector.initial(assignment)).toMatchObject({
      totalSubmissions: 0,
      pendingCount: 0,
      gradedCount: 0,
      gradeCount: 0,
      meanPercentage: null,
      medianPercentage: null,
      histogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      criteria: {},
      grades: {},
    });
  });

  it('counts uploads as pending and follows every status change', () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const row = given([uploaded(a), uploaded(b), uploaded(c), moved(a, 'pending', 'grading'), moved(a, 'grading', 'graded'), moved(b, 'pending', 'error'), moved(b, 'error', 'pending'), moved(c, 'pending', 'error')]);
    expect(row).toMatchObject({ totalSubmissions: 3, pendingCount: 1, gradingCount: 0, gradedCount: 1, reviewedCount: 0, errorCount: 1 });
  });

  it('keeps the mean, the exact median, the bands and each criterion\'s means over the grades', () => {
    const { events } = gradedWork([scores(5, 3), scores(3, 2), scores(0, 0), scores(5, 2)]);
    const row = given(events);
    // 100, 62.5, 0, 87.5
    expect(row).toMatchObject({ totalSubmissions: 4, reviewedCount: 4, pendingCount: 0, gradeCount: 4, meanPercentage: 62.5, medianPercentage: 75 });
    expect(row.histogram).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 1, 1]);
    expect(row.criteria).toEqual({
      crit_1: { count: 4, meanScore: 3.25, maxScore: 5, meanFraction: 0.65 },
      crit_2: { count: 4, meanScore: 1.75, maxScore: 3, meanFraction: 0.5834 },
    });
  });

  it('replaces an edited grade\'s numbers instead of adding them', () => {
    const { events, gradeIds, submissionIds } = gradedWork([scores(5, 3), scores(3, 2)]);
    const row = given([...events, edited(gradeIds[1], submissionIds[1], scores(3, 2), scores(0, 2))]);
    expect(row).toMatchObject({ gradeCount: 2, meanPercentage: 62.5, medianPercentage: 62.5 });
    expect(row.criteria.crit_1).toEqual({ count: 2, meanScore: 2.5, maxScore: 5, meanFraction: 0.5 });
    expect(Object.keys(row.grades).sort()).toEqual([...gradeIds].sort());
  });

  it('rounds the mean of percentages like numeric avg then round(…, 2), and keeps a half-cent median', () => {
    const { events } = gradedWork([scores(3, 2), scores(5, 2), scores(5, 3)]);
    // 62.5, 87.5 and 100: mean 83.333… → 83.33
    expect(given(events)).toMatchObject({ meanPercentage: 83.33, medianPercentage: 87.5 });
    expect(medianOf([6667, 7500])).toBe(70.835);
    expect(medianOf([])).toBeNull();
  });

  it('puts 100 % in the top band and each band\'s lower edge in that band', () => {
    expect([0, 999, 1000, 8999, 9000, 10000].map(bucketOf)).toEqual([0, 0, 1, 8, 9, 9]);
  });

  it('ignores approvals, which change no number', () => {
    expect(projector.eventTypes).not.toContain(GradeApproved.type);
  });

  it('keys rows by the event\'s assignment and leaves other assignments alone', () => {
    const other = randomUUID();
    const events = [uploaded(randomUUID(), other), uploaded()];
    expect(projector.keyOf(events[0])).toBe(other);
    expect(given(events)).toMatchObject({ totalSubmissions: 1 });
    expect(given(events, other)).toMatchObject({ totalSubmissions: 1 });
  });

  it('does not change the row it is given', () => {
    const before = given(gradedWork([scores(5, 3)]).events);
    const snapshot = structuredClone(before);
    projector.evolve(before, recorded(randomUUID(), randomUUID(), scores(0, 0)));
    expect(before).toEqual(snapshot);
  });

  it('reaches the same row whatever order the submissions\' transactions are replayed in', () => {
    const work = gradedWork([scores(5, 3), scores(3, 2), scores(0, 0), scores(5, 2), scores(3, 3), scores(0, 2)]);
    const edit = edited(work.gradeIds[0], work.submissionIds[0], scores(5, 3), scores(3, 3));
    // One submission's events stay in order (they are serialized by its row lock); different submissions interleave freely.
    const perSubmission = work.submissionIds.map((_, index) => work.events.slice(index * 3, index * 3 + 3));
    perSubmission[0].push(edit);
    const expected = given(perSubmission.flat());
    for (let seed = 1; seed <= 25; seed++) {
      expect(given(interleave(perSubmission, seed))).toEqual(expected);
    }
    expect(expected).toMatchObject({ gradeCount: 6, reviewedCount: 6 });
  });
});

/** Merges the sequences in a random (seeded) order that keeps each sequence's own order. */
function interleave<T>(sequences: T[][], seed: number): T[] {
  const random = seededRandom(seed);
  const queues = sequences.map((sequence) => [...sequence]);
  const merged: T[] = [];
  while (queues.some((queue) => queue.length > 0)) {
    const open = queues.filter((queue) => queue.length > 0);
    merged.push(open[Math.floor(random() * open.length)].shift()!);
  }
  return merged;
}
