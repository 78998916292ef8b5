import { randomUUID } from 'node:crypto';
import type { EventDefinition, StoredEvent } from '../../libs/event-store/event.js';
import type { DataSource } from 'typeorm';

export interface LoggedEvent {
  position: string;
  action: string;
  eventType: string;
  userId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  streamType: string;
  streamId: string;
  streamVersion: number;
  metadata: Record<string, unknown>;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** The activity log rows matching a filter, oldest first. */
export async function loggedEvents(dataSource: DataSource, filter: { userId?: string; resourceId?: string; streamId?: string; action?: string; requestId?: string }): Promise<LoggedEvent[]> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    clauses.push(`${column} = $${params.length}`);
  };
  add('user_id', filter.userId);
  add('resource_id', filter.resourceId);
  add('stream_id', filter.streamId);
  add('action', filter.action);
  add('request_id', filter.requestId);
  if (clauses.length === 0) throw new Error('loggedEvents needs at least one filter');
  return dataSource.query(
    `SELECT position::text AS position, action, event_type AS "eventType", user_id AS "userId", resource_type AS "resourceType",
            resource_id AS "resourceId", stream_type AS "streamType", stream_id AS "streamId", stream_version AS "streamVersion",
            metadata, host(ip_address) AS "ipAddress", user_agent AS "userAgent", request_id AS "requestId"
       FROM activity_logs WHERE ${clauses.join(' AND ')} ORDER BY activity_logs.transaction_id, activity_logs.position`,
    params,
  );
}

let nextPosition = 1000;

/** An event as the store would hand it to a projector, for given-events / then-row projector specs. Positions increase call by call. */
export function storedEvent<P extends object>(definition: EventDefinition<P>, data: P, userId: string | null = null): StoredEvent {
  nextPosition += 1;
  return {
    id: randomUUID(),
    position: String(nextPosition),
    transactionId: String(100_000 + nextPosition),
    type: definition.type,
    action: definition.action,
    schemaVersion: definition.schemaVersion,
    streamType: definition.streamType,
    streamId: randomUUID(),
    streamVersion: 1,
    resourceType: definition.streamType,
    resourceId: null,
    data: data as Record<string, unknown>,
    userId,
    ipAddress: null,
    userAgent: null,
    requestId: null,
    createdAt: new Date(0),
  };
}
