import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../libs/database/data-source-options.js';
import { migrate } from '../../libs/database/migrate.js';
import { migrations } from '../../migrations/index.js';
import { entities } from '../../src/entities.js';
import { assertTestDatabase } from '../setup/test-database.js';

const KEY_TABLES = ['activity_log_chain', 'activity_logs', 'api_tokens', 'classes', 'oauth_states', 'schools', 'sessions', 'students', 'dashboard_classes', 'users'];

/** Every schema object migrations create in public, apart from TypeORM's own bookkeeping tables. */
const SCHEMA_OBJECTS = `
  SELECT 'table ' || tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'typeorm_metadata')
  UNION ALL SELECT 'view ' || viewname FROM pg_views WHERE schemaname = 'public'
  UNION ALL SELECT 'sequence ' || sequencename FROM pg_sequences WHERE schemaname = 'public' AND sequencename <> 'migrations_id_seq'
  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
  UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype IN ('e', 'd', 'c') AND typrelid = 0
  ORDER BY 1`;

/** A brand-new empty database on the test server, dropped afterwards. */
async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.HANDMARK_TEST_ADMIN_DATABASE_URL;
  if (!adminUrl) throw new Error('HANDMARK_TEST_ADMIN_DATABASE_URL is not set: run the tests through jest (global setup provides it)');
  const name = `handmark_migrations_test_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  assertTestDatabase(url.toString());
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

describe('migrations on a fresh database: up, all the way down, and up again', () => {
  let database: { url: string; drop(): Promise<void> };
  let dataSource: DataSource;
  const query = <T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> => dataSource.query(sql, params);
  const tableNames = async () => (await query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((row) => row.tablename);

  beforeAll(async () => {
    database = await createScratchDatabase();
    dataSource = new DataSource(dataSourceOptions(database.url, entities, migrations, 2));
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('applies every migration in order on an empty database', async () => {
    expect(await migrate(database.url, migrations)).toEqual(migrations.map((migration) => new migration().name ?? migration.name));
    expect(await tableNames()).toEqual(expect.arrayContaining([...KEY_TABLES, 'migrations']));
    expect(await migrate(database.url, migrations)).toEqual([]);
  });

  it('creates the CHECK constraints and rejects a row that breaks them', async () => {
    const checks = await query<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace`);
    expect(checks.map((row) => row.conname)).toEqual(expect.arrayContaining(['users_role_check', 'users_subscription_tier_check', 'users_email_check', 'activity_logs_stream_version_check']));

    await expect(query(`INSERT INTO users (email, role) VALUES ('root@district.test', 'superuser')`)).rejects.toMatchObject({
      driverError: { code: '23514', constraint: 'users_role_check' },
    });
    await expect(query(`INSERT INTO users (email) VALUES ('Mixed.Case@District.test')`)).rejects.toMatchObject({
      driverError: { code: '23514', constraint: 'users_email_check' },
    });
    await expect(query(`INSERT INTO schools (name) VALUES ('   ')`)).rejects.toMatchObject({ driverError: { code: '23514' } });
    const [user] = await query<{ role: string }>(`INSERT INTO users (email) VALUES ('teacher@district.test') RETURNING role`);
    expect(user.role).toBe('teacher');
  });

  it('makes activity_logs append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const triggers = await query<{ tgname: string }>(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'activity_logs'::regclass AND NOT tgisinternal ORDER BY 1`);
    expect(triggers.map((row) => row.tgname)).toEqual(expect.arrayContaining(['activity_logs_append_only', 'activity_logs_no_truncate']));

    await query(
      `INSERT INTO activity_logs (action, stream_type, stream_id, stream_version, event_type) VALUES ('user.login', 'user', gen_random_uuid(), 1, 'UserSignedIn')`,
    );
    const refused = { driverError: { code: '42501', message: expect.stringContaining('activity_logs is append-only') } };
    await expect(query(`UPDATE activity_logs SET action = 'user.logout'`)).rejects.toMatchObject(refused);
    await expect(query(`DELETE FROM activity_logs`)).rejects.toMatchObject(refused);
    await expect(query(`TRUNCATE activity_logs`)).rejects.toMatchObject(refused);
    expect(await query(`SELECT action FROM activity_logs`)).toEqual([{ action: 'user.login' }]);
    await expect(query(`INSERT INTO activity_logs (action, stream_type, stream_id, stream_version, event_type) VALUES ('Not An Action', 'user', gen_random_uuid(), 1, 'X')`)).rejects.toMatchObject({
      driverError: { code: '23514' },
    });
  });

  it('leaves half of every read-model page free, so rewriting a row does not touch its index', async () => {
    const options = await query<{ relname: string; relkind: string; reloptions: string[] | null }>(
      `SELECT relname, relkind::text, reloptions FROM pg_class WHERE relname IN ('dashboard_classes', 'teacher_dashboard', 'assignment_stats', 'activity_logs') ORDER BY relname`,
    );
    expect(options).toEqual([
      { relname: 'activity_logs', relkind: 'r', reloptions: null },
      { relname: 'assignment_stats', relkind: 'r', reloptions: ['fillfactor=50'] },
      { relname: 'dashboard_classes', relkind: 'r', reloptions: ['fillfactor=50'] },
      // The teacher totals are a view over the per-class rows.
      { relname: 'teacher_dashboard', relkind: 'v', reloptions: null },
    ]);
  });

  it('turns each teacher\'s map of class tallies into one dashboard row per class, and back', async () => {
    const [teacher, previous, active, archived, movedAway] = Array.from({ length: 5 }, () => randomUUID());
    const tally = (owned: number, students: number, archivedFlag = false) => ({ owned, students, assignments: 2, submissions: 3, pending: 1, archived: archivedFlag });
    await dataSource.undoLastMigration({ transaction: 'each' });
    await query(`INSERT INTO teacher_dashboard (user_id, total_classes, total_students, classes) VALUES ($1, 1, 4, $2), ($3, 1, 4, $4)`, [
      teacher,
      { [active]: tally(1, 4), [archived]: tally(1, 9, true), [movedAway]: tally(1, 5) },
      previous,
      // The previous owner's tally of a class that moved to the teacher: it stays with its new owner.
      { [movedAway]: tally(0, 0) },
    ]);

    expect(await migrate(database.url, migrations)).toEqual(['DashboardClasses1764130000000']);
    expect(await query(`SELECT class_id, owner_id, students, archived FROM dashboard_classes ORDER BY students`)).toEqual([
      { class_id: active, owner_id: teacher, students: 4, archived: false },
      { class_id: movedAway, owner_id: teacher, students: 5, archived: false },
      { class_id: archived, owner_id: teacher, students: 9, archived: true },
    ]);
    expect(await query(`SELECT * FROM teacher_dashboard`)).toEqual([
      { user_id: teacher, total_classes: 2, total_students: 9, total_assignments: 4, total_submissions: 6, pending_submissions: 2 },
    ]);

    await dataSource.undoLastMigration({ transaction: 'each' });
    const [restored] = await query<{ total_students: number; classes: Record<string, unknown> }>(`SELECT total_students, classes FROM teacher_dashboard WHERE user_id = $1`, [teacher]);
    expect(restored).toEqual({ total_students: 9, classes: { [active]: tally(1, 4), [archived]: tally(1, 9, true), [movedAway]: tally(1, 5) } });
    await query(`DELETE FROM teacher_dashboard`);
    expect(await migrate(database.url, migrations)).toEqual(['DashboardClasses1764130000000']);
  });

  it('reverts every migration, leaving no table, function or type behind', async () => {
    for (let pending = migrations.length; pending > 0; pending--) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await query(`SELECT name FROM migrations`)).toEqual([]);
    expect((await query<{ name: string }>(SCHEMA_OBJECTS)).map((row) => row.name)).toEqual([]);
  });

  it('applies them all again after the full revert', async () => {
    expect(await migrate(database.url, migrations)).toHaveLength(migrations.length);
    expect(await tableNames()).toEqual(expect.arrayContaining([...KEY_TABLES, 'migrations']));
    expect(await dataSource.showMigrations()).toBe(false);
    await expect(query(`INSERT INTO users (email, role) VALUES ('root@district.test', 'owner')`)).rejects.toMatchObject({ driverError: { code: '23514' } });
  });
});
