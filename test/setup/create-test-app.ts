import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../libs/config/config.js';
import { createApp, type CreateAppOptions } from '../../src/bootstrap.js';
import { assertTestDatabase, testDatabaseUrl } from './test-database.js';

export interface TestApp {
  app: NestExpressApplication;
  /** The HTTP server for supertest. */
  http: ReturnType<NestExpressApplication['getHttpServer']>;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * The real application on the run's test database, with the given environment on top of the
 * defaults. Sealing runs on the main thread: jest runs TypeScript sources in-process, and a worker
 * thread has no loader for them (test/e2e/audit-sealing-thread.e2e-spec.ts covers the thread).
 */
export async function createTestApp(env: Record<string, string> = {}, options: CreateAppOptions & { databaseUrl?: string } = {}): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', AUTH_DEV_LOGIN: 'true', DB_POOL_MAX: '10', AUDIT_SEAL_THREAD: 'false', ...env });
  const { databaseUrl = testDatabaseUrl(), ...appOptions } = options;
  assertTestDatabase(databaseUrl);
  const app = await createApp(config, databaseUrl, { logger: ['error', 'fatal'], ...appOptions });
  return {
    app,
    http: app.getHttpServer(),
    dataSource: app.get(DataSource),
    close: () => app.close(),
  };
}

/**
 * A database of its own, beside the run's shared one, for tests that must break what others rely on
 * (tampering with the audit log). Drop it when done.
 */
export async function createScratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.HANDMARK_TEST_ADMIN_DATABASE_URL;
  if (!adminUrl) throw new Error('HANDMARK_TEST_ADMIN_DATABASE_URL is not set: run the tests through jest (global setup sets it)');
  if (!/^[a-z0-9_]{1,20}$/.test(prefix)) throw new Error(`createScratchDatabase: "${prefix}" is not a usable name prefix`);
  const name = `handmark_test_${prefix}_${randomBytes(4).toString('hex')}`;
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
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
