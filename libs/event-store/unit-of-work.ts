import { Injectable, Logger } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager, type ObjectLiteral, QueryFailedError } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { ConcurrencyError } from '../errors/domain-error.js';
import { type Actor, EventCommitted, type EventDefinition, type ProjectedEvent, type StoredEvent } from './event.js';
import { PipelinedConnection } from './pipelined-connection.js';
import { type CachedRow, ProjectionCache } from './projection-cache.js';
import {
  beginsRow,
  createStatement,
  evolveRows,
  evolveStatement,
  hydrateRows,
  lockStatements,
  planProjections,
  type ProjectionPlan,
  ProjectorRegistry,
  ROW_VERSION,
  STALE_PROJECTION_ROW,
  type Statement,
  swapStatement,
  swappedRow,
} from './projector.js';
import { type ActivityLogRow, STORED_EVENT_COLUMNS, toStoredEvent } from './stored-event.js';

interface PendingEvent {
  definition: EventDefinition;
  streamId: string;
  data: object;
  expectedVersion?: number;
  resourceType?: string | null;
  resourceId?: string | null;
}

export interface RecordOptions {
  /**
   * The stream version the command read before changing anything (0 for a new stream). When two
   * commands change the same thing at once, the second one fails with a 409 instead of silently
   * overwriting. Without it, the event is appended after whatever version is current.
   */
  expectedVersion?: number;
  /** Defaults to the stream; set when the event is about another resource. */
  resourceType?: string | null;
  resourceId?: string | null;
}

/** What a command handler gets inside `UnitOfWork.run`: the transaction's manager and `record`. */
export class Transaction {
  readonly pending: PendingEvent[] = [];
  readonly deferredWrites: Statement[] = [];
  private readonly afterCommitHooks: Array<() => void | Promise<void>> = [];

  constructor(
    readonly manager: EntityManager,
    private currentActor: Actor,
  ) {}

  get actor(): Actor {
    return this.currentActor;
  }

  /** For sign-in, where the acting user is known only once the command has found them. */
  actAs(userId: string, role: Actor['role']): void {
    this.currentActor = { ...this.currentActor, userId, role };
  }

  record<P extends object>(definition: EventDefinition<P>, streamId: string, data: P, options: RecordOptions = {}): void {
    this.pending.push({ definition, streamId, data, ...options });
  }

  /**
   * Queues a write whose answer the command does not need: it is sent with the events, in the same
   * round trip, in the order queued. Use it for writes the command has already checked (a new row
   * with an id made here); a failure still rolls the whole command back, but reaches the caller
   * as a database error rather than a domain error.
   */
  write(text: string, values: unknown[]): void {
    this.deferredWrites.push({ text, values });
  }

  /** Runs after COMMIT (never for a rolled-back command); for best-effort side effects only. */
  afterCommit(hook: () => void | Promise<void>): void {
    this.afterCommitHooks.push(hook);
  }

  get hooks(): ReadonlyArray<() => void | Promise<void>> {
    return this.afterCommitHooks;
  }
}

const STREAM_VERSION_CONSTRAINT = 'activity_logs_stream_version_unique';

/**
 * The one write path: state rows, the events that describe the change, and the read models they
 * feed are committed together or not at all. See ARCHITECTURE.md, "The write path".
 */
