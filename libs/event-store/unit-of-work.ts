import { Injectable, Logger } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { ConcurrencyError } from '../errors/domain-error.js';
import { type Actor, EventCommitted, type EventDefinition, type StoredEvent } from './event.js';
import { applyProjectors, ProjectorRegistry } from './projector.js';

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
        const retryable = conflict && tx !== undefined && tx.pending.every((event) => event.expectedVersion === undefined);
        if (retryable && attempt < MAX_ATTEMPTS) continue;
        throw conflict ? new ConcurrencyError() : error;
      }
    }
  }

  private async attempt<T>(actor: Actor, work: (tx: Transaction) => Promise<T>, expose: (tx: Transaction) => void): Promise<T> {
    let tx!: Transaction;
    let stored: StoredEvent[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      tx = new Transaction(manager, actor);
      expose(tx);
      const value = await work(tx);
      stored = await appendEvents(manager, tx.actor, tx.pending);
      await applyProjectors(manager, this.projectors.all(), stored);
      return value;
    });
    for (const event of stored) this.eventBus.publish(new EventCommitted(event));
    for (const hook of tx.hooks) {
      try {
        await hook();
      } catch (error) {
        this.logger.warn(`after-commit hook failed: ${String(error)}`);
      }
    }
    return result;
  }
}

const MAX_ATTEMPTS = 5;

function isConcurrencyFailure(error: unknown): boolean {
  const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
  if (driverError?.code === '23505' && driverError.constraint === STREAM_VERSION_CONSTRAINT) return true;
  return driverError?.code === '40001' || driverError?.code === '40P01';
}

interface AppendedRow {
  id: string;
  position: string;
  transaction_id: string;
  created_at: Date;
}

/** Appends the transaction's events to activity_logs in one statement and returns them as stored. */
export async function appendEvents(manager: EntityManager, actor: Actor, pending: readonly PendingEvent[]): Promise<StoredEvent[]> {
  if (pending.length === 0) return [];
  const versions = await nextVersions(manager, pending);
  const columns = 13;
  const values: unknown[] = [];
  const tuples: string[] = [];
  pending.forEach((event, index) => {
    const base = index * columns;
    tuples.push(`(${Array.from({ length: columns }, (_, i) => `$${base + i + 1}`).join(', ')})`);
    values.push(
      actor.userId,
      event.definition.action,
      event.resourceType === undefined ? event.definition.streamType : event.resourceType,
      event.resourceId === undefined ? event.streamId : event.resourceId,
      JSON.stringify(event.data),
      actor.ip ?? null,
      actor.userAgent ?? null,
      actor.requestId ?? null,
      event.definition.streamType,
      event.streamId,
      versions[index],
      event.definition.type,
      event.definition.schemaVersion,
    );
  });
  const rows: AppendedRow[] = await manager.query(
    `INSERT INTO activity_logs (user_id, action, resource_type, resource_id, metadata, ip_address, user_agent, request_id,
                                stream_type, stream_id, stream_version, event_type, schema_version)
     SELECT v.user_id::uuid, v.action, v.resource_type, v.resource_id::uuid, v.metadata::jsonb, v.ip::inet, v.ua, v.request_id,
            v.stream_type, v.stream_id::uuid, v.stream_version::int, v.event_type, v.schema_version::int
       FROM (VALUES ${tuples.join(', ')}) AS v(user_id, action, resource_type, resource_id, metadata, ip, ua, request_id,
                                                 stream_type, stream_id, stream_version, event_type, schema_version)
     RETURNING id, position::text AS position, transaction_id::text AS transaction_id, created_at`,
    values,
  );
  return pending.map((event, index) => ({
    id: rows[index].id,
    position: rows[index].position,
    transactionId: rows[index].transaction_id,
    type: event.definition.type,
    action: event.definition.action,
    schemaVersion: event.definition.schemaVersion,
    streamType: event.definition.streamType,
    streamId: event.streamId,
    streamVersion: versions[index],
    resourceType: event.resourceType === undefined ? event.definition.streamType : event.resourceType,
    resourceId: event.resourceId === undefined ? event.streamId : event.resourceId,
    data: event.data as Record<string, unknown>,
    userId: actor.userId,
    ipAddress: actor.ip ?? null,
    userAgent: actor.userAgent ?? null,
    requestId: actor.requestId ?? null,
    createdAt: rows[index].created_at,
  }));
}

/** Stream versions for each pending event: from the expected version when given, else after the current one. */
async function nextVersions(manager: EntityManager, pending: readonly PendingEvent[]): Promise<number[]> {
  const current = new Map<string, number>();
  const unknown = pending.filter((event) => event.expectedVersion === undefined);
  const streamKey = (event: PendingEvent) => `${event.definition.streamType}/${event.streamId}`;
  if (unknown.length > 0) {
    const streams = [...new Map(unknown.map((event) => [streamKey(event), event])).values()];
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
