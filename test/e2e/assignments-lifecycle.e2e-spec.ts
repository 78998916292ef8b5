import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type request from 'supertest';
import { answerKeyAssignmentBody, assignmentRow, createAssignment, eventCount, insertClass, moveTo } from '../factories/assignments.js';
import { loggedEvents } from '../factories/events.js';
import { signIn, type SignedInUser } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

type Status = 'draft' | 'active' | 'closed' | 'archived';

/** How to bring a new assignment into each status, along legal transitions. */
const PATH_TO: Record<Status, Status[]> = {
  draft: [],
  active: ['active'],
  closed: ['active', 'closed'],
  archived: ['archived'],
};

const ILLEGAL: Array<[Status, Status, string]> = [
  ['draft', 'draft', 'from draft it can only go to active or archived'],
  ['draft', 'closed', 'from draft it can only go to active or archived'],
  ['active', 'draft', 'from active it can only go to closed'],
  ['active', 'active', 'from active it can only go to closed'],
  ['active', 'archived', 'from active it can only go to closed'],
  ['closed', 'draft', 'from closed it can only go to active or archived'],
  ['closed', 'closed', 'from closed it can only go to active or archived'],
  ['archived', 'draft', 'archived is final'],
  ['archived', 'active', 'archived is final'],
  ['archived', 'closed', 'archived is final'],
  ['archived', 'archived', 'archived is final'],
];

