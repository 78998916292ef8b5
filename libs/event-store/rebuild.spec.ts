import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, Entity, type EntityManager } from 'typeorm';
import { testDatabaseUrl } from '../../test/setup/test-database.js';
import { migrations } from '../../migrations/index.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { migrate } from '../database/migrate.js';
import { SYSTEM_ACTOR, type StoredEvent } from './event.js';
import { applyProjectors } from './projector.js';
import { rebuildProjections } from './rebuild.js';
import { countedEvent, createTallyTable, Tally, tallyProjector } from '../../test/factories/tally-read-model.js';
import { appendEvents } from './unit-of-work.js';

/** One tally table per projector, so a rebuild of one can be told from a rebuild of both. */
@Entity('rebuild_spec_left')
class LeftTally extends Tally {}

@Entity('rebuild_spec_right')
class RightTally extends Tally {}

const run = randomUUID().slice(0, 8);
const Counted = countedEvent(`RebuildSpec_${run}`);
const left = tallyProjector({ name: `left_${run}`, keyPrefix: 'left', entity: LeftTally, table: 'rebuild_spec_left', counted: Counted });
const right = tallyProjector({ name: `right_${run}`, keyPrefix: 'right', entity: RightTally, table: 'rebuild_spec_right', counted: Counted });
let n = 0;

describe('rebuildProjections', () => {
  let dataSource: DataSource;

  /** One write transaction as the UnitOfWork does it: append, then project. */
  async function write(manager: EntityManager, keys: string[]): Promise<StoredEvent[]> {
    const pending = keys.map((key) => ({ definition: Counted, streamId: randomUUID(), data: { key, n: ++n } }));
    const stored = await appendEvents(manager, SYSTEM_ACTOR, pending);
    await applyProjectors(manager, [left, right], stored);
    return stored;
  }

  async function rows(): Promise<Tally[]> {
    const all = [...(await dataSource.getRepository(LeftTally).find()), ...(await dataSource.getRepository(RightTally).find())];
    return all.map((row) => ({ ...row })).sort((a, b) => a.key.localeCompare(b.key));
  }

  beforeAll(async () => {
    const url = testDatabaseUrl();
    await migrate(url, migrations);
    dataSource = new DataSource(dataSourceOptions(url, [LeftTally, RightTally], [], 4));
    await dataSource.initialize();
    for (const table of ['rebuild_spec_left', 'rebuild_spec_right']) {
      await createTallyTable(dataSource, table);
    }
    for (const keys of [['left-a', 'left-b', 'right-a'], ['left-a'], ['right-a', 'right-b', 'left-a', 'left-a'], ['left-b'], ['left-c', 'right-b']]) {
      await dataSource.transaction((manager) => write(manager, keys));
    }
  });

  afterAll(async () => {
    await dataSource.query('DROP TABLE IF EXISTS rebuild_spec_left, rebuild_spec_right');
    await dataSource.destroy();
  });

  it('replays the log, batch after batch in commit order, into exactly the rows the live path kept', async () => {
    const live = await rows();
    expect(live.map((row) => [row.key, row.count])).toEqual([['left-a', 4], ['left-b', 2], ['left-c', 1], ['right-a', 2], ['right-b', 2]]);

    const results = await rebuildProjections(dataSource, [left, right], { batchSize: 2 });

    expect(results).toEqual([
      { projector: left.name, events: 11, rows: 3, durationMs: expect.any(Number) },
      { projector: right.name, events: 11, rows: 2, durationMs: expect.any(Number) },
    ]);
    expect(await rows()).toEqual(live);
  });

  it('rebuilds only the named projectors, repairing a read model that drifted', async () => {
    const live = await rows();
    await dataSource.query(`UPDATE rebuild_spec_left SET count = 99, "order" = '[]'`);
    await dataSource.query(`UPDATE rebuild_spec_right SET count = 99, "order" = '[]'`);

    const results = await rebuildProjections(dataSource, [left, right], { only: [left.name] });

    expect(results.map((result) => result.projector)).toEqual([left.name]);
    const after = await rows();
    expect(after.filter((row) => row.key.startsWith('left'))).toEqual(live.filter((row) => row.key.startsWith('left')));
    expect(after.filter((row) => row.key.startsWith('right')).map((row) => row.count)).toEqual([99, 99]);
    await rebuildProjections(dataSource, [left, right], { only: [right.name] });
    expect(await rows()).toEqual(live);
  });

  it('refuses unknown projector names and changes nothing', async () => {
    const before = await rows();
    await expect(rebuildProjections(dataSource, [left, right], { only: ['nope'] })).rejects.toThrow(/Unknown projector\(s\): nope/);
    expect(await rows()).toEqual(before);
  });

  it('waits for a writer that already projected and keeps its events exactly once', async () => {
    const writer = dataSource.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    await write(writer.manager, ['left-a', 'left-d']);

    const rebuilding = rebuildProjections(dataSource, [left]);
    const waiting = await waitForLockWait(dataSource);
    await writer.commitTransaction();
    await writer.release();
    const [result] = await rebuilding;

    expect(waiting).toBe(true);
    expect(result.events).toBe(13);
    const after = await rows();
    expect(after.find((row) => row.key === 'left-a')).toMatchObject({ count: 5 });
    expect(after.find((row) => row.key === 'left-d')).toMatchObject({ count: 1 });
    const replayed = after;
    await rebuildProjections(dataSource, [left, right]);
    expect(await rows()).toEqual(replayed);
  });

  it('lets a writer that had not projected yet apply its events on top of the rebuilt rows', async () => {
    const writer = dataSource.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    const pending = [{ definition: Counted, streamId: randomUUID(), data: { key: 'left-a', n: ++n } }];
    const stored = await appendEvents(writer.manager, SYSTEM_ACTOR, pending);

    const [result] = await rebuildProjections(dataSource, [left]);
    await applyProjectors(writer.manager, [left, right], stored);
    await writer.commitTransaction();
    await writer.release();

    expect(result.events).toBe(13);
    const after = await rows();
    expect(after.find((row) => row.key === 'left-a')).toMatchObject({ count: 6 });
    await rebuildProjections(dataSource, [left, right]);
    expect(await rows()).toEqual(after);
  });

  it('follows numeric positions where their text would sort differently (99997 < 100001)', async () => {
    const [{ last }]: Array<{ last: string }> = await dataSource.query(`SELECT last_value::text AS last FROM activity_logs_position_seq`);
    // Move the sequence up (never down) to just below a power of ten, with room for other writers.
    const below = 10n ** BigInt(String(BigInt(last) + 1000n).length) - 3n;
    await dataSource.query(`SELECT setval('activity_logs_position_seq', $1)`, [below.toString()]);
    const stored = await dataSource.transaction((manager) => write(manager, ['left-e', 'left-e', 'left-e', 'left-e', 'left-e', 'left-e']));
    expect(stored[0].position.length).toBeLessThan(stored[5].position.length);
    const live = await rows();

    await rebuildProjections(dataSource, [left], { batchSize: 2 });

    expect(await rows()).toEqual(live);
    expect(live.find((row) => row.key === 'left-e')).toMatchObject({ count: 6, order: stored.map((event) => Number(event.data.n)) });
  });
});

/** True once some session of this database waits on a lock (the rebuild queued behind the writer). */
async function waitForLockWait(dataSource: DataSource): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [row]: Array<{ waiting: number }> = await dataSource.query(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE %rebuild_spec_left%'`,
    );
    if (row.waiting > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}
