/**
 * What does the audit cost? Audited commands per second (HTTP -> command -> state row + event +
 * projection in one transaction: POST /api/classes) against a baseline endpoint in the same app
 * that does one plain INSERT of the same class row into the same table, behind the same guard and
 * validation, without the event store (POST /api/bench/baseline), on
 * the same database in the same run, at 1, 8 and 32 concurrent clients, each client a different
 * request sent as the next of many teachers (API tokens). Baseline and audited runs alternate to spread out noise.
 *
 *   npm run bench:audit                    # embedded PostgreSQL in a temporary directory
 *   DATABASE_URL=postgres://... npm run bench:audit   # a scratch database on that server
 *   BENCH_SECONDS=3 BENCH_ROUNDS=5 BENCH_CLIENTS=1,8,32 BENCH_TEACHERS=2000 ...
 *
 * The app runs in a child process so the load generator does not share its event loop.
 */
import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import pg, { type Client as PgClient } from 'pg';
import { loadConfig } from '../libs/config/config.js';
import { migrate } from '../libs/database/migrate.js';
import { migrations } from '../migrations/index.js';
import { createApp } from '../src/bootstrap.js';
import { API_TOKEN_PREFIX, newSecret, sha256 } from '../src/modules/auth/auth.tokens.js';
import { BenchBaselineModule } from './bench-baseline.module.js';
import { benchDatabase, positiveInt } from './bench-support.js';

const SECONDS = positiveInt('BENCH_SECONDS', 3);
const ROUNDS = positiveInt('BENCH_ROUNDS', 5);
const WARMUP_SECONDS = 1;
const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,8,32').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
/** A district's worth of teachers, so each ends the run with a realistic handful of classes. */
const TEACHERS = positiveInt('BENCH_TEACHERS', 2000);
const TARGET_RATIO = 0.7;
const BODY = JSON.stringify({ name: 'Period 3 Math', gradeLevel: '5th', subject: 'Math', academicYear: '2025-2026' });

type Kind = 'baseline' | 'audited';
const PATHS: Record<Kind, string> = { baseline: '/api/bench/baseline', audited: '/api/classes' };
/** BENCH_ONLY=audited (or baseline) loads one kind only, with no comparison: for profiling one path. */
const ONLY = process.env.BENCH_ONLY as Kind | undefined;

interface Measured {
  requests: number;
  seconds: number;
  p50s: number[];
  p99s: number[];
  /** Requests per second of each round, in round order (the two kinds' rounds are paired). */
  rates: number[];
  failures: number;
}

/** Teachers with API tokens, inserted directly (the token table stores sha256 of the token). */
async function createTeachers(client: PgClient, count: number): Promise<Array<{ id: string; token: string }>> {
  const teachers = Array.from({ length: count }, () => ({ id: randomUUID(), token: `${API_TOKEN_PREFIX}${newSecret()}` }));
  await client.query(`INSERT INTO users (id, email, name, role) SELECT id, 'bench-' || id || '@district.test', 'Bench Teacher', 'teacher' FROM unnest($1::uuid[]) AS id`, [
    teachers.map((t) => t.id),
  ]);
  await client.query(
    `INSERT INTO api_tokens (user_id, name, token_hash, token_prefix) SELECT user_id, 'bench', token_hash, token_prefix FROM unnest($1::uuid[], $2::bytea[], $3::text[]) AS v(user_id, token_hash, token_prefix)`,
    [teachers.map((t) => t.id), teachers.map((t) => sha256(t.token)), teachers.map((t) => t.token.slice(0, API_TOKEN_PREFIX.length + 8))],
  );
  return teachers;
}

