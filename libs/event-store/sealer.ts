import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { type ChainedEventRow, chainHash, eventRowColumns, GENESIS_HASH } from './integrity.js';

/** Any constant works; it only has to be the same for every HandMark process. */
const SEALER_LOCK = 726_354_002;
const BATCH_SIZE = 5000;

export interface ChainHead {
  seq: string;
  position: string;
  transactionId: string;
  hash: Buffer;
}

export const EMPTY_CHAIN_HEAD: ChainHead = { seq: '0', position: '0', transactionId: '0', hash: GENESIS_HASH };

export async function readChainHead(manager: Pick<EntityManager, 'query'> | DataSource): Promise<ChainHead> {
  const rows: Array<{ seq: string; position: string; transaction_id: string; hash: Buffer }> = await manager.query(
    `SELECT c.seq::text AS seq, c.position::text AS position, c.transaction_id::text AS transaction_id, c.hash
       FROM activity_log_chain c ORDER BY c.seq DESC LIMIT 1`,
  );
  if (rows.length === 0) return EMPTY_CHAIN_HEAD;
  return { seq: rows[0].seq, position: rows[0].position, transactionId: rows[0].transaction_id, hash: rows[0].hash };
}

export interface SealOptions {
  /** Wait for another sealer to finish instead of leaving the work to it (verification does). */
  wait?: boolean;
}

/**
 * Extends the integrity chain behind the writers. Writers only INSERT into activity_logs and
 * never touch the chain, so they are never serialized on it; one sealer at a time (an advisory
 * lock, skipped when taken) appends chain rows for what has committed.
 *
 * Chain order is (transaction_id, position), not position alone. Positions come from a sequence
 * when a row is inserted, so a transaction holding position 10 may commit after another one has
 * committed position 11: a sealer following positions would either skip 10 for ever or have to
 * wait on every in-flight writer. Instead it seals only rows whose transaction id is below the
 * xmin of its snapshot: every transaction below xmin has finished (its rows are visible, or it
 * rolled back and they never will be), and every transaction still running or yet to start has an
 * id >= xmin. The chain is therefore a prefix that never needs a row inserted before its end; a
 * long-running writer only delays sealing, it is never skipped (xmin is cluster-wide, so a long
 * transaction in another database of the same server delays it too). Within one transaction,
 * position gives the order of its events.
 *
 * What the chain proves: once sealed (normally within AUDIT_SEAL_INTERVAL_MS), an event cannot be
 * changed, removed or have another slipped in before it without verification naming the position.
 * It cannot tell a forged append from a real one made before the next seal.
 */
export class AuditSealer {
  constructor(private readonly dataSource: DataSource) {}

  /** Seals everything that can be sealed now and returns how many events it chained. */
  async sealPending(options: SealOptions = {}): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.sealBatch(options.wait ?? false);
      if (sealed === null) return total;
      total += sealed;
      if (sealed < BATCH_SIZE) return total;
    }
  }

  /** One transaction: the lock, the head, up to BATCH_SIZE events, their chain rows. Null when another sealer holds the lock. */
  private sealBatch(wait: boolean): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      if (wait) {
        await manager.query('SELECT pg_advisory_xact_lock($1)', [SEALER_LOCK]);
      } else {
        const [lock]: Array<{ locked: boolean }> = await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [SEALER_LOCK]);
        if (!lock.locked) return null;
      }
      const head = await readChainHead(manager);
      // The keys are picked first from the (transaction_id, position) index, so a large backlog
      // (or stale planner statistics) costs a sort of narrow keys, not of whole rows.
      const events: ChainedEventRow[] = await manager.query(
        `SELECT ${eventRowColumns('a')}
           FROM activity_logs a
          WHERE a.position = ANY (ARRAY(
                  SELECT position FROM activity_logs
                   WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
                     AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                   ORDER BY transaction_id, position
                   LIMIT ${BATCH_SIZE}))
          ORDER BY a.transaction_id, a.position`,
        [head.transactionId, head.position],
      );
      if (events.length === 0) return 0;

      const seqs: string[] = [];
      const hashes: Buffer[] = [];
      let previous = head.hash;
      let seq = BigInt(head.seq);
      for (const event of events) {
        previous = chainHash(previous, event);
        seq += 1n;
        seqs.push(seq.toString());
        hashes.push(previous);
      }
      await manager.query(
        `INSERT INTO activity_log_chain (seq, position, transaction_id, hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::xid8[], $4::bytea[])`,
        [seqs, events.map((event) => event.position), events.map((event) => event.transaction_id), hashes],
      );
      return events.length;
    });
  }
}

/**
 * Waits, up to `limitMs`, until every transaction that had an id when called has finished, so a
 * following sealPending covers everything committed before the call. Returns whether it got there.
 */
export async function waitForRunningWriters(dataSource: DataSource, limitMs: number): Promise<boolean> {
  const [{ xmax }]: Array<{ xmax: string }> = await dataSource.query('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax');
  const deadline = Date.now() + limitMs;
  for (;;) {
    const [{ done }]: Array<{ done: boolean }> = await dataSource.query('SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 AS done', [xmax]);
    if (done) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}
