import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { AuditSealingSchedule } from '../../src/modules/audit/audit-sealing.schedule.js';
import { freePort, listening, type ServerProcess, sleep, startServer, stopServer } from '../factories/server-process.js';
import { signIn } from '../factories/users.js';
import { createScratchDatabase, createTestApp, type TestApp } from '../setup/create-test-app.js';

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

/** Events of the database and how many of them the chain does not cover yet. */
async function sealing(query: Query): Promise<{ events: number; unsealed: number }> {
  const [row] = await query(
    `SELECT count(*)::int AS events,
            count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM activity_log_chain c WHERE c.position = a.position))::int AS unsealed
       FROM activity_logs a`,
  );
  return row as { events: number; unsealed: number };
}

async function untilSealed(query: Query, minimumEvents: number, describeFailure: () => string = () => ''): Promise<{ events: number; unsealed: number }> {
  for (const started = Date.now(); ; await sleep(50)) {
    const now = await sealing(query);
    if (now.events >= minimumEvents && now.unsealed === 0) return now;
    if (Date.now() - started > 15_000) throw new Error(`the chain never caught up (${JSON.stringify(now)})\n${describeFailure()}`);
  }
}

/** Connections to the database by application name, this one left out. */
async function connectionsByName(client: pg.Client): Promise<Record<string, number>> {
  const { rows } = await client.query<{ name: string; n: number }>(
    `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.n]));
}

/**
 * The sealer hashes every event; it does so on a worker thread with its own connection, so the
 * thread serving HTTP does not. Each test has a database of its own, so the only connections and
 * events there are the server's.
 */
describe('sealing the activity log on a worker thread', () => {
  describe('in the server process (src/main.ts)', () => {
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
    let dataDir: string;
    let observer: pg.Client;
    const observe: Query = async (sql) => (await observer.query(sql)).rows;
    let server: ServerProcess | undefined;

    beforeAll(async () => {
      scratch = await createScratchDatabase('sealthread');
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'handmark-seal-thread-'));
      observer = new pg.Client({ connectionString: scratch.url });
      await observer.connect();
    });
    afterAll(async () => {
      if (server) await stopServer(server);
      await observer?.end();
      await scratch?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('chains every event from a connection of its own, verifiably', async () => {
      const port = await freePort();
      server = startServer({
        NODE_ENV: 'test',
        AUTH_DEV_LOGIN: 'true',
        ADMIN_EMAILS: 'auditor@district.test',
        DATABASE_URL: scratch.url,
        DB_POOL_MAX: '4',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        AUDIT_SEAL_INTERVAL_MS: '50',
      });
      await listening(server);
      const http = `http://127.0.0.1:${port}`;
      const teacher = await signIn({ http } as unknown as TestApp);
      await teacher.post('/api/classes').send({ name: 'Period 1 Biology' }).expect(201);
      await signIn({ http } as unknown as TestApp);

      // user.create, user.login, class.create, user.create, user.login: chained with no verification asked for.
      expect(await untilSealed(observe, 5, server.output)).toEqual({ events: 5, unsealed: 0 });
      expect(await connectionsByName(observer)).toMatchObject({ 'handmark-audit-sealer': 1 });
      expect(server.output()).not.toContain('on the main thread');

      const auditor = await signIn({ http } as unknown as TestApp, { email: 'auditor@district.test', role: 'admin' });
      const verified = await auditor.get('/api/audit/verify').expect(200);
      expect(verified.body).toMatchObject({ ok: true, checkedEvents: 7, firstBadPosition: null, unsealedEvents: 0 });

      expect(await stopServer(server, 'SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
      expect(server.output()).not.toMatch(/ERROR/);
    }, 60_000);
  });

  describe('when the thread cannot start', () => {
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
    let t: TestApp;

    beforeAll(async () => {
      scratch = await createScratchDatabase('sealfallback');
      // jest runs these TypeScript sources in-process; a worker thread has no loader for them.
      t = await createTestApp({ AUDIT_SEAL_THREAD: 'true', AUDIT_SEAL_INTERVAL_MS: '50' }, { databaseUrl: scratch.url });
    });
    afterAll(async () => {
      await t?.close();
      await scratch?.drop();
    });

    it('seals on the main thread instead', async () => {
      const schedule = t.app.get(AuditSealingSchedule);
      for (const started = Date.now(); schedule.runsOn === 'starting' && Date.now() - started < 10_000; ) await sleep(20);
      expect(schedule.runsOn).toBe('main');
      await signIn(t);
      expect(await untilSealed((sql) => t.dataSource.query(sql), 2)).toEqual({ events: 2, unsealed: 0 });
    });
  });
});
