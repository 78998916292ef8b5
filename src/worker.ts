/**
 * `npm run worker`: a HandMark process without HTTP that works the background jobs (AI grading,
 * Message Batches, page rendering) on the same database and storage as the server. Run as many as
 * you like: pg-boss hands each job to one of them, and a job whose process dies is retried by
 * another. Set AI_WORKER_IN_PROCESS=false on the server to leave AI grading to the workers.
 *
 * With the embedded PostgreSQL (no DATABASE_URL) the worker connects to the running server's cluster
 * under DATA_DIR (or starts it, when no server runs).
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, ConfigValidationError, loadConfig } from '../libs/config/config.js';
import { resolveDatabaseForTool } from '../libs/database/database-url.js';
import { migrate } from '../libs/database/migrate.js';
import { migrations } from '../migrations/index.js';
import { AppModule } from './app.module.js';

async function main(): Promise<void> {
  const logger = new Logger('HandMark');
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const { url } = await resolveDatabaseForTool(config);
  await migrate(url, migrations);
  const workerConfig: AppConfig = { ...config, ai: { ...config.ai, workerInProcess: true } };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(workerConfig, url), { logger: ['log', 'error', 'warn', 'fatal'] });
  app.enableShutdownHooks();
  await app.init();
  logger.log(
    config.ai.enabled
      ? `HandMark worker is running (AI grading with ${config.ai.model}, up to ${config.ai.maxConcurrency} requests at once)`
      : `HandMark worker is running; ${config.ai.disabledReason ?? 'AI grading is disabled'}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
