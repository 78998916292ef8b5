/**
 * How fast and how cheaply does HandMark grade a class set with Claude? `npm run bench:grading`
 * grades BENCH_SUBMISSIONS (200) handwritten pages, uploaded as class sets of 30 to draft
 * assignments that are then activated together, against the fake Anthropic API set to 2 s per reply
 * and 50 requests per minute (429 with retry-after past it), and reports:
 *
 *   - throughput: graded submissions per minute, as a ratio of the 50/min limit (target >= 0.9),
 *     over the whole run and after the first minute (the first window lets a burst through);
 *   - the share of the shared prefix (everything before the student's work) served from the cache
 *     after the first request of each 30-submission assignment (target >= 0.9);
 *   - the share of all input tokens that came from the cache;
 *   - the cost per graded page at list prices, interactive and through the Message Batches API
 *     (the same usage at batch prices).
 *
 *   npm run bench:grading                          # embedded PostgreSQL in a temporary directory
 *   BENCH_SUBMISSIONS=60 npm run bench:grading      # shorter
 *   DATABASE_URL=postgres://... npm run bench:grading   # a scratch database on that server
 *   BENCH_LATENCY_MS=2000 BENCH_RPM=50 BENCH_CLASS_SIZE=30 AI_MAX_CONCURRENCY=4 ...
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { ClaudeClient, type ClaudeUsage } from '../libs/ai/claude-client.js';
import { loadConfig } from '../libs/config/config.js';
import { createApp } from '../src/bootstrap.js';
import { AnthropicFake, type ReceivedRequest, reply } from '../test/fakes/anthropic-fake-server.js';
import { benchDatabase, positiveInt } from './bench-support.js';

const SUBMISSIONS = positiveInt('BENCH_SUBMISSIONS', 200);
const CLASS_SIZE = positiveInt('BENCH_CLASS_SIZE', 30);
const LATENCY_MS = positiveInt('BENCH_LATENCY_MS', 2000);
const RPM = positiveInt('BENCH_RPM', 50);
const TIMEOUT_MS = positiveInt('BENCH_TIMEOUT_SECONDS', 900) * 1000;
const TARGET_THROUGHPUT = 0.9;
const TARGET_PREFIX_CACHE = 0.9;

/** A realistic 4-criterion writing rubric (the kind a 5th-grade teacher writes). */
const RUBRIC = {
  name: 'Explaining a science observation',
  description: '5th grade science: a written explanation of an observation, with evidence and vocabulary',
  subject: 'Science',
  gradeLevel: '5th',
  criteria: [
    {
      id: 'claim',
      name: 'Claim',
      description: 'States what happened and why, answering the question asked',
      max_points: 4,
      levels: [
        { points: 4, description: 'A clear, accurate claim that answers the question completely' },
        { points: 3, description: 'An accurate claim that answers most of the question' },
        { points: 2, description: 'A claim that is partly accurate or only partly answers the question' },
        { points: 0, description: 'No claim, or a claim unrelated to the question' },
      ],
    },
    {
      id: 'evidence',
      name: 'Evidence',
      description: 'Uses observations or data from the investigation to support the claim',
      max_points: 4,
      levels: [
        { points: 4, description: 'Two or more specific, relevant observations with measurements' },
        { points: 3, description: 'Two relevant observations, at least one specific' },
        { points: 2, description: 'One relevant observation, or observations that are vague' },
        { points: 0, description: 'No evidence from the investigation' },
      ],
    },
    {
      id: 'reasoning',
      name: 'Reasoning',
      description: 'Connects the evidence to the claim using a science idea',
      max_points: 4,
      levels: [
        { points: 4, description: 'Explains how each piece of evidence supports the claim, using the science idea correctly' },
        { points: 3, description: 'Connects the evidence to the claim with a mostly correct science idea' },
        { points: 2, description: 'Restates the evidence without explaining the connection' },
        { points: 0, description: 'No reasoning, or reasoning that contradicts the evidence' },
      ],
    },
    {
      id: 'vocabulary',
      name: 'Science vocabulary',
      description: 'Uses the unit vocabulary (evaporation, condensation, temperature, water vapor) correctly',
      max_points: 3,
      levels: [
        { points: 3, description: 'Three or more unit words used correctly' },
        { points: 2, description: 'One or two unit words used correctly' },
        { points: 0, description: 'No unit vocabulary, or used incorrectly' },
      ],
    },
  ],
};

