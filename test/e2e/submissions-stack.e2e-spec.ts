import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { loggedEvents } from '../factories/events.js';
import { buildPdf } from '../factories/pdf.js';
import { binary, classWithAssignment, handwritingPng, intakeEnv, pageRows, storedBlobKeys, submissionRows, temporaryStorageDir, uploadStack, waitForIntake } from '../factories/submissions.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

/** A class stack as a scanner makes it: `students` × `pagesEach` pages, each page saying whose and which it is. */
function stackPdf(students: number, pagesEach: number): Promise<Buffer> {
  return buildPdf(Array.from({ length: students * pagesEach }, (_, index) => ({ text: `Student ${Math.floor(index / pagesEach) + 1}, page ${(index % pagesEach) + 1}` })));
}

describe('whole-class scanned stacks (POST /api/assignments/:id/submissions/stack) and the matching queue', () => {
  let t: TestApp;
  let storageDir: string;

  beforeAll(async () => {
    storageDir = await temporaryStorageDir();
    t = await createTestApp(intakeEnv(storageDir));
  });
  afterAll(async () => {
    await t?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  async function classOfFour(): Promise<{ teacher: SignedInUser; assignmentId: string; classId: string; students: Array<{ id: string; name: string }> }> {
    const teacher = await signIn(t);
    const setup = await classWithAssignment(teacher, [{ name: 'Ava Lee', studentId: 'S-001' }, { name: 'Ben Ortiz' }, { name: 'Chloé Martin' }, { name: 'Dev Patel' }]);
    return { teacher, ...setup };
  }

  it('splits the PDF into one submission per student in stack order, matched by studentOrder, and renders every page in a job', async () => {
    const { teacher, assignmentId, classId, students } = await classOfFour();
    const pdf = await stackPdf(4, 2);
    const stackSha = createHash('sha256').update(pdf).digest('hex');
    const response = await uploadStack(teacher, assignmentId, pdf, { pagesPerStudent: '2', studentOrder: ['Ben Ortiz', 'S-001', 'Zed Unknown'] }).expect(201);

    expect(response.body).toMatchObject({ assignmentId, created: 4, duplicates: 0 });
    expect(response.body.submissions.map((s: any) => [s.sourceKind, s.pageCount, s.pagesRendered, s.studentId, s.studentName, s.match.status, s.match.method])).toEqual([
      ['stack', 2, 0, students[1].id, 'Ben Ortiz', 'matched', 'typed'],
      ['stack', 2, 0, students[0].id, 'Ava Lee', 'matched', 'typed'],
      ['stack', 2, 0, null, 'Zed Unknown', 'unmatched', null],
      ['stack', 2, 0, null, null, 'unmatched', null],
    ]);
    const ids: string[] = response.body.submissions.map((s: any) => s.id);
    const rows = await submissionRows(t.dataSource, assignmentId);
    expect(rows.map((row) => row.id)).toEqual(ids);
    expect(new Set(rows.map((row) => row.image_url))).toEqual(new Set([stackSha]));
    expect((await storedBlobKeys(storageDir)).filter((key) => key === stackSha)).toHaveLength(1);
    for (const [index, id] of ids.entries()) {
      expect((await pageRows(t.dataSource, id)).map((page) => [page.page_number, page.source_pdf_key, page.source_pdf_page, page.is_cover])).toEqual([
        [1, stackSha, index * 2 + 1, false],
        [2, stackSha, index * 2 + 2, false],
      ]);
    }

    expect(await waitForIntake(teacher, assignmentId)).toEqual({ assignmentId, submissions: 4, submissionsReady: 4, submissionsFailed: 0, pagesTotal: 8, pagesRendered: 8, complete: true });
    for (const id of ids) {
      const pages = await pageRows(t.dataSource, id);
      expect(pages.every((page) => /^[0-9a-f]{64}$/.test(page.blob_key) && /^[0-9a-f]{64}$/.test(page.thumbnail_key) && page.rendered_at !== null)).toBe(true);
      const events = await loggedEvents(t.dataSource, { streamId: id });
      expect(events.map((event) => event.eventType).filter((type) => type === 'SubmissionPagesRendered')).toHaveLength(1);
    }
    const [first] = await loggedEvents(t.dataSource, { streamId: ids[0] });
    expect(first.metadata).toEqual({
      submissionId: ids[0],
      assignmentId,
      classId,
      ownerId: teacher.id,
      uploadId: response.body.uploadId,
      studentId: students[1].id,
      matchStatus: 'matched',
      sourceKind: 'stack',
      pageCount: 2,
      status: 'pending',
    });
    expect((await t.dataSource.query(`SELECT kind, status FROM uploads WHERE id = $1`, [response.body.uploadId]))[0]).toEqual({ kind: 'stack', status: 'complete' });

    const detail = (await teacher.get(`/api/submissions/${ids[1]}`).expect(200)).body;
    expect(detail.pages.map((page: any) => [page.pageNumber, page.sourcePdfPage, page.rendered])).toEqual([
      [1, 3, true],
      [2, 4, true],
    ]);
    const page = await teacher.get(detail.pages[0].links.image).buffer(true).parse(binary).expect(200);
    expect(await sharp(page.body).metadata()).toMatchObject({ format: 'jpeg', height: 1600 });
    const thumbnail = await teacher.get(`/api/submissions/${ids[1]}/thumbnail`).buffer(true).parse(binary).expect(200);
    expect((await sharp(thumbnail.body).metadata()).width).toBe(320);
    const file = await teacher.get(`/api/submissions/${ids[1]}/file`).buffer(true).parse(binary).expect(200);
    expect(file.headers).toMatchObject({ 'content-type': 'application/pdf', 'x-source-pages': '3-4' });
    expect(file.body.equals(pdf)).toBe(true);

    const again = await uploadStack(teacher, assignmentId, pdf, { pagesPerStudent: '2', studentOrder: ['Ben Ortiz', 'S-001', 'Zed Unknown'] }).expect(200);
    expect(again.body).toMatchObject({ created: 0, duplicates: 4 });
    expect(again.body.submissions.map((s: any) => s.id)).toEqual(ids);
    expect(await submissionRows(t.dataSource, assignmentId)).toHaveLength(4);
  });

  it('splits variable-length work at the given boundaries and marks cover pages', async () => {
    const { teacher, assignmentId } = await classOfFour();
    const pdf = await stackPdf(7, 1);
    const response = await uploadStack(teacher, assignmentId, pdf, { boundaries: '1,4,6', coverPages: 'true' }).expect(201);
    expect(response.body.submissions.map((s: any) => s.pageCount)).toEqual([3, 2, 2]);
    const ids: string[] = response.body.submissions.map((s: any) => s.id);
    expect((await pageRows(t.dataSource, ids[1])).map((page) => [page.page_number, page.source_pdf_page, page.is_cover])).toEqual([
      [1, 4, true],
      [2, 5, false],
    ]);
    await waitForIntake(teacher, assignmentId);
    expect((await teacher.get(`/api/submissions/${ids[0]}`).expect(200)).body.pages.map((page: any) => page.isCover)).toEqual([true, false, false]);
  });

  it('replays a stack retried with the same Idempotency-Key', async () => {
    const { teacher, assignmentId } = await classOfFour();
    const pdf = await stackPdf(2, 1);
    const key = randomUUID();
    const first = await uploadStack(teacher, assignmentId, pdf, { pagesPerStudent: '1' }, { idempotencyKey: key }).expect(201);
    const retry = await uploadStack(teacher, assignmentId, pdf, { pagesPerStudent: '1' }, { idempotencyKey: key }).expect(201);
    expect(retry.body).toEqual(first.body);
    await uploadStack(teacher, assignmentId, pdf, { pagesPerStudent: '2' }, { idempotencyKey: key }).expect(422);
    expect(await submissionRows(t.dataSource, assignmentId)).toHaveLength(2);
  });

  it('refuses a split that does not fit the PDF (422) and bad fields (400), naming the field, and writes nothing', async () => {
    const { teacher, assignmentId } = await classOfFour();
    const blobsBefore = await storedBlobKeys(storageDir);
    const pdf = await stackPdf(7, 1);
    const cases: Array<[Record<string, string | string[]>, number, string]> = [
      [{ pagesPerStudent: '2' }, 422, 'pagesPerStudent'],
      [{ boundaries: '2,4' }, 422, 'boundaries'],
      [{ boundaries: '1,5,3' }, 422, 'boundaries[2]'],
      [{ boundaries: '1,9' }, 422, 'boundaries[1]'],
      [{ pagesPerStudent: '1', studentOrder: ['Ava Lee', 'S-001'] }, 422, 'studentOrder[1]'],
      [{ pagesPerStudent: '7', studentOrder: ['Ava Lee', 'Ben Ortiz'] }, 422, 'studentOrder'],
      [{}, 400, 'pagesPerStudent'],
      [{ pagesPerStudent: '1', boundaries: '1' }, 400, 'pagesPerStudent'],
      [{ pagesPerStudent: '0' }, 400, 'pagesPerStudent'],
      [{ pagesPerStudent: '51' }, 400, 'pagesPerStudent'],
      [{ pagesPerStudent: 'two' }, 400, 'pagesPerStudent'],
      [{ pagesPerStudent: '1', coverPages: 'maybe' }, 400, 'coverPages'],
      [{ pagesPerStudent: '1', shuffle: 'yes' }, 400, 'shuffle'],
    ];
    for (const [fields, status, field] of cases) {
      const response = await uploadStack(teacher, assignmentId, pdf, fields);
      expect([JSON.stringify(fields), response.status, response.body.details?.map((detail: any) => detail.field)]).toEqual([JSON.stringify(fields), status, expect.arrayContaining([field])]);
    }
    const notPdf = await uploadStack(teacher, assignmentId, handwritingPng(1), { pagesPerStudent: '1' }, { fileName: 'stack.pdf' }).expect(415);
    expect(notPdf.body.message).toContain('stack.pdf is not a PDF');
    const noFile = await teacher.post(`/api/assignments/${assignmentId}/submissions/stack`).field('pagesPerStudent', '1').expect(400);
    expect(noFile.body.details).toEqual([{ field: 'file', message: expect.any(String) }]);
    const empty = await uploadStack(teacher, assignmentId, await buildPdf([]), { pagesPerStudent: '1' }).expect(422);
    expect(empty.body.message).toContain('period-3-stack.pdf');
    expect(await submissionRows(t.dataSource, assignmentId)).toEqual([]);
    expect(await storedBlobKeys(storageDir)).toEqual(blobsBefore);
  });

  it('lists the unmatched and ambiguous work in the matching queue, where the teacher assigns and corrects students as SubmissionMatched events', async () => {
    const { teacher, assignmentId, classId, students } = await classOfFour();
    const response = await uploadStack(teacher, assignmentId, await stackPdf(3, 1), { pagesPerStudent: '1', studentOrder: ['Ava Lee'] }).expect(201);
    const [ava, second, third] = response.body.submissions.map((s: any) => s.id);
    await waitForIntake(teacher, assignmentId); // rendering bumps each version once (SubmissionPagesRendered)

    const queue = (await teacher.get(`/api/assignments/${assignmentId}/unmatched`).expect(200)).body;
    expect(queue).toMatchObject({ total: 2, page: 1, pageSize: 50 });
    expect(queue.items.map((s: any) => s.id)).toEqual([second, third]);

    const assigned = await teacher.put(`/api/submissions/${second}/student`).send({ studentId: students[2].id }).expect(200);
    expect(assigned.body).toMatchObject({ id: second, studentId: students[2].id, studentName: 'Chloé Martin', match: { status: 'matched', method: 'teacher' }, version: 3 });
    expect(assigned.headers.etag).toBe('"3"');
    expect((await teacher.get(`/api/assignments/${assignmentId}/unmatched`).expect(200)).body.items.map((s: any) => s.id)).toEqual([third]);

    const stale = await teacher.put(`/api/submissions/${ava}/student`).set('If-Match', '2').send({ studentId: students[3].id }).expect(409);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    const corrected = await teacher.put(`/api/submissions/${ava}/student`).set('If-Match', '3').send({ studentId: students[3].id }).expect(200);
    expect(corrected.body).toMatchObject({ studentId: students[3].id, match: { method: 'teacher' }, version: 4 });
    const unchanged = await teacher.put(`/api/submissions/${ava}/student`).send({ studentId: students[3].id }).expect(200);
    expect(unchanged.body.version).toBe(4);

    expect((await loggedEvents(t.dataSource, { streamId: ava, action: 'submission.match' })).map((event) => event.metadata)).toEqual([
      { submissionId: ava, assignmentId, classId, ownerId: teacher.id, studentId: students[0].id, previousStudentId: null, method: 'typed' },
      { submissionId: ava, assignmentId, classId, ownerId: teacher.id, studentId: students[3].id, previousStudentId: students[0].id, method: 'teacher' },
    ]);
    const matchedOnly = (await teacher.get(`/api/assignments/${assignmentId}/submissions?match=matched&pageSize=1`).expect(200)).body;
    expect(matchedOnly).toMatchObject({ total: 2, pageSize: 1, items: [{ id: ava }] });
    expect((await teacher.get(`/api/assignments/${assignmentId}/submissions?status=error`).expect(200)).body.total).toBe(0);
    const badFilter = await teacher.get(`/api/assignments/${assignmentId}/submissions?match=maybe`).expect(400);
    expect(badFilter.body.details[0].field).toBe('match');

    const otherClass = await classWithAssignment(teacher, [{ name: 'Eve Stranger' }]);
    const notInClass = await teacher.put(`/api/submissions/${third}/student`).send({ studentId: otherClass.students[0].id }).expect(422);
    expect(notInClass.body).toMatchObject({ code: 'STUDENT_NOT_IN_CLASS', details: [{ field: 'studentId' }] });
    const badId = await teacher.put(`/api/submissions/${third}/student`).send({ studentId: 'Ava' }).expect(400);
    expect(badId.body.details[0].field).toBe('studentId');

    // Removing a student from the roster sends their work back to the queue.
    await teacher.delete(`/api/students/${students[2].id}`).expect(204);
    expect((await teacher.get(`/api/assignments/${assignmentId}/unmatched`).expect(200)).body.items.map((s: any) => s.id)).toEqual([second, third]);
  });
});
