import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

/** Any constant works; it only has to be the same for every HandMark process. */
const MIGRATION_LOCK = 726_354_001;

/**
 * Applies pending migrations, one process at a time (the server, workers and test runs may
 * start together), and returns the names of those applied.
 */
export async function migrate(url: string, migrations: Function[]): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, [], migrations, 2) });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}
