import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { keysOf, type Projector } from './projector.js';
import { type ActivityLogRow, STORED_EVENT_COLUMNS, toStoredEvent } from './stored-event.js';

export interface RebuildOptions {
  /** Rebuild only the projectors with these names (all when absent). */
  only?: readonly string[];
  /** Events read per query (keyset pagination over the commit order). */
  batchSize?: number;
  log?: (line: string) => void;
}

export interface RebuildResult {
  projector: string;
  /** Events of the projector's types replayed. */
  events: number;
  /** Rows written. */
  rows: number;
  durationMs: number;
}

const DEFAULT_BATCH_SIZE = 5000;
/** PostgreSQL accepts at most 65,535 bind parameters per statement. */
const MAX_PARAMETERS = 60_000;

/**
 * Replays activity_logs into each projector's table from scratch, one transaction per projector:
 * the rebuilt rows replace the old ones atomically, readers keep seeing the old rows meanwhile,
 * and the result is exactly what the live write path produced (projectors are pure).
 */
export async function rebuildProjections(dataSource: DataSource, projectors: readonly Projector[], options: RebuildOptions = {}): Promise<RebuildResult[]> {
  const unknown = (options.only ?? []).filter((name) => !projectors.some((projector) => projector.name === name));
  if (unknown.length > 0) {
    throw new Error(`Unknown projector(s): ${unknown.join(', ')} (known: ${projectors.map((projector) => projector.name).join(', ')})`);
  }
  const selected = options.only ? projectors.filter((projector) => options.only!.includes(projector.name)) : projectors;
  const results: RebuildResult[] = [];
  for (const projector of selected) {
    const result = await dataSource.transaction((manager) => rebuildOne(manager, projector, options.batchSize ?? DEFAULT_BATCH_SIZE));
    options.log?.(`${result.projector}: ${result.events} events replayed into ${result.rows} rows in ${result.durationMs} ms`);
    results.push(result);
  }
  return results;
}

async function rebuildOne(manager: EntityManager, projector: Projector, batchSize: number): Promise<RebuildResult> {
  const started = performance.now();
  const table = manager.connection.driver.escape(projector.table);
  // EXCLUSIVE still lets readers in but makes live writers that project into this table wait for
  // the rebuilt rows. A writer that already projected holds a conflicting lock, so this waits for
  // its COMMIT and the replay below sees its events; one that has not yet projected applies its
  // events on top of the rebuilt rows after this transaction commits.
  await manager.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
  await manager.query(`DELETE FROM ${table}`);

  const rows = new Map<string, ObjectLiteral>();
  let events = 0;
  let after = { transactionId: '0', position: '0' };
  for (;;) {
    const batch: ActivityLogRow[] = await manager.query(
      // Qualified: bare names in ORDER BY would mean the text aliases of the select list.
      `SELECT ${STORED_EVENT_COLUMNS}
         FROM activity_logs a
        WHERE a.event_type = ANY($1::text[]) AND (a.transaction_id, a.position) > ($2::xid8, $3::bigint)
        ORDER BY a.transaction_id, a.position
        LIMIT $4`,
      [projector.eventTypes, after.transactionId, after.position, batchSize],
    );
    for (const row of batch) {
      const event = toStoredEvent(row);
      for (const key of keysOf(projector, event)) {
        rows.set(key, projector.evolve(rows.get(key) ?? projector.initial(key), event));
      }
    }
    events += batch.length;
    if (batch.length < batchSize) break;
    const last = batch[batch.length - 1];
    after = { transactionId: last.transaction_id, position: last.position };
  }

  const values = [...rows.values()];
  const columns = manager.connection.getMetadata(projector.entity).columns.length;
  const chunkSize = Math.max(1, Math.floor(MAX_PARAMETERS / columns));
  for (let start = 0; start < values.length; start += chunkSize) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(projector.entity)
      .values(values.slice(start, start + chunkSize))
      .updateEntity(false)
      .execute();
  }
  return { projector: projector.name, events, rows: values.length, durationMs: Math.round(performance.now() - started) };
}
