import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { AuditSealer } from '../../libs/event-store/sealer.js';
import { verifyAuditLog } from '../../libs/event-store/verify.js';
import { loggedEvents } from '../factories/events.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import { createScratchDatabase, createTestApp, type TestApp } from '../setup/create-test-app.js';

/**
 * These tests tamper with the log, so they run on a database of their own: the run's shared test
 * database stays verifiable for every other test file.
 */
describe('activity log integrity: append-only, sealed behind the writers, tamper-evident', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let t: TestApp;
  let admin: SignedInUser;
  /** A superuser connection, as an attacker with database rights would have. */
  let superuser: pg.Client;

  beforeAll(async () => {
    scratch = await createScratchDatabase('audit');
    t = await createTestApp({ AUDIT_SEAL_INTERVAL_MS: '50' }, { databaseUrl: scratch.url });
    admin = await signIn(t, { role: 'admin' });
    superuser = new pg.Client({ connectionString: scratch.url });
    await superuser.connect();
  });
  afterAll(async () => {
    await superuser?.end();
    await t?.close();
    await scratch?.drop();
  });

  async function verify() {
    const response = await admin.get('/api/audit/verify').expect(200);
    return response.body as { ok: boolean; checkedEvents: number; sealedThroughPosition: string | null; firstBadPosition: string | null; problem: string | null; reason: string | null; unsealedEvents: number };
  }

  /** Runs SQL with the append-only triggers off, as `session_replication_role = replica` allows a superuser. */
  async function asTamperer<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
    await superuser.query('SET session_replication_role = replica');
    try {
      return await superuser.query<T>(sql, params);
    } finally {
      await superuser.query('SET session_replication_role = origin');
    }
  }

  /** A fresh teacher's user.login position, with later events after it so it sits inside the chain. */
  async function sealedLoginOfNewTeacher(): Promise<string> {
    const teacher = await signIn(t);
    await signIn(t);
    const [login] = await loggedEvents(t.dataSource, { userId: teacher.id, action: 'user.login' });
    const result = await verify();
    expect(result).toMatchObject({ ok: true, unsealedEvents: 0 });
    return login.position;
  }

  it('refuses UPDATE, DELETE and TRUNCATE of the log and its chain from the application connection', async () => {
    await verify();
    const [{ position, metadata }] = await t.dataSource.query(`SELECT a.position::text AS position, a.metadata::text AS metadata FROM activity_logs a ORDER BY a.position LIMIT 1`);
    const [{ events, links }] = await t.dataSource.query(`SELECT (SELECT count(*) FROM activity_logs)::int AS events, (SELECT count(*) FROM activity_log_chain)::int AS links`);
    expect(links).toBeGreaterThan(0);
    const statements = [
      [`UPDATE activity_logs SET metadata = '{"forged": true}' WHERE position = $1`, [position]],
      [`DELETE FROM activity_logs WHERE position = $1`, [position]],
      ['TRUNCATE activity_logs CASCADE', []],
      [`UPDATE activity_log_chain SET hash = sha256('forged') WHERE position = $1`, [position]],
      [`DELETE FROM activity_log_chain WHERE position = $1`, [position]],
      ['TRUNCATE activity_log_chain', []],
    ] as const;
    for (const [sql, params] of statements) {
      await expect(t.dataSource.query(sql, [...params])).rejects.toMatchObject({ driverError: { code: '42501', message: expect.stringMatching(/is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed/) } });
    }
    const [after] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM activity_logs)::int AS events, (SELECT count(*) FROM activity_log_chain)::int AS links,
              (SELECT metadata::text FROM activity_logs WHERE position = $1) AS metadata`,
      [position],
    );
    expect(after).toEqual({ events, links, metadata });
  });

  it('chains every event exactly once, in transaction order, after 40 concurrent sign-ins and sign-outs', async () => {
    const teachers = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const teacher = await signIn(t);
        await teacher.post('/api/auth/logout').expect(204);
        return teacher;
      }),
    );

    const result = await verify();
    const [counts] = await t.dataSource.query(`SELECT (SELECT count(*) FROM activity_logs)::int AS events, (SELECT count(*) FROM activity_log_chain)::int AS links`);
    expect(result).toMatchObject({ ok: true, firstBadPosition: null, problem: null, reason: null, unsealedEvents: 0, checkedEvents: counts.events });
    expect(counts.links).toBe(counts.events);

    const [chain] = await t.dataSource.query(
      `SELECT count(*)::int AS links,
              count(*) FILTER (WHERE a.position IS NULL)::int AS dangling,
              count(*) FILTER (WHERE a.transaction_id <> c.transaction_id)::int AS wrong_transaction,
              count(*) FILTER (WHERE c.seq <> ordered.rank)::int AS out_of_order,
              max(c.seq)::int AS last_seq
         FROM activity_log_chain c
         LEFT JOIN activity_logs a ON a.position = c.position
         LEFT JOIN (SELECT position, row_number() OVER (ORDER BY transaction_id, position) AS rank FROM activity_logs) ordered ON ordered.position = c.position`,
    );
    expect(chain).toEqual({ links: counts.events, dangling: 0, wrong_transaction: 0, out_of_order: 0, last_seq: counts.events });
    const [{ unchained }] = await t.dataSource.query(`SELECT count(*)::int AS unchained FROM activity_logs a WHERE NOT EXISTS (SELECT 1 FROM activity_log_chain c WHERE c.position = a.position)`);
    expect(unchained).toBe(0);

    const actions = await t.dataSource.query(`SELECT user_id, array_agg(action ORDER BY position) AS actions FROM activity_logs WHERE user_id = ANY($1::uuid[]) GROUP BY user_id`, [teachers.map((teacher) => teacher.id)]);
    expect(actions).toHaveLength(40);
    for (const row of actions) expect(row.actions).toEqual(['user.create', 'user.login', 'user.logout']);
    expect(result.sealedThroughPosition).toBe((await t.dataSource.query(`SELECT position::text AS position FROM activity_log_chain ORDER BY seq DESC LIMIT 1`))[0].position);
  });

  it('does not seal past a transaction still in flight, and chains it first once it commits', async () => {
    const sealer = new AuditSealer(t.dataSource);
    const writer = new pg.Client({ connectionString: scratch.url });
    await writer.connect();
    try {
      // An early transaction takes a position, then stays open while a later one commits.
      await writer.query('BEGIN');
      const streamId = randomUUID();
      const [early] = (
        await writer.query(
          `INSERT INTO activity_logs (action, resource_type, resource_id, stream_type, stream_id, stream_version, event_type)
           VALUES ('probe.in_flight', 'probe', $1, 'probe', $1, 1, 'InFlightProbe') RETURNING position::text AS position, transaction_id::text AS transaction_id`,
          [streamId],
        )
      ).rows;
      const late = await signIn(t);
      const lateEvents = await loggedEvents(t.dataSource, { userId: late.id });
      expect(BigInt(lateEvents[0].position)).toBeGreaterThan(BigInt(early.position));

      await sealer.sealPending({ wait: true });
      const sealedLate = await t.dataSource.query(`SELECT count(*)::int AS n FROM activity_log_chain WHERE position = ANY($1::bigint[])`, [lateEvents.map((e) => e.position)]);
      expect(sealedLate[0].n).toBe(0);
      const listed = await admin.get(`/api/activity-logs?userId=${late.id}`).expect(200);
      expect(listed.body.items.map((item: { sealed: boolean }) => item.sealed)).toEqual([false, false]);

      await writer.query('COMMIT');
      expect(await verify()).toMatchObject({ ok: true, unsealedEvents: 0 });
      const links: Array<{ position: string; seq: string }> = await t.dataSource.query(
        `SELECT position::text AS position, seq::text AS seq FROM activity_log_chain WHERE position = ANY($1::bigint[]) ORDER BY seq`,
        [[early.position, ...lateEvents.map((e) => e.position)]],
      );
      expect(links.map((link) => link.position)).toEqual([early.position, ...lateEvents.map((e) => e.position)]);
      expect(BigInt(links[1].seq)).toBe(BigInt(links[0].seq) + 1n);
    } finally {
      await writer.query('ROLLBACK').catch(() => undefined);
      await writer.end();
    }
  });

  it('names the position of an event whose metadata was edited with the triggers disabled', async () => {
    const target = await sealedLoginOfNewTeacher();
    const { rows } = await superuser.query(`SELECT metadata::text AS metadata FROM activity_logs WHERE position = $1`, [target]);
    await asTamperer(`UPDATE activity_logs SET metadata = metadata || '{"method": "google"}' WHERE position = $1`, [target]);

    const broken = await verify();
    expect(broken).toMatchObject({ ok: false, firstBadPosition: target, problem: 'event_changed' });
    expect(broken.reason).toContain(`position ${target} was changed`);

    await asTamperer(`UPDATE activity_logs SET metadata = $2::jsonb WHERE position = $1`, [target, rows[0].metadata]);
    expect(await verify()).toMatchObject({ ok: true, firstBadPosition: null });
  });

  it('names the position of a deleted event', async () => {
    const target = await sealedLoginOfNewTeacher();
    await superuser.query(`CREATE TEMP TABLE deleted_event AS SELECT * FROM activity_logs WHERE position = $1`, [target]);
    const deleted = await asTamperer(`DELETE FROM activity_logs WHERE position = $1`, [target]);
    expect(deleted.rowCount).toBe(1);

    const broken = await verify();
    expect(broken).toMatchObject({ ok: false, firstBadPosition: target, problem: 'event_missing' });
    expect(broken.reason).toContain(`position ${target} was deleted`);

    await asTamperer(`INSERT INTO activity_logs SELECT * FROM deleted_event`);
    await superuser.query('DROP TABLE deleted_event');
    expect(await verify()).toMatchObject({ ok: true, firstBadPosition: null });
  });

  it('names the position of a forged event backdated below the sealed horizon', async () => {
    const earlier = await sealedLoginOfNewTeacher();
    const streamId = randomUUID();
    const { rows } = await asTamperer<{ position: string }>(
      `INSERT INTO activity_logs (transaction_id, user_id, action, resource_type, resource_id, metadata, stream_type, stream_id, stream_version, event_type, created_at)
       SELECT transaction_id, user_id, 'grade.approve', 'grade', $2, '{"score": 100}', 'grade', $2, 1, 'GradeApproved', created_at
         FROM activity_logs WHERE position = $1
       RETURNING position::text AS position`,
      [earlier, streamId],
    );
    const forged = rows[0].position;

    const broken = await verify();
    expect(broken).toMatchObject({ ok: false, firstBadPosition: forged, problem: 'event_unchained' });
    expect(broken.reason).toContain(`position ${forged} is not in the chain`);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM activity_log_chain WHERE position = $1`, [forged]);
    expect(n).toBe(0);

    await asTamperer(`DELETE FROM activity_logs WHERE position = $1`, [forged]);
    expect(await verify()).toMatchObject({ ok: true, firstBadPosition: null });
  });

  it('names the event whose chain row was deleted, also when the walk reads the chain in small batches', async () => {
    const target = await sealedLoginOfNewTeacher();
    const [{ events }] = await t.dataSource.query(`SELECT count(*)::int AS events FROM activity_logs`);
    expect(await verifyAuditLog(t.dataSource, { batchSize: 7 })).toMatchObject({ ok: true, checkedEvents: events });

    await superuser.query(`CREATE TEMP TABLE deleted_link AS SELECT * FROM activity_log_chain WHERE position = $1`, [target]);
    await asTamperer(`DELETE FROM activity_log_chain WHERE position = $1`, [target]);
    const broken = await verifyAuditLog(t.dataSource, { batchSize: 7 });
    expect(broken).toMatchObject({ ok: false, firstBadPosition: target, problem: 'event_unchained' });

    await asTamperer(`INSERT INTO activity_log_chain SELECT * FROM deleted_link`);
    await superuser.query('DROP TABLE deleted_link');
    expect(await verifyAuditLog(t.dataSource, { batchSize: 7 })).toMatchObject({ ok: true, firstBadPosition: null });
  });

  it('tells an edited chain row from an edited event', async () => {
    const target = await sealedLoginOfNewTeacher();
    const { rows } = await superuser.query<{ hash: Buffer }>(`SELECT hash FROM activity_log_chain WHERE position = $1`, [target]);
    await asTamperer(`UPDATE activity_log_chain SET hash = $2 WHERE position = $1`, [target, createHash('sha256').update('forged').digest()]);

    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: target, problem: 'chain_altered' });

    await asTamperer(`UPDATE activity_log_chain SET hash = $2 WHERE position = $1`, [target, rows[0].hash]);
    expect(await verify()).toMatchObject({ ok: true, firstBadPosition: null });
  });
});