describe('assignments: status lifecycle and concurrent edits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function newAssignment(teacher: SignedInUser, body?: Record<string, unknown>): Promise<{ classId: string; id: string }> {
    const classId = await insertClass(t.dataSource, teacher.id);
    const assignment = await createAssignment(teacher, classId, body);
    return { classId, id: assignment.id };
  }

  it('walks draft → active → closed → active → closed → archived, recording each move and stamping the times', async () => {
    const teacher = await signIn(t);
    const { classId, id } = await newAssignment(teacher);

    const activated = await teacher.post(`/api/assignments/${id}/status`).set('X-Request-Id', `activate-${id}`).send({ status: 'active' }).expect(200);
    expect(activated.headers.etag).toBe('"2"');
    expect(activated.body).toMatchObject({ id, status: 'active', version: 2, activatedAt: expect.any(String), closedAt: null });
    expect(await loggedEvents(t.dataSource, { requestId: `activate-${id}` })).toEqual([
      expect.objectContaining({
        eventType: 'AssignmentStatusChanged',
        action: 'assignment.status_change',
        userId: teacher.id,
        streamType: 'assignment',
        streamId: id,
        streamVersion: 2,
        metadata: { assignmentId: id, classId, ownerId: teacher.id, from: 'draft', to: 'active' },
      }),
    ]);

    const closed = await moveTo(teacher, id, 'closed');
    expect(closed).toMatchObject({ status: 'closed', version: 3, activatedAt: activated.body.activatedAt, closedAt: expect.any(String) });
    const reopened = await moveTo(teacher, id, 'active');
    expect(reopened).toMatchObject({ status: 'active', version: 4, activatedAt: activated.body.activatedAt, closedAt: null });
    const closedAgain = await moveTo(teacher, id, 'closed');
    expect(closedAgain).toMatchObject({ status: 'closed', version: 5, closedAt: expect.any(String) });
    const archived = await moveTo(teacher, id, 'archived');
    expect(archived).toMatchObject({ status: 'archived', version: 6, activatedAt: activated.body.activatedAt, closedAt: closedAgain.closedAt });

    const events = await loggedEvents(t.dataSource, { streamId: id });
    expect(events.map((e) => [e.eventType, e.streamVersion, e.metadata.from ?? null, e.metadata.to ?? null])).toEqual([
      ['AssignmentCreated', 1, null, null],
      ['AssignmentStatusChanged', 2, 'draft', 'active'],
      ['AssignmentStatusChanged', 3, 'active', 'closed'],
      ['AssignmentStatusChanged', 4, 'closed', 'active'],
      ['AssignmentStatusChanged', 5, 'active', 'closed'],
      ['AssignmentStatusChanged', 6, 'closed', 'archived'],
    ]);
    expect(events.every((e) => e.metadata.ownerId === teacher.id && e.metadata.classId === classId)).toBe(true);
    const row = await assignmentRow(t.dataSource, id);
    expect(row).toMatchObject({ status: 'archived', version: 6 });
    expect(row!.activated_at.toISOString()).toBe(activated.body.activatedAt);
  });

  it('archives a draft that was never used', async () => {
    const teacher = await signIn(t);
    const { id } = await newAssignment(teacher);
    const archived = await moveTo(teacher, id, 'archived');
    expect(archived).toMatchObject({ status: 'archived', version: 2, activatedAt: null, closedAt: null });
    expect((await loggedEvents(t.dataSource, { streamId: id })).map((e) => e.metadata.to ?? e.eventType)).toEqual(['AssignmentCreated', 'archived']);
  });

  it.each(ILLEGAL)('refuses %s → %s with 409 naming both statuses and changes nothing', async (from, to, rule) => {
    const teacher = await signIn(t);
    const { id } = await newAssignment(teacher);
    await moveTo(teacher, id, ...PATH_TO[from]);
    const before = await assignmentRow(t.dataSource, id);
    const eventsBefore = await eventCount(t.dataSource, teacher.id);

    const response = await teacher.post(`/api/assignments/${id}/status`).send({ status: to }).expect(409);
    expect(response.body).toMatchObject({
      code: 'ILLEGAL_STATUS_TRANSITION',
      message: `An assignment cannot go from ${from} to ${to}: ${rule}`,
      details: [{ field: 'status', message: `cannot go from ${from} to ${to}` }],
    });
    expect(await assignmentRow(t.dataSource, id)).toEqual(before);
    expect(await eventCount(t.dataSource, teacher.id)).toBe(eventsBefore);
  });

  it('refuses to activate an assignment whose answer key is incomplete, naming answerKeyData', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    // Only a row written outside the API (an older version, a manual fix) can hold such a key.
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO assignments (class_id, title, grading_mode, answer_key_data) VALUES ($1, 'Imported quiz', 'answer_key', '{"type": "text", "answers": []}') RETURNING id`,
      [classId],
    );
    const response = await teacher.post(`/api/assignments/${id}/status`).send({ status: 'active' }).expect(409);
    expect(response.body).toMatchObject({ code: 'ASSIGNMENT_NOT_READY', details: [{ field: 'answerKeyData' }] });
    expect(response.body.details[0].message).toContain('answerKeyData.total_questions');
    expect(await assignmentRow(t.dataSource, id)).toMatchObject({ status: 'draft', version: 1, activated_at: null });
    expect(await loggedEvents(t.dataSource, { streamId: id })).toEqual([]);
    const shown = await teacher.get(`/api/assignments/${id}`).expect(200);
    expect(shown.body).toMatchObject({ status: 'draft', answerKeyData: { type: 'text', answers: [] } });

    const fixed = await teacher.patch(`/api/assignments/${id}`).send({ answerKeyData: { type: 'text', total_questions: 1, points_per_question: 1, answers: ['42'] } }).expect(200);
    expect(fixed.body).toMatchObject({ version: 2 });
    expect(await moveTo(teacher, id, 'active')).toMatchObject({ status: 'active', version: 3 });
  });

  it('keeps archived assignments and the assignments of archived classes read-only', async () => {
    const teacher = await signIn(t);
    const { id: archivedId } = await newAssignment(teacher);
    await moveTo(teacher, archivedId, 'archived');
    const { classId, id } = await newAssignment(teacher, answerKeyAssignmentBody());
    await t.dataSource.query(`UPDATE classes SET archived_at = now() WHERE id = $1`, [classId]);
    const before = await eventCount(t.dataSource, teacher.id);

    const editArchived = await teacher.patch(`/api/assignments/${archivedId}`).send({ title: 'Revived' }).expect(409);
    expect(editArchived.body).toMatchObject({ code: 'ASSIGNMENT_ARCHIVED' });
    const editInArchivedClass = await teacher.patch(`/api/assignments/${id}`).send({ title: 'Renamed' }).expect(409);
    expect(editInArchivedClass.body).toMatchObject({ code: 'CLASS_ARCHIVED' });
    const activateInArchivedClass = await teacher.post(`/api/assignments/${id}/status`).send({ status: 'active' }).expect(409);
    expect(activateInArchivedClass.body).toMatchObject({ code: 'CLASS_ARCHIVED' });

    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);
    expect(await assignmentRow(t.dataSource, archivedId)).toMatchObject({ title: 'Fractions word problems', status: 'archived', version: 2 });
    expect(await assignmentRow(t.dataSource, id)).toMatchObject({ title: 'Unit 3 quiz', status: 'draft', version: 1 });
    // Still readable.
    await teacher.get(`/api/assignments/${id}`).expect(200);
    const listed = await teacher.get(`/api/classes/${classId}/assignments`).expect(200);
    expect(listed.body).toMatchObject({ total: 1, items: [{ id }] });
  });

  it('refuses a stale If-Match with 409 on edits and status changes, and a malformed one with 400', async () => {
    const teacher = await signIn(t);
    const { id } = await newAssignment(teacher);
    await teacher.patch(`/api/assignments/${id}`).set('If-Match', '1').send({ title: 'Second draft' }).expect(200);
    const before = await eventCount(t.dataSource, teacher.id);

    const staleEdit = await teacher.patch(`/api/assignments/${id}`).set('If-Match', '"1"').send({ title: 'Based on the first draft' }).expect(409);
    expect(staleEdit.body).toMatchObject({
      code: 'VERSION_MISMATCH',
      message: 'The assignment is at version 2, not 1: someone changed it since you loaded it; reload and try again',
    });
    const staleStatus = await teacher.post(`/api/assignments/${id}/status`).set('If-Match', 'W/"1"').send({ status: 'active' }).expect(409);
    expect(staleStatus.body).toMatchObject({ code: 'VERSION_MISMATCH' });
    for (const header of ['latest', '0', '2, 3']) {
      const malformed = await teacher.patch(`/api/assignments/${id}`).set('If-Match', header).send({ title: 'Whatever' }).expect(400);
      expect(malformed.body.details).toEqual([{ field: 'If-Match', message: 'If-Match must be the version you last read, for example "3"' }]);
    }
    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);
    expect(await assignmentRow(t.dataSource, id)).toMatchObject({ title: 'Second draft', status: 'draft', version: 2 });

    const current = await teacher.post(`/api/assignments/${id}/status`).set('If-Match', '"2"').send({ status: 'active' }).expect(200);
    expect(current.body).toMatchObject({ status: 'active', version: 3 });
  });

  it('lets only one of two concurrent edits of the same version win; the other gets 409', async () => {
    const teacher = await signIn(t);
    const { id } = await newAssignment(teacher);
    const responses = await Promise.all(
      ['Edit from the laptop', 'Edit from the tablet'].map((title) => teacher.patch(`/api/assignments/${id}`).set('If-Match', '1').send({ title }).then((r) => r)),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = responses.find((r) => r.status === 200)!;
    expect(['VERSION_MISMATCH', 'CONCURRENT_EDIT']).toContain(responses.find((r) => r.status === 409)!.body.code);
    expect(await assignmentRow(t.dataSource, id)).toMatchObject({ title: winner.body.title, version: 2 });
    const events = await loggedEvents(t.dataSource, { streamId: id });
    expect(events.map((e) => [e.eventType, e.streamVersion])).toEqual([['AssignmentCreated', 1], ['AssignmentUpdated', 2]]);
  });

  it('turns an edit that lost the race after reading the same version into a 409, even without If-Match', async () => {
    const teacher = await signIn(t);
    const { id } = await newAssignment(teacher);
    // Hold the row so both requests read version 1 and then queue on their UPDATE; release and one must lose.
    const blocker = t.dataSource.createQueryRunner();
    await blocker.connect();
    let responses: request.Response[];
    try {
      await blocker.startTransaction();
      await blocker.query(`SELECT id FROM assignments WHERE id = $1 FOR UPDATE`, [id]);
      const pending = [
        teacher.patch(`/api/assignments/${id}`).send({ title: 'Edit A' }).then((r) => r),
        teacher.post(`/api/assignments/${id}/status`).send({ status: 'active' }).then((r) => r),
      ];
      await waitForBlockedAssignmentUpdates(2);
      await blocker.commitTransaction();
      responses = await Promise.all(pending);
    } finally {
      await blocker.release();
    }

    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(responses.find((r) => r.status === 409)!.body.code).toBe('CONCURRENT_EDIT');
    const row = await assignmentRow(t.dataSource, id);
    expect(row).toMatchObject({ version: 2 });
    const winner = responses.find((r) => r.status === 200)!;
    expect(winner.body).toMatchObject({ version: 2, title: row!.title, status: row!.status });
    const events = await loggedEvents(t.dataSource, { streamId: id });
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2]);
  });

  it('lets only one of two simultaneous activations happen', async () => {
    const teacher = await signIn(t);
    const { id } = await newAssignment(teacher);
    const responses = await Promise.all([1, 2].map(() => teacher.post(`/api/assignments/${id}/status`).send({ status: 'active' }).then((r) => r)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(['ILLEGAL_STATUS_TRANSITION', 'CONCURRENT_EDIT']).toContain(responses.find((r) => r.status === 409)!.body.code);
    const events = await loggedEvents(t.dataSource, { streamId: id });
    expect(events.map((e) => [e.eventType, e.streamVersion])).toEqual([['AssignmentCreated', 1], ['AssignmentStatusChanged', 2]]);
    expect(await assignmentRow(t.dataSource, id)).toMatchObject({ status: 'active', version: 2 });
  });

  async function waitForBlockedAssignmentUpdates(count: number): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const [row] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE "assignments"%'`,
      );
      if (row.n >= count) return;
      await sleep(25);
    }
    throw new Error(`expected ${count} assignment updates waiting on the row lock`);
  }
});
