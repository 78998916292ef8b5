import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { type AppConfig, ConfigValidationError, loadConfig } from '../../libs/config/config.js';
import { dataSourceOptions } from '../../libs/database/data-source-options.js';
import { type ResolvedDatabase, resolveDatabase } from '../../libs/database/database-url.js';
import { migrate } from '../../libs/database/migrate.js';
import { type AuditVerification, verifyAuditLog } from '../../libs/event-store/verify.js';
import { migrations } from '../../migrations/index.js';

const USAGE = `Usage: npm run audit:verify [-- --json]
Seals pending events, then recomputes the activity log's hash chain from the first event.
Exit status: 0 intact, 1 tampered (the first bad position is named), 2 could not verify, 78 bad configuration.`;

const EXIT_TAMPERED = 1;
const EXIT_FAILED = 2;
const EXIT_CONFIG = 78;

/**
 * The embedded PostgreSQL of a HandMark server that is running right now: starting it again would
 * shut the server's database down under it, so the check connects to it instead.
 */
async function runningEmbeddedDatabase(config: AppConfig): Promise<string | undefined> {
  const dataDir = path.resolve(config.database.embedded.dataDir);
  const passwordFile = path.join(dataDir, 'postgres-password');
  if (config.database.url || !existsSync(path.join(dataDir, 'cluster', 'postmaster.pid')) || !existsSync(passwordFile)) return undefined;
  const password = (await readFile(passwordFile, 'utf8')).trim();
  const url = `postgres://handmark:${encodeURIComponent(password)}@127.0.0.1:${config.database.embedded.port}/handmark`;
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function summary(result: AuditVerification, elapsedMs: number): string {
  const lines: string[] = [];
  if (result.ok) {
    lines.push('Activity log integrity: OK');
    lines.push(`  ${result.checkedEvents} event(s) recomputed and matched${result.sealedThroughPosition ? `; the chain ends at position ${result.sealedThroughPosition}` : ''}.`);
  } else {
    lines.push(`Activity log integrity: BROKEN at position ${result.firstBadPosition} (${result.problem})`);
    lines.push(`  ${result.reason}`);
    lines.push(`  ${result.checkedEvents} event(s) before it matched the chain.`);
  }
  if (result.unsealedEvents > 0) {
    lines.push(`  ${result.unsealedEvents} event(s) not sealed yet (committed during the check, or behind a transaction still running).`);
  }
  lines.push(`  Took ${Math.round(elapsedMs)} ms.`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = args.filter((arg) => arg !== '--json');
  if (unknown.length > 0) {
    console.error(`Unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
    return EXIT_FAILED;
  }
  const config = loadConfig();
  const running = await runningEmbeddedDatabase(config);
  const database: ResolvedDatabase = running ? { url: running } : await resolveDatabase(config);
  try {
    await migrate(database.url, migrations);
    const dataSource = new DataSource(dataSourceOptions(database.url, [], [], 2));
    await dataSource.initialize();
    try {
      const started = performance.now();
      const result = await verifyAuditLog(dataSource);
      console.log(args.includes('--json') ? JSON.stringify(result, null, 2) : summary(result, performance.now() - started));
      return result.ok ? 0 : EXIT_TAMPERED;
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await database.embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(EXIT_CONFIG);
    }
    console.error(`Could not verify the activity log: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(EXIT_FAILED);
  },
);
