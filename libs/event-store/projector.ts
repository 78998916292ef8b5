import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { StoredEvent } from './event.js';

/**
 * A read model kept inside the write transaction. `evolve` is pure (no clock, no reads of other
 * tables), so `projections:rebuild` can replay activity_logs and reach exactly the live rows.
 */
export interface Projector<Row extends ObjectLiteral = ObjectLiteral> {
  readonly name: string;
  readonly entity: EntityTarget<Row>;
  /** Table name, used by rebuild to clear the read model. */
  readonly table: string;
  /** Primary-key property of Row (a single column). */
  readonly keyProperty: keyof Row & string;
  /** Primary-key column in the table. */
  readonly keyColumn: string;
  readonly eventTypes: readonly string[];
  /** Which row an event changes (or rows, when it moves something between them); null when it changes none. */
  keyOf(event: StoredEvent): string | readonly string[] | null;
  initial(key: string): Row;
  evolve(row: Row, event: StoredEvent): Row;
}

/** Collects projectors from the modules that own read models; the UnitOfWork runs them. */
export class ProjectorRegistry {
  private readonly projectors: Projector[] = [];

  register(projector: Projector<any>): void {
    if (this.projectors.some((p) => p.name === projector.name)) return;
    this.projectors.push(projector);
  }

  all(): readonly Projector[] {
    return this.projectors;
  }

  byName(name: string): Projector | undefined {
    return this.projectors.find((p) => p.name === name);
  }
}

/**
 * Applies events to every projector that handles them. Rows are created if missing and locked in
 * key order, so two writers touching the same rows never deadlock or lose an update; then they are
 * evolved in event order and written once. Two statements per projector: the write path's cost.
 */
export async function applyProjectors(manager: EntityManager, projectors: readonly Projector[], events: readonly StoredEvent[]): Promise<void> {
  for (const projector of projectors) {
    const relevant = events.filter((event) => projector.eventTypes.includes(event.type));
    if (relevant.length === 0) continue;
    const keyed = relevant.flatMap((event) => keysOf(projector, event).map((key) => ({ event, key })));
    if (keyed.length === 0) continue;

    const keys = [...new Set(keyed.map((item) => item.key))].sort();
    const repository = manager.getRepository(projector.entity);
    // One statement creates the missing rows and locks them all, in key order, returning them: a
    // concurrent writer creating the same row waits on this insert instead of both starting from an
    // empty row and one overwriting the other. (The no-op update is what locks an existing row.)
    const locked = await repository
      .createQueryBuilder()
      .insert()
      .values(keys.map((key) => projector.initial(key)))
      .orUpdate([projector.keyColumn], [projector.keyColumn])
      .returning('*')
      .updateEntity(false)
      .execute();
    const rows = new Map<string, ObjectLiteral>(
      (locked.raw as ObjectLiteral[]).map((raw) => {
        const row = hydrate(manager, repository.metadata, raw);
        return [String(row[projector.keyProperty]), row];
      }),
    );

    for (const { event, key } of keyed) {
      rows.set(key, projector.evolve(rows.get(key) ?? projector.initial(key), event));
    }
    await repository.upsert([...rows.values()], [projector.keyProperty]);
  }
}

/** A row returned by RETURNING *, with property names and values as a TypeORM find would give them. */
function hydrate(manager: EntityManager, metadata: EntityMetadata, raw: ObjectLiteral): ObjectLiteral {
  const row: ObjectLiteral = {};
  for (const column of metadata.columns) column.setEntityValue(row, manager.connection.driver.prepareHydratedValue(raw[column.databaseName], column));
  return row;
}

/** The distinct rows an event changes, as a list. */
export function keysOf(projector: Projector, event: StoredEvent): string[] {
  const keys = projector.keyOf(event);
  if (keys === null) return [];
  return typeof keys === 'string' ? [keys] : [...new Set(keys)];
}
