import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth.decorators.js';
import { ActivityLogFilterQuery, type ActivityLogPageDto, ActivityLogPageQuery, type AuditVerificationDto } from './audit.dto.js';
import { GetActivityLogExportQuery } from './queries/get-activity-log-export.query.js';
import { GetActivityLogsQuery } from './queries/get-activity-logs.query.js';
import { GetAuditVerificationQuery } from './queries/get-audit-verification.query.js';

@ApiTags('audit')
@Roles('admin')
@Controller()
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * Seals pending events and recomputes the activity log's hash chain. `ok: false` names the first
   * position that does not verify and why (changed, deleted or inserted around the write path).
   */
  @Get('audit/verify')
  verify(): Promise<AuditVerificationDto> {
    return this.queries.execute(new GetAuditVerificationQuery());
  }

  /** The activity log, newest first, filtered and paged with an opaque cursor. */
  @Get('activity-logs')
  list(@Query() query: ActivityLogPageQuery): Promise<ActivityLogPageDto> {
    const { limit, cursor, ...filters } = query;
    return this.queries.execute(new GetActivityLogsQuery(filters, limit, cursor));
  }

  /** The filtered activity log as a CSV download (UTF-8 with BOM, newest first, streamed). */
  @Get('activity-logs/export.csv')
  @ApiProduces('text/csv')
  async export(@Query() filters: ActivityLogFilterQuery): Promise<StreamableFile> {
    const csv = await this.queries.execute(new GetActivityLogExportQuery(filters));
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    return new StreamableFile(csv, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="handmark-activity-log-${stamp}.csv"` });
  }
}
