/**
 * How long until a class set is ready for grading? Two uploads against the real app (a child
 * process, so its memory and CPU are its own) on a database of its own:
 *
 *  1. a whole-class stack: one 30-page, 300 dpi scanned PDF (generated here: paper noise and real
 *     handwriting, each page different), split one page per student; measured from the start of the
 *     upload until every page is rendered and thumbnailed (intake-progress complete);
 *  2. 30 phone photos (4032 × 3024 JPEG, EXIF orientation 6 as phones store portrait shots) in one
 *     request: normalised (rotated, metadata removed), thumbnailed and stored.
 *
 * Reports times, pages per second and the server's peak RSS during each phase, against the 10 s target.
 *
 *   npm run bench:intake                       # embedded PostgreSQL in a temporary directory
 *   DATABASE_URL=postgres://... npm run bench:intake
 *   BENCH_PAGES=30 BENCH_PHOTOS=30 BENCH_RENDER_THREADS=2 ...
 */
import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import sharp from 'sharp';
import { loadConfig } from '../libs/config/config.js';
import { migrate } from '../libs/database/migrate.js';
import { migrations } from '../migrations/index.js';
import { createApp } from '../src/bootstrap.js';
import { API_TOKEN_PREFIX, newSecret, sha256 } from '../src/modules/auth/auth.tokens.js';
import { buildPdf } from '../test/factories/pdf.js';
import { benchDatabase, positiveInt } from './bench-support.js';

const PAGES = positiveInt('BENCH_PAGES', 30);
const PHOTOS = positiveInt('BENCH_PHOTOS', 30);
const RENDER_THREADS = process.env.BENCH_RENDER_THREADS ?? '2';
const COLOR = process.env.BENCH_COLOR === '1';
const TARGET_SECONDS = 10;
/** Both paths: run from sources (bench/) or compiled (dist/bench/). */
const repoRoot = [path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')].find((dir) => {
  try {
    readFileSync(path.join(dir, 'test/fixtures/handwriting/hw-formula1.png'));
    return true;
  } catch {
    return false;
  }
})!;

const handwriting = () => ['hw-formula1.png', 'hw-formula2.png', 'hw-formula3.png'].map((name) => readFileSync(path.join(repoRoot, 'test/fixtures/handwriting', name)));

interface RawImage {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/** Paper with sensor noise, made once per size: generating noise dominates the generation time. */
async function noisyPaper(width: number, height: number, channels: 1 | 3, mean: number, sigma: number): Promise<RawImage> {
  const { data, info } = await sharp({ create: { width, height, channels: 3, background: { r: mean, g: mean, b: mean }, noise: { type: 'gaussian', mean, sigma } } })
    .toColourspace(channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels as 1 | 3 } };
}

/**
 * An A4 page as a 300 dpi scanner makes it (2480 x 3508): paper noise and real handwriting at a few
 * places, different on every page. Greyscale (one channel) like a document scan, or colour like the
 * default of many copiers (BENCH_COLOR=1), which pdfjs takes longer to decode.
 */
async function scannedPage(seed: number, samples: Buffer[], paper: RawImage): Promise<Buffer> {
  const overlays = await Promise.all(
    Array.from({ length: 6 }, async (_, i) => ({
      input: await sharp(samples[(seed + i) % samples.length])
        .resize({ width: 900 + ((seed * 97 + i * 131) % 800) })
        .toBuffer(),
      left: 100 + ((seed * 31 + i * 17) % 200),
      top: Math.round((paper.info.height / 6.5) * i) + 150,
      blend: 'multiply' as const,
    })),
  );
  const page = sharp(paper.data, { raw: paper.info }).composite(overlays);
  return (paper.info.channels === 1 ? page.toColourspace('b-w') : page).jpeg({ quality: 75 }).toBuffer();
}

