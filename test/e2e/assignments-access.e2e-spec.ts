import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { answerKeyAssignmentBody, assignmentRow, assignmentRows, createAssignment, eventCount, insertClass, rubricAssignmentBody } from '../factories/assignments.js';
import { loggedEvents } from '../factories/events.js';
import { signIn, type SignedInUser } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

/** Every assignment endpoint, as a request by `user` against a class id and an assignment id. */
const ENDPOINTS: Array<{ name: string; send: (user: SignedInUser, classId: string, assignmentId: string) => request.Test }> = [
  { name: 'POST /api/classes/:classId/assignments', send: (user, classId) => user.post(`/api/classes/${classId}/assignments`).send(rubricAssignmentBody()) },
  { name: 'GET /api/classes/:classId/assignments', send: (user, classId) => user.get(`/api/classes/${classId}/assignments`) },
  { name: 'GET /api/assignments/:id', send: (user, _classId, id) => user.get(`/api/assignments/${id}`) },
  { name: 'PATCH /api/assignments/:id', send: (user, _classId, id) => user.patch(`/api/assignments/${id}`).send({ title: 'Taken over', autoApproveThreshold: 0 }) },
  { name: 'POST /api/assignments/:id/status', send: (user, _classId, id) => user.post(`/api/assignments/${id}/status`).send({ status: 'active' }) },
];

