import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './naming.strategy.js';

/** The one set of DataSource options, shared by the app, the migration CLI, tests and scripts. */
export function dataSourceOptions(url: string, entities: Function[], migrations: Function[], poolMax = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: { max: poolMax, application_name: 'handmark' },
  } as DataSourceOptions;
}
