import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { storedEvent } from '../../../../test/factories/events.js';
import type { EventDefinition, StoredEvent } from '../../../../libs/event-store/event.js';
import { AssignmentCreated } from '../../assignments/assignments.events.js';
import { ClassArchived, ClassCreated, ClassReassigned, ClassUpdated, StudentAdded, StudentRemoved } from '../../classes/classes.events.js';
import { type SubmissionStatus, SubmissionStatusChanged, SubmissionUploaded } from '../../submissions/submissions.events.js';
import type { TeacherDashboard } from '../teacher-dashboard.entity.js';
import { ownedClasses, teacherDashboardProjector as projector } from './teacher-dashboard.projector.js';

const teacher = randomUUID();
const event = <P extends object>(definition: EventDefinition<P>, data: P): StoredEvent => storedEvent(definition, data, teacher);

const created = (classId: string, ownerId = teacher) => event(ClassCreated, { classId, ownerId, fields: { name: 'Period 3' }, source: 'teacher' });
const archived = (classId: string) => event(ClassArchived, { classId, ownerId: teacher });
const added = (classId: string, ownerId = teacher) => event(StudentAdded, { studentId: randomUUID(), classId, ownerId, source: 'teacher' });
const removed = (classId: string) => event(StudentRemoved, { studentId: randomUUID(), classId, ownerId: teacher });

const assigned = (classId: string) =>
  event(AssignmentCreated, { assignmentId: randomUUID(), classId, ownerId: teacher, gradingMode: 'rubric', rubricId: null, rubricVersionId: null, dueDate: null });

/** The roster size travels with the class when OneRoster gives it another teacher. */
const reassigned = (classId: string, from: string, to: string, students: number) =>
  event(ClassReassigned, { classId, ownerId: to, previousOwnerId: from, students });

/** Given these events, the row the projector keeps for a teacher (the events that key to them). */
function given(events: StoredEvent[], userId = teacher): TeacherDashboard {
  const keyed = (e: StoredEvent) => projector.eventTypes.includes(e.type) && ([] as Array<string | null>).concat(projector.keyOf(e)).includes(userId);
  return events.filter(keyed).reduce((row, e) => projector.evolve(row, e), projector.initial(userId));
}