describe('assignments: only the class teacher reaches them, and bad input is refused at the edge', () => {
  let t: TestApp;
  let owner: SignedInUser;
  let ownerClassId: string;
  let ownerAssignment: Record<string, any>;
  beforeAll(async () => {
    t = await createTestApp();
    owner = await signIn(t);
    ownerClassId = await insertClass(t.dataSource, owner.id);
    ownerAssignment = await createAssignment(owner, ownerClassId);
  });
  afterAll(async () => {
    await t.close();
  });

  /** What must not change when someone else tries: the owner's rows and event stream. */
  async function ownerState() {
    return {
      rows: await assignmentRows(t.dataSource, ownerClassId),
      row: await assignmentRow(t.dataSource, ownerAssignment.id),
      events: (await loggedEvents(t.dataSource, { streamId: ownerAssignment.id })).map((e) => e.position),
      ownerEvents: await eventCount(t.dataSource, owner.id),
    };
  }

  it.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))("answers 404 to another teacher and an admin on %s, and changes nothing", async (_name, endpoint) => {
    const before = await ownerState();
    for (const intruder of [await signIn(t), await signIn(t, { role: 'admin' })]) {
      const intruderEvents = await eventCount(t.dataSource, intruder.id);
      const response = await endpoint.send(intruder, ownerClassId, ownerAssignment.id).expect(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/^(Class|Assignment) not found$/) });
      expect(await eventCount(t.dataSource, intruder.id)).toBe(intruderEvents);
    }
    expect(await ownerState()).toEqual(before);
  });

  it.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))('answers 404 for unknown ids on %s, exactly as for foreign ones', async (_name, endpoint) => {
    const teacher = await signIn(t);
    const before = await eventCount(t.dataSource, teacher.id);
    const response = await endpoint.send(teacher, randomUUID(), randomUUID()).expect(404);
    expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);
  });

  it("keeps a teacher's own assignment out of reach through their own class id too", async () => {
    const intruder = await signIn(t);
    const intruderClassId = await insertClass(t.dataSource, intruder.id);
    const own = await createAssignment(intruder, intruderClassId, answerKeyAssignmentBody());
    const listed = await intruder.get(`/api/classes/${intruderClassId}/assignments`).expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([own.id]);
    const before = await ownerState();
    await intruder.get(`/api/assignments/${ownerAssignment.id}`).expect(404);
    await intruder.patch(`/api/assignments/${ownerAssignment.id}`).set('If-Match', '1').send({ title: 'Mine now' }).expect(404);
    expect(await ownerState()).toEqual(before);
    const mine = await owner.get(`/api/assignments/${ownerAssignment.id}`).expect(200);
    expect(mine.body).toEqual(ownerAssignment);
  });

  it.each(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint] as const))('answers 401 without a session on %s', async (_name, endpoint) => {
    const anonymous = {
      get: (url: string) => request(t.http).get(url),
      post: (url: string) => request(t.http).post(url),
      patch: (url: string) => request(t.http).patch(url),
    } as unknown as SignedInUser;
    const response = await endpoint.send(anonymous, ownerClassId, ownerAssignment.id).expect(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('answers 400 naming the parameter when an id is not a UUID, on every endpoint', async () => {
    const teacher = await signIn(t);
    const before = await eventCount(t.dataSource, teacher.id);
    const cases: Array<[request.Test, string]> = [
      [teacher.post('/api/classes/not-a-uuid/assignments').send(rubricAssignmentBody()), 'classId'],
      [teacher.get('/api/classes/42/assignments'), 'classId'],
      [teacher.get('/api/assignments/not-a-uuid'), 'id'],
      [teacher.patch('/api/assignments/not-a-uuid').send({ title: 'x' }), 'id'],
      [teacher.post('/api/assignments/not-a-uuid/status').send({ status: 'active' }), 'id'],
    ];
    for (const [pending, field] of cases) {
      const response = await pending.expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field, message: `${field} must be a UUID` }] });
    }
    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);
  });

  it('refuses bad bodies and queries with a 400 naming each field, and writes nothing', async () => {
    const teacher = await signIn(t);
    const classId = await insertClass(t.dataSource, teacher.id);
    const assignment = await createAssignment(teacher, classId, answerKeyAssignmentBody());
    const before = await eventCount(t.dataSource, teacher.id);
    const rowBefore = await assignmentRow(t.dataSource, assignment.id);

    const create = (body: Record<string, unknown>) => teacher.post(`/api/classes/${classId}/assignments`).send(body);
    const patch = (body: Record<string, unknown>) => teacher.patch(`/api/assignments/${assignment.id}`).send(body);
    const status = (body: Record<string, unknown>) => teacher.post(`/api/assignments/${assignment.id}/status`).send(body);
    const cases: Array<[request.Test, string[]]> = [
      [create(rubricAssignmentBody({ title: '   ' })), ['title']],
      [create(rubricAssignmentBody({ title: 'x'.repeat(201) })), ['title']],
      [create(rubricAssignmentBody({ title: undefined })), ['title']],
      [create(rubricAssignmentBody({ gradingMode: 'vibes' })), ['gradingMode']],
      [create(rubricAssignmentBody({ gradingMode: undefined })), ['gradingMode']],
      [create(rubricAssignmentBody({ rubricId: 'math' })), ['rubricId']],
      [create(rubricAssignmentBody({ dueDate: 'next friday' })), ['dueDate']],
      [create(rubricAssignmentBody({ instructions: 7 })), ['instructions']],
      [create(rubricAssignmentBody({ instructions: 'x'.repeat(20_001) })), ['instructions']],
      [create(rubricAssignmentBody({ autoApproveThreshold: 1.5 })), ['autoApproveThreshold']],
      [create(rubricAssignmentBody({ status: 'active' })), ['status']],
      [create(rubricAssignmentBody({ classId })), ['classId']],
      [patch({ title: null }), ['title']],
      [patch({ title: '' }), ['title']],
      [patch({ dueDate: '2026-13-45' }), ['dueDate']],
      [patch({ rubricId: null }), ['rubricId']],
      [patch({ autoApproveThreshold: -0.1 }), ['autoApproveThreshold']],
      [patch({ autoApproveThreshold: 0.555 }), ['autoApproveThreshold']],
      [patch({ autoApproveThreshold: '0.5' }), ['autoApproveThreshold']],
      [patch({ gradingMode: 'rubric' }), ['gradingMode']],
      [patch({ status: 'active' }), ['status']],
      [patch({ version: 9 }), ['version']],
      [status({ status: 'published' }), ['status']],
      [status({}), ['status']],
      [status({ status: 'active', reason: 'ready' }), ['reason']],
      [teacher.get(`/api/classes/${classId}/assignments?status=open`), ['status']],
      [teacher.get(`/api/classes/${classId}/assignments?pageSize=0`), ['pageSize']],
      [teacher.get(`/api/classes/${classId}/assignments?page=x`), ['page']],
      [teacher.get(`/api/classes/${classId}/assignments?sort=title`), ['sort']],
    ];
    for (const [pending, fields] of cases) {
      const response = await pending.expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect([...new Set(response.body.details.map((d: { field: string }) => d.field))]).toEqual(fields);
    }
    await teacher.post(`/api/classes/${classId}/assignments`).set('Content-Type', 'application/json').send('{"title": ').expect(400);

    expect(await eventCount(t.dataSource, teacher.id)).toBe(before);
    expect(await assignmentRows(t.dataSource, classId)).toEqual([expect.objectContaining({ id: assignment.id, version: 1 })]);
    expect(await assignmentRow(t.dataSource, assignment.id)).toEqual(rowBefore);
  });
});