const INSTRUCTIONS = `Lab write-up: Where did the water go?

On Monday we filled two identical cups with 200 mL of water. We put one cup on the sunny windowsill and one cup in the dark cupboard. We measured the water in each cup every day for five days and recorded the temperature of each place at noon.

In your write-up, answer the question: Why did the water level in the two cups change by different amounts?
1. Make a claim that answers the question.
2. Give at least two pieces of evidence from our data table (use numbers with units).
3. Explain how your evidence supports your claim. Use what we learned about how heat energy makes water molecules move faster and escape into the air as water vapor.
4. Use at least three of our unit words: evaporation, condensation, temperature, water vapor, energy.
Write in complete sentences. Spelling does not count, but your explanation should be clear enough for a 4th grader to follow. You may draw a labeled diagram if it helps you explain, but the diagram does not replace the sentences.`;

const TRANSCRIPTION =
  'The water in the sunny cup went down more because of evaporation. The sunny cup lost 46 mL and the cupboard cup lost only 12 mL. The windowsill was 27 C and the cupboard was 19 C. ' +
  'Heat energy makes the water molecules move faster so more of them escape into the air as water vapor. So higher temperature means more evaporation.';

/** A valid grade of the rubric above, varied per request so the review queue has a spread. */
function gradeFor(request: ReceivedRequest) {
  const seed = Number.parseInt(JSON.stringify(request.body?.messages ?? []).length.toString().slice(-2), 10) || 0;
  const pick = <T>(options: T[]) => options[seed % options.length];
  return reply.toolUse('record_rubric_grade', {
    transcription: TRANSCRIPTION,
    criteria: [
      { criterion_id: 'claim', level: 1, score: 4, reasoning: 'Clear claim naming evaporation.', evidence_quote: 'went down more because of evaporation' },
      { criterion_id: 'evidence', level: pick([1, 2]), score: pick([4, 3]), reasoning: 'Uses both measurements with units.', evidence_quote: 'The sunny cup lost 46 mL' },
      { criterion_id: 'reasoning', level: 2, score: 3, reasoning: 'Connects heat energy to evaporation.', evidence_quote: 'Heat energy makes the water molecules move faster' },
      { criterion_id: 'vocabulary', level: 1, score: 3, reasoning: 'Uses evaporation, water vapor and temperature.', evidence_quote: 'as water vapor' },
    ],
    feedback: 'You used our data well to show the sunny cup lost more water. Next, explain why the cupboard cup lost some water too.',
    confidence: pick([0.91, 0.84, 0.77, 0.62]),
    flags: [],
  });
}

