import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../libs/config/config.js';
import { dataSourceOptions } from '../libs/database/data-source-options.js';
import { type ResolvedDatabase, resolveDatabaseForTool } from '../libs/database/database-url.js';
import { migrations } from '../migrations/index.js';
import { entities } from './entities.js';

/**
 * The DataSource the TypeORM CLI loads for `npm run migration:run|revert|generate`: the app's own
 * options, entities and migrations, on DATABASE_URL or else the embedded PostgreSQL under DATA_DIR.
 * The app itself does not import this file (it migrates on start through libs/database/migrate.ts).
 */
const config = loadConfig();
const database: ResolvedDatabase = await resolveDatabaseForTool(config);

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
