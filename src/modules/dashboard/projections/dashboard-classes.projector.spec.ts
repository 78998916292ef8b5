import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { storedEvent } from '../../../../test/factories/events.js';
import { shuffle } from '../../../../test/factories/seeded-random.js';
import type { EventDefinition, StoredEvent } from '../../../../libs/event-store/event.js';
import { keysOf } from '../../../../libs/event-store/projector.js';
import { AssignmentCreated } from '../../assignments/assignments.events.js';
import { ClassArchived, ClassCreated, ClassReassigned, ClassUpdated, StudentAdded, StudentRemoved } from '../../classes/classes.events.js';
import { type SubmissionStatus, SubmissionStatusChanged, SubmissionUploaded } from '../../submissions/submissions.events.js';
import type { DashboardClass } from '../dashboard-class.entity.js';
import { dashboardClassesProjector as projector, dashboardTotals } from './dashboard-classes.projector.js';

const teacher = randomUUID();
const event = <P extends object>(definition: EventDefinition<P>, data: P): StoredEvent => storedEvent(definition, data, teacher);

const created = (classId: string, ownerId = teacher) => event(ClassCreated, { classId, ownerId, fields: { name: 'Period 3' }, source: 'teacher' });
const archived = (classId: string) => event(ClassArchived, { classId, ownerId: teacher });
const added = (classId: string, ownerId = teacher) => event(StudentAdded, { studentId: randomUUID(), classId, ownerId, source: 'teacher' });
const removed = (classId: string) => event(StudentRemoved, { studentId: randomUUID(), classId, ownerId: teacher });
const assigned = (classId: string) =>
  event(AssignmentCreated, { assignmentId: randomUUID(), classId, ownerId: teacher, gradingMode: 'rubric', rubricId: null, rubricVersionId: null, dueDate: null });
const reassigned = (classId: string, from: string, to: string, students: number) => event(ClassReassigned, { classId, ownerId: to, previousOwnerId: from, students });

/** Every class's row after these events, as the live path and a rebuild keep them. */
function rows(events: StoredEvent[]): Map<string, DashboardClass> {
  const byClass = new Map<string, DashboardClass>();
  for (const e of events) {
    if (!projector.eventTypes.includes(e.type)) continue;
    for (const key of keysOf(projector, e)) byClass.set(key, projector.evolve(byClass.get(key) ?? projector.initial(key), e));
  }
  return byClass;
}

/** What GET /api/dashboard answers a teacher, given these events. */
function dashboard(events: StoredEvent[], userId = teacher) {
  const owned = [...rows(events).values()].filter((row) => row.ownerId === userId).sort((a, b) => (a.classId < b.classId ? -1 : 1));
  return { ...dashboardTotals(owned), classes: owned };
}

