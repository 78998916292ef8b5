import type { StoredEvent } from './event.js';

/**
 * The activity_logs columns as every reader selects them (and as appendEvents returns them), so the
 * live write path, projection rebuilds and any other replay map the same row to the same event.
 * bigint and xid8 travel as text; the inet as its bare host address.
 */
export const STORED_EVENT_COLUMNS = `id, position::text AS position, transaction_id::text AS transaction_id, event_type, action, schema_version,
  stream_type, stream_id, stream_version, resource_type, resource_id, metadata, user_id, host(ip_address) AS ip_address,
  user_agent, request_id, created_at`;

/** One activity_logs row selected with STORED_EVENT_COLUMNS. */
export interface ActivityLogRow {
  id: string;
  position: string;
  transaction_id: string;
  event_type: string;
  action: string;
  schema_version: number;
  stream_type: string;
  stream_id: string;
  stream_version: number;
  resource_type: string | null;
  resource_id: string | null;
  metadata: Record<string, any>;
  user_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  request_id: string | null;
  created_at: Date;
}

export function toStoredEvent(row: ActivityLogRow): StoredEvent {
  return {
    id: row.id,
    position: row.position,
    transactionId: row.transaction_id,
    type: row.event_type,
    action: row.action,
    schemaVersion: row.schema_version,
    streamType: row.stream_type,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    data: row.metadata,
    userId: row.user_id,
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    requestId: row.request_id,
    createdAt: row.created_at,
  };
}