describe('teacher dashboard projector', () => {
  it('counts assignments of active classes and drops them with an archived class', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const row = given([created(a), created(b), assigned(a), assigned(a), assigned(b)]);
    expect(row).toMatchObject({ totalClasses: 2, totalAssignments: 3 });
    expect(given([created(a), created(b), assigned(a), assigned(a), assigned(b), archived(a)])).toMatchObject({ totalClasses: 1, totalAssignments: 1 });
  });

  it('starts every teacher at zero', () => {
    expect(projector.initial(teacher)).toEqual({
      userId: teacher,
      totalClasses: 0,
      totalStudents: 0,
      totalAssignments: 0,
      totalSubmissions: 0,
      pendingSubmissions: 0,
      classes: {},
    });
  });

  it('keys rows by the class owner named in the event', () => {
    const other = randomUUID();
    expect(projector.keyOf(created(randomUUID(), other))).toBe(other);
    expect(projector.keyOf({ ...created(randomUUID()), data: { classId: randomUUID() } })).toBeNull();
  });

  it('counts classes and the students added to and removed from them', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const events = [created(a), created(b), added(a), added(a), added(b), removed(a), added(b)];
    const row = given(events);
    expect(row).toMatchObject({ totalClasses: 2, totalStudents: 3, classes: { [a]: { owned: 1, students: 1, archived: false }, [b]: { owned: 1, students: 2, archived: false } } });
  });

  it('drops an archived class and its students from the totals but keeps its tally', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const row = given([created(a), created(b), added(a), added(a), added(a), added(b), archived(a)]);
    expect(row).toMatchObject({ totalClasses: 1, totalStudents: 1, classes: { [a]: { owned: 1, students: 3, archived: true }, [b]: { owned: 1, students: 1, archived: false } } });
    expect(ownedClasses(row).map((c) => [c.classId, c.archived])).toEqual([[a, true], [b, false]].sort());
  });

  it('keeps counting the roster of an archived class without counting it in the totals', () => {
    const a = randomUUID();
    const row = given([created(a), added(a), archived(a), added(a), removed(a), removed(a)]);
    expect(row).toMatchObject({ totalClasses: 0, totalStudents: 0, classes: { [a]: { owned: 1, students: 0, archived: true } } });
  });

  it('treats archiving twice like archiving once', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const row = given([created(a), created(b), added(b), archived(a), archived(a)]);
    expect(row).toMatchObject({ totalClasses: 1, totalStudents: 1 });
  });

  it('moves a reassigned class and its roster from the previous owner to the new one', () => {
    const other = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const events = [created(a), created(b), added(a), added(a), added(b), reassigned(a, teacher, other, 2), added(a, other)];

    expect(projector.keyOf(events[5])).toEqual([teacher, other]);
    const previous = given(events, teacher);
    const next = given(events, other);

    expect(previous).toMatchObject({ totalClasses: 1, totalStudents: 1, classes: { [b]: { owned: 1, students: 1, archived: false } } });
    expect(Object.keys(previous.classes)).toEqual([b]);
    expect(next).toMatchObject({ totalClasses: 1, totalStudents: 3, classes: { [a]: { owned: 1, students: 3, archived: false } } });
    expect(ownedClasses(next).map((c) => c.classId)).toEqual([a]);
  });

  it('ignores events that change no count', () => {
    const a = randomUUID();
    const before = given([created(a), added(a)]);
    const update = event(ClassUpdated, { classId: a, ownerId: teacher, changes: { name: 'Period 4' } });
    expect(projector.eventTypes).not.toContain(ClassUpdated.type);
    expect(projector.evolve(before, update)).toBe(before);
  });

  it('leaves assignment and submission counts at zero until their events exist', () => {
    const a = randomUUID();
    expect(given([created(a), added(a)])).toMatchObject({ totalAssignments: 0, totalSubmissions: 0, pendingSubmissions: 0 });
  });

  it('counts submissions and pending ones per class, once each, and drops them with an archived class', () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const uploaded = (classId: string, submissionId = randomUUID()) =>
      event(SubmissionUploaded, { submissionId, assignmentId: randomUUID(), classId, ownerId: teacher, uploadId: randomUUID(), studentId: null, matchStatus: 'unmatched', sourceKind: 'text', pageCount: 0, status: 'pending' });
    const moved = (classId: string, from: SubmissionStatus, to: SubmissionStatus) =>
      event(SubmissionStatusChanged, { submissionId: randomUUID(), assignmentId: randomUUID(), classId, ownerId: teacher, from, to });
    const events = [created(a), created(b), added(a), added(a), uploaded(a), uploaded(a), uploaded(b), moved(a, 'pending', 'error'), moved(a, 'error', 'pending'), moved(b, 'pending', 'reviewed')];

    expect(given(events)).toMatchObject({ totalSubmissions: 3, pendingSubmissions: 2, classes: { [a]: { submissions: 2, pending: 2 }, [b]: { submissions: 1, pending: 0 } } });
    expect(given([...events, archived(a)])).toMatchObject({ totalSubmissions: 1, pendingSubmissions: 0 });
    // Moves that neither enter nor leave pending do not touch (or lock) the teacher's row.
    expect(projector.keyOf(moved(a, 'graded', 'reviewed'))).toBeNull();
    expect(projector.keyOf(moved(a, 'pending', 'grading'))).toBe(teacher);
    for (let seed = 1; seed <= 10; seed++) expect(given(shuffle(events, seed))).toEqual(given(events));
  });

  it('does not change the row it is given', () => {
    const a = randomUUID();
    const before = given([created(a)]);
    const snapshot = structuredClone(before);
    projector.evolve(before, added(a));
    expect(before).toEqual(snapshot);
  });

  it('reaches the same rows whatever order concurrent transactions are replayed in', () => {
    const other = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const events = [
      ...[created(a), created(b), created(c), added(a), added(b), added(a), removed(a), archived(b), added(b), added(c), added(c)],
      ...[reassigned(c, teacher, other, 2), added(c, other)],
    ];
    const expected = given(events, teacher);
    const expectedOther = given(events, other);
    for (let seed = 1; seed <= 25; seed++) {
      const shuffled = shuffle(events, seed);
      expect(given(shuffled, teacher)).toEqual(expected);
      expect(given(shuffled, other)).toEqual(expectedOther);
    }
    expect(expected).toMatchObject({ totalClasses: 1, totalStudents: 1 });
    expect(Object.keys(expected.classes).sort()).toEqual([a, b].sort());
    expect(expectedOther).toMatchObject({ totalClasses: 1, totalStudents: 3, classes: { [c]: { owned: 1, students: 3, archived: false } } });
  });
});

/** A deterministic Fisher-Yates shuffle (mulberry32), so a failure names a reproducible seed. */
function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
