import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { ValidationFailedError } from '../../../../libs/errors/domain-error.js';
import type { ActivityLogFilterQuery, ActivityLogItemDto, ActivityLogPageDto } from '../audit.dto.js';

export type ActivityLogFilters = Pick<ActivityLogFilterQuery, 'userId' | 'action' | 'resourceType' | 'resourceId' | 'from' | 'to'>;

/** A page of the activity log, newest first, for district admins (the route says so). */
export class GetActivityLogsQuery extends Query<ActivityLogPageDto> {
  constructor(
    readonly filters: ActivityLogFilters,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}

@QueryHandler(GetActivityLogsQuery)
export class GetActivityLogsHandler implements IQueryHandler<GetActivityLogsQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ filters, limit, cursor }: GetActivityLogsQuery): Promise<ActivityLogPageDto> {
    const where = activityLogWhere(filters);
    if (cursor !== undefined) where.add('a.position < $?::bigint', decodeCursor(cursor));
    const rows: ActivityLogItemRow[] = await this.dataSource.query(
      `SELECT ${ACTIVITY_LOG_ITEM_COLUMNS}
         FROM activity_logs a
        ${where.sql()}
        ORDER BY a.position DESC
        LIMIT ${limit + 1}`,
      where.params,
    );
    const items = rows.slice(0, limit).map(toActivityLogItem);
    const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1].position) : null;
    return { items, nextCursor };
  }
}

/** Collects SQL conditions with numbered parameters; `$?` in a condition is its parameter. */
export class SqlWhere {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  add(condition: string, value: unknown): void {
    this.params.push(value);
    this.clauses.push(condition.replace('$?', `$${this.params.length}`));
  }

  sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** The filters as SQL over `activity_logs a`; an empty time range is a 400 on `to`. */
export function activityLogWhere(filters: ActivityLogFilters): SqlWhere {
  const from = filters.from === undefined ? undefined : asTimestamp(filters.from);
  const to = filters.to === undefined ? undefined : asTimestamp(filters.to);
  if (from && to && Date.parse(from) > Date.parse(to)) {
    throw new ValidationFailedError('Invalid request: to must not be earlier than from', [{ field: 'to', message: 'to must not be earlier than from' }]);
  }
  const where = new SqlWhere();
  if (filters.userId !== undefined) where.add('a.user_id = $?::uuid', filters.userId);
  if (filters.action !== undefined) where.add('a.action = $?', filters.action);
  if (filters.resourceType !== undefined) where.add('a.resource_type = $?', filters.resourceType);
  if (filters.resourceId !== undefined) where.add('a.resource_id = $?::uuid', filters.resourceId);
  if (from !== undefined) where.add('a.created_at >= $?::timestamptz', from);
  if (to !== undefined) where.add('a.created_at < $?::timestamptz', to);
  return where;
}

/** A date alone means UTC midnight; a timestamp carries its own zone (the DTO requires one). */
function asTimestamp(value: string): string {
  return value.length === 10 ? `${value}T00:00:00Z` : value;
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** Cursors are opaque to clients: the base64url of the last position they saw. */
export function encodeCursor(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const position = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^[1-9]\d{0,18}$/.test(position) || BigInt(position) > MAX_BIGINT) {
    throw new ValidationFailedError('Invalid request: cursor is not a cursor this API returned', [{ field: 'cursor', message: 'cursor is not a cursor this API returned' }]);
  }
  return position;
}

const UTC_MICROSECONDS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

export const ACTIVITY_LOG_ITEM_COLUMNS = `a.position::text AS position, a.id, to_char(a.created_at AT TIME ZONE 'UTC', ${UTC_MICROSECONDS}) AS created_at,
  a.user_id, a.action, a.resource_type, a.resource_id, a.metadata, host(a.ip_address) AS ip_address, a.user_agent, a.request_id,
  a.event_type, a.stream_type, a.stream_id, a.stream_version,
  EXISTS (SELECT 1 FROM activity_log_chain c WHERE c.position = a.position) AS sealed`;

export interface ActivityLogItemRow {
  position: string;
  id: string;
  created_at: string;
  user_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  metadata: Record<string, unknown>;
  ip_address: string | null;
  user_agent: string | null;
  request_id: string | null;
  event_type: string;
  stream_type: string;
  stream_id: string;
  stream_version: number;
  sealed: boolean;
}

export function toActivityLogItem(row: ActivityLogItemRow): ActivityLogItemDto {
  return {
    position: row.position,
    id: row.id,
    createdAt: row.created_at,
    userId: row.user_id,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    metadata: row.metadata,
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    requestId: row.request_id,
    eventType: row.event_type,
    streamType: row.stream_type,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    sealed: row.sealed,
  };
}
