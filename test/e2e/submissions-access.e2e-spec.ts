import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { buildPdf } from '../factories/pdf.js';
import { classWithAssignment, handwritingPng, intakeEnv, submissionRows, temporaryStorageDir, uploadFiles, uploadStack, waitForIntake } from '../factories/submissions.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

/**
 * A teacher reaches only the submissions of their own classes' assignments: every endpoint answers
 * another teacher (and an admin, who audits the log but does not read student work) exactly as it
 * answers an id that does not exist.
 */
describe('submissions: who reaches what', () => {
  let t: TestApp;
  let storageDir: string;
  let owner: SignedInUser;
  let assignmentId: string;
  let submissionId: string;
  let studentId: string;

  beforeAll(async () => {
    storageDir = await temporaryStorageDir();
    t = await createTestApp(intakeEnv(storageDir));
    owner = await signIn(t);
    const setup = await classWithAssignment(owner, [{ name: 'Ava Lee' }]);
    assignmentId = setup.assignmentId;
    studentId = setup.students[0].id;
    const pdf = await buildPdf([{ text: 'page one' }]);
    submissionId = (await uploadFiles(owner, assignmentId, [{ name: 'work.pdf', bytes: pdf }]).expect(201)).body.submissions[0].id;
    await waitForIntake(owner, assignmentId);
  });
  afterAll(async () => {
    await t?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  type Call = (user: SignedInUser, ids: { assignmentId: string; submissionId: string }) => request.Test;
  const endpoints: Array<[string, Call]> = [
    ['POST /api/assignments/:id/submissions', (user, ids) => uploadFiles(user, ids.assignmentId, [{ name: 'a.png', bytes: handwritingPng(1) }])],
    ['POST /api/assignments/:id/submissions (text)', (user, ids) => user.post(`/api/assignments/${ids.assignmentId}/submissions`).send({ text: 'essay' })],
    ['POST /api/assignments/:id/submissions/stack', (user, ids) => uploadStack(user, ids.assignmentId, Buffer.from('%PDF-1.7\n'), { pagesPerStudent: '1' })],
    ['GET /api/assignments/:id/submissions', (user, ids) => user.get(`/api/assignments/${ids.assignmentId}/submissions`)],
    ['GET /api/assignments/:id/unmatched', (user, ids) => user.get(`/api/assignments/${ids.assignmentId}/unmatched`)],
    ['GET /api/assignments/:id/intake-progress', (user, ids) => user.get(`/api/assignments/${ids.assignmentId}/intake-progress`)],
    ['GET /api/submissions/:id', (user, ids) => user.get(`/api/submissions/${ids.submissionId}`)],
    ['PUT /api/submissions/:id/student', (user, ids) => user.put(`/api/submissions/${ids.submissionId}/student`).send({ studentId })],
    ['GET /api/submissions/:id/file', (user, ids) => user.get(`/api/submissions/${ids.submissionId}/file`)],
    ['GET /api/submissions/:id/thumbnail', (user, ids) => user.get(`/api/submissions/${ids.submissionId}/thumbnail`)],
    ['GET /api/submissions/:id/pages/:n', (user, ids) => user.get(`/api/submissions/${ids.submissionId}/pages/1`)],
    ['GET /api/submissions/:id/pages/:n/thumbnail', (user, ids) => user.get(`/api/submissions/${ids.submissionId}/pages/1/thumbnail`)],
  ];

  it.each(endpoints)('%s: the owner gets an answer, another teacher and an admin get 404 (as for an unknown id)', async (_, call) => {
    const ids = { assignmentId, submissionId };
    const own = await call(owner, ids);
    expect(own.status).toBeLessThan(500);
    expect(own.status).not.toBe(404);

    const otherTeacher = await signIn(t);
    const admin = await signIn(t, { role: 'admin' });
    const unknown = await call(owner, { assignmentId: randomUUID(), submissionId: randomUUID() });
    expect(unknown.status).toBe(404);
    for (const outsider of [otherTeacher, admin]) {
      const response = await call(outsider, ids);
      expect([response.status, response.body.code]).toEqual([404, 'NOT_FOUND']);
      expect(response.body.message).toBe(unknown.body.message);
    }
  });

  it.each(endpoints)('%s: without a session, 401', async (_, call) => {
    const anonymous = { get: (url: string) => request(t.http).get(url), post: (url: string) => request(t.http).post(url), put: (url: string) => request(t.http).put(url) } as unknown as SignedInUser;
    const response = await call(anonymous, { assignmentId, submissionId });
    expect(response.status).toBe(401);
  });

  it('writes nothing for outsiders: no submission, no event, no match change', async () => {
    const before = await submissionRows(t.dataSource, assignmentId);
    const outsider = await signIn(t);
    for (const [, call] of endpoints) await call(outsider, { assignmentId, submissionId });
    expect(await submissionRows(t.dataSource, assignmentId)).toEqual(before);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM activity_logs WHERE user_id = $1 AND action LIKE 'submission.%'`, [outsider.id]);
    expect(count).toBe(0);
  });

  it('answers malformed ids with 400 naming the parameter', async () => {
    const bad = await owner.get('/api/submissions/123/pages/x').expect(400);
    expect([...new Set(bad.body.details.map((detail: { field: string }) => detail.field))].sort()).toEqual(['id', 'n']);
    const zero = await owner.get(`/api/submissions/${submissionId}/pages/0`).expect(400);
    expect(zero.body.details[0].field).toBe('n');
    await owner.get(`/api/submissions/${submissionId}/pages/2`).expect(404);
  });
});
