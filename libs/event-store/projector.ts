import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
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
  /** Which row an event changes; null when it changes none. */
  keyOf(event: StoredEvent): string | null;
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
 * evolved in event order and written once.
 */
export async function applyProjectors(manager: EntityManager, projectors: readonly Projector[], events: readonly StoredEvent[]): Promise<void> {
  for (const projector of projectors) {
    const relevant = events.filter((event) => projector.eventTypes.includes(event.type));
    if (relevant.length === 0) continue;
    const keyed = relevant.map((event) => ({ event, key: projector.keyOf(event) })).filter((item): item is { event: StoredEvent; key: string } => item.key !== null);
    if (keyed.length === 0) continue;

    const keys = [...new Set(keyed.map((item) => item.key))].sort();
    const repository = manager.getRepository(projector.entity);
    // Create missing rows first: a concurrent writer then waits on the insert instead of both
    // starting from an empty row and one overwriting the other.
    await repository
      .createQueryBuilder()
      .insert()
      .values(keys.map((key) => projector.initial(key)))
      .orIgnore()
      .execute();
    const existing = await repository
      .createQueryBuilder('row')
      .where(`row.${projector.keyProperty} IN (:...keys)`, { keys })
      .orderBy(`row.${projector.keyProperty}`)
      .setLock('pessimistic_write')
      .getMany();
    const rows = new Map<string, ObjectLiteral>(existing.map((row) => [String(row[projector.keyProperty]), row]));

    for (const { event, key } of keyed) {
      rows.set(key, projector.evolve(rows.get(key) ?? projector.initial(key), event));
    }
    await repository.upsert([...rows.values()], [projector.keyProperty]);
  }
}
