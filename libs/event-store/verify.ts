import type { DataSource } from 'typeorm';
import { type ChainedEventRow, chainHash, eventRowColumns, GENESIS_HASH } from './integrity.js';
import { AuditSealer, type ChainHead, readChainHead, waitForRunningWriters } from './sealer.js';

/**
 * What can be wrong with the log:
 * - event_changed: an event row differs from what was sealed;
 * - event_missing: the chain covers a position that activity_logs no longer has;
 * - chain_altered: a chain row itself was edited, removed or reordered;
 * - event_unchained: an event lies below the sealed horizon but the chain never covered it (it was
 *   inserted or backdated around the write path, for example by a superuser).
 */
export type AuditProblem = 'event_changed' | 'event_missing' | 'chain_altered' | 'event_unchained';

export interface AuditVerification {
  ok: boolean;
  /** Chained events whose hash was recomputed and matched. */
  checkedEvents: number;
  /** Position of the last event in the chain (chain order is transaction id, then position); null when nothing is sealed yet. */
  sealedThroughPosition: string | null;
  /** The first position, in chain order, that does not verify. */
  firstBadPosition: string | null;
  problem: AuditProblem | null;
  /** What is wrong, in words; null when the log is intact. */
  reason: string | null;
  /** Events after the chain head: committed after verification began, or behind a transaction still running. */
  unsealedEvents: number;
}

export interface VerifyOptions {
  /** Chain rows read per query. */
  batchSize?: number;
  /**
   * How long to wait for transactions that were running when verification began, so that
   * everything committed before the call is sealed and checked. Later commits are counted in
   * unsealedEvents.
   */
  waitForWritersMs?: number;
}

interface Finding {
  problem: AuditProblem;
  position: string;
  transactionId: string;
  reason: string;
}

type ChainWalkRow = ChainedEventRow & { seq: string; chain_position: string; chain_transaction_id: string; hash: Buffer; found: boolean };

/**
 * Seals what is pending, then recomputes the whole chain from the genesis hash and checks that no
 * event below the sealed horizon escaped it. Reads in batches, so memory stays flat on any log size.
 */
export async function verifyAuditLog(dataSource: DataSource, options: VerifyOptions = {}): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 5000;
  await waitForRunningWriters(dataSource, options.waitForWritersMs ?? 5000);
  await new AuditSealer(dataSource).sealPending({ wait: true });
  const head = await readChainHead(dataSource);

  const walk = await walkChain(dataSource, head, batchSize);
  const unchained = await firstUnchainedEvent(dataSource, head);
  const finding = [walk.finding, unchained].filter((f): f is Finding => f !== undefined).sort(byChainOrder)[0];

  const [{ count }]: Array<{ count: string }> = await dataSource.query(
    `SELECT count(*)::text AS count FROM activity_logs WHERE (transaction_id, position) > ($1::xid8, $2::bigint)`,
    [head.transactionId, head.position],
  );
  return {
    ok: finding === undefined,
    checkedEvents: walk.checked,
    sealedThroughPosition: head.seq === '0' ? null : head.position,
    firstBadPosition: finding?.position ?? null,
    problem: finding?.problem ?? null,
    reason: finding?.reason ?? null,
    unsealedEvents: Number(count),
  };
}