@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger(UnitOfWork.name);
  private readonly cache = new ProjectionCache();

  constructor(
    private readonly dataSource: DataSource,
    private readonly projectors: ProjectorRegistry,
    private readonly eventBus: EventBus,
  ) {}

  /**
   * Runs `work` in one transaction, appends what it recorded and updates the read models. A
   * command that stated no expected version is simply retried when another writer appended to
   * the same stream first (or on a deadlock); one that did gets a ConcurrencyError (409).
   */
  async run<T>(actor: Actor, work: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let tx: Transaction | undefined;
      try {
        return await this.attempt(actor, work, (created) => (tx = created));
      } catch (error) {
        const conflict = isConcurrencyFailure(error);
        // A stale cached read-model row says nothing about the command's own reads: always retried (through the lock).
        const retryable = isStaleProjection(error) || (conflict && tx !== undefined && tx.pending.every((event) => event.expectedVersion === undefined));
        if (retryable && attempt < MAX_ATTEMPTS) continue;
        throw conflict ? new ConcurrencyError() : error;
      }
    }
  }

  private async attempt<T>(actor: Actor, work: (tx: Transaction) => Promise<T>, expose: (tx: Transaction) => void): Promise<T> {
    const runner = this.dataSource.createQueryRunner() as PostgresQueryRunner;
    const connection = new PipelinedConnection((await runner.connect()) as PoolClient);
    // The transaction is opened by PipelinedConnection with the first statement; TypeORM must not open its own.
    runner.isTransactionActive = true;
    let committed = false;
    try {
      const tx = new Transaction(runner.manager, actor);
      expose(tx);
      const result = await work(tx);
      const stored = await this.commit(connection, runner.manager, tx);
      committed = true;
      for (const event of stored) this.eventBus.publish(new EventCommitted(event));
      for (const hook of tx.hooks) {
        try {
          await hook();
        } catch (error) {
          this.logger.warn(`after-commit hook failed: ${String(error)}`);
        }
      }
      return result;
    } finally {
      if (!committed) await connection.rollback();
      runner.isTransactionActive = false;
      connection.restore();
      await runner.release();
    }
  }

  /**
   * Appends the recorded events, updates the read models and commits. When this process wrote
   * every read-model row the events change last (the usual case: a teacher's next action), or the
   * events begin them (a new class's row), the rows are evolved from the cache or their initial
   * value and everything goes in one exchange: deferred writes, append, compare-and-swap or insert
   * of each row, commit. Otherwise in two: deferred writes, append and the row locks; then the rows
   * evolved from what was locked, and commit.
   */
  private async commit(connection: PipelinedConnection, manager: EntityManager, tx: Transaction): Promise<StoredEvent[]> {
    if (tx.pending.length === 0) {
      if (connection.inTransaction || tx.deferredWrites.length > 0) await connection.commit(tx.deferredWrites);
      return [];
    }
    const versions = await nextVersions(manager, tx.pending);
    const payloads = tx.pending.map((event) => JSON.stringify(event.data));
    const events = projectedEvents(tx.actor, tx.pending, versions, payloads);
    const plans = planProjections(this.projectors.all(), events);
    const head = [...tx.deferredWrites, appendStatement(tx.actor, tx.pending, versions, ASSIGNED_COLUMNS, payloads)];
    const known = this.knownRows(plans, events);
    try {
      const [appended, written] = known ? await this.commitFromCache(connection, manager, head, plans, known, events) : await this.commitLocked(connection, manager, head, plans, events);
      // The rows as stored, with their new row versions, for the next command on them.
      for (const [index, plan] of plans.entries()) for (const [key, entry] of written[index]) this.cache.set(plan.projector, key, entry);
      return storedEvents(tx.actor, events, appended);
    } catch (error) {
      for (const plan of plans) this.cache.forget(plan.projector, plan.keys, isStaleProjection(error));
      throw error;
    }
  }

  /**
   * One exchange; answers the appended rows and, per plan, the rows as stored by key. A cached row
   * is compare-and-swapped, a row the events begin is inserted.
   */
  private async commitFromCache(
    connection: PipelinedConnection,
    manager: EntityManager,
    head: Statement[],
    plans: readonly ProjectionPlan[],
    known: ReadonlyArray<Map<string, CachedRow | null>>,
    events: readonly ProjectedEvent[],
  ): Promise<[AssignedColumns[], Array<Map<string, CachedRow>>]> {
    const swaps = plans.map((plan, index) => {
      const versions = known[index];
      const cachedRows = new Map<string, ObjectLiteral>();
      for (const [key, entry] of versions) if (entry) cachedRows.set(key, entry.row);
      return [...evolveRows(plan, cachedRows, events)].map(([key, row]) => {
        const cached = versions.get(key);
        return { key, row, statement: cached ? swapStatement(manager, plan.projector, row, cached.xmin) : createStatement(manager, plan.projector, row) };
      });
    });
    const answers = await connection.commit([...head, ...swaps.flat().map((swap) => swap.statement)]);
    let next = head.length;
    const written = swaps.map((rows, index) => new Map(rows.map(({ key, row }) => [key, swappedRow(manager, plans[index].projector, row, (answers[next++] as ObjectLiteral[])[0])])));
    return [answers[head.length - 1] as AssignedColumns[], written];
  }

  /** Two exchanges: append and lock, then write and commit. */
  private async commitLocked(
    connection: PipelinedConnection,
    manager: EntityManager,
    head: Statement[],
    plans: readonly ProjectionPlan[],
    events: readonly ProjectedEvent[],
  ): Promise<[AssignedColumns[], Array<Map<string, CachedRow>>]> {
    const answers = await connection.batch([...head, ...plans.flatMap((plan) => lockStatements(manager, plan))]);
    const locked = plans.map((_, index) => answers[head.length + index * 2 + 1] as ObjectLiteral[]);
    const writes = plans.map((plan, index) => evolveStatement(manager, plan, locked[index], events));
    const written = (await connection.commit(writes)) as ObjectLiteral[][];
    return [answers[head.length - 1] as AssignedColumns[], plans.map((plan, index) => storedRows(manager, plan, written[index]))];
  }

  /**
   * Every row the plans change as this process knows it without reading: cached, or null for a row
   * the events begin (Projector.createdBy) and that has not lost a write lately. Null as a whole
   * when any row is unknown, and the command takes the lock.
   */
  private knownRows(plans: readonly ProjectionPlan[], events: readonly ProjectedEvent[]): Array<Map<string, CachedRow | null>> | null {
    const found: Array<Map<string, CachedRow | null>> = [];
    for (const plan of plans) {
      const rows = new Map<string, CachedRow | null>();
      for (const key of plan.keys) {
        const entry = this.cache.get(plan.projector, key);
        if (entry) rows.set(key, entry);
        else if (beginsRow(plan.projector, key, events) && !this.cache.contended(plan.projector, key)) rows.set(key, null);
        else return null;
      }
      found.push(rows);
    }
    return found;
  }

}

