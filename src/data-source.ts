import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { type AppConfig, loadConfig } from '../libs/config/config.js';
import { dataSourceOptions } from '../libs/database/data-source-options.js';
import { type ResolvedDatabase, resolveDatabase } from '../libs/database/database-url.js';
import { migrations } from '../migrations/index.js';
import { entities } from './entities.js';

/**
 * The DataSource the TypeORM CLI loads for `npm run migration:run|revert|generate`: the app's own
 * options, entities and migrations, on DATABASE_URL or else the embedded PostgreSQL under DATA_DIR.
 * The app itself does not import this file (it migrates on start through libs/database/migrate.ts).
 */
/**
 * The embedded PostgreSQL of a HandMark server running right now on the same DATA_DIR: the CLI
 * connects to it rather than starting the cluster a second time (which is refused).
 */
async function runningEmbeddedDatabase(config: AppConfig): Promise<ResolvedDatabase | undefined> {
  const dataDir = path.resolve(config.database.embedded.dataDir);
  const passwordFile = path.join(dataDir, 'postgres-password');
  if (config.database.url || !existsSync(path.join(dataDir, 'cluster', 'postmaster.pid')) || !existsSync(passwordFile)) return undefined;
  const password = (await readFile(passwordFile, 'utf8')).trim();
  const url = `postgres://handmark:${encodeURIComponent(password)}@127.0.0.1:${config.database.embedded.port}/handmark`;
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return { url };
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const config = loadConfig();
const database: ResolvedDatabase = (await runningEmbeddedDatabase(config)) ?? (await resolveDatabase(config));

/** Stops the embedded server this process started once the CLI is done, or the CLI would never exit. */
class CliDataSource extends DataSource {
  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      await database.embedded?.stop();
    }
  }
}

export default new CliDataSource(dataSourceOptions(database.url, entities, migrations, 2));
