import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defineEvent, SYSTEM_ACTOR } from '../../libs/event-store/event.js';
import { UnitOfWork } from '../../libs/event-store/unit-of-work.js';
import { ConcurrencyError } from '../../libs/errors/domain-error.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

const Probed = defineEvent<{ n: number }>({ type: 'EventStoreProbed', action: 'test.probe', streamType: 'probe' });

describe('UnitOfWork: one transaction, one record', () => {
  let t: TestApp;
  let uow: UnitOfWork;
  beforeAll(async () => {
    t = await createTestApp();
    uow = t.app.get(UnitOfWork);
  });
  afterAll(async () => {
    await t.close();
  });

  const count = async (streamIds: string[]) =>
    Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM activity_logs WHERE stream_id = ANY($1::uuid[])`, [streamIds]))[0].n);

  it('appends thousands of events of one command in recording order (beyond the bind-parameter limit)', async () => {
    const streams = Array.from({ length: 6000 }, () => randomUUID());
    await uow.run(SYSTEM_ACTOR, async (tx) => {
      streams.forEach((id, n) => tx.record(Probed, id, { n }, { expectedVersion: 0 }));
    });
    const rows: Array<{ n: number; position: string }> = await t.dataSource.query(
      `SELECT (metadata->>'n')::int AS n, position::text AS position FROM activity_logs WHERE stream_id = ANY($1::uuid[]) ORDER BY activity_logs.position`,
      [streams],
    );
    expect(rows).toHaveLength(6000);
    expect(rows.map((row) => row.n)).toEqual(streams.map((_, n) => n));
  });

  it('rolls back the events with the state when the command fails', async () => {
    const stream = randomUUID();
    await expect(
      uow.run(SYSTEM_ACTOR, async (tx) => {
        tx.record(Probed, stream, { n: 1 });
        await tx.manager.query('SELECT 1/0');
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await count([stream])).toBe(0);
  });

  it('refuses a stale expected version with a ConcurrencyError and writes nothing', async () => {
    const stream = randomUUID();
    await uow.run(SYSTEM_ACTOR, async (tx) => tx.record(Probed, stream, { n: 1 }, { expectedVersion: 0 }));
    await expect(uow.run(SYSTEM_ACTOR, async (tx) => tx.record(Probed, stream, { n: 2 }, { expectedVersion: 0 }))).rejects.toBeInstanceOf(ConcurrencyError);
    const versions = await t.dataSource.query(`SELECT stream_version AS v FROM activity_logs WHERE stream_id = $1 ORDER BY stream_version`, [stream]);
    expect(versions).toEqual([{ v: 1 }]);
  });

  it('appends concurrent commands without an expected version one after another', async () => {
    const stream = randomUUID();
    await Promise.all(Array.from({ length: 12 }, (_, n) => uow.run(SYSTEM_ACTOR, async (tx) => tx.record(Probed, stream, { n }))));
    const versions: Array<{ v: number }> = await t.dataSource.query(`SELECT stream_version AS v FROM activity_logs WHERE stream_id = $1 ORDER BY stream_version`, [stream]);
    expect(versions.map((row) => row.v)).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
  });
});