async function walkChain(dataSource: DataSource, head: ChainHead, batchSize: number): Promise<{ checked: number; finding?: Finding }> {
  let checked = 0;
  let running = GENESIS_HASH;
  let expectedSeq = 1n;
  let previousKey: { transactionId: string; position: string } | undefined;
  const last = BigInt(head.seq);
  // Windows of seq (contiguous when intact) keep every query to one batch of index lookups.
  for (let after = 0n; after < last; after += BigInt(batchSize)) {
    const through = after + BigInt(batchSize) < last ? after + BigInt(batchSize) : last;
    let rows = await readChainRows(dataSource, after.toString(), through.toString());
    // An empty window means edited seq values: the next row there is, is where the gap shows.
    if (rows.length === 0) rows = await readChainRows(dataSource, through.toString(), head.seq, 1);
    for (const [index, row] of rows.entries()) {
      const at = { position: row.chain_position, transactionId: row.chain_transaction_id };
      if (BigInt(row.seq) !== expectedSeq) {
        return { checked, finding: { ...at, problem: 'chain_altered', reason: `Chain rows ${expectedSeq}..${BigInt(row.seq) - 1n} are missing (the next one covers position ${row.chain_position})` } };
      }
      if (previousKey && byChainOrder(previousKey, at) >= 0) {
        return { checked, finding: { ...at, problem: 'chain_altered', reason: `Chain row ${row.seq} (position ${row.chain_position}) is out of order: chain rows were rewritten` } };
      }
      if (!row.found) {
        return { checked, finding: { ...at, problem: 'event_missing', reason: `The event at position ${row.chain_position} was deleted: the chain covers it but activity_logs has no such row` } };
      }
      if (row.transaction_id !== row.chain_transaction_id) {
        return {
          checked,
          finding: { ...at, problem: 'chain_altered', reason: `The chain row for position ${row.chain_position} was altered: it names transaction ${row.chain_transaction_id}, the event was written by ${row.transaction_id}` },
        };
      }
      const computed = chainHash(running, row);
      if (!computed.equals(row.hash)) {
        const next = rows[index + 1] ?? (await readChainRows(dataSource, row.seq, head.seq, 1))[0];
        return { checked, finding: { ...at, ...classifyMismatch(row, computed, next) } };
      }
      running = computed;
      previousKey = at;
      expectedSeq += 1n;
      checked += 1;
    }
  }
  return { checked };
}

/**
 * The recomputed hash differs from the stored one. The next chain row was built on the stored
 * hash as the sealer saw it: if it still follows from the stored hash, that hash is genuine and
 * the event row changed; if it follows from the recomputed hash instead, the stored hash was edited.
 */
function classifyMismatch(row: ChainWalkRow, computed: Buffer, next: ChainWalkRow | undefined): Pick<Finding, 'problem' | 'reason'> {
  const position = row.chain_position;
  if (next?.found) {
    if (chainHash(row.hash, next).equals(next.hash)) {
      return { problem: 'event_changed', reason: `The event at position ${position} was changed after it was sealed: its content no longer matches its hash` };
    }
    if (chainHash(computed, next).equals(next.hash)) {
      return { problem: 'chain_altered', reason: `The chain row for position ${position} was altered: its stored hash is not the one the next chain row was built on` };
    }
  }
  return { problem: 'event_changed', reason: `The event at position ${position} does not match its hash: the event row or its chain row was changed` };
}

function readChainRows(dataSource: DataSource, afterSeq: string, throughSeq: string, limit?: number): Promise<ChainWalkRow[]> {
  return dataSource.query(
    `SELECT c.seq::text AS seq, c.position::text AS chain_position, c.transaction_id::text AS chain_transaction_id, c.hash,
            a.position IS NOT NULL AS found, ${eventRowColumns('a')}
       FROM activity_log_chain c
       LEFT JOIN activity_logs a ON a.position = c.position
      WHERE c.seq > $1::bigint AND c.seq <= $2::bigint
      ORDER BY c.seq
      ${limit === undefined ? '' : `LIMIT ${Number(limit)}`}`,
    [afterSeq, throughSeq],
  );
}

/** An event that sorts before the chain head but has no chain row: the sealer would have covered it, so it was put there later. */
async function firstUnchainedEvent(dataSource: DataSource, head: ChainHead): Promise<Finding | undefined> {
  const rows: Array<{ position: string; transaction_id: string }> = await dataSource.query(
    `SELECT a.position::text AS position, a.transaction_id::text AS transaction_id
       FROM activity_logs a
      WHERE (a.transaction_id, a.position) < ($1::xid8, $2::bigint)
        AND NOT EXISTS (SELECT 1 FROM activity_log_chain c WHERE c.position = a.position)
      ORDER BY a.transaction_id, a.position
      LIMIT 1`,
    [head.transactionId, head.position],
  );
  if (rows.length === 0) return undefined;
  const { position, transaction_id: transactionId } = rows[0];
  return {
    problem: 'event_unchained',
    position,
    transactionId,
    reason: `The event at position ${position} is not in the chain although it lies below the sealed horizon: it was inserted or backdated outside HandMark's write path`,
  };
}

function byChainOrder(a: { transactionId: string; position: string }, b: { transactionId: string; position: string }): number {
  const compare = (x: bigint, y: bigint) => (x < y ? -1 : x > y ? 1 : 0);
  return compare(BigInt(a.transactionId), BigInt(b.transactionId)) || compare(BigInt(a.position), BigInt(b.position));
}
