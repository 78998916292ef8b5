import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config/config.js';
import { type RunningPostgres, startEmbeddedPostgres } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  /** Set when this process started the embedded server (and must stop it). */
  embedded?: RunningPostgres;
  /** The embedded server of a HandMark process already running on DATA_DIR, which this process only connects to. */
  shared?: boolean;
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

/**
 * For command-line tools (migrations, audit:verify, projections:rebuild): like resolveDatabase, but
 * when a HandMark server is running on the same DATA_DIR, connect to its embedded PostgreSQL instead
 * of starting the cluster a second time (which is refused while it is in use).
 */
export async function resolveDatabaseForTool(config: AppConfig): Promise<ResolvedDatabase> {
  return (await runningEmbeddedDatabase(config)) ?? (await resolveDatabase(config));
}

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
    return { url, shared: true };
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