/** Rows a write returned whole (RETURNING xmin, *), by key, with their row versions. */
function storedRows(manager: EntityManager, plan: ProjectionPlan, raws: readonly ObjectLiteral[]): Map<string, CachedRow> {
  // One row per key, in the order returned.
  return new Map([...hydrateRows(manager, plan.projector, raws)].map(([key, row], index) => [key, { row, xmin: String(raws[index][ROW_VERSION]) }]));
}

const MAX_ATTEMPTS = 5;

function isStaleProjection(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === STALE_PROJECTION_ROW;
}

function isConcurrencyFailure(error: unknown): boolean {
  // TypeORM wraps driver errors; statements the UnitOfWork pipelines itself fail with the driver's own.
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as { code?: string; constraint?: string } | undefined;
  if (driverError?.code === '23505' && driverError.constraint === STREAM_VERSION_CONSTRAINT) return true;
  return driverError?.code === '40001' || driverError?.code === '40P01';
}

/**
 * The INSERT that appends a command's events, returning `returning` of each (by default the whole
 * stored event). A single event, by far the most common case, is a plain VALUES row.
 */
export function appendStatement(
  actor: Actor,
  pending: readonly PendingEvent[],
  versions: readonly number[],
  returning = STORED_EVENT_COLUMNS,
  payloads: readonly string[] = pending.map((event) => JSON.stringify(event.data)),
): Statement {
  const actorValues = [actor.userId, actor.ip ?? null, actor.userAgent ?? null, actor.requestId ?? null];
  const resourceType = (event: PendingEvent) => (event.resourceType === undefined ? event.definition.streamType : event.resourceType);
  const resourceId = (event: PendingEvent) => (event.resourceId === undefined ? event.streamId : event.resourceId);
  const columns = `user_id, ip_address, user_agent, request_id, action, resource_type, resource_id, metadata, stream_type, stream_id, stream_version, event_type, schema_version`;
  if (pending.length === 1) {
    const [event] = pending;
    return {
      text: `INSERT INTO activity_logs (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${returning}`,
      values: [
        ...actorValues,
        event.definition.action,
        resourceType(event),
        resourceId(event),
        payloads[0],
        event.definition.streamType,
        event.streamId,
        versions[0],
        event.definition.type,
        event.definition.schemaVersion,
      ],
    };
  }
  const column = <T>(pick: (event: PendingEvent) => T): T[] => pending.map(pick);
  // One array per column (not one placeholder per value), so a large roster import stays far below
  // PostgreSQL's 65,535 bind parameters; WITH ORDINALITY keeps positions in recording order.
  return {
    text: `INSERT INTO activity_logs (${columns})
     SELECT $1::uuid, $2::inet, $3::text, $4::text, e.action, e.resource_type, e.resource_id, e.metadata,
            e.stream_type, e.stream_id, e.stream_version, e.event_type, e.schema_version
       FROM unnest($5::text[], $6::text[], $7::uuid[], $8::jsonb[], $9::text[], $10::uuid[], $11::int[], $12::text[], $13::int[])
            WITH ORDINALITY AS e(action, resource_type, resource_id, metadata, stream_type, stream_id, stream_version, event_type, schema_version, n)
      ORDER BY e.n
     RETURNING ${returning}`,
    values: [
      ...actorValues,
      column((event) => event.definition.action),
      column(resourceType),
      column(resourceId),
      [...payloads],
      column((event) => event.definition.streamType),
      column((event) => event.streamId),
      [...versions],
      column((event) => event.definition.type),
      column((event) => event.definition.schemaVersion),
    ],
  };
}

