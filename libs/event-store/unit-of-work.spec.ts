import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { EventBus } from '@nestjs/cqrs';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { testDatabaseUrl } from '../../test/setup/test-database.js';
import { migrations } from '../../migrations/index.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { migrate } from '../database/migrate.js';
import { ConcurrencyError } from '../errors/domain-error.js';
import { type Actor, defineEvent, type EventCommitted, type StoredEvent } from './event.js';
import { PipelinedConnection } from './pipelined-connection.js';
import { type Projector, ProjectorRegistry } from './projector.js';
import { rebuildProjections } from './rebuild.js';
import { type ActivityLogRow, STORED_EVENT_COLUMNS, toStoredEvent } from './stored-event.js';
import { countedEvent, createTallyTable, Tally, tallyProjector } from '../../test/factories/tally-read-model.js';
import { UnitOfWork } from './unit-of-work.js';

const run = randomUUID().slice(0, 8);
const TABLE = `uow_spec_tally_${run}`;

@Entity(TABLE)
class UowTally extends Tally {}

const Counted = countedEvent(`UowSpec_${run}`);
const tally = tallyProjector({ name: `uow_spec_${run}`, entity: UowTally, table: TABLE, counted: Counted });

/** A tally whose rows are begun by their first event (Projector.createdBy). */
const BEGUN_TABLE = `uow_spec_begun_${run}`;

@Entity(BEGUN_TABLE)
class UowBegun extends Tally {}

const Begun = countedEvent(`UowSpecBegun_${run}`);
const begun: Projector<Tally> = { ...tallyProjector({ name: `uow_spec_begun_${run}`, entity: UowBegun, table: BEGUN_TABLE, counted: Begun }), createdBy: [Begun.type] };

/**
 * A read model with a column the database stores differently from what is sent (numeric rounds to
 * its scale), whose evolve reads that column back: a cached row must hold what was stored.
 */
const THIRDS_TABLE = `uow_spec_thirds_${run}`;

@Entity(THIRDS_TABLE)
class UowThirds {
  @PrimaryColumn('text')
  key: string;

  /** node-postgres reads numeric as text; the projector keeps it so. */
  @Column({ type: 'numeric', precision: 6, scale: 2 })
  total: string | number;

  /** The totals each event saw, in order. */
  @Column('jsonb')
  seen: string[];
}

const ThirdAdded = defineEvent<{ key: string }>({ type: `UowSpecThirdAdded_${run}`, action: 'spec.add_third', streamType: 'spec' });
const thirds: Projector<UowThirds> = {
  name: `uow_spec_thirds_${run}`,
  entity: UowThirds,
  table: THIRDS_TABLE,
  keyProperty: 'key',
  keyColumn: 'key',
  eventTypes: [ThirdAdded.type],
  keyOf: (event) => String(event.data.key),
  initial: (key) => ({ key, total: '0.00', seen: [] }),
  evolve: (row, _event) => ({ ...row, total: Number(row.total) + 1 / 3, seen: [...row.seen, String(row.total)] }),
};

const actor: Actor = { userId: null, role: 'system', ip: '203.0.113.7', userAgent: 'uow-spec/1.0', requestId: `req-${run}` };