async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { env: { ...process.env, BENCH_DATABASE_URL: databaseUrl }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the benchmark server exited with code ${code} before listening`)));
  });
  return { child, port };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The child: the real application plus the baseline module, on a free port. */
async function serve(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  const config = loadConfig({ ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, HOST: '127.0.0.1' });
  const app = await createApp(config, databaseUrl, { logger: ['error', 'fatal'], extraModules: [BenchBaselineModule] });
  await app.listen(0, '127.0.0.1');
  process.send!({ port: (app.getHttpServer().address() as net.AddressInfo).port });
}

/** Successful requests of each kind over the whole run, warm-ups included: each left one class row. */
const succeeded: Record<Kind, number> = { baseline: 0, audited: 0 };

async function load(port: number, kind: Kind, connections: number, seconds: number, nextToken: () => string): Promise<Result> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${PATHS[kind]}`,
    method: 'POST',
    connections,
    duration: seconds,
    body: BODY,
    headers: { 'content-type': 'application/json' },
    // Every request as the next of many teachers: real traffic comes from many teachers, each with their own dashboard row.
    requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${nextToken()}` } }) }],
  });
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) if (code.startsWith('2')) succeeded[kind] += count;
  return result;
}

/** Events appended but not yet covered by the integrity chain. */
async function unsealed(client: PgClient): Promise<{ events: number; sealed: number }> {
  const { rows } = await client.query(`SELECT (SELECT count(*) FROM activity_logs)::int AS events, (SELECT count(*) FROM activity_log_chain)::int AS sealed`);
  return rows[0];
}

const format = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (ratios: number[]) => `${format(Math.min(...ratios), 2)}-${format(Math.max(...ratios), 2)} (median ${format(median(ratios), 2)})`;

async function main(): Promise<void> {
  const database = await benchDatabase();
  let server: ChildProcess | undefined;
  const client = new pg.Client({ connectionString: database.url });
  try {
    console.log(`HandMark audit benchmark: ${database.description}`);
    await migrate(database.url, migrations);
    await client.connect();
    const teachers = await createTeachers(client, TEACHERS);
    let turn = 0;
    const nextToken = () => teachers[turn++ % teachers.length].token;

    const started = await startServer(database.url);
    server = started.child;
    console.log(`app listening on 127.0.0.1:${started.port}; ${ROUNDS} rounds x ${SECONDS} s per kind and level, after ${WARMUP_SECONDS} s warm-up\n`);

    const results = new Map<string, Measured>();
    let sealerSeen = false;
    let maxUnsealed = 0;
    for (const connections of CLIENTS) {
      if (ONLY) {
        const result = await load(started.port, ONLY, connections, SECONDS, nextToken);
        console.log(`${ONLY} only, ${connections} clients: ${format(result.requests.total / result.duration)} req/s`);
        continue;
      }
      for (const kind of ['baseline', 'audited'] as const) await load(started.port, kind, connections, WARMUP_SECONDS, nextToken);
      for (let round = 0; round < ROUNDS; round++) {
        const order: Kind[] = round % 2 === 0 ? ['baseline', 'audited'] : ['audited', 'baseline'];
        for (const kind of order) {
          const result = await load(started.port, kind, connections, SECONDS, nextToken);
          const key = `${kind}/${connections}`;
          const measured = results.get(key) ?? { requests: 0, seconds: 0, p50s: [], p99s: [], rates: [], failures: 0 };
          measured.requests += result.requests.total;
          measured.seconds += result.duration;
          measured.p50s.push(result.latency.p50);
          measured.p99s.push(result.latency.p99);
          measured.rates.push(result.requests.total / result.duration);
          measured.failures += result.errors + result.non2xx;
          results.set(key, measured);
          if (kind === 'audited') {
            const lag = await unsealed(client);
            if (lag.sealed > 0) sealerSeen = true;
            maxUnsealed = Math.max(maxUnsealed, lag.events - lag.sealed);
          }
        }
      }
    }

    if (ONLY) return;
    const header = ['clients', 'baseline req/s', 'audited req/s', 'ratio', 'round ratios', 'baseline p50/p99 ms', 'audited p50/p99 ms', 'failed'];
    const lines = CLIENTS.map((connections) => {
      const base = results.get(`baseline/${connections}`)!;
      const audited = results.get(`audited/${connections}`)!;
      const baseRate = base.requests / base.seconds;
      const auditedRate = audited.requests / audited.seconds;
      return [
        String(connections),
        format(baseRate),
        format(auditedRate),
        format(auditedRate / baseRate, 2),
        spread(audited.rates.map((rate, round) => rate / base.rates[round])),
        `${format(median(base.p50s), 1)} / ${format(median(base.p99s), 1)}`,
        `${format(median(audited.p50s), 1)} / ${format(median(audited.p99s), 1)}`,
        String(base.failures + audited.failures),
      ];
    });
    const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
    const row = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column])).join('  ');
    console.log(row(header));
    console.log(widths.map((width) => '-'.repeat(width)).join('  '));
    for (const line of lines) console.log(row(line));
    console.log('(req/s and ratio over all rounds; round ratios: lowest-highest and median of each round\'s pair, back to back; latencies are the median of the rounds\' percentiles)');

    const top = Math.max(...CLIENTS);
    const topBase = results.get(`baseline/${top}`)!;
    const topAudited = results.get(`audited/${top}`)!;
    const ratio = topAudited.requests / topAudited.seconds / (topBase.requests / topBase.seconds);
    console.log(`\ntarget: audited/baseline >= ${TARGET_RATIO} at ${top} clients: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'} (${format(ratio, 2)})`);

    // The audit sealer, when the app has one, chains events behind the writers: how far behind, how fast it catches up.
    const stoppedAt = performance.now();
    const elapsed = () => performance.now() - stoppedAt;
    let lag = await unsealed(client);
    for (;;) {
      if (lag.sealed > 0) sealerSeen = true;
      if (lag.events === lag.sealed || elapsed() > 30_000 || (!sealerSeen && elapsed() > 3_000)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
      lag = await unsealed(client);
    }
    if (!sealerSeen) {
      console.log('sealer: none ran (activity_log_chain stayed empty)');
    } else {
      const caughtUp = lag.events === lag.sealed;
      console.log(
        `sealer: at most ${format(maxUnsealed)} events unsealed right after an audited run; ` +
          (caughtUp ? `all ${format(lag.events)} sealed ${format(elapsed())} ms after the load stopped` : `${format(lag.events - lag.sealed)} still unsealed 30 s after the load stopped`),
      );
    }

    // Every audited request left a class row with its ClassCreated event and the count on its teacher's
    // dashboard; every baseline request a class row alone. Requests still in flight when a run
    // stops are committed but not counted by the load generator, hence "at least".
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM classes)::int AS classes,
              (SELECT count(*) FROM activity_logs WHERE event_type = 'ClassCreated')::int AS events,
              (SELECT count(*) FROM activity_logs a JOIN classes c ON c.id = a.stream_id WHERE a.event_type = 'ClassCreated')::int AS "eventsWithClass",
              (SELECT coalesce(sum(total_classes), 0) FROM teacher_dashboard)::int AS projected`,
    );
    const { classes, events, eventsWithClass, projected } = rows[0];
    const consistent = eventsWithClass === events && projected === events && events >= succeeded.audited && classes - events >= succeeded.baseline;
    console.log(
      `consistency: ${format(events)} ClassCreated events (at least the ${format(succeeded.audited)} audited requests answered), each with its class row, ` +
        `${format(projected)} on dashboards; ${format(classes - events)} classes without events (at least the ${format(succeeded.baseline)} baseline requests answered): ${consistent ? 'ok' : 'MISMATCH'}`,
    );
    if (!consistent) process.exitCode = 1;
  } finally {
    if (server) await stopServer(server);
    await client.end().catch(() => undefined);
    await database.dispose();
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
