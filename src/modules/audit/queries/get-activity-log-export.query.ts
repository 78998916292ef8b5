import { pipeline, Readable } from 'node:stream';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { stringify } from 'csv-stringify';
import { DataSource } from 'typeorm';
import { type ActivityLogFilters, activityLogWhere, type SqlWhere } from './get-activity-logs.query.js';

const BATCH_SIZE = 1000;

export const EXPORT_COLUMNS = [
  'position',
  'createdAt',
  'userId',
  'action',
  'resourceType',
  'resourceId',
  'eventType',
  'streamType',
  'streamId',
  'streamVersion',
  'metadata',
  'ipAddress',
  'userAgent',
  'requestId',
  'sealed',
] as const;

type ExportRecord = Record<(typeof EXPORT_COLUMNS)[number], string>;

/**
 * The filtered activity log as CSV, newest first, read in batches while the client downloads it,
 * so an export of the whole log never sits in memory. Cells that a spreadsheet would run as a
 * formula (= + - @, tab, carriage return) are prefixed with an apostrophe.
 */
export class GetActivityLogExportQuery extends Query<Readable> {
  constructor(readonly filters: ActivityLogFilters) {
    super();
  }
}

@QueryHandler(GetActivityLogExportQuery)
export class GetActivityLogExportHandler implements IQueryHandler<GetActivityLogExportQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ filters }: GetActivityLogExportQuery): Promise<Readable> {
    // Built before the first byte is sent, so bad filters still get a JSON 400.
    const where = activityLogWhere(filters);
    const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS], escape_formulas: true, bom: true });
    // pipeline destroys the reader (ending its generator) when the client goes away or a query fails.
    return pipeline(Readable.from(this.records(where)), csv, () => undefined);
  }

  private async *records(where: SqlWhere): AsyncGenerator<ExportRecord> {
    let before: string | undefined;
    for (;;) {
      const params = [...where.params, before ?? null];
      const positionBound = `($${params.length}::bigint IS NULL OR a.position < $${params.length}::bigint)`;
      const rows: ExportRow[] = await this.dataSource.query(
        `SELECT a.position::text AS position, to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
                a.user_id, a.action, a.resource_type, a.resource_id, a.event_type, a.stream_type, a.stream_id, a.stream_version::text AS stream_version,
                a.metadata::text AS metadata, host(a.ip_address) AS ip_address, a.user_agent, a.request_id,
                EXISTS (SELECT 1 FROM activity_log_chain c WHERE c.position = a.position) AS sealed
           FROM activity_logs a
          ${where.sql() ? `${where.sql()} AND ${positionBound}` : `WHERE ${positionBound}`}
          ORDER BY a.position DESC
          LIMIT ${BATCH_SIZE}`,
        params,
      );
      for (const row of rows) yield toRecord(row);
      if (rows.length < BATCH_SIZE) return;
      before = rows[rows.length - 1].position;
    }
  }
}

interface ExportRow {
  position: string;
  created_at: string;
  user_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  event_type: string;
  stream_type: string;
  stream_id: string;
  stream_version: string;
  metadata: string;
  ip_address: string | null;
  user_agent: string | null;
  request_id: string | null;
  sealed: boolean;
}

function toRecord(row: ExportRow): ExportRecord {
  return {
    position: row.position,
    createdAt: row.created_at,
    userId: row.user_id ?? '',
    action: row.action,
    resourceType: row.resource_type ?? '',
    resourceId: row.resource_id ?? '',
    eventType: row.event_type,
    streamType: row.stream_type,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    metadata: row.metadata,
    ipAddress: row.ip_address ?? '',
    userAgent: row.user_agent ?? '',
    requestId: row.request_id ?? '',
    sealed: row.sealed ? 'true' : 'false',
  };
}