describe('dashboard classes projector', () => {
  it('keys a row by the class the event names, and begins it with the class', () => {
    const a = randomUUID();
    expect(projector.keyOf(created(a))).toBe(a);
    expect(projector.keyOf(added(a))).toBe(a);
    expect(projector.keyOf({ ...created(a), data: { ownerId: teacher } })).toBeNull();
    expect(projector.createdBy).toEqual([ClassCreated.type]);
  });

  it('starts every class at zero with no owner, and gives it its creator', () => {
    const a = randomUUID();
    expect(projector.initial(a)).toEqual({ classId: a, ownerId: null, students: 0, assignments: 0, submissions: 0, pending: 0, archived: false });
    expect(rows([created(a)]).get(a)).toEqual({ classId: a, ownerId: teacher, students: 0, assignments: 0, submissions: 0, pending: 0, archived: false });
  });

  it('answers zeros and no classes to a teacher who owns none', () => {
    expect(dashboard([created(randomUUID(), randomUUID())])).toEqual({ totalClasses: 0, totalStudents: 0, totalAssignments: 0, totalSubmissions: 0, pendingSubmissions: 0, classes: [] });
  });

  it('counts classes and the students added to and removed from them', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const view = dashboard([created(a), created(b), added(a), added(a), added(b), removed(a), added(b)]);
    expect(view).toMatchObject({ totalClasses: 2, totalStudents: 3 });
    expect(Object.fromEntries(view.classes.map((row) => [row.classId, row.students]))).toEqual({ [a]: 1, [b]: 2 });
  });

  it('counts assignments of active classes and drops them with an archived class', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const events = [created(a), created(b), assigned(a), assigned(a), assigned(b)];
    expect(dashboard(events)).toMatchObject({ totalClasses: 2, totalAssignments: 3 });
    expect(dashboard([...events, archived(a)])).toMatchObject({ totalClasses: 1, totalAssignments: 1 });
  });

  it('drops an archived class and its students from the totals but keeps listing it with its counts', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const view = dashboard([created(a), created(b), added(a), added(a), added(a), added(b), archived(a), archived(a)]);
    expect(view).toMatchObject({ totalClasses: 1, totalStudents: 1 });
    expect(view.classes.map((row) => [row.classId, row.students, row.archived])).toEqual([[a, 3, true], [b, 1, false]].sort());
  });

  it('keeps counting the roster of an archived class without counting it in the totals', () => {
    const a = randomUUID();
    const view = dashboard([created(a), added(a), archived(a), added(a), removed(a), removed(a)]);
    expect(view).toMatchObject({ totalClasses: 0, totalStudents: 0, classes: [{ classId: a, students: 0, archived: true }] });
  });

  it('moves a reassigned class, roster and all, from the previous owner to the new one', () => {
    const other = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const events = [created(a), created(b), added(a), added(a), added(b), reassigned(a, teacher, other, 2), added(a, other)];
    expect(projector.keyOf(events[5])).toBe(a);
    expect(dashboard(events, teacher)).toMatchObject({ totalClasses: 1, totalStudents: 1, classes: [{ classId: b }] });
    expect(dashboard(events, other)).toMatchObject({ totalClasses: 1, totalStudents: 3, classes: [{ classId: a, students: 3 }] });
  });

  it('ignores events that change no count', () => {
    const a = randomUUID();
    const before = rows([created(a), added(a)]).get(a)!;
    const update = event(ClassUpdated, { classId: a, ownerId: teacher, changes: { name: 'Period 4' } });
    expect(projector.eventTypes).not.toContain(ClassUpdated.type);
    expect(projector.evolve(before, update)).toBe(before);
  });

  it('counts submissions and pending ones per class, once each, and drops them with an archived class', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const uploaded = (classId: string) =>
      event(SubmissionUploaded, { submissionId: randomUUID(), assignmentId: randomUUID(), classId, ownerId: teacher, uploadId: randomUUID(), studentId: null, matchStatus: 'unmatched', sourceKind: 'text', pageCount: 0, status: 'pending' });
    const moved = (classId: string, from: SubmissionStatus, to: SubmissionStatus) =>
      event(SubmissionStatusChanged, { submissionId: randomUUID(), assignmentId: randomUUID(), classId, ownerId: teacher, from, to });
    const events = [created(a), created(b), added(a), added(a), uploaded(a), uploaded(a), uploaded(b), moved(a, 'pending', 'error'), moved(a, 'error', 'pending'), moved(b, 'pending', 'reviewed')];

    const view = dashboard(events);
    expect(view).toMatchObject({ totalSubmissions: 3, pendingSubmissions: 2 });
    expect(view.classes.map((row) => [row.classId, row.submissions, row.pending])).toEqual([[a, 2, 2], [b, 1, 0]].sort());
    expect(dashboard([...events, archived(a)])).toMatchObject({ totalSubmissions: 1, pendingSubmissions: 0 });
    // Moves that neither enter nor leave pending do not write the class's row.
    expect(projector.keyOf(moved(a, 'graded', 'reviewed'))).toBeNull();
    expect(projector.keyOf(moved(a, 'pending', 'grading'))).toBe(a);
  });

  it('does not change the row it is given', () => {
    const a = randomUUID();
    const before = rows([created(a)]).get(a)!;
    const snapshot = structuredClone(before);
    projector.evolve(before, added(a));
    expect(before).toEqual(snapshot);
  });

  it('reaches the same rows whatever order concurrent transactions are replayed in', () => {
    const other = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const events = [
      ...[created(a), created(b), created(c), added(a), added(b), added(a), removed(a), archived(b), added(b), added(c), added(c), assigned(a)],
      ...[reassigned(c, teacher, other, 2), added(c, other), assigned(c)],
    ];
    const expected = rows(events);
    for (let seed = 1; seed <= 25; seed++) expect(rows(keepingClassStreams(shuffle(events, seed), events))).toEqual(expected);
    expect(dashboard(events, teacher)).toMatchObject({ totalClasses: 1, totalStudents: 1, totalAssignments: 1 });
    expect(dashboard(events, teacher).classes.map((row) => row.classId).sort()).toEqual([a, b].sort());
    expect(dashboard(events, other)).toMatchObject({ totalClasses: 1, totalStudents: 3, totalAssignments: 1, classes: [{ classId: c }] });
  });
});

/**
 * A class's own events (creation, reassignment) carry expected versions, so they commit in
 * transaction-id order: within a shuffle they keep their original order, everything else moves.
 */
function keepingClassStreams(shuffled: StoredEvent[], original: StoredEvent[]): StoredEvent[] {
  const ordered = original.filter((e) => e.streamType === 'class');
  let next = 0;
  return shuffled.map((e) => (e.streamType === 'class' ? ordered[next++] : e));
}
