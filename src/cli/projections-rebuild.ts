import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigValidationError, loadConfig } from '../../libs/config/config.js';
import { dataSourceOptions } from '../../libs/database/data-source-options.js';
import { resolveDatabaseForTool } from '../../libs/database/database-url.js';
import { migrate } from '../../libs/database/migrate.js';
import { rebuildProjections } from '../../libs/event-store/rebuild.js';
import { migrations } from '../../migrations/index.js';
import { entities } from '../entities.js';
import { projectors } from '../projectors.js';

const USAGE = `Usage: npm run projections:rebuild [-- --only <name>[,<name>...]]
Replays the activity log into every read model (or only the named ones): ${projectors.map((p) => p.name).join(', ')}`;

class UsageError extends Error {}

function parseOnly(args: string[]): string[] | undefined {
  const index = args.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (index === -1) return undefined;
  const value = args[index].includes('=') ? args[index].slice('--only='.length) : args[index + 1];
  const names = (value ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !projectors.some((projector) => projector.name === name));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(unknown.length > 0 ? `Unknown projector(s): ${unknown.join(', ')}\n${USAGE}` : USAGE);
  return names;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const only = parseOnly(args);
  const config = loadConfig();
  const database = await resolveDatabaseForTool(config);
  console.log(
    config.database.url
      ? 'Using the PostgreSQL at DATABASE_URL'
      : `Using the embedded PostgreSQL in ${config.database.embedded.dataDir}${database.shared ? ' (already running for a HandMark server)' : ''}`,
  );
  try {
    await migrate(database.url, migrations);
    const dataSource = new DataSource(dataSourceOptions(database.url, entities, migrations, 2));
    await dataSource.initialize();
    try {
      const started = performance.now();
      const results = await rebuildProjections(dataSource, projectors, { only, log: (line) => console.log(line) });
      console.log(`Rebuilt ${results.length} projection(s) in ${Math.round(performance.now() - started)} ms`);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await database.embedded?.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError || error instanceof UsageError) {
    console.error(error.message);
    process.exit(error instanceof UsageError ? 64 : 78);
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