/** A scanned handwritten page (US Letter at about 150 dpi), unique per submission. */
async function pagePng(index: number): Promise<Buffer> {
  const lines = TRANSCRIPTION.match(/.{1,60}(\s|$)/g) ?? [];
  const text = lines.map((line, i) => `<text x="90" y="${260 + i * 70}" font-family="serif" font-size="40" fill="#223">${line.trim().replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1275" height="1650"><rect width="100%" height="100%" fill="#fbfaf5"/>` +
    `<text x="90" y="150" font-family="serif" font-size="44" fill="#223">Where did the water go?  (page ${index + 1})</text>${text}</svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
}

interface Session {
  base: string;
  cookie: string;
  csrf: string;
}

async function api(session: Session, method: string, url: string, body?: unknown, form?: FormData): Promise<any> {
  const response = await fetch(`${session.base}${url}`, {
    method,
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function main(): Promise<void> {
  const fake = await AnthropicFake.start({ latencyMs: LATENCY_MS, requestsPerMinute: RPM });
  const database = await benchDatabase();
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'handmark-bench-storage-'));
  console.log(`bench:grading: ${SUBMISSIONS} handwritten pages in class sets of ${CLASS_SIZE}; fake Claude at ${LATENCY_MS} ms per reply, ${RPM} requests/min (429 past it); ${database.description}`);
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    AUTH_DEV_LOGIN: 'true',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    STORAGE_DIR: storageDir,
    ...fake.env,
  });
  const app = await createApp(config, database.url, { logger: ['error', 'fatal'] });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as net.AddressInfo).port}`;
  try {
    fake.respondWith(gradeFor);
    const login = await fetch(`${base}/api/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench-teacher@district.test', name: 'Bench Teacher' }) });
    const session: Session = { base, cookie: (login.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; '), csrf: ((await login.json()) as { csrfToken: string }).csrfToken };
    const rubric = await api(session, 'POST', '/api/rubrics', RUBRIC);
    const klass = await api(session, 'POST', '/api/classes', { name: 'Period 2 Science', gradeLevel: '5th', subject: 'Science' });

    // Upload every class set to a draft assignment first, so that intake is not part of the measurement.
    const assignments: Array<{ id: string; submissions: number }> = [];
    let uploaded = 0;
    for (let set = 0; uploaded < SUBMISSIONS; set++) {
      const size = Math.min(CLASS_SIZE, SUBMISSIONS - uploaded);
      const assignment = await api(session, 'POST', `/api/classes/${klass.id}/assignments`, { title: `Where did the water go? (section ${set + 1})`, instructions: INSTRUCTIONS, gradingMode: 'rubric', rubricId: rubric.id });
      for (let offset = 0; offset < size; offset += 10) {
        const form = new FormData();
        for (let i = offset; i < Math.min(size, offset + 10); i++) form.append('files', new Blob([new Uint8Array(await pagePng(uploaded + i))], { type: 'image/png' }), `page-${uploaded + i}.png`);
        await api(session, 'POST', `/api/assignments/${assignment.id}/submissions`, undefined, form);
      }
      assignments.push({ id: assignment.id, submissions: size });
      uploaded += size;
    }
    console.log(`uploaded ${uploaded} pages to ${assignments.length} assignments; activating them all`);

    const started = Date.now();
    for (const assignment of assignments) await api(session, 'POST', `/api/assignments/${assignment.id}/status`, { status: 'active' });
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    let graded = 0;
    let lastReport = 0;
    for (;;) {
      const [row] = (await pool.query(`SELECT count(*) FILTER (WHERE status = 'graded')::int AS graded, count(*) FILTER (WHERE status = 'error')::int AS failed FROM submissions`)).rows;
      graded = row.graded;
      if (graded + row.failed >= SUBMISSIONS) break;
      if (Date.now() - started > TIMEOUT_MS) throw new Error(`only ${graded} of ${SUBMISSIONS} graded after ${TIMEOUT_MS / 1000} s`);
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        console.log(`  ${Math.round((Date.now() - started) / 1000)} s: ${graded} graded, ${row.failed} failed, concurrency limit ${app.get(ClaudeClient).limiter.limit}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const wallMs = Date.now() - started;

    const messages = fake.messageRequests;
    const succeeded = messages.filter((request) => request.status === 200);
    const rateLimited = messages.filter((request) => request.status === 429).length;
    const gradedTimes = (await pool.query(`SELECT extract(epoch FROM graded_at) * 1000 AS at FROM submissions WHERE status = 'graded' ORDER BY graded_at`)).rows.map((row) => Number(row.at));
    const perMinute = (graded / wallMs) * 60_000;
    // After the first minute: the limiter's first window lets a burst of RPM through at once.
    const afterFirstMinute = gradedTimes.filter((at) => at >= started + 60_000);
    const sustained = afterFirstMinute.length > 1 && wallMs > 90_000 ? (afterFirstMinute.length / (wallMs - 60_000)) * 60_000 : null;

    // Prefix cache share: for each full class set, the prefix tokens its requests after the first read from the cache.
    const grades = (await pool.query(`SELECT s.assignment_id, g.ai_reasoning FROM grades g JOIN submissions s ON s.id = g.submission_id`)).rows as Array<{ assignment_id: string; ai_reasoning: any }>;
    let prefixRead = 0;
    let prefixAfterFirst = 0;
    for (const assignment of assignments.filter((a) => a.submissions === CLASS_SIZE)) {
      const ofAssignment = grades.filter((grade) => grade.assignment_id === assignment.id).map((grade) => grade.ai_reasoning);
      // The request that wrote the cache first; its prefix size as the API counted it.
      const ordered = [...ofAssignment].sort((a, b) => b.cacheWriteTokens - a.cacheWriteTokens);
      const prefixTokens = Math.max(...ofAssignment.map((r) => r.cacheReadTokens + r.cacheWriteTokens));
      for (const reasoning of ordered.slice(1)) {
        prefixRead += reasoning.cacheReadTokens;
        prefixAfterFirst += prefixTokens;
      }
    }
    const usage: ClaudeUsage = grades.reduce(
      (sum, grade) => ({
        inputTokens: sum.inputTokens + grade.ai_reasoning.usage.inputTokens,
        outputTokens: sum.outputTokens + grade.ai_reasoning.usage.outputTokens,
        cacheReadTokens: sum.cacheReadTokens + grade.ai_reasoning.usage.cacheReadTokens,
        cacheWriteTokens: sum.cacheWriteTokens + grade.ai_reasoning.usage.cacheWriteTokens,
        cacheWrite1hTokens: sum.cacheWrite1hTokens + grade.ai_reasoning.usage.cacheWrite1hTokens,
      }),
      { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 },
    );
    const claude = app.get(ClaudeClient);
    const pages = grades.reduce((sum, grade) => sum + (grade.ai_reasoning.pages ?? 1), 0);
    const interactiveUsd = grades.reduce((sum, grade) => sum + (grade.ai_reasoning.costUsd ?? 0), 0);
    const batchUsd = claude.costOf(claude.model, usage, { batch: true }) ?? 0;
    const allInput = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    await pool.end();

    const throughputRatio = perMinute / RPM;
    const prefixShare = prefixAfterFirst === 0 ? null : prefixRead / prefixAfterFirst;
    const fmt = (n: number, digits = 2) => n.toFixed(digits);
    console.log('');
    console.log(`graded                      ${graded} of ${SUBMISSIONS} (${messages.length} requests: ${succeeded.length} answered, ${rateLimited} rate-limited with 429)`);
    console.log(`wall time                   ${fmt(wallMs / 1000, 1)} s from activation to the last grade`);
    console.log(`throughput                  ${fmt(perMinute, 1)} graded/min = ${fmt(throughputRatio)} x the ${RPM}/min limit (target >= ${TARGET_THROUGHPUT})${sustained === null ? '' : `; after the first minute ${fmt(sustained, 1)}/min = ${fmt(sustained / RPM)} x`}`);
    console.log(`prefix from cache           ${prefixShare === null ? 'n/a (no full class set)' : `${fmt(prefixShare * 100, 1)}%`} of the shared prefix after the first request of each ${CLASS_SIZE}-submission assignment (target >= ${TARGET_PREFIX_CACHE * 100}%)`);
    console.log(`input tokens from cache     ${fmt((usage.cacheReadTokens / allInput) * 100, 1)}% (${usage.cacheReadTokens} of ${allInput}; written ${usage.cacheWriteTokens}, uncached ${usage.inputTokens}, output ${usage.outputTokens})`);
    console.log(`cost per graded page        $${fmt(interactiveUsd / pages, 5)} interactive, $${fmt(batchUsd / pages, 5)} with Message Batches (${claude.model} list prices, ${pages} pages)`);
    const ok = throughputRatio >= TARGET_THROUGHPUT && (prefixShare ?? 0) >= TARGET_PREFIX_CACHE;
    console.log(`\n${ok ? 'PASS' : 'BELOW TARGET'}: throughput ${fmt(throughputRatio)} (>= ${TARGET_THROUGHPUT}), prefix cache ${prefixShare === null ? 'n/a' : fmt(prefixShare)} (>= ${TARGET_PREFIX_CACHE})`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await app.close();
    await fake.stop();
    await database.dispose();
    await rm(storageDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
