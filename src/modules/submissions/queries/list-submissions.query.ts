import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { offsetOf, type Page, toPage } from '../../../common/pagination.js';
import { findOwnedAssignment } from '../submissions.access.js';
import { type ListSubmissionsQueryDto, SUBMISSION_SELECT, type SubmissionDto, type SubmissionRow, toSubmissionDto } from '../submissions.dto.js';
import type { MatchStatus } from '../submissions.events.js';

/** An assignment's submissions in upload order, optionally one grading status and some match statuses. */
export class ListSubmissionsQuery extends Query<Page<SubmissionDto>> {
  constructor(
    readonly userId: string,
    readonly assignmentId: string,
    readonly filters: ListSubmissionsQueryDto,
    /** The matching queue passes ['unmatched', 'ambiguous']. */
    readonly matchStatuses?: MatchStatus[],
  ) {
    super();
  }
}

@QueryHandler(ListSubmissionsQuery)
export class ListSubmissionsHandler implements IQueryHandler<ListSubmissionsQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId, assignmentId, filters, matchStatuses }: ListSubmissionsQuery): Promise<Page<SubmissionDto>> {
    await findOwnedAssignment(this.dataSource.manager, userId, assignmentId);
    const matches = matchStatuses ?? (filters.match ? [filters.match] : null);
    const where = `WHERE s.assignment_id = $1 AND ($2::text IS NULL OR s.status = $2) AND ($3::text[] IS NULL OR s.match_status = ANY($3))`;
    const params = [assignmentId, filters.status ?? null, matches];
    const [{ total }]: Array<{ total: number }> = await this.dataSource.query(`SELECT count(*)::int AS total FROM submissions s ${where}`, params);
    const rows: SubmissionRow[] = await this.dataSource.query(`${SUBMISSION_SELECT} ${where} ORDER BY s.submitted_at, s.upload_position, s.id LIMIT $4 OFFSET $5`, [
      ...params,
      filters.pageSize,
      offsetOf(filters),
    ]);
    return toPage(rows.map(toSubmissionDto), total, filters);
  }
}