/** What the database assigns to an appended event; the UnitOfWork knows the rest already. */
const ASSIGNED_COLUMNS = `id, position::text AS position, transaction_id::text AS transaction_id, host(ip_address) AS ip_address, created_at`;

interface AssignedColumns {
  id: string;
  position: string;
  transaction_id: string;
  ip_address: string | null;
  created_at: Date;
}

/** The stored events, from what the command recorded and what the append assigned: equal to what a replay reads. */
function storedEvents(actor: Actor, events: readonly ProjectedEvent[], assigned: readonly AssignedColumns[]): StoredEvent[] {
  return events.map((event, index) => ({
    ...event,
    id: assigned[index].id,
    position: assigned[index].position,
    transactionId: assigned[index].transaction_id,
    ipAddress: assigned[index].ip_address,
    userAgent: actor.userAgent ?? null,
    requestId: actor.requestId ?? null,
    createdAt: assigned[index].created_at,
  }));
}

/**
 * The events as read models see them, before they are appended: the payload as it will read back
 * from jsonb, the stream version and actor as they will be stored.
 */
function projectedEvents(actor: Actor, pending: readonly PendingEvent[], versions: readonly number[], payloads: readonly string[]): ProjectedEvent[] {
  return pending.map((event, index) => ({
    type: event.definition.type,
    action: event.definition.action,
    schemaVersion: event.definition.schemaVersion,
    streamType: event.definition.streamType,
    streamId: event.streamId,
    streamVersion: versions[index],
    resourceType: event.resourceType === undefined ? event.definition.streamType : event.resourceType,
    resourceId: event.resourceId === undefined ? event.streamId : event.resourceId,
    data: JSON.parse(payloads[index]),
    userId: actor.userId,
  }));
}

/** Appends events inside a transaction the caller holds (scripts and tests; commands go through UnitOfWork.run). */
export async function appendEvents(manager: EntityManager, actor: Actor, pending: readonly PendingEvent[]): Promise<StoredEvent[]> {
  if (pending.length === 0) return [];
  const statement = appendStatement(actor, pending, await nextVersions(manager, pending));
  const rows: ActivityLogRow[] = await manager.query(statement.text, statement.values);
  return rows.map(toStoredEvent);
}

/** Stream versions for each pending event: from the expected version when given, else after the current one. */
async function nextVersions(manager: EntityManager, pending: readonly PendingEvent[]): Promise<number[]> {
  const current = new Map<string, number>();
  const unknown = pending.filter((event) => event.expectedVersion === undefined);
  const streamKey = (event: PendingEvent) => `${event.definition.streamType}/${event.streamId}`;
  if (unknown.length > 0) {
    const streams = [...new Map(unknown.map((event) => [streamKey(event), event])).values()];
    // Appends that state no expected version take their stream's lock (in a fixed order, so no
    // deadlocks) until COMMIT: concurrent ones then queue instead of colliding on the version.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended(s, 0)) FROM unnest($1::text[]) AS s ORDER BY s`, [
      streams.map((event) => streamKey(event)).sort(),
    ]);
    const found: Array<{ stream_type: string; stream_id: string; version: number }> = await manager.query(
      `SELECT s.stream_type, s.stream_id, COALESCE(
                (SELECT max(a.stream_version) FROM activity_logs a WHERE a.stream_type = s.stream_type AND a.stream_id = s.stream_id::uuid), 0) AS version
         FROM unnest($1::text[], $2::text[]) AS s(stream_type, stream_id)`,
      [streams.map((event) => event.definition.streamType), streams.map((event) => event.streamId)],
    );
    for (const row of found) current.set(`${row.stream_type}/${row.stream_id}`, Number(row.version));
  }
  const seenInThisTransaction = new Map<string, number>();
  return pending.map((event) => {
    const key = streamKey(event);
    const previous = seenInThisTransaction.get(key) ?? event.expectedVersion ?? current.get(key) ?? 0;
    const version = previous + 1;
    seenInThisTransaction.set(key, version);
    return version;
  });
}
