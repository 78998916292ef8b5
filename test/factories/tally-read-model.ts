import { Column, type DataSource, PrimaryColumn } from 'typeorm';
import { defineEvent, type EventDefinition } from '../../libs/event-store/event.js';
import type { Projector } from '../../libs/event-store/projector.js';

/**
 * A read model made for the event store's own specs: how many events each key saw, and in which
 * order. Each spec declares its table with `@Entity(name) class X extends Tally {}`.
 */
export class Tally {
  @PrimaryColumn('text')
  key: string;

  @Column('integer')
  count: number;

  @Column('jsonb')
  order: number[];
}

export type CountedPayload = { key: string; n: number };

/** The event the tally counts; `name` keeps one spec's events apart from another's (and from the app's). */
export function countedEvent(name: string): EventDefinition<CountedPayload> {
  return defineEvent<CountedPayload>({ type: `${name}Counted`, action: 'spec.count', streamType: 'spec' });
}

/** A tally projector over the keys that start with `keyPrefix` ('' for all of them). */
export function tallyProjector(options: { name: string; entity: typeof Tally; table: string; counted: EventDefinition<CountedPayload>; keyPrefix?: string }): Projector<Tally> {
  const { keyPrefix = '' } = options;
  return {
    name: options.name,
    entity: options.entity,
    table: options.table,
    keyProperty: 'key',
    keyColumn: 'key',
    eventTypes: [options.counted.type],
    keyOf: (event) => (String(event.data.key).startsWith(keyPrefix) ? String(event.data.key) : null),
    initial: (key) => ({ key, count: 0, order: [] }),
    // Order-sensitive on purpose: a replay must follow the commit order the live path saw.
    evolve: (row, event) => ({ ...row, count: row.count + 1, order: [...row.order, Number(event.data.n)] }),
  };
}

export async function createTallyTable(dataSource: DataSource, table: string): Promise<void> {
  await dataSource.query(`CREATE TABLE ${table} (key text PRIMARY KEY, count integer NOT NULL, "order" jsonb NOT NULL)`);
}
