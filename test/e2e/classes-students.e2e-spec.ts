import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type request from 'supertest';
import { activityLogCount, addStudent, classRow, createClass, studentRows } from '../factories/classes.js';
import { loggedEvents } from '../factories/events.js';
import { signIn, type SignedInUser } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

describe('students: class rosters one student at a time', () => {
  let t: TestApp;
  let teacher: SignedInUser;
  beforeAll(async () => {
    t = await createTestApp();
    teacher = await signIn(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const dashboardOf = async (userId: string) => (await t.dataSource.query(`SELECT total_classes, total_students FROM teacher_dashboard WHERE user_id = $1`, [userId]))[0];

  describe('POST /api/classes/:id/students', () => {
    it('adds a student with a lowercase email and records StudentAdded with ids only', async () => {
      const owner = await signIn(t);
      const cls = await createClass(owner);
      const response = await owner
        .post(`/api/classes/${cls.id}/students`)
        .set('X-Request-Id', 'req-student-add-1')
        .send({ name: ' Ana Diaz ', email: 'Ana.Diaz@School.TEST', studentId: 'S-1001' })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        classId: cls.id,
        name: 'Ana Diaz',
        email: 'ana.diaz@school.test',
        studentId: 'S-1001',
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await studentRows(t.dataSource, cls.id)).toEqual([{ id: response.body.id, name: 'Ana Diaz', email: 'ana.diaz@school.test', student_id: 'S-1001', sourced_id: null, version: 1 }]);

      const events = await loggedEvents(t.dataSource, { requestId: 'req-student-add-1' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ eventType: 'StudentAdded', action: 'student.create', streamType: 'student', streamId: response.body.id, streamVersion: 1, userId: owner.id });
      expect(events[0].metadata).toEqual({ studentId: response.body.id, classId: cls.id, ownerId: owner.id, source: 'teacher' });
      expect(JSON.stringify(events)).not.toMatch(/ana|diaz|S-1001/i);

      expect(await dashboardOf(owner.id)).toEqual({ total_classes: 1, total_students: 1 });
      expect((await owner.get(`/api/classes/${cls.id}`).expect(200)).body.studentCount).toBe(1);
    });

    it('answers 409 naming the field for a duplicate email or student id in the class, and allows them in another class', async () => {
      const cls = await createClass(teacher);
      await addStudent(teacher, cls.id, { name: 'Ben Cho', email: 'ben@school.test', studentId: 'S-2' });
      const before = await activityLogCount(t.dataSource, teacher.id);

      const email = await teacher.post(`/api/classes/${cls.id}/students`).send({ name: 'Other Ben', email: 'BEN@school.test' }).expect(409);
      expect(email.body).toMatchObject({ code: 'DUPLICATE_STUDENT', details: [{ field: 'email', message: expect.stringContaining('email') }] });
      const studentId = await teacher.post(`/api/classes/${cls.id}/students`).send({ name: 'Other Ben', studentId: 'S-2' }).expect(409);
      expect(studentId.body).toMatchObject({ code: 'DUPLICATE_STUDENT', details: [{ field: 'studentId', message: expect.stringContaining('student id') }] });
      expect(await studentRows(t.dataSource, cls.id)).toHaveLength(1);
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);

      const otherClass = await createClass(teacher);
      await addStudent(teacher, otherClass.id, { name: 'Ben Cho', email: 'ben@school.test', studentId: 'S-2' });
    });

    it('answers 409 to two simultaneous adds of the same email: the database constraint backs the check', async () => {
      const cls = await createClass(teacher);
      const responses = await Promise.all([1, 2, 3].map((n) => teacher.post(`/api/classes/${cls.id}/students`).send({ name: `Twin ${n}`, email: 'twin@school.test' })));
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      for (const loser of responses.filter((r) => r.status === 409)) expect(loser.body.details).toEqual([{ field: 'email', message: expect.any(String) }]);
      expect(await studentRows(t.dataSource, cls.id)).toHaveLength(1);
    });

    it.each([
      ['no name', { email: 'a@b.test' }, 'name', 'name should not be empty'],
      ['a bad email', { name: 'Cy', email: 'not-an-email' }, 'email', 'email must be an email'],
      ['a long student id', { name: 'Cy', studentId: '9'.repeat(101) }, 'studentId', 'studentId must be shorter than or equal to 100 characters'],
      ['an unknown field', { name: 'Cy', classId: '00000000-0000-4000-8000-000000000000' }, 'classId', 'property classId should not exist'],
    ])('rejects %s with a 400 naming the field and writes nothing', async (_, body, field, message) => {
      const cls = await createClass(teacher);
      const before = await activityLogCount(t.dataSource, teacher.id);
      const response = await teacher.post(`/api/classes/${cls.id}/students`).send(body).expect(400);
      expect(response.body.details).toContainEqual({ field, message });
      expect(await studentRows(t.dataSource, cls.id)).toEqual([]);
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);
    });

    it('answers 400 naming the parameter for a class id that is not a UUID', async () => {
      const response = await teacher.post('/api/classes/42/students').send({ name: 'Cy' }).expect(400);
      expect(response.body.details).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
    });
  });

  describe('GET /api/classes/:id/students', () => {
    it('lists the roster by name, in pages, and filters by part of the name', async () => {
      const cls = await createClass(teacher);
      for (const name of ['Zoe Park', 'Adam Smith', 'Maya Lopez', 'Lopez-Adams, Eva', '100% Ready']) await addStudent(teacher, cls.id, { name });

      const all = await teacher.get(`/api/classes/${cls.id}/students`).expect(200);
      expect(all.body).toMatchObject({ page: 1, pageSize: 50, total: 5 });
      expect(all.body.items.map((s: { name: string }) => s.name)).toEqual(['100% Ready', 'Adam Smith', 'Lopez-Adams, Eva', 'Maya Lopez', 'Zoe Park']);
      expect(Object.keys(all.body.items[0]).sort()).toEqual(['classId', 'createdAt', 'email', 'id', 'name', 'studentId', 'updatedAt', 'version']);

      const page = await teacher.get(`/api/classes/${cls.id}/students?page=2&pageSize=2`).expect(200);
      expect(page.body.items.map((s: { name: string }) => s.name)).toEqual(['Lopez-Adams, Eva', 'Maya Lopez']);

      const lopez = await teacher.get(`/api/classes/${cls.id}/students?q=LOPEZ`).expect(200);
      expect(lopez.body).toMatchObject({ total: 2 });
      expect(lopez.body.items.map((s: { name: string }) => s.name)).toEqual(['Lopez-Adams, Eva', 'Maya Lopez']);
      const percent = await teacher.get(`/api/classes/${cls.id}/students?q=${encodeURIComponent('%')}`).expect(200);
      expect(percent.body.items.map((s: { name: string }) => s.name)).toEqual(['100% Ready']);
    });

    it.each([
      ['a 201-character search', `q=${'x'.repeat(201)}`, 'q'],
      ['page size 0', 'pageSize=0', 'pageSize'],
      ['an unknown parameter', 'name=Ana', 'name'],
    ])('rejects %s with a 400 naming the parameter', async (_, query, field) => {
      const cls = await createClass(teacher);
      const response = await teacher.get(`/api/classes/${cls.id}/students?${query}`).expect(400);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });

  describe('GET, PATCH and DELETE /api/students/:id', () => {
    it('reads a student and answers 400 for a non-UUID id and 404 for an unknown one', async () => {
      const cls = await createClass(teacher);
      const student = await addStudent(teacher, cls.id, { name: 'Dee Evans', email: 'dee@school.test' });
      const response = await teacher.get(`/api/students/${student.id}`).expect(200);
      expect(response.body).toMatchObject({ id: student.id, classId: cls.id, name: 'Dee Evans', email: 'dee@school.test', studentId: null, version: 1 });
      const bad = await teacher.get('/api/students/dee').expect(400);
      expect(bad.body.details).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      await teacher.get('/api/students/00000000-0000-4000-8000-000000000000').expect(404);
    });

    it('updates what changed and records StudentUpdated naming the changed fields, never their values', async () => {
      const cls = await createClass(teacher);
      const student = await addStudent(teacher, cls.id, { name: 'Eli Fox', email: 'eli@school.test', studentId: 'S-7' });
      const response = await teacher
        .patch(`/api/students/${student.id}`)
        .set('X-Request-Id', 'req-student-update-1')
        .send({ name: 'Elijah Fox', email: 'ELIJAH.FOX@school.test', studentId: 'S-7' })
        .expect(200);
      expect(response.body).toMatchObject({ name: 'Elijah Fox', email: 'elijah.fox@school.test', studentId: 'S-7', version: 2 });
      expect(await studentRows(t.dataSource, cls.id)).toEqual([expect.objectContaining({ name: 'Elijah Fox', email: 'elijah.fox@school.test', version: 2 })]);

      const events = await loggedEvents(t.dataSource, { requestId: 'req-student-update-1' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ eventType: 'StudentUpdated', action: 'student.update', streamId: student.id, streamVersion: 2 });
      expect(events[0].metadata).toEqual({ studentId: student.id, classId: cls.id, ownerId: teacher.id, changedFields: expect.arrayContaining(['name', 'email']) });
      expect((events[0].metadata.changedFields as string[]).length).toBe(2);
      expect(JSON.stringify(events)).not.toMatch(/elijah|fox/i);

      const cleared = await teacher.patch(`/api/students/${student.id}`).send({ email: null, studentId: null }).expect(200);
      expect(cleared.body).toMatchObject({ email: null, studentId: null, version: 3 });
    });

    it('records nothing when nothing changes, and honours If-Match', async () => {
      const cls = await createClass(teacher);
      const student = await addStudent(teacher, cls.id, { name: 'Fay Gold' });
      const before = await activityLogCount(t.dataSource, teacher.id);
      await teacher.patch(`/api/students/${student.id}`).send({ name: 'Fay Gold' }).expect(200);
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);

      await teacher.patch(`/api/students/${student.id}`).set('If-Match', '1').send({ name: 'Faye Gold' }).expect(200);
      const stale = await teacher.patch(`/api/students/${student.id}`).set('If-Match', '1').send({ name: 'Lost' }).expect(409);
      expect(stale.body.code).toBe('VERSION_MISMATCH');
      const staleDelete = await teacher.delete(`/api/students/${student.id}`).set('If-Match', '1').expect(409);
      expect(staleDelete.body.code).toBe('VERSION_MISMATCH');
      expect(await studentRows(t.dataSource, cls.id)).toEqual([expect.objectContaining({ name: 'Faye Gold', version: 2 })]);
    });

    it('lets one of two edits with the same If-Match win', async () => {
      const cls = await createClass(teacher);
      const student = await addStudent(teacher, cls.id, { name: 'Gus Hill' });
      const responses = await Promise.all(['Gus A', 'Gus B'].map((name) => teacher.patch(`/api/students/${student.id}`).set('If-Match', '1').send({ name })));
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await loggedEvents(t.dataSource, { streamId: student.id, action: 'student.update' })).toHaveLength(1);
    });

    it('answers 409 naming the field when an edit would duplicate another student', async () => {
      const cls = await createClass(teacher);
      await addStudent(teacher, cls.id, { name: 'Ida Jones', email: 'ida@school.test', studentId: 'S-10' });
      const other = await addStudent(teacher, cls.id, { name: 'Jo King', email: 'jo@school.test' });
      const email = await teacher.patch(`/api/students/${other.id}`).send({ email: 'IDA@school.test' }).expect(409);
      expect(email.body.details).toEqual([{ field: 'email', message: expect.any(String) }]);
      const studentId = await teacher.patch(`/api/students/${other.id}`).send({ studentId: 'S-10' }).expect(409);
      expect(studentId.body.details).toEqual([{ field: 'studentId', message: expect.any(String) }]);
      expect((await teacher.get(`/api/students/${other.id}`).expect(200)).body).toMatchObject({ email: 'jo@school.test', studentId: null, version: 1 });
    });

    it.each([
      ['a null name', { name: null }, 'name'],
      ['a bad email', { email: 'jo@' }, 'email'],
      ['an unknown field', { grade: 'A' }, 'grade'],
    ])('rejects %s with a 400 naming the field and changes nothing', async (_, body, field) => {
      const cls = await createClass(teacher);
      const student = await addStudent(teacher, cls.id, { name: 'Kim Lee' });
      const before = await activityLogCount(t.dataSource, teacher.id);
      const response = await teacher.patch(`/api/students/${student.id}`).send(body).expect(400);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await studentRows(t.dataSource, cls.id)).toEqual([expect.objectContaining({ name: 'Kim Lee', version: 1 })]);
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);
    });

    it('removes a student, records StudentRemoved and lowers the dashboard count', async () => {
      const owner = await signIn(t);
      const cls = await createClass(owner);
      const student = await addStudent(owner, cls.id, { name: 'Lia Moss' });
      await addStudent(owner, cls.id, { name: 'Max Ng' });
      await owner.patch(`/api/students/${student.id}`).send({ name: 'Lia Moss-Ng' }).expect(200);

      await owner.delete(`/api/students/${student.id}`).set('X-Request-Id', 'req-student-remove-1').set('If-Match', '2').expect(204);
      const events = await loggedEvents(t.dataSource, { requestId: 'req-student-remove-1' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ eventType: 'StudentRemoved', action: 'student.delete', streamId: student.id, streamVersion: 3, metadata: { studentId: student.id, classId: cls.id, ownerId: owner.id } });
      expect((await studentRows(t.dataSource, cls.id)).map((s) => s.name)).toEqual(['Max Ng']);
      await owner.get(`/api/students/${student.id}`).expect(404);
      await owner.delete(`/api/students/${student.id}`).expect(404);
      expect(await dashboardOf(owner.id)).toEqual({ total_classes: 1, total_students: 1 });
    });
  });

  describe('ids that are not UUIDs', () => {
    it('answer 400 naming the parameter on every endpoint, and nothing is written', async () => {
      const before = await activityLogCount(t.dataSource, teacher.id);
      const endpoints: Array<[string, () => request.Test]> = [
        ['GET /api/classes/:id', () => teacher.get('/api/classes/not-a-uuid')],
        ['PATCH /api/classes/:id', () => teacher.patch('/api/classes/not-a-uuid').send({ name: 'X' })],
        ['DELETE /api/classes/:id', () => teacher.delete('/api/classes/not-a-uuid')],
        ['GET /api/classes/:id/students', () => teacher.get('/api/classes/not-a-uuid/students')],
        ['POST /api/classes/:id/students', () => teacher.post('/api/classes/not-a-uuid/students').send({ name: 'X' })],
        ['POST /api/classes/:id/students/import', () => teacher.post('/api/classes/not-a-uuid/students/import').set('Content-Type', 'text/csv').send('name\nX\n')],
        ['GET /api/classes/:id/students/export.csv', () => teacher.get('/api/classes/not-a-uuid/students/export.csv')],
        ['GET /api/students/:id', () => teacher.get('/api/students/12345')],
        ['PATCH /api/students/:id', () => teacher.patch('/api/students/12345').send({ name: 'X' })],
        ['DELETE /api/students/:id', () => teacher.delete('/api/students/12345')],
      ];
      for (const [name, send] of endpoints) {
        const response = await send();
        expect({ endpoint: name, status: response.status, details: response.body.details }).toEqual({ endpoint: name, status: 400, details: [{ field: 'id', message: 'id must be a UUID' }] });
      }
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);
    });
  });

  describe("another teacher's ids", () => {
    it('answer 404 on every endpoint, and nothing changes', async () => {
      const owner = await signIn(t);
      const cls = await createClass(owner, { name: 'Private Class' });
      const student = await addStudent(owner, cls.id, { name: 'Nia Owens', email: 'nia@school.test', studentId: 'S-99' });
      const outsiders = [await signIn(t), await signIn(t, { role: 'admin' })];
      const csv = 'name,email\nIntruder,intruder@school.test\n';
      const endpoints: Array<[string, (u: SignedInUser) => request.Test]> = [
        ['GET /api/classes/:id', (u) => u.get(`/api/classes/${cls.id}`)],
        ['PATCH /api/classes/:id', (u) => u.patch(`/api/classes/${cls.id}`).send({ name: 'Hijacked' })],
        ['PATCH /api/classes/:id with If-Match', (u) => u.patch(`/api/classes/${cls.id}`).set('If-Match', '1').send({ name: 'Hijacked' })],
        ['DELETE /api/classes/:id', (u) => u.delete(`/api/classes/${cls.id}`)],
        ['GET /api/classes/:id/students', (u) => u.get(`/api/classes/${cls.id}/students`)],
        ['POST /api/classes/:id/students', (u) => u.post(`/api/classes/${cls.id}/students`).send({ name: 'Intruder' })],
        ['POST /api/classes/:id/students/import (text/csv)', (u) => u.post(`/api/classes/${cls.id}/students/import`).set('Content-Type', 'text/csv').send(csv)],
        ['POST /api/classes/:id/students/import (multipart)', (u) => u.post(`/api/classes/${cls.id}/students/import`).attach('file', Buffer.from(csv), 'roster.csv')],
        ['POST /api/classes/:id/students/import (bad rows)', (u) => u.post(`/api/classes/${cls.id}/students/import`).set('Content-Type', 'text/csv').send('name,email\n,bad\n')],
        ['GET /api/classes/:id/students/export.csv', (u) => u.get(`/api/classes/${cls.id}/students/export.csv`)],
        ['GET /api/students/:id', (u) => u.get(`/api/students/${student.id}`)],
        ['PATCH /api/students/:id', (u) => u.patch(`/api/students/${student.id}`).send({ name: 'Renamed' })],
        ['DELETE /api/students/:id', (u) => u.delete(`/api/students/${student.id}`)],
      ];
      const classBefore = await classRow(t.dataSource, cls.id);
      const rosterBefore = await studentRows(t.dataSource, cls.id);
      const ownerEvents = await activityLogCount(t.dataSource, owner.id);

      for (const outsider of outsiders) {
        const outsiderEvents = await activityLogCount(t.dataSource, outsider.id);
        for (const [name, send] of endpoints) {
          const response = await send(outsider);
          expect({ endpoint: name, role: outsider.role, status: response.status, code: response.body.code }).toEqual({ endpoint: name, role: outsider.role, status: 404, code: 'NOT_FOUND' });
          expect(JSON.stringify(response.body)).not.toMatch(/Private Class|Nia|nia@school/);
        }
        const list = await outsider.get('/api/classes?includeArchived=true').expect(200);
        expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(cls.id);
        expect(await activityLogCount(t.dataSource, outsider.id)).toBe(outsiderEvents);
      }
      expect(await classRow(t.dataSource, cls.id)).toEqual(classBefore);
      expect(await studentRows(t.dataSource, cls.id)).toEqual(rosterBefore);
      expect(await activityLogCount(t.dataSource, owner.id)).toBe(ownerEvents);
    });
  });
});
