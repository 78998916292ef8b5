import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../../libs/config/config.js';
import { sweepOrphanBlobs } from '../../src/modules/submissions/orphan-blobs.sweep.js';
import { SubmissionStorage } from '../../src/modules/submissions/submission-storage.js';
import { loggedEvents } from '../factories/events.js';
import { buildPdf, scanLikePageJpeg } from '../factories/pdf.js';
import { freePort, listening, type ServerProcess, sleep, startServer, stopServer } from '../factories/server-process.js';
import { classWithAssignment, referencedBlobKeys, storedBlobKeys, temporaryStorageDir, uploadStack } from '../factories/submissions.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';
import { testDatabaseUrl } from '../setup/test-database.js';

const STUDENTS = 6;
const PAGES_EACH = 2;

/**
 * The server is killed (SIGKILL) twice: while a class stack is being uploaded, and while its pages
 * are being rendered. After each restart nothing is orphaned, the retried upload completes exactly
 * once (Idempotency-Key), and the render job resumes with the pages that were missing.
 */
describe('a server killed in the middle of a stack upload', () => {
  let t: TestApp;
  let storageDir: string;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    storageDir = await temporaryStorageDir();
    // The test's own app reads the shared database; its storage is elsewhere, so it never takes the server's render jobs.
    t = await createTestApp();
    env = {
      NODE_ENV: 'test',
      AUTH_DEV_LOGIN: 'true',
      DATABASE_URL: testDatabaseUrl(),
      DB_POOL_MAX: '5',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      DATA_DIR: path.join(storageDir, 'data'),
      STORAGE_DIR: storageDir,
      UPLOAD_RENDER_THREADS: '2',
    };
  });
  afterAll(async () => {
    for (const server of servers) await stopServer(server);
    await t?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  const start = async () => {
    const server = startServer(env);
    servers.push(server);
    await listening(server);
    return server;
  };
  const progressOf = async (teacher: SignedInUser, assignmentId: string) => (await teacher.get(`/api/assignments/${assignmentId}/intake-progress`).expect(200)).body;
  const pageSnapshot = (assignmentId: string): Promise<Array<{ id: string; blob_key: string | null; rendered_at: Date | null }>> =>
    t.dataSource.query(`SELECT p.id, p.blob_key, p.rendered_at FROM submission_pages p JOIN submissions s ON s.id = p.submission_id WHERE s.assignment_id = $1 ORDER BY p.id`, [assignmentId]);

  it('leaves no orphan rows or files, completes the retried upload once and renders each page once', async () => {
    const scan = await scanLikePageJpeg(7, { dpi: 300 });
    const pdf = await buildPdf(Array.from({ length: STUDENTS * PAGES_EACH }, (_, index) => ({ jpeg: scan, text: `Student ${Math.floor(index / PAGES_EACH) + 1} page ${(index % PAGES_EACH) + 1}` })));
    const pdfKey = createHash('sha256').update(pdf).digest('hex');
    const pdfPath = path.join(storageDir, pdfKey.slice(0, 2), pdfKey.slice(2, 4), pdfKey);

    let server = await start();
    const teacher = await signIn({ http: `http://127.0.0.1:${env.PORT}` } as unknown as TestApp);
    const { assignmentId } = await classWithAssignment(teacher, [{ name: 'Ava Lee' }, { name: 'Ben Ortiz' }]);
    const key = randomUUID();
    const fields = { pagesPerStudent: String(PAGES_EACH), studentOrder: ['Ava Lee', 'Ben Ortiz'] };

    // Kill 1: the PDF is stored, its transaction is about to be written (or was just written).
    const upload = uploadStack(teacher, assignmentId, pdf, fields, { idempotencyKey: key }).then(
      (response) => response.status,
      () => 'connection lost',
    );
    for (const started = Date.now(); !existsSync(pdfPath); await sleep(1)) if (Date.now() - started > 30_000) throw new Error(`the PDF was never stored:\n${server.output()}`);
    await stopServer(server);
    expect(['connection lost', 201]).toContain(await upload);
    const afterFirstKill = await t.dataSource.query(`SELECT count(*)::int AS count FROM submissions WHERE assignment_id = $1`, [assignmentId]);
    // All or nothing: either the whole split was committed (with its job) or none of it.
    expect([0, STUDENTS]).toContain(afterFirstKill[0].count);

    server = await start();
    const retried = await uploadStack(teacher, assignmentId, pdf, fields, { idempotencyKey: key }).expect(201);
    expect(retried.body.submissions).toHaveLength(STUDENTS);
    const ids: string[] = retried.body.submissions.map((s: { id: string }) => s.id);
    expect((await uploadStack(teacher, assignmentId, pdf, fields, { idempotencyKey: key }).expect(201)).body).toEqual(retried.body);

    // Kill 2: some pages are rendered and committed, others not yet.
    for (const started = Date.now(); ; await sleep(20)) {
      const { pagesRendered } = await progressOf(teacher, assignmentId);
      if (pagesRendered >= 2) break;
      if (Date.now() - started > 60_000) throw new Error(`no page was rendered:\n${server.output()}`);
    }
    await stopServer(server);
    const beforeRestart = await pageSnapshot(assignmentId);
    const renderedBeforeRestart = beforeRestart.filter((page) => page.blob_key !== null);
    expect(renderedBeforeRestart.length).toBeGreaterThanOrEqual(2);
    expect(renderedBeforeRestart.length).toBeLessThan(STUDENTS * PAGES_EACH);

    server = await start();
    for (const started = Date.now(); !(await progressOf(teacher, assignmentId)).complete; await sleep(200)) {
      if (Date.now() - started > 60_000) {
        const jobs = await t.dataSource.query(`SELECT state, retry_count, start_after, output FROM pgboss.job WHERE data->>'submissionId' = ANY($1)`, [ids]);
        throw new Error(`rendering did not resume: ${JSON.stringify(await progressOf(teacher, assignmentId))}; jobs: ${JSON.stringify(jobs)}\n${server.output()}`);
      }
    }
    expect(await progressOf(teacher, assignmentId)).toMatchObject({ submissions: STUDENTS, submissionsReady: STUDENTS, pagesTotal: STUDENTS * PAGES_EACH, pagesRendered: STUDENTS * PAGES_EACH });

    // Pages committed before the kill were not rendered again; the rest were rendered after the restart.
    const after = new Map((await pageSnapshot(assignmentId)).map((page) => [page.id, page]));
    for (const page of renderedBeforeRestart) expect(after.get(page.id)).toEqual(page);
    // One upload, one split, one event of each kind per submission.
    expect(await t.dataSource.query(`SELECT idempotency_key, status FROM uploads WHERE assignment_id = $1`, [assignmentId])).toEqual([{ idempotency_key: key, status: 'complete' }]);
    expect((await t.dataSource.query(`SELECT id FROM submissions WHERE assignment_id = $1 ORDER BY upload_position`, [assignmentId])).map((row: { id: string }) => row.id)).toEqual(ids);
    for (const id of ids) {
      expect((await loggedEvents(t.dataSource, { streamId: id })).map((event) => event.eventType).filter((type) => type !== 'SubmissionMatched')).toEqual(['SubmissionUploaded', 'SubmissionPagesRendered']);
    }
    await stopServer(server);

    // No orphan files: after the sweep every stored blob is referenced, every reference is stored, no temp file is left.
    const storage = new SubmissionStorage({ storage: { dir: storageDir } } as AppConfig);
    expect(await sweepOrphanBlobs(t.dataSource, storage, { olderThanMs: 0 })).toMatchObject({ swept: true });
    const stored = await storedBlobKeys(storageDir);
    const referenced = await referencedBlobKeys(t.dataSource);
    expect(stored.filter((blob) => !referenced.has(blob))).toEqual([]);
    const ours: string[] = (
      await t.dataSource.query(
        `SELECT s.image_url AS key FROM submissions s WHERE s.assignment_id = $1
         UNION SELECT p.blob_key FROM submission_pages p JOIN submissions s ON s.id = p.submission_id WHERE s.assignment_id = $1
         UNION SELECT p.thumbnail_key FROM submission_pages p JOIN submissions s ON s.id = p.submission_id WHERE s.assignment_id = $1
         UNION SELECT s.image_thumbnail_url FROM submissions s WHERE s.assignment_id = $1`,
        [assignmentId],
      )
    ).map((row: { key: string }) => row.key);
    expect(ours.filter((blob) => !stored.includes(blob))).toEqual([]);
    expect(await readdir(path.join(storageDir, 'tmp')).catch(() => [])).toEqual([]);
  }, 180_000);
});
