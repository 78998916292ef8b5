import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError, loadConfig } from '../libs/config/config.js';
import { resolveDatabase } from '../libs/database/database-url.js';
import { createApp } from './bootstrap.js';

async function main(): Promise<void> {
  const logger = new Logger('HandMark');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const database = await resolveDatabase(config);
  logger.log(database.embedded ? `Using the embedded PostgreSQL in ${config.database.embedded.dataDir}` : 'Using the PostgreSQL at DATABASE_URL');
  const app = await createApp(config, database.url);
  await app.listen(config.port, config.host);
  logger.log(`HandMark is listening on ${config.publicUrl} (API docs at ${config.publicUrl}/api/docs)`);
  if (config.auth.devLogin) logger.warn('Development sign-in is enabled (POST /api/auth/dev-login): do not expose this server');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
