import { readFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, createDeflate } from 'node:zlib';
import sharp from 'sharp';
import type request from 'supertest';
import type { DataSource } from 'typeorm';
import { createAssignment } from './assignments.js';
import { addStudent, createClass, type CreatedStudent } from './classes.js';
import type { SignedInUser } from './users.js';

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/handwriting');

/** A real handwriting scan from test/fixtures/handwriting (1, 2 or 3). */
export function handwritingPng(number: 1 | 2 | 3 = 1): Buffer {
  return readFileSync(path.join(fixturesDir, `hw-formula${number}.png`));
}

/** An empty storage directory of the test's own (STORAGE_DIR). */
export function temporaryStorageDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'handmark-storage-test-'));
}

/** The environment for createTestApp: the test's own storage, render on the main thread (jest cannot load TypeScript in worker threads). */
export function intakeEnv(storageDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { STORAGE_DIR: storageDir, UPLOAD_RENDER_THREADS: '0', ...extra };
}

/**
 * A phone photo of a handwritten page: landscape pixels with EXIF orientation 6 (rotate 90° to view
 * upright), the camera's make and model, an artist, and a GPS position (school location!).
 */
export async function phonePhotoWithExif(options: { width?: number; height?: number } = {}): Promise<Buffer> {
  const width = options.width ?? 800;
  const height = options.height ?? 600;
  const page = await sharp(handwritingPng(2)).resize({ width: width - 40, height: height - 40, fit: 'inside' }).toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#f2efe8' } })
    .composite([{ input: page, left: 20, top: 20 }])
    .jpeg({ quality: 85 })
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Pocket 12', Artist: 'Jane Student' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 26/1 4600/100', GPSLongitudeRef: 'W', GPSLongitude: '79/1 58/1 5600/100' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** `count` different handwriting scans (the fixtures, each a few pixels taller than the last). */
export async function distinctScans(count: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      sharp(handwritingPng(((index % 3) + 1) as 1 | 2 | 3))
        .extend({ bottom: index + 1, background: '#ffffff' })
        .png()
        .toBuffer(),
    ),
  );
}

/**
 * A real decompression bomb: a valid greyscale PNG of size × size pixels (30000 × 30000 is 900 MP,
 * 900 MB once decoded) that compresses to under a megabyte because every pixel is black.
 */
export async function decompressionBombPng(size = 30_000): Promise<Buffer> {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth; colour type 0 (greyscale), default compression, filter and interlace
  const deflate = createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on('data', (data: Buffer) => compressed.push(data));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  const rows = Buffer.alloc((size + 1) * 100); // 100 scanlines: filter byte 0, then black pixels
  for (let row = 0; row < size; row += 100) {
    if (!deflate.write(rows.subarray(0, (size + 1) * Math.min(100, size - row)))) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', Buffer.concat(compressed)), chunk('IEND', Buffer.alloc(0))]);
}

export interface ClassSetup {
  classId: string;
  assignmentId: string;
  students: CreatedStudent[];
}

/** A class with the given students (names and school ids) and an assignment in it, all through the API. */
export async function classWithAssignment(teacher: SignedInUser, students: Array<{ name: string; studentId?: string }> = []): Promise<ClassSetup> {
  const created = await createClass(teacher);
  const roster: CreatedStudent[] = [];
  for (const student of students) roster.push(await addStudent(teacher, created.id, student));
  const assignment = await createAssignment(teacher, created.id);
  return { classId: created.id, assignmentId: assignment.id as string, students: roster };
}

export interface UploadPart {
  name: string;
  bytes: Buffer;
}

/** POST /api/assignments/:id/submissions as multipart: files in `files`, fields as given (arrays as repeated `field[]`). */
export function uploadFiles(teacher: SignedInUser, assignmentId: string, files: UploadPart[], fields: Record<string, string | string[]> = {}, idempotencyKey?: string): request.Test {
  let test = teacher.post(`/api/assignments/${assignmentId}/submissions`);
  if (idempotencyKey) test = test.set('Idempotency-Key', idempotencyKey);
  for (const [field, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) test = test.field(Array.isArray(value) ? `${field}[]` : field, item);
  }
  for (const file of files) test = test.attach('files', file.bytes, file.name);
  return test;
}

/** POST /api/assignments/:id/submissions/stack with one PDF and the split fields. */
export function uploadStack(teacher: SignedInUser, assignmentId: string, pdf: Buffer, fields: Record<string, string | string[]>, options: { fileName?: string; idempotencyKey?: string } = {}): request.Test {
  let test = teacher.post(`/api/assignments/${assignmentId}/submissions/stack`);
  if (options.idempotencyKey) test = test.set('Idempotency-Key', options.idempotencyKey);
  for (const [field, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) test = test.field(Array.isArray(value) ? `${field}[]` : field, item);
  }
  return test.attach('file', pdf, options.fileName ?? 'period-3-stack.pdf');
}

/** Polls GET /api/assignments/:id/intake-progress until every page is rendered (or the time is up). */
export async function waitForIntake(teacher: SignedInUser, assignmentId: string, timeoutMs = 20_000): Promise<Record<string, any>> {
  const started = Date.now();
  for (;;) {
    const progress = (await teacher.get(`/api/assignments/${assignmentId}/intake-progress`).expect(200)).body;
    if (progress.complete) return progress;
    if (Date.now() - started > timeoutMs) throw new Error(`intake not complete after ${timeoutMs} ms: ${JSON.stringify(progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The submission rows of an assignment as stored, in upload order. */
export async function submissionRows(dataSource: DataSource, assignmentId: string): Promise<Array<Record<string, any>>> {
  return dataSource.query(`SELECT * FROM submissions WHERE assignment_id = $1 ORDER BY submitted_at, upload_position, id`, [assignmentId]);
}

/** The page rows of a submission, by page number. */
export async function pageRows(dataSource: DataSource, submissionId: string): Promise<Array<Record<string, any>>> {
  return dataSource.query(`SELECT * FROM submission_pages WHERE submission_id = $1 ORDER BY page_number`, [submissionId]);
}

/** Every blob key in a storage directory (the content-addressed files, not temp files). */
export async function storedBlobKeys(storageDir: string): Promise<string[]> {
  const keys: string[] = [];
  for (const first of await readdir(storageDir).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(first)) continue;
    for (const second of await readdir(path.join(storageDir, first))) {
      for (const name of await readdir(path.join(storageDir, first, second))) if (/^[0-9a-f]{64}$/.test(name)) keys.push(name);
    }
  }
  return keys.sort();
}

/** Every blob key the database references (the columns the orphan sweep checks). */
export async function referencedBlobKeys(dataSource: DataSource): Promise<Set<string>> {
  const rows: Array<{ key: string }> = await dataSource.query(
    `SELECT image_url AS key FROM submissions UNION SELECT image_thumbnail_url FROM submissions WHERE image_thumbnail_url IS NOT NULL
     UNION SELECT blob_key FROM submission_pages WHERE blob_key IS NOT NULL UNION SELECT thumbnail_key FROM submission_pages WHERE thumbnail_key IS NOT NULL
     UNION SELECT source_pdf_key FROM submission_pages WHERE source_pdf_key IS NOT NULL`,
  );
  return new Set(rows.map((row) => row.key));
}

/** supertest's binary parser: the raw response body as a Buffer. */
export function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}
