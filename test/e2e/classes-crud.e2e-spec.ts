import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { activityLogCount, addStudent, classRow, createClass } from '../factories/classes.js';
import { loggedEvents } from '../factories/events.js';
import { signIn, type SignedInUser } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

describe('classes: create, list, read, edit and archive', () => {
  let t: TestApp;
  let teacher: SignedInUser;
  beforeAll(async () => {
    t = await createTestApp();
    teacher = await signIn(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * Holds a lock on the class row so that concurrent edits have all read it before any of them can
   * write; released once `writers` UPDATEs are waiting on it. Makes the race deterministic.
   */
  async function withClassRowLocked<T>(classId: string, writers: number, fire: () => Promise<T>): Promise<T> {
    const gate = t.dataSource.createQueryRunner();
    await gate.connect();
    await gate.startTransaction();
    try {
      const [{ pid }] = await gate.query(`SELECT pg_backend_pid() AS pid`);
      await gate.query(`SELECT 1 FROM classes WHERE id = $1 FOR UPDATE`, [classId]);
      let settled = false;
      const pending = fire().finally(() => (settled = true));
      // Waiters queue behind each other, so count everything blocked by the gate, directly or not.
      while (!settled) {
        const [{ waiting }] = await t.dataSource.query(
          `WITH RECURSIVE blocked(pid) AS (
             SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))
             UNION SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY(pg_blocking_pids(a.pid)))
           SELECT count(*)::int AS waiting FROM blocked`,
          [pid],
        );
        if (waiting >= writers) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await gate.commitTransaction();
      return await pending;
    } finally {
      if (gate.isTransactionActive) await gate.rollbackTransaction();
      await gate.release();
    }
  }

  describe('POST /api/classes', () => {
    it('creates a class owned by the teacher, in their school, and records ClassCreated with the class fields', async () => {
      const [school] = await t.dataSource.query(`INSERT INTO schools (name) VALUES ('Lincoln Elementary') RETURNING id`);
      const member = await signIn(t);
      await t.dataSource.query(`UPDATE users SET school_id = $1 WHERE id = $2`, [school.id, member.id]);

      const response = await member
        .post('/api/classes')
        .set('X-Request-Id', 'req-class-create-1')
        .send({ name: '  3rd Period Math ', gradeLevel: '3rd', subject: 'Math', academicYear: '2025-2026' })
        .expect(201);

      expect(response.body).toEqual({
        id: expect.any(String),
        name: '3rd Period Math',
        gradeLevel: '3rd',
        subject: 'Math',
        academicYear: '2025-2026',
        schoolId: school.id,
        archivedAt: null,
        version: 1,
        studentCount: 0,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await classRow(t.dataSource, response.body.id)).toMatchObject({ user_id: member.id, school_id: school.id, name: '3rd Period Math', version: 1, archived_at: null });
      const events = await loggedEvents(t.dataSource, { requestId: 'req-class-create-1' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'class.create',
        eventType: 'ClassCreated',
        userId: member.id,
        streamType: 'class',
        streamId: response.body.id,
        streamVersion: 1,
        resourceType: 'class',
        resourceId: response.body.id,
        metadata: {
          classId: response.body.id,
          ownerId: member.id,
          source: 'teacher',
          fields: { name: '3rd Period Math', gradeLevel: '3rd', subject: 'Math', academicYear: '2025-2026', schoolId: school.id },
        },
      });
      const [dashboard] = await t.dataSource.query(`SELECT total_classes FROM teacher_dashboard WHERE user_id = $1`, [member.id]);
      expect(dashboard.total_classes).toBe(1);
    });

    it('stores empty optional fields as null', async () => {
      const response = await teacher.post('/api/classes').send({ name: 'Homeroom', gradeLevel: '', subject: '  ' }).expect(201);
      expect(response.body).toMatchObject({ gradeLevel: null, subject: null, academicYear: null, schoolId: null });
    });

    it.each([
      ['no name', {}, 'name', 'name should not be empty'],
      ['a blank name', { name: '   ' }, 'name', 'name should not be empty'],
      ['a numeric name', { name: 42 }, 'name', 'name must be a string'],
      ['a 201-character name', { name: 'x'.repeat(201) }, 'name', 'name must be shorter than or equal to 200 characters'],
      ['a numeric grade level', { name: 'Math', gradeLevel: 3 }, 'gradeLevel', 'gradeLevel must be a string'],
      ['an unknown field', { name: 'Math', ownerId: 'someone-else' }, 'ownerId', 'property ownerId should not exist'],
    ])('rejects %s with a 400 naming the field and writes nothing', async (_, body, field, message) => {
      const before = await activityLogCount(t.dataSource, teacher.id);
      const classesOf = `SELECT count(*)::int AS count FROM classes WHERE user_id = $1`;
      const [{ count: classesBefore }] = await t.dataSource.query(classesOf, [teacher.id]);
      const response = await teacher.post('/api/classes').send(body).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.details).toContainEqual({ field, message });
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);
      const [{ count: classesAfter }] = await t.dataSource.query(classesOf, [teacher.id]);
      expect(classesAfter).toBe(classesBefore);
    });

    it('needs a signed-in user', async () => {
      const response = await request(t.http).post('/api/classes').send({ name: 'Math' }).expect(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
      await request(t.http).get('/api/classes').expect(401);
    });
  });

  describe('GET /api/classes', () => {
    it("lists only the teacher's own classes, sorted by name, with student counts and pages", async () => {
      const owner = await signIn(t);
      const other = await signIn(t);
      await createClass(other, { name: 'Algebra (not mine)' });
      const biology = await createClass(owner, { name: 'Biology' });
      await createClass(owner, { name: 'Art' });
      await createClass(owner, { name: 'Chemistry' });
      await addStudent(owner, biology.id);
      await addStudent(owner, biology.id);

      const all = await owner.get('/api/classes').expect(200);
      expect(all.body).toMatchObject({ page: 1, pageSize: 50, total: 3 });
      expect(all.body.items.map((c: { name: string }) => c.name)).toEqual(['Art', 'Biology', 'Chemistry']);
      expect(all.body.items[1]).toMatchObject({ id: biology.id, studentCount: 2 });
      expect(Object.keys(all.body.items[0]).sort()).toEqual(
        ['academicYear', 'archivedAt', 'createdAt', 'gradeLevel', 'id', 'name', 'schoolId', 'studentCount', 'subject', 'updatedAt', 'version'].sort(),
      );

      const second = await owner.get('/api/classes?page=2&pageSize=2').expect(200);
      expect(second.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
      expect(second.body.items.map((c: { name: string }) => c.name)).toEqual(['Chemistry']);
    });

    it('hides archived classes unless includeArchived=true', async () => {
      const owner = await signIn(t);
      const kept = await createClass(owner, { name: 'Kept' });
      const archived = await createClass(owner, { name: 'Archived' });
      await owner.delete(`/api/classes/${archived.id}`).expect(204);

      const visible = await owner.get('/api/classes').expect(200);
      expect(visible.body.items.map((c: { id: string }) => c.id)).toEqual([kept.id]);
      expect(visible.body.total).toBe(1);
      const everything = await owner.get('/api/classes?includeArchived=true').expect(200);
      expect(everything.body.items.map((c: { id: string }) => c.id)).toEqual([archived.id, kept.id]);
      expect(everything.body.items[0].archivedAt).toEqual(expect.any(String));
      const explicit = await owner.get('/api/classes?includeArchived=false').expect(200);
      expect(explicit.body.total).toBe(1);
    });

    it.each([
      ['page=0', 'page'],
      ['pageSize=500', 'pageSize'],
      ['page=abc', 'page'],
      ['includeArchived=maybe', 'includeArchived'],
      ['sort=name', 'sort'],
    ])('rejects ?%s with a 400 naming %s', async (query, field) => {
      const response = await teacher.get(`/api/classes?${query}`).expect(400);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });

  describe('GET /api/classes/:id', () => {
    it('answers the class with its student count', async () => {
      const cls = await createClass(teacher, { name: 'Reading', gradeLevel: '4th' });
      await addStudent(teacher, cls.id);
      const response = await teacher.get(`/api/classes/${cls.id}`).expect(200);
      expect(response.body).toMatchObject({ id: cls.id, name: 'Reading', gradeLevel: '4th', studentCount: 1, version: 1 });
    });

    it('answers 400 naming the parameter for an id that is not a UUID, and 404 for an unknown one', async () => {
      const bad = await teacher.get('/api/classes/not-a-uuid').expect(400);
      expect(bad.body.details).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      const unknown = await teacher.get('/api/classes/00000000-0000-4000-8000-000000000000').expect(404);
      expect(unknown.body.code).toBe('NOT_FOUND');
    });
  });

  describe('PATCH /api/classes/:id', () => {
    it('changes only what differs, bumps the version and records ClassUpdated with the changes', async () => {
      const cls = await createClass(teacher, { name: 'Math', gradeLevel: '3rd', subject: 'Math' });
      const response = await teacher
        .patch(`/api/classes/${cls.id}`)
        .set('X-Request-Id', 'req-class-rename-1')
        .send({ name: 'Math – Period 2', subject: 'Math', gradeLevel: null })
        .expect(200);
      expect(response.body).toMatchObject({ id: cls.id, name: 'Math – Period 2', gradeLevel: null, subject: 'Math', version: 2 });
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ name: 'Math – Period 2', grade_level: null, version: 2 });

      const events = await loggedEvents(t.dataSource, { requestId: 'req-class-rename-1' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        eventType: 'ClassUpdated',
        action: 'class.update',
        streamId: cls.id,
        streamVersion: 2,
        metadata: { classId: cls.id, ownerId: teacher.id, changes: { name: 'Math – Period 2', gradeLevel: null } },
      });
    });

    it('records nothing and keeps the version when nothing changes', async () => {
      const cls = await createClass(teacher, { name: 'Same' });
      const before = await activityLogCount(t.dataSource, teacher.id);
      const response = await teacher.patch(`/api/classes/${cls.id}`).send({ name: 'Same' }).expect(200);
      expect(response.body.version).toBe(1);
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);
    });

    it('accepts a matching If-Match and answers 409 for a stale one, changing nothing', async () => {
      const cls = await createClass(teacher, { name: 'Versioned' });
      await teacher.patch(`/api/classes/${cls.id}`).set('If-Match', '1').send({ name: 'Versioned 2' }).expect(200);
      await teacher.patch(`/api/classes/${cls.id}`).set('If-Match', '"2"').send({ name: 'Versioned 3' }).expect(200);

      const before = await activityLogCount(t.dataSource, teacher.id);
      const stale = await teacher.patch(`/api/classes/${cls.id}`).set('If-Match', '2').send({ name: 'Lost update' }).expect(409);
      expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', message: expect.stringContaining('version 3, not 2') });
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ name: 'Versioned 3', version: 3 });
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);
    });

    it.each([
      ['a null name', { name: null }, 'name', 'name must be a string'],
      ['an empty name', { name: '' }, 'name', 'name should not be empty'],
      ['a list as subject', { subject: ['Math'] }, 'subject', 'subject must be a string'],
      ['a new owner', { userId: '00000000-0000-4000-8000-000000000000' }, 'userId', 'property userId should not exist'],
    ])('rejects %s with a 400 naming the field and changes nothing', async (_, body, field, message) => {
      const cls = await createClass(teacher, { name: 'Untouched' });
      const before = await activityLogCount(t.dataSource, teacher.id);
      const response = await teacher.patch(`/api/classes/${cls.id}`).send(body).expect(400);
      expect(response.body.details).toContainEqual({ field, message });
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ name: 'Untouched', version: 1 });
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);
    });

    it('rejects a malformed If-Match and a non-UUID id with a 400 naming them', async () => {
      const cls = await createClass(teacher);
      const header = await teacher.patch(`/api/classes/${cls.id}`).set('If-Match', 'yesterday').send({ name: 'X' }).expect(400);
      expect(header.body.details).toEqual([{ field: 'If-Match', message: expect.stringContaining('the version you last read') }]);
      const id = await teacher.patch('/api/classes/123').send({ name: 'X' }).expect(400);
      expect(id.body.details).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ version: 1 });
    });

    it('lets exactly one of two edits with the same If-Match win; the other gets 409', async () => {
      const cls = await createClass(teacher, { name: 'Contested' });
      const [first, second] = await Promise.all([
        teacher.patch(`/api/classes/${cls.id}`).set('If-Match', '1').send({ name: 'Edit A' }),
        teacher.patch(`/api/classes/${cls.id}`).set('If-Match', '1').send({ name: 'Edit B' }),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      const winner = first.status === 200 ? first : second;
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ name: winner.body.name, version: 2 });
      expect(await loggedEvents(t.dataSource, { streamId: cls.id, action: 'class.update' })).toHaveLength(1);
    });

    it('turns two simultaneous edits without If-Match into one 200 and one 409, never a silent overwrite', async () => {
      const cls = await createClass(teacher, { name: 'Raced' });
      const [first, second] = await withClassRowLocked(cls.id, 2, () =>
        Promise.all([teacher.patch(`/api/classes/${cls.id}`).send({ name: 'Racer A' }), teacher.patch(`/api/classes/${cls.id}`).send({ name: 'Racer B' })]),
      );
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      const loser = first.status === 409 ? first : second;
      const winner = first.status === 200 ? first : second;
      expect(loser.body.code).toBe('CONCURRENT_EDIT');
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ name: winner.body.name, version: 2 });
      const events = await loggedEvents(t.dataSource, { streamId: cls.id, action: 'class.update' });
      expect(events).toHaveLength(1);
      expect(events[0].metadata).toMatchObject({ changes: { name: winner.body.name } });
    });
  });

  describe('DELETE /api/classes/:id (archive)', () => {
    it('archives the class, records ClassArchived and makes the class read-only', async () => {
      const owner = await signIn(t);
      const cls = await createClass(owner, { name: 'Last Year' });
      const student = await addStudent(owner, cls.id, { name: 'Ana Diaz' });
      await owner.delete(`/api/classes/${cls.id}`).set('X-Request-Id', 'req-class-archive-1').expect(204);

      const row = await classRow(t.dataSource, cls.id);
      expect(row).toMatchObject({ version: 2 });
      expect(row!.archived_at).toBeInstanceOf(Date);
      const events = await loggedEvents(t.dataSource, { requestId: 'req-class-archive-1' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ eventType: 'ClassArchived', action: 'class.archive', streamVersion: 2, metadata: { classId: cls.id, ownerId: owner.id } });
      const [dashboard] = await t.dataSource.query(`SELECT total_classes, total_students FROM teacher_dashboard WHERE user_id = $1`, [owner.id]);
      expect(dashboard).toEqual({ total_classes: 0, total_students: 0 });

      const read = await owner.get(`/api/classes/${cls.id}`).expect(200);
      expect(read.body).toMatchObject({ archivedAt: expect.any(String), studentCount: 1 });

      const before = await activityLogCount(t.dataSource, owner.id);
      const writes = [
        owner.patch(`/api/classes/${cls.id}`).send({ name: 'Reopened' }),
        owner.delete(`/api/classes/${cls.id}`),
        owner.post(`/api/classes/${cls.id}/students`).send({ name: 'Late Joiner' }),
        owner.patch(`/api/students/${student.id}`).send({ name: 'Ana María Diaz' }),
        owner.delete(`/api/students/${student.id}`),
        owner.post(`/api/classes/${cls.id}/students/import`).set('Content-Type', 'text/csv').send('name\nNew Kid\n'),
      ];
      for (const write of writes) {
        const response = await write;
        expect(response.status).toBe(409);
        expect(response.body).toMatchObject({ code: 'CLASS_ARCHIVED', message: expect.stringContaining('archived') });
      }
      expect(await activityLogCount(t.dataSource, owner.id)).toBe(before);
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ name: 'Last Year', version: 2 });
      const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM students WHERE class_id = $1`, [cls.id]);
      expect(count).toBe(1);
      await owner.get(`/api/classes/${cls.id}/students/export.csv`).expect(200);
    });

    it('answers 409 for a stale If-Match and 404 for an unknown class', async () => {
      const cls = await createClass(teacher);
      await teacher.patch(`/api/classes/${cls.id}`).send({ name: 'Renamed first' }).expect(200);
      const stale = await teacher.delete(`/api/classes/${cls.id}`).set('If-Match', '1').expect(409);
      expect(stale.body.code).toBe('VERSION_MISMATCH');
      expect((await classRow(t.dataSource, cls.id))!.archived_at).toBeNull();
      await teacher.delete('/api/classes/00000000-0000-4000-8000-000000000000').expect(404);
    });
  });
});
