import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../libs/config/config.js';
import { createApp, type CreateAppOptions } from '../../src/bootstrap.js';

export interface TestApp {
  app: NestExpressApplication;
  /** The HTTP server for supertest. */
  http: ReturnType<NestExpressApplication['getHttpServer']>;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Tests refuse to touch a database whose name does not say it is for tests. */
export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.slice(1);
  if (!name.includes('test')) throw new Error(`Refusing to run tests against database "${name}": its name must contain "test"`);
}

export function testDatabaseUrl(): string {
  const url = process.env.HANDMARK_TEST_DATABASE_URL;
  if (!url) throw new Error('HANDMARK_TEST_DATABASE_URL is not set: run the tests through jest (global setup creates the database)');
  assertTestDatabase(url);
  return url;
}

/** The real application on the run's test database, with the given environment on top of the defaults. */
export async function createTestApp(env: Record<string, string> = {}, options: CreateAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', AUTH_DEV_LOGIN: 'true', DB_POOL_MAX: '10', ...env });
  const app = await createApp(config, testDatabaseUrl(), { logger: ['error', 'fatal'], ...options });
  return {
    app,
    http: app.getHttpServer(),
    dataSource: app.get(DataSource),
    close: () => app.close(),
  };
}
