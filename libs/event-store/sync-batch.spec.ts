import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { testDatabaseUrl } from '../../test/setup/test-database.js';
import type { Statement } from './projector.js';
import { SyncBatch, type TypeParsers } from './sync-batch.js';

/** node-postgres' per-connection bookkeeping of named statements (pg 8.23, lib/connection.js); not in @types/pg. */
interface NamedStatementBookkeeping {
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
}

const suffix = randomUUID().slice(0, 8);
const table = `sync_batch_spec_${suffix}`;
/** Statement names unique to this run, so nothing else on the server can own them. */
const prepared = (what: string) => `sync_batch_spec_${suffix}_${what}`;
const unnamed = () => undefined;

const insert = (id: number, label: string): Statement => ({ text: `INSERT INTO ${table} (id, label) VALUES ($1, $2)`, values: [id, label] });

describe('SyncBatch', () => {
  /** The client the batches run on. */
  let client: pg.Client;
  /** A second session: what it sees is what was committed. */
  let observer: pg.Client;

  const bookkeeping = () => client.connection as unknown as NamedStatementBookkeeping;

  /** Submits a batch as PipelinedConnection does and waits for its answer. */
  function run(statements: readonly Statement[], nameOf: (text: string) => string | undefined = unnamed): Promise<unknown[][]> {
    (client as unknown as { pipeline: boolean }).pipeline = false;
    const batch = new SyncBatch(statements, nameOf, (client as unknown as { _types: TypeParsers })._types);
    client.query(batch as unknown as pg.Submittable);
    return batch.done;
  }

  /** The rows with these ids as the observer sees them (committed data only). */
  async function committed(ids: number[]): Promise<Array<{ id: number; label: string; n: number }>> {
    const { rows } = await observer.query<{ id: number; label: string; n: number }>(`SELECT id, label, n FROM ${table} WHERE id = ANY($1) ORDER BY id`, [ids]);
    return rows;
  }

  async function serverPrepared(names: string[]): Promise<Array<{ name: string; statement: string }>> {
    const { rows } = await client.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements WHERE name = ANY($1) ORDER BY name', [names]);
    return rows;
  }

  beforeAll(async () => {
    const url = testDatabaseUrl();
    client = new pg.Client({ connectionString: url });
    observer = new pg.Client({ connectionString: url });
    await client.connect();
    await observer.connect();
    await client.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, label text NOT NULL, n integer NOT NULL DEFAULT 0)`);
  });

  afterAll(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
    await observer.end();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('answers several statements in order, each with its own rows, in one exchange and one transaction', async () => {
    const sync = jest.spyOn(client.connection, 'sync');

    const rows = await run([
      { text: `INSERT INTO ${table} (id, label) VALUES ($1, $2), ($3, $4) RETURNING id, label, xmin::text AS xmin`, values: [1, 'one', 2, 'two'] },
      { text: `SELECT pg_current_xact_id()::xid::text AS xact, count(*)::int AS seen FROM ${table} WHERE id = ANY($1)`, values: [[1, 2]] },
      { text: `UPDATE ${table} SET n = n + 1 WHERE id = $1`, values: [2] },
    ]);

    expect(sync).toHaveBeenCalledTimes(1);
    const [inserted, selected, updated] = rows as [Array<{ id: number; label: string; xmin: string }>, Array<{ xact: string; seen: number }>, unknown[]];
    expect(rows).toHaveLength(3);
    const xact = selected[0].xact;
    // The SELECT saw the INSERT's rows, and the transaction it ran in is the one that wrote them.
    expect(selected).toEqual([{ xact, seen: 2 }]);
    expect(inserted).toEqual([
      { id: 1, label: 'one', xmin: xact },
      { id: 2, label: 'two', xmin: xact },
    ]);
    expect(updated).toEqual([]);

    // Committed at the Sync: another session sees every statement's effect, all written by that one transaction.
    expect(await committed([1, 2])).toEqual([
      { id: 1, label: 'one', n: 0 },
      { id: 2, label: 'two', n: 1 },
    ]);
    const { rows: versions } = await observer.query<{ id: number; xmin: string }>(`SELECT id, xmin::text AS xmin FROM ${table} WHERE id = ANY($1) ORDER BY id`, [[1, 2]]);
    expect(versions).toEqual([
      { id: 1, xmin: xact },
      { id: 2, xmin: xact },
    ]);
    // And that transaction is over: the session's next statement runs in a new one.
    const { rows: after } = await client.query<{ xact: string }>('SELECT pg_current_xact_id()::xid::text AS xact');
    expect(after[0].xact).not.toEqual(xact);
  });

  it('rejects with the first statement error and rolls back the statements before it; the client stays usable', async () => {
    const failure = run([insert(10, 'first'), insert(10, 'duplicate of first'), insert(11, 'never run')]);

    await expect(failure).rejects.toMatchObject({ code: '23505', constraint: `${table}_pkey`, detail: 'Key (id)=(10) already exists.' });
    expect(await committed([10, 11])).toEqual([]);

    // Not stuck in an aborted transaction (25P02) nor waiting on the batch: plain queries and batches work.
    await client.query(`INSERT INTO ${table} (id, label) VALUES ($1, $2)`, [10, 'plain']);
    expect(await run([insert(11, 'batched'), { text: `SELECT label FROM ${table} WHERE id = ANY($1) ORDER BY id`, values: [[10, 11]] }])).toEqual([[], [{ label: 'plain' }, { label: 'batched' }]]);
    expect(await committed([10, 11])).toEqual([
      { id: 10, label: 'plain', n: 0 },
      { id: 11, label: 'batched', n: 0 },
    ]);
  });

  describe('named statements', () => {
    const spyOnParse = () => jest.spyOn(client.connection, 'parse');
    let parse: ReturnType<typeof spyOnParse>;
    /** The names the batch sent a Parse for since the last reset. */
    const parsedNames = () => parse.mock.calls.map(([message]) => message.name);

    beforeEach(() => {
      parse = spyOnParse();
    });

    it('are parsed once per connection, then only bound and executed', async () => {
      const insertText = `INSERT INTO ${table} (id, label) VALUES ($1, $2) RETURNING id`;
      const selectText = `SELECT id, label FROM ${table} WHERE id = ANY($1) ORDER BY id`;
      const names = new Map([
        [insertText, prepared('insert')],
        [selectText, prepared('select')],
      ]);
      const nameOf = (text: string) => names.get(text);

      const first = await run(
        [
          { text: insertText, values: [20, 'a'] },
          { text: selectText, values: [[20]] },
          { text: `UPDATE ${table} SET n = n + 1 WHERE id = $1`, values: [20] },
        ],
        nameOf,
      );

      expect(first).toEqual([[{ id: 20 }], [{ id: 20, label: 'a' }], []]);
      expect(parsedNames()).toEqual([prepared('insert'), prepared('select'), '']);
      expect(bookkeeping().parsedStatements).toMatchObject({ [prepared('insert')]: insertText, [prepared('select')]: selectText });
      expect(bookkeeping().submittedNamedStatements).toEqual({});
      expect(await serverPrepared([prepared('insert'), prepared('select')])).toEqual([
        { name: prepared('insert'), statement: insertText },
        { name: prepared('select'), statement: selectText },
      ]);

      parse.mockClear();
      const second = await run(
        [
          { text: insertText, values: [21, 'b'] },
          { text: selectText, values: [[20, 21]] },
        ],
        nameOf,
      );

      // A second Parse of the same name would fail on the server (42P05, already exists).
      expect(parsedNames()).toEqual([]);
      expect(second).toEqual([[{ id: 21 }], [{ id: 20, label: 'a' }, { id: 21, label: 'b' }]]);
      expect(await committed([20, 21])).toEqual([
        { id: 20, label: 'a', n: 1 },
        { id: 21, label: 'b', n: 0 },
      ]);
    });

    it('share node-postgres bookkeeping with its own named queries, both ways', async () => {
      const batchText = `SELECT label FROM ${table} WHERE id = $1`;
      const pgText = `SELECT n FROM ${table} WHERE id = $1`;
      await client.query(`INSERT INTO ${table} (id, label, n) VALUES (30, 'thirty', 3)`);

      // Parsed by a batch, then run by node-postgres under the same name: it must not Parse again.
      expect(await run([{ text: batchText, values: [30] }], () => prepared('batch_first'))).toEqual([[{ label: 'thirty' }]]);
      const { rows: byPg } = await client.query({ name: prepared('batch_first'), text: batchText, values: [30] });
      expect(byPg).toEqual([{ label: 'thirty' }]);

      // Parsed by node-postgres, then used by a batch: it must not Parse again either.
      await client.query({ name: prepared('pg_first'), text: pgText, values: [30] });
      parse.mockClear();
      expect(await run([{ text: pgText, values: [30] }], () => prepared('pg_first'))).toEqual([[{ n: 3 }]]);
      expect(parsedNames()).toEqual([]);
    });

    it('refuses, before sending anything, a name already used for another text', async () => {
      await client.query({ name: prepared('taken'), text: 'SELECT 1 AS one' });
      parse.mockClear();

      await expect(run([insert(35, 'never'), { text: 'SELECT 2 AS two', values: [] }], (text) => (text.startsWith('SELECT') ? prepared('taken') : undefined))).rejects.toThrow(
        `prepared statement ${prepared('taken')} names two texts`,
      );
      expect(parsedNames()).toEqual([]);
      expect(await committed([35])).toEqual([]);
    });

    it('sends again a Parse the server skipped after an earlier failure', async () => {
      await client.query(`INSERT INTO ${table} (id, label) VALUES (40, 'existing')`);
      const laterText = `INSERT INTO ${table} (id, label) VALUES ($1, $2) RETURNING label`;
      const nameOf = (text: string) => (text === laterText ? prepared('after_failure') : undefined);

      await expect(run([insert(40, 'duplicate'), { text: laterText, values: [41, 'skipped'] }], nameOf)).rejects.toMatchObject({ code: '23505' });

      // The server never parsed it, and node-postgres' bookkeeping must not claim it did (or is about to).
      expect(parsedNames()).toEqual(['', prepared('after_failure')]);
      expect(await serverPrepared([prepared('after_failure')])).toEqual([]);
      expect(bookkeeping().parsedStatements[prepared('after_failure')]).toBeUndefined();
      expect(bookkeeping().submittedNamedStatements[prepared('after_failure')]).toBeUndefined();

      parse.mockClear();
      expect(await run([{ text: laterText, values: [41, 'second try'] }], nameOf)).toEqual([[{ label: 'second try' }]]);
      expect(parsedNames()).toEqual([prepared('after_failure')]);
      expect(await committed([40, 41])).toEqual([
        { id: 40, label: 'existing', n: 0 },
        { id: 41, label: 'second try', n: 0 },
      ]);
    });

    it('keeps a statement parsed before the failure: the rollback does not drop it on the server', async () => {
      await client.query(`INSERT INTO ${table} (id, label) VALUES (45, 'existing')`);
      const earlierText = `INSERT INTO ${table} (id, label) VALUES ($1, $2) RETURNING id`;
      const nameOf = (text: string) => (text === earlierText ? prepared('before_failure') : undefined);

      await expect(run([{ text: earlierText, values: [46, 'rolled back'] }, insert(45, 'duplicate')], nameOf)).rejects.toMatchObject({ code: '23505' });

      expect(await committed([45, 46])).toEqual([{ id: 45, label: 'existing', n: 0 }]);
      expect(await serverPrepared([prepared('before_failure')])).toEqual([{ name: prepared('before_failure'), statement: earlierText }]);
      expect(bookkeeping().parsedStatements[prepared('before_failure')]).toEqual(earlierText);

      parse.mockClear();
      expect(await run([{ text: earlierText, values: [46, 'kept'] }], nameOf)).toEqual([[{ id: 46 }]]);
      expect(parsedNames()).toEqual([]);
      expect(await committed([46])).toEqual([{ id: 46, label: 'kept', n: 0 }]);
    });
  });

  it('rejects a value it cannot serialize before writing anything, even after a valid statement', async () => {
    const write = jest.spyOn(client.connection.stream, 'write');
    const unserializable = {
      toPostgres() {
        throw new Error('sync-batch spec: cannot serialize');
      },
    };

    await expect(run([insert(50, 'valid'), insert(51, unserializable as unknown as string)])).rejects.toThrow('sync-batch spec: cannot serialize');

    expect(write).not.toHaveBeenCalled();
    expect(await committed([50, 51])).toEqual([]);
    write.mockRestore();
    expect(await run([insert(50, 'after')])).toEqual([[]]);
    expect(await committed([50, 51])).toEqual([{ id: 50, label: 'after', n: 0 }]);
  });

  it('stays inside an explicit transaction: it neither commits at its Sync nor survives a ROLLBACK', async () => {
    await client.query('BEGIN');
    const { rows: opened } = await client.query<{ xact: string }>('SELECT pg_current_xact_id()::xid::text AS xact');

    const rows = await run([insert(60, 'in transaction'), { text: `SELECT pg_current_xact_id()::xid::text AS xact, count(*)::int AS seen FROM ${table} WHERE id = 60`, values: [] }]);

    expect(rows).toEqual([[], [{ xact: opened[0].xact, seen: 1 }]]);
    // Uncommitted: the other session does not see it yet.
    expect(await committed([60])).toEqual([]);
    const { rows: inside } = await client.query<{ xact: string }>('SELECT pg_current_xact_id()::xid::text AS xact');
    expect(inside).toEqual(opened);

    await client.query('ROLLBACK');
    expect(await committed([60])).toEqual([]);
    const { rows: mine } = await client.query(`SELECT id FROM ${table} WHERE id = 60`);
    expect(mine).toEqual([]);
  });
});
