import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const TIMESTAMP_MESSAGE = '$property must be an ISO 8601 timestamp with a time zone (2026-01-31T08:00:00Z) or a date (2026-01-31, read as UTC midnight)';

/** Filters shared by the activity log list and its CSV export. All are optional and combine with AND. */
export class ActivityLogFilterQuery {
  /** Only events done by this user. */
  @IsOptional()
  @IsUUID('all')
  userId?: string;

  /** Only this action, for example `user.login` or `grade.approve`. */
  @IsOptional()
  @Matches(/^[a-z_]+(\.[a-z_]+)+$/, { message: '$property must be a dotted action name such as user.login' })
  @MaxLength(100)
  action?: string;

  /** Only events about this kind of resource, for example `class` or `grade`. */
  @IsOptional()
  @Matches(/^[a-z_]+$/, { message: '$property must be a resource type such as class or grade' })
  @MaxLength(64)
  resourceType?: string;

  /** Only events about this resource. */
  @IsOptional()
  @IsUUID('all')
  resourceId?: string;

  /** Events at or after this time. */
  @ApiPropertyOptional({ example: '2026-09-01T00:00:00Z' })
  @IsOptional()
  @Matches(TIMESTAMP, { message: TIMESTAMP_MESSAGE })
  @IsISO8601({ strict: true }, { message: '$property is not a valid date or time' })
  from?: string;

  /** Events before this time (exclusive). */
  @ApiPropertyOptional({ example: '2026-10-01T00:00:00Z' })
  @IsOptional()
  @Matches(TIMESTAMP, { message: TIMESTAMP_MESSAGE })
  @IsISO8601({ strict: true }, { message: '$property is not a valid date or time' })
  to?: string;
}

export class ActivityLogPageQuery extends ActivityLogFilterQuery {
  /** Items per page, newest first. */
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  /** `nextCursor` of the previous page; absent for the first page. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;
}

/** One event of the activity log. Metadata holds ids and changed values, never personal data. */
export class ActivityLogItemDto {
  /** Global position in the log (a bigint, as a string). */
  position: string;
  id: string;
  /** UTC, with microseconds. */
  createdAt: string;
  /** Who did it; null for the system. */
  userId: string | null;
  /** Dotted action name, for example `grade.approve`. */
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata: Record<string, unknown>;
  ipAddress: string | null;
  userAgent: string | null;
  /** The request that recorded it (X-Request-Id). */
  requestId: string | null;
  /** Stable event type, for example `GradeApproved`. */
  eventType: string;
  streamType: string;
  streamId: string;
  streamVersion: number;
  /** Covered by the integrity chain yet (sealing follows the writers within about a second). */
  sealed: boolean;
}

export class ActivityLogPageDto {
  items: ActivityLogItemDto[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** The result of recomputing the activity log's hash chain. */
export class AuditVerificationDto {
  /** True when every sealed event matches the chain and no event escaped it. */
  ok: boolean;
  /** Sealed events whose hash was recomputed and matched. */
  checkedEvents: number;
  /** Position of the last sealed event (the chain runs in transaction order, then position); null before anything is sealed. */
  sealedThroughPosition: string | null;
  /** The first position, in chain order, that does not verify. */
  firstBadPosition: string | null;
  @ApiProperty({ enum: ['event_changed', 'event_missing', 'chain_altered', 'event_unchained'], nullable: true })
  problem: 'event_changed' | 'event_missing' | 'chain_altered' | 'event_unchained' | null;
  /** What is wrong, in words; null when the log is intact. */
  reason: string | null;
  /** Events not sealed yet: committed while verification ran, or behind a transaction still running. */
  unsealedEvents: number;
}
