import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';
import { activityLogCount, addStudent, studentRows } from '../factories/classes.js';
import { type LoggedEvent, loggedEvents } from '../factories/events.js';
import { oneRosterZip, type SampleDistrict, sampleDistrict } from '../factories/oneroster.js';
import { signIn, type SignedInUser } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

describe('OneRoster bulk import (admins)', () => {
  let t: TestApp;
  let admin: SignedInUser;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await signIn(t, { role: 'admin' });
  });
  afterAll(async () => {
    await t.close();
  });

  const importBundle = (zip: Buffer, requestId?: string) => {
    const test = admin.post('/api/rosters/oneroster').attach('file', zip, { filename: 'oneroster.zip', contentType: 'application/zip' });
    return requestId ? test.set('X-Request-Id', requestId) : test;
  };
  const countByType = (events: LoggedEvent[]) => events.reduce<Record<string, number>>((counts, e) => ({ ...counts, [e.eventType]: (counts[e.eventType] ?? 0) + 1 }), {});
  const schoolsOf = (d: SampleDistrict) => t.dataSource.query(`SELECT id, name, district, sourced_id FROM schools WHERE sourced_id LIKE $1 ORDER BY name`, [`%-${d.tag}`]);
  const classesOf = (d: SampleDistrict) =>
    t.dataSource.query(
      `SELECT c.id, c.name, c.grade_level, c.subject, c.academic_year, c.version, c.sourced_id, c.user_id, c.school_id, u.email AS owner_email
         FROM classes c JOIN users u ON u.id = c.user_id WHERE c.sourced_id LIKE $1 ORDER BY c.name`,
      [`%-${d.tag}`],
    );
  const classId = async (d: SampleDistrict, key: string) => (await t.dataSource.query(`SELECT id FROM classes WHERE sourced_id = $1`, [d.id(key)]))[0]?.id as string;

  it('imports a 1.1 bundle: schools, teachers matched or created, classes with their owner, and one student row per enrollment', async () => {
    const district = sampleDistrict('1.1');
    const park = await signIn(t, { email: district.email('john.park') });

    const response = await importBundle(oneRosterZip(district.data), `req-oneroster-11-${district.tag}`).expect(200);
    expect(response.body).toEqual({
      importId: expect.any(String),
      version: '1.1',
      schools: { created: 2, updated: 0, unchanged: 0 },
      teachers: { created: 2, updated: 0, unchanged: 1 },
      classes: { created: 2, updated: 0, unchanged: 0 },
      students: { created: 5, updated: 0, unchanged: 0 },
    });

    const schools = await schoolsOf(district);
    expect(schools.map((s: { name: string; district: string }) => [s.name, s.district])).toEqual([
      ['Hilltop Middle', 'Lakeside Unified'],
      ['Lakeside Elementary', 'Lakeside Unified'],
    ]);
    const elementary = schools.find((s: { sourced_id: string }) => s.sourced_id === district.id('elementary'));

    const teachers = await t.dataSource.query(`SELECT id, email, name, role, school_id, sourced_id FROM users WHERE email LIKE $1 ORDER BY email`, [`%.${district.tag}@lakeside.test`]);
    expect(teachers).toEqual([
      { id: expect.any(String), email: district.email('ada.okafor'), name: 'Ada Okafor', role: 'teacher', school_id: elementary.id, sourced_id: district.id('okafor') },
      { id: park.id, email: district.email('john.park'), name: 'Test User', role: 'teacher', school_id: null, sourced_id: null },
      { id: expect.any(String), email: district.email('maria.rivera'), name: 'Maria Rivera', role: 'teacher', school_id: elementary.id, sourced_id: district.id('rivera') },
    ]);

    const classes = await classesOf(district);
    expect(classes).toEqual([
      expect.objectContaining({ name: '3rd Grade Math', grade_level: '03', subject: 'Math', academic_year: '2025-2026', version: 1, owner_email: district.email('maria.rivera'), school_id: elementary.id }),
      expect.objectContaining({ name: '6th Grade ELA', grade_level: '06, 07', subject: 'ELA', academic_year: '2025-2026', version: 1, user_id: park.id }),
    ]);
    expect((await studentRows(t.dataSource, classes[0].id)).map(({ id: _, ...s }) => s)).toEqual([
      { name: 'Ava Lee', email: `ava.lee.${district.tag}@lakeside.test`, student_id: 'S-001', sourced_id: district.id('lee'), version: 1 },
      { name: 'Lucia Garcia', email: null, student_id: 'S-003', sourced_id: district.id('garcia'), version: 1 },
      { name: 'Minh Nguyen', email: district.email('minh.nguyen'), student_id: 'S-002', sourced_id: district.id('nguyen'), version: 1 },
    ]);
    expect((await studentRows(t.dataSource, classes[1].id)).map((s) => s.name)).toEqual(['Ava Lee', 'Noah Smith']);

    const events = await loggedEvents(t.dataSource, { requestId: `req-oneroster-11-${district.tag}` });
    expect(countByType(events)).toEqual({ SchoolCreated: 2, UserCreated: 2, ClassCreated: 2, StudentAdded: 5, OneRosterImported: 1 });
    expect(events.every((e) => e.userId === admin.id)).toBe(true);
    expect(events.find((e) => e.eventType === 'UserCreated')!.metadata).toMatchObject({ role: 'teacher', schoolId: elementary.id, source: 'oneroster' });
    expect(events.find((e) => e.eventType === 'ClassCreated' && e.streamId === classes[0].id)!.metadata).toEqual({
      classId: classes[0].id,
      ownerId: classes[0].user_id,
      source: 'oneroster',
      fields: { name: '3rd Grade Math', gradeLevel: '03', subject: 'Math', academicYear: '2025-2026', schoolId: elementary.id },
    });
    expect(events.filter((e) => e.eventType === 'StudentAdded').every((e) => e.metadata.source === 'oneroster')).toBe(true);
    const summary = events.find((e) => e.eventType === 'OneRosterImported')!;
    expect(summary).toMatchObject({ action: 'roster.oneroster_import', streamType: 'roster_import', streamId: response.body.importId, streamVersion: 1 });
    expect(summary.metadata).toEqual({ importId: response.body.importId, version: '1.1', schools: 2, teachers: 2, classes: 2, students: 5, unchanged: false });
    expect(JSON.stringify(events)).not.toMatch(/rivera|okafor|Ava|Lucia|S-00|lakeside\.test/i);

    // The teachers find their classes; the dashboard follows.
    const rivera = await signIn(t, { email: district.email('maria.rivera') });
    const mine = await rivera.get('/api/classes').expect(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ name: '3rd Grade Math', studentCount: 3, schoolId: elementary.id })]);
    expect((await park.get('/api/classes').expect(200)).body.items.map((c: { name: string }) => c.name)).toEqual(['6th Grade ELA']);
    const [dashboard] = await t.dataSource.query(`SELECT total_classes, total_students FROM teacher_dashboard WHERE user_id = $1`, [rivera.id]);
    expect(dashboard).toEqual({ total_classes: 1, total_students: 3 });

    // Importing the same bundle again changes nothing and records nothing.
    const again = await importBundle(oneRosterZip(district.data), `req-oneroster-11-again-${district.tag}`).expect(200);
    expect(again.body).toEqual({
      importId: null,
      version: '1.1',
      schools: { created: 0, updated: 0, unchanged: 2 },
      teachers: { created: 0, updated: 0, unchanged: 3 },
      classes: { created: 0, updated: 0, unchanged: 2 },
      students: { created: 0, updated: 0, unchanged: 5 },
    });
    expect(await loggedEvents(t.dataSource, { requestId: `req-oneroster-11-again-${district.tag}` })).toEqual([]);
    expect((await classesOf(district)).map((c: { version: number }) => c.version)).toEqual([1, 1]);
  });

  it('imports a 1.2 bundle (roles.csv), then applies what changed in the next one', async () => {
    const district = sampleDistrict('1.2');
    const first = await importBundle(oneRosterZip(district.data)).expect(200);
    expect(first.body).toMatchObject({ version: '1.2', schools: { created: 2 }, teachers: { created: 3 }, classes: { created: 2 }, students: { created: 5 } });
    const [okafor] = await t.dataSource.query(`SELECT u.id, s.sourced_id AS school FROM users u JOIN schools s ON s.id = u.school_id WHERE u.sourced_id = $1`, [district.id('okafor')]);
    expect(okafor.school).toBe(district.id('elementary'));
    const mathId = await classId(district, 'math3');
    const hillId = (await schoolsOf(district)).find((s: { sourced_id: string }) => s.sourced_id === district.id('middle')).id;

    // A teacher added a student by hand before the SIS had them: the next import links that row.
    const [rivera] = await t.dataSource.query(`SELECT id FROM users WHERE sourced_id = $1`, [district.id('rivera')]);
    const handAdded = await t.dataSource.query(`INSERT INTO students (class_id, name, student_id) VALUES ($1, 'Omar Haddad', 'S-005') RETURNING id`, [mathId]);

    const data = district.data;
    data.orgs[2].name = 'Hilltop Middle School';
    data.classes[0].title = '3rd Grade Mathematics';
    data.enrollments[0].primary = 'true'; // Okafor becomes the primary teacher of math
    data.enrollments[1].primary = 'false';
    data.users[4].email = district.email('minh.n'); // Nguyen's new address
    data.users.push({ ...data.users[5], sourcedId: district.id('haddad'), givenName: 'Omar', familyName: 'Haddad', identifier: 'S-005', email: district.email('omar.haddad'), username: 'omar' });
    data.roles!.push({ ...data.roles![5], sourcedId: district.id('role-haddad'), userSourcedId: district.id('haddad') });
    data.enrollments.push({ ...data.enrollments[4], sourcedId: district.id('enr-12'), userSourcedId: district.id('haddad') });

    const second = await importBundle(oneRosterZip(data), `req-oneroster-12-update-${district.tag}`).expect(200);
    expect(second.body).toEqual({
      importId: expect.any(String),
      version: '1.2',
      schools: { created: 0, updated: 1, unchanged: 1 },
      teachers: { created: 0, updated: 0, unchanged: 3 },
      classes: { created: 0, updated: 1, unchanged: 1 },
      students: { created: 0, updated: 2, unchanged: 4 },
    });

    const math = (await classesOf(district)).find((c: { id: string }) => c.id === mathId);
    expect(math).toMatchObject({ name: '3rd Grade Mathematics', user_id: okafor.id, version: 3 });
    expect(await studentRows(t.dataSource, mathId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: handAdded[0].id, name: 'Omar Haddad', email: district.email('omar.haddad'), sourced_id: district.id('haddad'), version: 2 }),
        expect.objectContaining({ name: 'Minh Nguyen', email: district.email('minh.n'), version: 2 }),
      ]),
    );

    const events = await loggedEvents(t.dataSource, { requestId: `req-oneroster-12-update-${district.tag}` });
    expect(countByType(events)).toEqual({ SchoolUpdated: 1, ClassUpdated: 1, ClassReassigned: 1, StudentUpdated: 2, OneRosterImported: 1 });
    expect(events.find((e) => e.eventType === 'SchoolUpdated')!.metadata).toEqual({ schoolId: hillId, changed: ['name'] });
    expect(events.find((e) => e.eventType === 'ClassUpdated')).toMatchObject({ streamVersion: 2, metadata: { classId: mathId, ownerId: okafor.id, changes: { name: '3rd Grade Mathematics' } } });
    expect(events.find((e) => e.eventType === 'ClassReassigned')).toMatchObject({ streamVersion: 3, metadata: { classId: mathId, ownerId: okafor.id, previousOwnerId: rivera.id, students: 4 } });
    const updates = Object.fromEntries(events.filter((e) => e.eventType === 'StudentUpdated').map((e) => [e.streamId, e.metadata.changedFields]));
    expect(updates[handAdded[0].id]).toEqual(['email', 'sourcedId']);
    expect(Object.values(updates)).toContainEqual(['email']);
  });

  it('leaves an archived class and its roster as they are', async () => {
    const district = sampleDistrict('1.1');
    await importBundle(oneRosterZip(district.data)).expect(200);
    const mathId = await classId(district, 'math3');
    await t.dataSource.query(`UPDATE classes SET archived_at = now() WHERE id = $1`, [mathId]);
    district.data.classes[0].title = 'Renamed in the SIS';
    district.data.users[3].givenName = 'Avery';
    const response = await importBundle(oneRosterZip(district.data)).expect(200);
    expect(response.body).toMatchObject({ classes: { created: 0, updated: 0, unchanged: 2 }, students: { updated: 1, unchanged: 1 } });
    expect((await classesOf(district)).find((c: { id: string }) => c.id === mathId)).toMatchObject({ name: '3rd Grade Math', version: 1 });
    expect((await studentRows(t.dataSource, mathId)).map((s) => s.name)).toContain('Ava Lee');
  });

  it('rejects a broken bundle naming every bad row, and writes nothing', async () => {
    const district = sampleDistrict('1.1');
    const { data, id } = district;
    data.users[0].email = 'maria.rivera@'; // users.csv row 2: a teacher's email
    data.users[6].email = 'noah smith'; // users.csv row 8: a student's email
    data.classes.push({ sourcedId: id('art'), status: 'active', title: 'Art', schoolSourcedId: id('elementary') }); // classes.csv row 5: no teacher
    data.classes.push({ sourcedId: id('music'), status: 'active', title: 'Music', schoolSourcedId: 'nowhere' }); // row 6: unknown school
    data.enrollments.push({ sourcedId: id('enr-x'), classSourcedId: 'no-such-class', userSourcedId: id('lee'), role: 'student', primary: 'false' }); // row 13
    data.enrollments.push({ sourcedId: id('enr-y'), classSourcedId: id('math3'), userSourcedId: 'ghost', role: 'student', primary: 'false' }); // row 14
    const before = await activityLogCount(t.dataSource, admin.id);

    const response = await importBundle(oneRosterZip(data)).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.details).toEqual([
      { field: 'classes.csv row 5, sourcedId', message: `class "${id('art')}" has no teacher enrollment in enrollments.csv` },
      { field: 'classes.csv row 6, schoolSourcedId', message: 'refers to org "nowhere", which is not in orgs.csv' },
      { field: 'users.csv row 2, email', message: '"maria.rivera@" is not an email address' },
      { field: 'users.csv row 8, email', message: '"noah smith" is not an email address' },
      { field: 'enrollments.csv row 13, classSourcedId', message: 'refers to class "no-such-class", which is not in classes.csv' },
      { field: 'enrollments.csv row 14, userSourcedId', message: 'refers to user "ghost", which is not in users.csv' },
    ]);
    expect(await schoolsOf(district)).toEqual([]);
    expect(await classesOf(district)).toEqual([]);
    expect(await activityLogCount(t.dataSource, admin.id)).toBe(before);
  });

  it('names missing files and columns, a bad manifest, and an upload that is not a zip', async () => {
    const district = sampleDistrict('1.2');
    const noTitle = { ...district.data, classes: district.data.classes.map(({ title: _, ...rest }) => rest) };
    const missing = await importBundle(oneRosterZip(noTitle, { omit: ['enrollments.csv'] })).expect(400);
    expect(missing.body.details).toEqual([
      { field: 'classes.csv row 1, title', message: 'the required column "title" is missing' },
      { field: 'enrollments.csv', message: 'the bundle has no enrollments.csv' },
    ]);

    const manifest = [
      { propertyName: 'manifest.version', value: '1.0' },
      { propertyName: 'oneroster.version', value: '2.0' },
      { propertyName: 'file.users', value: 'delta' },
    ];
    const badManifest = await importBundle(oneRosterZip({ ...district.data, manifest })).expect(400);
    expect(badManifest.body.details).toEqual([
      { field: 'manifest.csv row 3, value', message: 'OneRoster version "2.0" is not supported (1.1 or 1.2)' },
      { field: 'manifest.csv row 4, value', message: expect.stringContaining('delta') },
    ]);

    const notZip = await importBundle(Buffer.from('sourcedId,name\n1,x\n')).expect(400);
    expect(notZip.body.details).toEqual([{ field: 'file', message: expect.stringContaining('zip') }]);
    const emptyZip = await importBundle(Buffer.from(zipSync({ 'readme.txt': strToU8('hello') }))).expect(400);
    expect(emptyZip.body.details.map((d: { field: string }) => d.field)).toEqual(['manifest.csv', 'orgs.csv', 'classes.csv', 'users.csv', 'enrollments.csv']);
    const noFile = await admin.post('/api/rosters/oneroster').send({}).expect(400);
    expect(noFile.body.details).toEqual([{ field: 'file', message: expect.any(String) }]);
    expect(await schoolsOf(district)).toEqual([]);
  });

  it('rejects two bundle teachers that resolve to the same HandMark user', async () => {
    const district = sampleDistrict('1.1');
    await importBundle(oneRosterZip(district.data)).expect(200);
    const { data, id, email } = district;
    data.users[0].email = email('maria.new'); // Rivera (matched by sourcedId) changed address...
    data.users.push({ ...data.users[0], sourcedId: id('rivera-2'), email: email('maria.rivera') }); // ...and a new record took the old one
    const response = await importBundle(oneRosterZip(data)).expect(400);
    expect(response.body.details).toEqual([{ field: 'users.csv row 10, email', message: 'belongs to the HandMark user already matched to users.csv row 2' }]);
  });

  it('is for admins only: a teacher gets 403 and nothing is written', async () => {
    const teacher = await signIn(t);
    const district = sampleDistrict('1.1');
    const before = await activityLogCount(t.dataSource, teacher.id);
    const response = await teacher.post('/api/rosters/oneroster').attach('file', oneRosterZip(district.data), 'oneroster.zip').expect(403);
    expect(response.body.code).toBe('FORBIDDEN');
    expect(await schoolsOf(district)).toEqual([]);
    expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);
  });
});
