import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigValidationError, loadConfig } from '../../libs/config/config.js';
import { dataSourceOptions } from '../../libs/database/data-source-options.js';
import { resolveDatabaseForTool } from '../../libs/database/database-url.js';
import { migrate } from '../../libs/database/migrate.js';
import { type AuditVerification, verifyAuditLog } from '../../libs/event-store/verify.js';
import { migrations } from '../../migrations/index.js';

const USAGE = `Usage: npm run audit:verify [-- --json]
Seals pending events, then recomputes the activity log's hash chain from the first event.
Exit status: 0 intact, 1 tampered (the first bad position is named), 2 could not verify, 78 bad configuration.`;

const EXIT_TAMPERED = 1;
const EXIT_FAILED = 2;
const EXIT_CONFIG = 78;

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
  const database = await resolveDatabaseForTool(config);
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
