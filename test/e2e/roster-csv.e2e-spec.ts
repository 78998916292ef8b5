import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { activityLogCount, addStudent, classRow, createClass, studentRows } from '../factories/classes.js';
import { loggedEvents } from '../factories/events.js';
import { signIn, type SignedInUser } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

describe('class roster CSV: import and export', () => {
  let t: TestApp;
  let teacher: SignedInUser;
  beforeAll(async () => {
    t = await createTestApp();
    teacher = await signIn(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const importUrl = (classId: string) => `/api/classes/${classId}/students/import`;
  const upload = (classId: string, csv: string, requestId?: string) => {
    const test = teacher.post(importUrl(classId)).attach('file', Buffer.from(csv), { filename: 'roster.csv', contentType: 'text/csv' });
    return requestId ? test.set('X-Request-Id', requestId) : test;
  };
  const post = (classId: string, csv: string, requestId?: string) => {
    const test = teacher.post(importUrl(classId)).set('Content-Type', 'text/csv').send(csv);
    return requestId ? test.set('X-Request-Id', requestId) : test;
  };

  describe('import', () => {
    it('adds every row of an uploaded file and records the students plus RosterImported', async () => {
      const owner = await signIn(t);
      const cls = await createClass(owner);
      const csv = 'Full Name,Email,student_id\nAna Diaz,Ana.Diaz@School.test,S-1\n"Lopez, Maya",maya@school.test,S-2\nZoe Park,,\n';
      const response = await owner
        .post(importUrl(cls.id))
        .set('X-Request-Id', 'req-roster-import-1')
        .attach('file', Buffer.from(csv), { filename: 'roster.csv', contentType: 'text/csv' })
        .expect(200);
      expect(response.body).toEqual({ added: 3, updated: 0, unchanged: 0 });

      expect(await studentRows(t.dataSource, cls.id)).toEqual([
        expect.objectContaining({ name: 'Ana Diaz', email: 'ana.diaz@school.test', student_id: 'S-1', version: 1 }),
        expect.objectContaining({ name: 'Lopez, Maya', email: 'maya@school.test', student_id: 'S-2', version: 1 }),
        expect.objectContaining({ name: 'Zoe Park', email: null, student_id: null, version: 1 }),
      ]);
      const events = await loggedEvents(t.dataSource, { requestId: 'req-roster-import-1' });
      expect(events.map((e) => e.eventType)).toEqual(['StudentAdded', 'StudentAdded', 'StudentAdded', 'RosterImported']);
      for (const event of events.slice(0, 3)) expect(event.metadata).toEqual({ studentId: event.streamId, classId: cls.id, ownerId: owner.id, source: 'csv' });
      expect(events[3]).toMatchObject({ action: 'roster.import', streamType: 'class', streamId: cls.id, streamVersion: 2, metadata: { classId: cls.id, ownerId: owner.id, added: 3, updated: 0, unchanged: 0 } });
      expect(JSON.stringify(events)).not.toMatch(/ana|maya|zoe|S-1|S-2/i);
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ version: 2 });
      const [dashboard] = await t.dataSource.query(`SELECT total_students FROM teacher_dashboard WHERE user_id = $1`, [owner.id]);
      expect(dashboard.total_students).toBe(3);
    });

    it('reads a text/csv body with a BOM, CRLF line ends, other header spellings and extra columns', async () => {
      const cls = await createClass(teacher);
      const csv = '\uFEFFNotes,STUDENT NAME,StudentID,E-Mail\r\nlikes maps,Ben Cho,7,BEN@school.test\r\n,"Dee ""DJ"" Evans",8,\r\n';
      const response = await post(cls.id, csv).expect(200);
      expect(response.body).toEqual({ added: 2, updated: 0, unchanged: 0 });
      expect(await studentRows(t.dataSource, cls.id)).toEqual([
        expect.objectContaining({ name: 'Ben Cho', email: 'ben@school.test', student_id: '7' }),
        expect.objectContaining({ name: 'Dee "DJ" Evans', email: null, student_id: '8' }),
      ]);
    });

    it('changes nothing and records nothing when the same file is imported again', async () => {
      const cls = await createClass(teacher);
      const csv = 'name,email,student id\nAna Diaz,ana@school.test,S-1\nBen Cho,ben@school.test,S-2\n';
      await upload(cls.id, csv).expect(200);
      const rosterBefore = await studentRows(t.dataSource, cls.id);
      const response = await upload(cls.id, csv, 'req-roster-reimport-1').expect(200);
      expect(response.body).toEqual({ added: 0, updated: 0, unchanged: 2 });
      expect(await loggedEvents(t.dataSource, { requestId: 'req-roster-reimport-1' })).toEqual([]);
      expect(await studentRows(t.dataSource, cls.id)).toEqual(rosterBefore);
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ version: 2 });
    });

    it('matches rows by student id, else email, else exact name, and updates what differs', async () => {
      const cls = await createClass(teacher);
      const byId = await addStudent(teacher, cls.id, { name: 'Ana Diaz', email: 'ana@school.test', studentId: 'S-1' });
      const byEmail = await addStudent(teacher, cls.id, { name: 'Ben Cho', email: 'ben@school.test' });
      const byName = await addStudent(teacher, cls.id, { name: 'Cy Dunn' });
      const untouched = await addStudent(teacher, cls.id, { name: 'Dee Evans', email: 'dee@school.test', studentId: 'S-4' });
      const csv = [
        'name,email,student id',
        'Ana Diaz,ana.diaz@school.test,S-1', // by student id: new email
        'Benjamin Cho,BEN@school.test,S-2', // by email: new name and student id
        'Cy Dunn,cy@school.test,', // by name: gains an email
        'Dee Evans,dee@school.test,S-4', // identical
        'Eve Fox,eve@school.test,S-5', // new
      ].join('\n');
      const response = await upload(cls.id, csv, 'req-roster-match-1').expect(200);
      expect(response.body).toEqual({ added: 1, updated: 3, unchanged: 1 });

      const rows = await studentRows(t.dataSource, cls.id);
      const row = (id: string) => rows.find((r) => r.id === id);
      expect(row(byId.id)).toMatchObject({ name: 'Ana Diaz', email: 'ana.diaz@school.test', student_id: 'S-1', version: 2 });
      expect(row(byEmail.id)).toMatchObject({ name: 'Benjamin Cho', email: 'ben@school.test', student_id: 'S-2', version: 2 });
      expect(row(byName.id)).toMatchObject({ name: 'Cy Dunn', email: 'cy@school.test', student_id: null, version: 2 });
      expect(row(untouched.id)).toMatchObject({ version: 1 });
      expect(rows.find((r) => r.name === 'Eve Fox')).toMatchObject({ email: 'eve@school.test', student_id: 'S-5', version: 1 });

      const events = await loggedEvents(t.dataSource, { requestId: 'req-roster-match-1' });
      const changed = Object.fromEntries(events.filter((e) => e.eventType === 'StudentUpdated').map((e) => [e.streamId, e.metadata.changedFields]));
      expect(changed).toEqual({ [byId.id]: ['email'], [byEmail.id]: ['name', 'studentId'], [byName.id]: ['email'] });
      expect(events.filter((e) => e.eventType === 'StudentUpdated').map((e) => e.streamVersion)).toEqual([2, 2, 2]);
      expect(events.find((e) => e.eventType === 'RosterImported')!.metadata).toMatchObject({ added: 1, updated: 3, unchanged: 1 });
    });

    it('leaves a value alone when its cell is empty or its column is absent', async () => {
      const cls = await createClass(teacher);
      await addStudent(teacher, cls.id, { name: 'Fay Gold', email: 'fay@school.test', studentId: 'S-6' });
      expect((await upload(cls.id, 'name\nFay Gold\n').expect(200)).body).toEqual({ added: 0, updated: 0, unchanged: 1 });
      expect((await upload(cls.id, 'name,email,student id\nFay Gold,,S-6\n').expect(200)).body).toEqual({ added: 0, updated: 0, unchanged: 1 });
      expect(await studentRows(t.dataSource, cls.id)).toEqual([expect.objectContaining({ email: 'fay@school.test', student_id: 'S-6', version: 1 })]);
    });

    it('lets two students swap emails in one import', async () => {
      const cls = await createClass(teacher);
      await addStudent(teacher, cls.id, { name: 'Gus Hill', email: 'first@school.test', studentId: 'S-7' });
      await addStudent(teacher, cls.id, { name: 'Ida Jones', email: 'second@school.test', studentId: 'S-8' });
      const response = await upload(cls.id, 'name,email,student id\nGus Hill,second@school.test,S-7\nIda Jones,first@school.test,S-8\n').expect(200);
      expect(response.body).toEqual({ added: 0, updated: 2, unchanged: 0 });
      expect((await studentRows(t.dataSource, cls.id)).map((r) => [r.name, r.email])).toEqual([
        ['Gus Hill', 'second@school.test'],
        ['Ida Jones', 'first@school.test'],
      ]);
    });

    it('rejects the whole file, naming every bad row and column as a spreadsheet numbers them, and writes nothing', async () => {
      const cls = await createClass(teacher);
      await addStudent(teacher, cls.id, { name: 'Jo King', email: 'jo@school.test', studentId: 'S-10' });
      const rosterBefore = await studentRows(t.dataSource, cls.id);
      const eventsBefore = await activityLogCount(t.dataSource, teacher.id);
      const csv = [
        'name,email,student id', // row 1
        'Kim Lee,kim@school.test,S-11', // row 2: fine
        ',nameless@school.test,S-12', // row 3: no name
        'Lia Moss,lia@school,S-13', // row 4: bad email
        '', // row 5: blank line, skipped
        'Max Ng,KIM@school.test,S-14', // row 6: same email as row 2
        'Nia Owens,nia@school.test,S-11', // row 7: same student id as row 2
        'Oli Park,pat@school.test,S-10', // row 8: matches Jo King by id, fine
        'Pat Quinn,jo@school.test,S-15', // row 9: by email matches Jo King too
      ].join('\n');
      const response = await upload(cls.id, csv, 'req-roster-bad-1').expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.details).toEqual([
        { field: 'row 3, name', message: 'the name is missing' },
        { field: 'row 4, email', message: '"lia@school" is not an email address' },
        { field: 'row 6, email', message: 'same email as row 2' },
        { field: 'row 7, student id', message: 'same student id as row 2' },
      ]);

      const second = await upload(cls.id, 'name,email,student id\nKim Lee,kim@school.test,S-11\nOli Park,pat@school.test,S-10\nPat Quinn,jo@school.test,S-15\n').expect(400);
      expect(second.body.details).toEqual([{ field: 'row 4, email', message: 'matches the same student as row 3' }]);

      expect(await studentRows(t.dataSource, cls.id)).toEqual(rosterBefore);
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(eventsBefore);
      expect(await classRow(t.dataSource, cls.id)).toMatchObject({ version: 1 });
    });

    it("rejects rows that would take another student's email, or whose name fits several students", async () => {
      const cls = await createClass(teacher);
      await addStudent(teacher, cls.id, { name: 'Quin Reed', email: 'quin@school.test', studentId: 'S-20' });
      await addStudent(teacher, cls.id, { name: 'Rae Stone', email: 'rae@school.test', studentId: 'S-21' });
      await addStudent(teacher, cls.id, { name: 'Sam Twin' });
      await addStudent(teacher, cls.id, { name: 'Sam Twin' });
      // Row 2 matches Quin by student id but asks for Rae's email; row 3's name fits two students.
      const csv = 'name,email,student id\nQuin Reed,rae@school.test,S-20\nSam Twin,sam@school.test,\n';
      const response = await upload(cls.id, csv).expect(400);
      expect(response.body.details).toEqual([
        { field: 'row 2, email', message: 'this email address already belongs to another student in this class' },
        { field: 'row 3, name', message: '2 students in this class have this name; add a student id or email to say which one this row is' },
      ]);
      expect((await studentRows(t.dataSource, cls.id)).map((r) => r.version)).toEqual([1, 1, 1, 1]);
    });

    it.each([
      ['a header without a name column', 'email,student id\nana@school.test,S-1\n', [{ field: 'row 1, name', message: expect.stringContaining('no name column') }]],
      ['two name columns', 'name,full name\nAna,Ana Diaz\n', [{ field: 'row 1, name', message: expect.stringContaining('two name columns') }]],
      ['an empty file', '', [{ field: 'file', message: expect.stringContaining('empty') }]],
      ['a header only', 'name,email\n', [{ field: 'file', message: expect.stringContaining('no student rows') }]],
      ['an unclosed quote', 'name,email\nAna,ana@school.test\n"Ben,ben@school.test\n', [{ field: 'row 3', message: expect.stringContaining('not valid CSV') }]],
    ])('rejects %s with a 400 naming where, writing nothing', async (_, csv, details) => {
      const cls = await createClass(teacher);
      const before = await activityLogCount(t.dataSource, teacher.id);
      const response = await post(cls.id, csv).expect(400);
      expect(response.body.details).toEqual(details);
      expect(await studentRows(t.dataSource, cls.id)).toEqual([]);
      expect(await activityLogCount(t.dataSource, teacher.id)).toBe(before);
    });

    it('answers 400 naming the file when none was sent, or the multipart field is wrong', async () => {
      const cls = await createClass(teacher);
      const json = await teacher.post(importUrl(cls.id)).send({ rows: [] }).expect(400);
      expect(json.body.details).toEqual([{ field: 'file', message: expect.stringContaining('"file"') }]);
      const wrongField = await teacher.post(importUrl(cls.id)).attach('roster', Buffer.from('name\nAna\n'), 'roster.csv').expect(400);
      expect(wrongField.body.message).toContain('roster');
      const badId = await teacher.post('/api/classes/abc/students/import').set('Content-Type', 'text/csv').send('name\nAna\n').expect(400);
      expect(badId.body.details).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      expect(await studentRows(t.dataSource, cls.id)).toEqual([]);
    });

    it('answers 413 for a roster file over 2 MB', async () => {
      const cls = await createClass(teacher);
      const huge = `name\n${'A Very Long Student Name\n'.repeat(100_000)}`;
      const body = await post(cls.id, huge).expect(413);
      expect(body.body.code).toBe('PAYLOAD_TOO_LARGE');
      await upload(cls.id, huge).expect(413);
      expect(await studentRows(t.dataSource, cls.id)).toEqual([]);
    });
  });

  describe('export', () => {
    it('answers the roster as CSV with quoting, neutralised formulas and a file name', async () => {
      const cls = await createClass(teacher, { name: '3rd Period: Math & Science' });
      await addStudent(teacher, cls.id, { name: 'Lopez, Maya', email: 'maya@school.test', studentId: '0042' });
      await addStudent(teacher, cls.id, { name: 'Dee "DJ" Evans' });
      await addStudent(teacher, cls.id, { name: '=HYPERLINK("http://evil.test","click")', studentId: '-1+2' });
      await addStudent(teacher, cls.id, { name: '@SUM(A1)', email: '+cmd@school.test' });

      const response = await teacher.get(`/api/classes/${cls.id}/students/export.csv`).expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?3rd-period-math-science-roster\.csv"?$/);
      expect(response.text.split('\n')[0]).toBe('name,email,student id');
      expect(parse(response.text)).toEqual([
        ['name', 'email', 'student id'],
        ['\'=HYPERLINK("http://evil.test","click")', '', "'-1+2"],
        ["'@SUM(A1)", "'+cmd@school.test", ''],
        ['Dee "DJ" Evans', '', ''],
        ['Lopez, Maya', 'maya@school.test', '0042'],
      ]);
      expect(response.text).toContain('"Lopez, Maya"');
      expect(response.text).toContain('"Dee ""DJ"" Evans"');
    });

    it('exports a file that imports back without changing anything', async () => {
      const cls = await createClass(teacher);
      await addStudent(teacher, cls.id, { name: 'Uma Vance', email: 'uma@school.test', studentId: 'S-30' });
      await addStudent(teacher, cls.id, { name: '-Wes Xu', studentId: '+31' });
      await addStudent(teacher, cls.id, { name: 'Yara, Zed' });
      const exported = await teacher.get(`/api/classes/${cls.id}/students/export.csv`).expect(200);
      const reimport = await upload(cls.id, exported.text).expect(200);
      expect(reimport.body).toEqual({ added: 0, updated: 0, unchanged: 3 });
    });

    it('exports the header alone for an empty roster', async () => {
      const cls = await createClass(teacher, { name: 'Empty' });
      const response = await teacher.get(`/api/classes/${cls.id}/students/export.csv`).expect(200);
      expect(response.text).toBe('name,email,student id\n');
      const bad = await teacher.get('/api/classes/nope/students/export.csv').expect(400);
      expect(bad.body.details).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
    });
  });
});
