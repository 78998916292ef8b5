import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ProjectorRegistry } from '../../libs/event-store/projector.js';
import { rebuildProjections } from '../../libs/event-store/rebuild.js';
import { projectors } from '../../src/projectors.js';
import { loggedEvents } from '../factories/events.js';
import { oneRosterZip, sampleDistrict } from '../factories/oneroster.js';
import { seededRandom } from '../factories/seeded-random.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

interface DashboardRow {
  user_id: string;
  total_classes: number;
  total_students: number;
  total_assignments: number;
  total_submissions: number;
  pending_submissions: number;
  /** The per-class rows (dashboard_classes) of the classes the teacher owns, by class id. */
  classes: Record<string, { students: number; assignments: number; submissions: number; pending: number; archived: boolean }>;
}

interface ViewRow {
  user_id: string;
  total_classes: number;
  total_students: number;
  total_assignments: number;
}

describe('teacher dashboard: projected live, served by GET /api/dashboard, rebuilt from the log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function createClass(teacher: SignedInUser, name = 'Period 3 Math'): Promise<string> {
    const response = await teacher.post('/api/classes').send({ name, subject: 'Math', gradeLevel: '5th' }).expect(201);
    expect(response.body).toMatchObject({ name, archivedAt: null });
    return response.body.id;
  }

  async function addStudent(teacher: SignedInUser, classId: string): Promise<string> {
    const response = await teacher.post(`/api/classes/${classId}/students`).send({ name: 'Student Name' }).expect(201);
    expect(response.body.id).toEqual(expect.any(String));
    return response.body.id;
  }

  async function removeStudent(teacher: SignedInUser, studentId: string): Promise<void> {
    await teacher.delete(`/api/students/${studentId}`).expect(204);
  }

  async function createAssignment(teacher: SignedInUser, classId: string): Promise<void> {
    await teacher
      .post(`/api/classes/${classId}/assignments`)
      .send({ title: 'Quiz', gradingMode: 'answer_key', answerKeyData: { type: 'text', total_questions: 1, points_per_question: 1, answers: ['42'] } })
      .expect(201);
  }

  async function archiveClass(teacher: SignedInUser, classId: string): Promise<void> {
    await teacher.delete(`/api/classes/${classId}`).expect(204);
  }

  async function dashboardRows(userIds: string[]): Promise<DashboardRow[]> {
    return t.dataSource.query(
      `SELECT d.user_id, d.total_classes, d.total_students, d.total_assignments, d.total_submissions, d.pending_submissions,
              (SELECT jsonb_object_agg(c.class_id, to_jsonb(c) - 'class_id' - 'owner_id') FROM dashboard_classes c WHERE c.owner_id = d.user_id) AS classes
         FROM teacher_dashboard d WHERE d.user_id = ANY($1::uuid[]) ORDER BY d.user_id`,
      [userIds],
    );
  }

  /**
   * The seed's teacher_dashboard view over the base tables, for these teachers. Its submission join
   * (and COUNT(CASE WHEN sub.status = 'pending' ...)) is left out until submissions are projected.
   */
  async function seedView(userIds: string[]): Promise<ViewRow[]> {
    return t.dataSource.query(
      `SELECT u.id AS user_id, COUNT(DISTINCT c.id)::int AS total_classes, COUNT(DISTINCT s.id)::int AS total_students,
              COUNT(DISTINCT a.id)::int AS total_assignments
         FROM users u
         LEFT JOIN classes c ON u.id = c.user_id AND c.archived_at IS NULL
         LEFT JOIN students s ON c.id = s.class_id
         LEFT JOIN assignments a ON c.id = a.class_id
        WHERE u.id = ANY($1::uuid[])
        GROUP BY u.id
        ORDER BY u.id`,
      [userIds],
    );
  }

  /** The projected counts in the view's shape (a teacher with no row counts as zeros, like the view's LEFT JOIN). */
  async function projectedCounts(userIds: string[]): Promise<ViewRow[]> {
    const rows = new Map((await dashboardRows(userIds)).map((row) => [row.user_id, row]));
    return [...userIds]
      .sort()
      .map((userId) => ({
        user_id: userId,
        total_classes: rows.get(userId)?.total_classes ?? 0,
        total_students: rows.get(userId)?.total_students ?? 0,
        total_assignments: rows.get(userId)?.total_assignments ?? 0,
      }));
  }

  async function rebuildAll(): Promise<void> {
    const results = await rebuildProjections(t.dataSource, t.app.get(ProjectorRegistry).all());
    expect(results.map((result) => result.projector)).toEqual(projectors.map((projector) => projector.name));
  }

  it('answers zeros for a teacher with no classes yet', async () => {
    const teacher = await signIn(t);
    const response = await teacher.get('/api/dashboard').expect(200);
    expect(response.body).toEqual({ totalClasses: 0, totalStudents: 0, totalAssignments: 0, totalSubmissions: 0, pendingSubmissions: 0, classes: [] });
    expect(await dashboardRows([teacher.id])).toEqual([]);
  });

  it('projects classes and roster changes into the teacher\'s row in the same transaction as the events', async () => {
    const teacher = await signIn(t);
    const math = await createClass(teacher, 'Math');
    const science = await createClass(teacher, 'Science');
    const mathStudents = [await addStudent(teacher, math), await addStudent(teacher, math), await addStudent(teacher, math)];
    await addStudent(teacher, science);
    await addStudent(teacher, science);
    await removeStudent(teacher, mathStudents[1]);

    const events = (await loggedEvents(t.dataSource, { userId: teacher.id })).filter((event) => ['class', 'student'].includes(event.streamType));
    expect(events.map((event) => event.eventType)).toEqual(['ClassCreated', 'ClassCreated', 'StudentAdded', 'StudentAdded', 'StudentAdded', 'StudentAdded', 'StudentAdded', 'StudentRemoved']);
    expect(events.every((event) => event.metadata.ownerId === teacher.id)).toBe(true);

    const response = await teacher.get('/api/dashboard').expect(200);
    expect(response.body).toEqual({
      totalClasses: 2,
      totalStudents: 4,
      totalAssignments: 0,
      totalSubmissions: 0,
      pendingSubmissions: 0,
      classes: [
        { classId: math, students: 2, assignments: 0, submissions: 0, pending: 0, archived: false },
        { classId: science, students: 2, assignments: 0, submissions: 0, pending: 0, archived: false },
      ].sort((a, b) => (a.classId < b.classId ? -1 : 1)),
    });
    const [row] = await dashboardRows([teacher.id]);
    expect(row.classes).toEqual({ [math]: expect.objectContaining({ students: 2, archived: false }), [science]: expect.objectContaining({ students: 2, archived: false }) });
    expect(await projectedCounts([teacher.id])).toEqual(await seedView([teacher.id]));
  });

  it('drops an archived class and its students from the totals, as the seed view does', async () => {
    const teacher = await signIn(t);
    const kept = await createClass(teacher, 'Kept');
    const archived = await createClass(teacher, 'Archived');
    await addStudent(teacher, kept);
    await addStudent(teacher, archived);
    await addStudent(teacher, archived);

    await archiveClass(teacher, archived);

    const [archive] = await loggedEvents(t.dataSource, { userId: teacher.id, action: 'class.archive' });
    expect(archive).toMatchObject({ eventType: 'ClassArchived', streamId: archived, metadata: { classId: archived, ownerId: teacher.id } });
    const response = await teacher.get('/api/dashboard').expect(200);
    expect(response.body).toMatchObject({ totalClasses: 1, totalStudents: 1 });
    expect(response.body.classes).toEqual(
      expect.arrayContaining([
        { classId: kept, students: 1, assignments: 0, submissions: 0, pending: 0, archived: false },
        { classId: archived, students: 2, assignments: 0, submissions: 0, pending: 0, archived: true },
      ]),
    );
    expect(await projectedCounts([teacher.id])).toEqual(await seedView([teacher.id]));
  });

  it('shows every teacher only their own dashboard, and nobody without signing in', async () => {
    const [first, second] = [await signIn(t), await signIn(t)];
    const firstClass = await createClass(first);
    await addStudent(first, firstClass);
    const secondClass = await createClass(second);

    const mine = await first.get('/api/dashboard').expect(200);
    const theirs = await second.get('/api/dashboard').expect(200);

    expect(mine.body).toMatchObject({ totalClasses: 1, totalStudents: 1, classes: [{ classId: firstClass, students: 1, archived: false }] });
    expect(theirs.body).toMatchObject({ totalClasses: 1, totalStudents: 0, classes: [{ classId: secondClass, students: 0, archived: false }] });
    const anonymous = await request(t.http).get('/api/dashboard').expect(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
  });

  it('rebuilds from the log exactly the rows the live path produced', async () => {
    const teachers = [await signIn(t), await signIn(t)];
    for (const teacher of teachers) {
      const a = await createClass(teacher);
      const b = await createClass(teacher);
      const student = await addStudent(teacher, a);
      await addStudent(teacher, a);
      await addStudent(teacher, b);
      await removeStudent(teacher, student);
      await archiveClass(teacher, b);
    }
    const ids = teachers.map((teacher) => teacher.id);
    const live = await dashboardRows(ids);
    expect(live).toHaveLength(2);

    await rebuildAll();

    expect(await dashboardRows(ids)).toEqual(live);
    expect(await projectedCounts(ids)).toEqual(await seedView(ids));
    for (const teacher of teachers) {
      const response = await teacher.get('/api/dashboard').expect(200);
      const row = live.find((candidate) => candidate.user_id === teacher.id)!;
      expect(response.body).toMatchObject({ totalClasses: row.total_classes, totalStudents: row.total_students });
      expect(response.body).toMatchObject({ totalClasses: 1, totalStudents: 1 });
    }
  });

  it('moves a class and its roster to the new teacher when a OneRoster import reassigns it', async () => {
    const admin = await signIn(t, { role: 'admin' });
    const district = sampleDistrict('1.2');
    await admin.post('/api/rosters/oneroster').attach('file', oneRosterZip(district.data), 'district.zip').expect(200);
    const teacherIds: Array<{ id: string; email: string }> = await t.dataSource.query(`SELECT id, email FROM users WHERE email = ANY($1::text[]) ORDER BY email`, [
      ['maria.rivera', 'ada.okafor'].map(district.email),
    ]);
    const [okafor, rivera] = teacherIds;
    const [math] = await t.dataSource.query(`SELECT id FROM classes WHERE sourced_id = $1`, [district.id('math3')]);
    const ids = [okafor.id, rivera.id];
    expect(await projectedCounts(ids)).toEqual(await seedView(ids));

    const primary = (enrollment: string, value: string) => (row: Record<string, string>) => (row.sourcedId === district.id(enrollment) ? { ...row, primary: value } : row);
    district.data.enrollments = district.data.enrollments.map(primary('enr-1', 'true')).map(primary('enr-2', 'false'));
    await admin.post('/api/rosters/oneroster').attach('file', oneRosterZip(district.data), 'district.zip').expect(200);

    const [reassigned] = await loggedEvents(t.dataSource, { streamId: math.id, action: 'class.reassign' });
    expect(reassigned.metadata).toMatchObject({ classId: math.id, ownerId: okafor.id, previousOwnerId: rivera.id });
    const counts = await projectedCounts(ids);
    expect(counts).toEqual(await seedView(ids));
    expect(counts.find((row) => row.user_id === okafor.id)).toMatchObject({ total_classes: 1, total_students: 3 });
    const asOkafor = await signIn(t, { email: okafor.email });
    const response = await asOkafor.get('/api/dashboard').expect(200);
    expect(response.body).toMatchObject({ totalClasses: 1, totalStudents: 3, classes: [{ classId: math.id, students: 3, archived: false }] });

    const live = await dashboardRows(ids);
    await rebuildAll();
    expect(await dashboardRows(ids)).toEqual(live);
  });

  it('lists in src/projectors.ts every projector the modules register', () => {
    const registered = t.app.get(ProjectorRegistry).all().map((projector) => projector.name);
    expect([...registered].sort()).toEqual(projectors.map((projector) => projector.name).sort());
    expect(t.app.get(ProjectorRegistry).all()).toEqual(expect.arrayContaining([...projectors]));
  });

  describe('random command sequences', () => {
    for (const seed of [11, 42, 2026]) {
      it(`keeps live == rebuild == seed view after 30 random commands for two teachers (seed ${seed})`, async () => {
        const random = seededRandom(seed);
        const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
        const teachers = [await signIn(t), await signIn(t)];
        const state = new Map(teachers.map((teacher) => [teacher.id, { active: new Map<string, string[]>() }]));

        for (let step = 0; step < 30; step++) {
          const teacher = pick(teachers);
          const { active } = state.get(teacher.id)!;
          const withStudents = [...active].filter(([, students]) => students.length > 0);
          const choices = ['create', ...(active.size > 0 ? ['add', 'add', 'assign', 'archive'] : []), ...(withStudents.length > 0 ? ['remove'] : [])];
          const command = pick(choices);
          if (command === 'create') {
            active.set(await createClass(teacher), []);
          } else if (command === 'add') {
            const [classId, students] = pick([...active]);
            students.push(await addStudent(teacher, classId));
          } else if (command === 'assign') {
            const [classId] = pick([...active]);
            await createAssignment(teacher, classId);
          } else if (command === 'remove') {
            const [, students] = pick(withStudents);
            const [studentId] = students.splice(Math.floor(random() * students.length), 1);
            await removeStudent(teacher, studentId);
          } else {
            const [classId] = pick([...active]);
            await archiveClass(teacher, classId);
            active.delete(classId);
          }
        }

        const ids = teachers.map((teacher) => teacher.id);
        const live = await projectedCounts(ids);
        expect(live).toEqual(await seedView(ids));
        const liveRows = await dashboardRows(ids);
        await rebuildAll();
        expect(await dashboardRows(ids)).toEqual(liveRows);
        for (const teacher of teachers) {
          const response = await teacher.get('/api/dashboard').expect(200);
          const expected = live.find((row) => row.user_id === teacher.id)!;
          expect(response.body).toMatchObject({ totalClasses: expected.total_classes, totalStudents: expected.total_students, totalAssignments: expected.total_assignments });
        }
      });
    }
  });
});