/** A phone photo of a handwritten page: portrait 3024 x 4032, stored landscape (4032 x 3024) with EXIF orientation 6, as phones do. */
async function phonePhoto(seed: number, samples: Buffer[], paper: RawImage): Promise<Buffer> {
  const lines = await Promise.all(
    Array.from({ length: 5 }, async (_, i) => ({
      input: await sharp(samples[(seed + i) % samples.length]).resize({ width: 2200 + ((seed * 37 + i * 53) % 500) }).toBuffer(),
      left: 200 + ((seed * 13 + i * 29) % 150),
      top: 300 + i * 700,
      blend: 'multiply' as const,
    })),
  );
  const portrait = await sharp(paper.data, { raw: paper.info }).composite(lines).raw().toBuffer({ resolveWithObject: true });
  return sharp(portrait.data, { raw: portrait.info })
    .rotate(-90)
    .jpeg({ quality: 88 })
    .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Pocket 12' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

interface ServerHandle {
  child: ChildProcess;
  port: number;
  /** The server process's peak RSS (bytes) and CPU time (ms, all threads) since the last call. */
  usage(): Promise<{ peakRss: number; cpuMs: number }>;
}

async function startServer(databaseUrl: string, storageDir: string): Promise<ServerHandle> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, STORAGE_DIR: storageDir, UPLOAD_RENDER_THREADS: RENDER_THREADS },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the benchmark server exited with code ${code} before listening`)));
  });
  return {
    child,
    port,
    usage: () =>
      new Promise((resolve) => {
        child.once('message', (message: { peakRss: number; cpuMs: number }) => resolve(message));
        child.send('usage');
      }),
  };
}

/** The child: the real application on a free port, sampling its own RSS. */
async function serve(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  const config = loadConfig({ ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, HOST: '127.0.0.1' });
  const app = await createApp(config, databaseUrl, { logger: ['error', 'warn', 'fatal'] });
  await app.listen(0, '127.0.0.1');
  let peak = process.memoryUsage.rss();
  let cpu = process.cpuUsage();
  setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20).unref();
  process.on('message', () => {
    const used = process.cpuUsage(cpu);
    process.send!({ peakRss: Math.max(peak, process.memoryUsage.rss()), cpuMs: (used.user + used.system) / 1000 });
    peak = process.memoryUsage.rss();
    cpu = process.cpuUsage();
  });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.send!({ port: (app.getHttpServer().address() as net.AddressInfo).port });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Busy share of all cores of the machine (every process: the app, PostgreSQL, this client) between two readings. */
function machineCpu(): () => number {
  const read = () => os.cpus().reduce((sum, cpu) => ({ busy: sum.busy + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, total: sum.total + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq + cpu.times.idle }), { busy: 0, total: 0 });
  const before = read();
  return () => {
    const after = read();
    return (after.busy - before.busy) / Math.max(1, after.total - before.total);
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ms: number) => (ms < TARGET_SECONDS * 1000 ? `under the ${TARGET_SECONDS} s target` : `OVER the ${TARGET_SECONDS} s target`);

async function main(): Promise<void> {
  console.log(`HandMark intake benchmark on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${RENDER_THREADS} render thread(s)`);
  const samples = handwriting();
  let started = Date.now();
  const scanPaper = await noisyPaper(2480, 3508, COLOR ? 3 : 1, 238, 6);
  const photoPaper = await noisyPaper(3024, 4032, 3, 214, 9);
  const pages: Buffer[] = [];
  for (let page = 0; page < PAGES; page += 1) pages.push(await scannedPage(page, samples, scanPaper));
  const pdf = await buildPdf(pages.map((jpeg, index) => ({ jpeg, text: `Student ${index + 1}` })));
  const photos: Buffer[] = [];
  for (let photo = 0; photo < PHOTOS; photo += 1) photos.push(await phonePhoto(photo, samples, photoPaper));
  const photoBytes = photos.reduce((sum, photo) => sum + photo.length, 0);
  console.log(`generated a ${PAGES}-page 300 dpi ${COLOR ? 'colour' : 'greyscale'} scanned PDF (${mb(pdf.length)}) and ${PHOTOS} phone photos (${mb(photoBytes)}) in ${seconds(Date.now() - started)}`);

  const database = await benchDatabase();
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'handmark-bench-storage-'));
  let server: ServerHandle | undefined;
  try {
    console.log(`database: ${database.description}; storage: ${storageDir}`);
    await migrate(database.url, migrations);
    const token = `${API_TOKEN_PREFIX}${newSecret()}`;
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const teacherId = randomUUID();
    await client.query(`INSERT INTO users (id, email, name, role) VALUES ($1, $2, 'Bench Teacher', 'teacher')`, [teacherId, `bench-${teacherId}@district.test`]);
    await client.query(`INSERT INTO api_tokens (user_id, name, token_hash, token_prefix) VALUES ($1, 'bench', $2, $3)`, [teacherId, sha256(token), token.slice(0, API_TOKEN_PREFIX.length + 8)]);
    await client.end();

    server = await startServer(database.url, storageDir);
    const base = `http://127.0.0.1:${server.port}/api`;
    const api = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${base}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}) },
        body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
      });
      const json = (await response.json()) as any;
      if (response.status >= 300) throw new Error(`${method} ${route} answered ${response.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const classId = (await api('POST', '/classes', { name: 'Period 3 Math' })).id;
    const studentIds: string[] = [];
    for (let i = 1; i <= PAGES; i += 1) studentIds.push((await api('POST', `/classes/${classId}/students`, { name: `Student ${i}` })).id);
    const newAssignment = async (title: string) =>
      (await api('POST', `/classes/${classId}/assignments`, { title, gradingMode: 'answer_key', answerKeyData: { type: 'text', answers: ['42'], points_per_question: 1, total_questions: 1 } })).id;

    // 1. The class stack.
    const stackAssignment = await newAssignment('Stack');
    await server.usage();
    const stackCpu = machineCpu();
    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'period-3.pdf');
    form.append('pagesPerStudent', '1');
    for (const id of studentIds) form.append('studentOrder[]', id);
    started = Date.now();
    const stack = await api('POST', `/assignments/${stackAssignment}/submissions/stack`, form);
    const answered = Date.now() - started;
    let progress: any;
    for (;;) {
      progress = await api('GET', `/assignments/${stackAssignment}/intake-progress`);
      if (progress.complete) break;
      if (Date.now() - started > 300_000) throw new Error(`the stack was not rendered in 5 minutes: ${JSON.stringify(progress)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ready = Date.now() - started;
    const stackUsage = await server.usage();
    const stackMachine = stackCpu();
    const renderSeconds = (ready - answered) / 1000;

    // 2. Thirty phone photos in one request.
    const photoAssignment = await newAssignment('Photos');
    const photoForm = new FormData();
    photos.forEach((photo, index) => photoForm.append('files', new Blob([photo], { type: 'image/jpeg' }), `student_${index + 1}.jpg`));
    const photoCpu = machineCpu();
    started = Date.now();
    const uploaded = await api('POST', `/assignments/${photoAssignment}/submissions`, photoForm);
    const photosMs = Date.now() - started;
    const photoUsage = await server.usage();
    const photoMachine = photoCpu();

    console.log('');
    console.log(`class stack, ${PAGES} pages (${mb(pdf.length)}), split into ${stack.submissions.length} submissions, matched ${stack.submissions.filter((s: any) => s.match.status === 'matched').length}:`);
    console.log(`  upload answered (stored, split, jobs enqueued)   ${seconds(answered)}`);
    console.log(`  all pages rendered and thumbnailed               ${seconds(ready)} (${progress.pagesRendered}/${progress.pagesTotal} pages)  -> ${verdict(ready)}`);
    console.log(`  rendering                                        ${(PAGES / renderSeconds).toFixed(1)} pages/s (${seconds(ready - answered)} after the answer)`);
    console.log(`  server peak RSS / CPU time                       ${mb(stackUsage.peakRss)} / ${seconds(stackUsage.cpuMs)} (${(stackUsage.cpuMs / ready).toFixed(1)} cores busy; machine ${(stackMachine * 100).toFixed(0)}% busy)`);
    console.log(`${PHOTOS} phone photos (4032 x 3024, ${mb(photoBytes)}) in one request, ${uploaded.created} created:`);
    console.log(`  normalised, thumbnailed, stored, answered        ${seconds(photosMs)} (${(photosMs / PHOTOS).toFixed(0)} ms per photo)  -> ${verdict(photosMs)}`);
    console.log(`  server peak RSS / CPU time                       ${mb(photoUsage.peakRss)} / ${seconds(photoUsage.cpuMs)} (${(photoUsage.cpuMs / photosMs).toFixed(1)} cores busy; machine ${(photoMachine * 100).toFixed(0)}% busy)`);
  } finally {
    if (server) await stopServer(server.child);
    await database.dispose();
    await rm(storageDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
