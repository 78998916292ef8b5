import type { AppConfig } from '../config/config.js';
import { type RunningPostgres, startEmbeddedPostgres } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  embedded?: RunningPostgres;
}

/** DATABASE_URL when configured, otherwise the embedded PostgreSQL under DATA_DIR. */
export async function resolveDatabase(config: AppConfig, log?: (line: string) => void): Promise<ResolvedDatabase> {
  if (config.database.url) return { url: config.database.url };
  const embedded = await startEmbeddedPostgres({
    dataDir: config.database.embedded.dataDir,
    port: config.database.embedded.port,
    log,
  });
  const url = new URL(embedded.url);
  url.pathname = '/handmark';
  await ensureDatabase(embedded.url, 'handmark');
  return { url: url.toString(), embedded };
}

/** Creates a database if it does not exist yet (the embedded cluster starts with only "postgres"). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