describe('UnitOfWork read-model writes', () => {
  let dataSource: DataSource;
  let n = 0;
  const published: StoredEvent[] = [];
  const eventBus = { publish: (committed: EventCommitted) => published.push(committed.event) } as unknown as EventBus;
  const registry = new ProjectorRegistry();
  registry.register(tally);
  registry.register(thirds);
  registry.register(begun);
  /** Two servers on one database: each has its own cache of the rows it wrote. */
  let serverA: UnitOfWork;
  let serverB: UnitOfWork;

  /** One command: counts `key` once, as a new stream (expected version 0). Returns how often its work ran. */
  async function count(server: UnitOfWork, key: string, extra?: (write: (text: string, values: unknown[]) => void) => void): Promise<number> {
    let runs = 0;
    await server.run(actor, async (tx) => {
      runs += 1;
      extra?.((text, values) => tx.write(text, values));
      tx.record(Counted, randomUUID(), { key, n: ++n }, { expectedVersion: 0 });
    });
    return runs;
  }

  async function row(key: string): Promise<{ count: number; order: number[] } | undefined> {
    const [found] = await dataSource.query(`SELECT count, "order" FROM ${TABLE} WHERE key = $1`, [key]);
    return found;
  }

  async function storedFor(key: string): Promise<StoredEvent[]> {
    const rows: ActivityLogRow[] = await dataSource.query(
      // Qualified: a bare position would sort by the select list's text alias ('10000' < '9999').
      `SELECT ${STORED_EVENT_COLUMNS} FROM activity_logs a WHERE a.event_type = $1 AND a.metadata->>'key' = $2 ORDER BY a.position`,
      [Counted.type, key],
    );
    return rows.map(toStoredEvent);
  }

  beforeAll(async () => {
    const url = testDatabaseUrl();
    await migrate(url, migrations);
    dataSource = new DataSource(dataSourceOptions(url, [UowTally, UowThirds, UowBegun], [], 4));
    await dataSource.initialize();
    await createTallyTable(dataSource, TABLE);
    await createTallyTable(dataSource, BEGUN_TABLE);
    await dataSource.query(`CREATE TABLE ${THIRDS_TABLE} (key text PRIMARY KEY, total numeric(6, 2) NOT NULL, seen jsonb NOT NULL)`);
    serverA = new UnitOfWork(dataSource, registry, eventBus);
    serverB = new UnitOfWork(dataSource, registry, eventBus);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${TABLE}, ${THIRDS_TABLE}, ${BEGUN_TABLE}`);
    await dataSource.destroy();
  });

  it('writes a row it wrote last in one exchange with the append, and publishes the events exactly as stored', async () => {
    const key = `one-exchange-${run}`;
    const batches = jest.spyOn(PipelinedConnection.prototype, 'batch');
    const commits = jest.spyOn(PipelinedConnection.prototype, 'commit');

    await count(serverA, key);
    // First time: append and lock, then write and commit.
    expect([batches.mock.calls.length, commits.mock.calls.length]).toEqual([1, 1]);
    await count(serverA, key);
    await count(serverA, key);
    // From the cache: append, compare-and-swap and commit in one exchange each.
    expect([batches.mock.calls.length, commits.mock.calls.length]).toEqual([1, 3]);

    const stored = await storedFor(key);
    expect(await row(key)).toEqual({ count: 3, order: stored.map((event) => event.data.n) });
    expect(published.filter((event) => event.data.key === key)).toEqual(stored);
    expect(stored[0]).toMatchObject({ ipAddress: actor.ip, userAgent: actor.userAgent, requestId: actor.requestId, streamVersion: 1 });
  });

  it('never overwrites a row another server changed: the stale swap fails and the command is retried through the lock', async () => {
    const key = `two-servers-${run}`;
    expect(await count(serverA, key)).toEqual(1);
    expect(await count(serverA, key)).toEqual(1);
    expect(await count(serverB, key)).toEqual(1);

    // Server A's cached row is one event behind: its swap must fail, and its retry count the event once.
    const batches = jest.spyOn(PipelinedConnection.prototype, 'batch');
    expect(await count(serverA, key)).toEqual(2);
    expect(batches).toHaveBeenCalledTimes(1);

    const stored = await storedFor(key);
    expect(stored.map((event) => event.data.n)).toHaveLength(4);
    expect(await row(key)).toEqual({ count: 4, order: stored.map((event) => event.data.n) });
    const live = await row(key);
    await rebuildProjections(dataSource, [tally]);
    expect(await row(key)).toEqual(live);
  });

  it('keeps a hand-edited row: the edit gives the row a new version, so the cached one is not written over it', async () => {
    const key = `hand-edit-${run}`;
    await count(serverA, key);
    await count(serverA, key);
    await dataSource.query(`UPDATE ${TABLE} SET count = 100 WHERE key = $1`, [key]);

    expect(await count(serverA, key)).toEqual(2);

    expect(await row(key)).toMatchObject({ count: 101 });
  });

  it('leaves nothing behind when a statement of the single exchange fails, and answers the next command from a fresh read', async () => {
    const key = `atomic-${run}`;
    await count(serverA, key);
    await count(serverA, key);
    const before = await storedFor(key);
    const duplicate = `INSERT INTO ${TABLE} (key, count, "order") VALUES ('dup-${run}', 0, '[]')`;
    await dataSource.query(duplicate);

    // The failing write goes out with the append and the swap; none of them may survive.
    await expect(count(serverA, key, (write) => write(duplicate, []))).rejects.toMatchObject({ code: '23505' });

    expect(await storedFor(key)).toEqual(before);
    expect(await row(key)).toMatchObject({ count: 2 });
    expect(await count(serverA, key)).toEqual(1);
    expect(await row(key)).toMatchObject({ count: 3 });
  });

  it('still answers 409 to a command whose stream moved on, from the cached path', async () => {
    const key = `conflict-${run}`;
    const stream = randomUUID();
    await count(serverA, key);
    await serverA.run(actor, async (tx) => tx.record(Counted, stream, { key, n: ++n }, { expectedVersion: 0 }));

    await expect(serverA.run(actor, async (tx) => tx.record(Counted, stream, { key, n: ++n }, { expectedVersion: 0 }))).rejects.toBeInstanceOf(ConcurrencyError);

    expect(await row(key)).toMatchObject({ count: 2 });
    expect((await storedFor(key)).filter((event) => event.streamId === stream).map((event) => event.streamVersion)).toEqual([1]);
  });

  it('evolves a cached row exactly as a row read afresh: a column the database rounds is read back from the swap', async () => {
    const add = (server: UnitOfWork, key: string) => server.run(actor, async (tx) => tx.record(ThirdAdded, randomUUID(), { key }, { expectedVersion: 0 }));
    const cachedKey = `thirds-cached-${run}`;
    const freshKey = `thirds-fresh-${run}`;
    const commits = jest.spyOn(PipelinedConnection.prototype, 'commit');
    const batches = jest.spyOn(PipelinedConnection.prototype, 'batch');
    for (let i = 0; i < 4; i++) {
      await add(serverA, cachedKey);
      // A server that has cached nothing locks and reads the row.
      await add(new UnitOfWork(dataSource, registry, eventBus), freshKey);
    }
    // serverA: one locked command, then three from its cache; the fresh servers: four locked ones.
    expect([commits.mock.calls.length, batches.mock.calls.length]).toEqual([8, 5]);

    const stored: Array<{ key: string; total: string; seen: string[] }> = await dataSource.query(`SELECT key, total, seen FROM ${THIRDS_TABLE} WHERE key = ANY($1) ORDER BY key DESC`, [[cachedKey, freshKey]]);
    expect(stored).toEqual([
      { key: freshKey, total: '1.32', seen: ['0.00', '0.33', '0.66', '0.99'] },
      { key: cachedKey, total: '1.32', seen: ['0.00', '0.33', '0.66', '0.99'] },
    ]);
  });

  it('inserts a row its event begins in the same exchange, and takes the lock when the row is there already', async () => {
    const key = `begun-${run}`;
    const begin = async (server: UnitOfWork) => {
      let runs = 0;
      await server.run(actor, async (tx) => {
        runs += 1;
        tx.record(Begun, randomUUID(), { key, n: ++n }, { expectedVersion: 0 });
      });
      return runs;
    };
    const batches = jest.spyOn(PipelinedConnection.prototype, 'batch');
    const commits = jest.spyOn(PipelinedConnection.prototype, 'commit');

    expect(await begin(serverA)).toBe(1);
    // Nothing cached and nothing locked: the append and the new row went out together.
    expect([batches.mock.calls.length, commits.mock.calls.length]).toEqual([0, 1]);
    const [first] = await dataSource.query(`SELECT count, "order" FROM ${BEGUN_TABLE} WHERE key = $1`, [key]);
    expect(first).toEqual({ count: 1, order: [n] });

    // A server that never saw the row believes the event begins it: its insert fails, and the retry locks and counts once.
    expect(await begin(new UnitOfWork(dataSource, registry, eventBus))).toBe(2);
    expect([batches.mock.calls.length, commits.mock.calls.length]).toEqual([1, 3]);
    const events = await dataSource.query(`SELECT (a.metadata->>'n')::int AS n FROM activity_logs a WHERE a.event_type = $1 AND a.metadata->>'key' = $2 ORDER BY a.position`, [Begun.type, key]);
    const [second] = await dataSource.query(`SELECT count, "order" FROM ${BEGUN_TABLE} WHERE key = $1`, [key]);
    expect(second).toEqual({ count: 2, order: events.map((event: { n: number }) => event.n) });
    expect(events).toHaveLength(2);
  });
});
