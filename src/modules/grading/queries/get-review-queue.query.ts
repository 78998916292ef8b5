import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { Actor } from '../../../../libs/event-store/event.js';
import { offsetOf, type PageQuery } from '../../../common/pagination.js';
import type { ReviewQueueItemDto, ReviewQueuePageDto } from '../ai-grading.dto.js';
import { findGradedAssignment } from '../grading.access.js';

/**
 * The teacher's review queue: the assignment's AI proposals not yet approved, flagged first (a
 * teacher must look at those one by one), then the least confident, then in upload order.
 */
export class GetReviewQueueQuery extends Query<ReviewQueuePageDto> {
  constructor(
    readonly viewer: Actor,
    readonly assignmentId: string,
    readonly page: PageQuery,
  ) {
    super();
  }
}

interface Row {
  submission_id: string;
  grade_id: string;
  grade_version: number;
  student_id: string | null;
  student_name: string | null;
  status: string;
  ai_confidence: string | null;
  flags: string[];
  total_score: string;
  max_score: string;
  percentage: string;
  has_thumbnail: boolean;
  total: number;
  flagged: number;
}

@QueryHandler(GetReviewQueueQuery)
export class GetReviewQueueHandler implements IQueryHandler<GetReviewQueueQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewer, assignmentId, page }: GetReviewQueueQuery): Promise<ReviewQueuePageDto> {
    await findGradedAssignment(this.dataSource.manager, viewer, assignmentId);
    const rows: Row[] = await this.dataSource.query(
      `SELECT s.id AS submission_id, g.id AS grade_id, g.version AS grade_version, s.student_id, COALESCE(st.name, s.student_name) AS student_name, s.status,
              g.ai_confidence, g.flags, g.total_score, g.max_score, g.percentage, s.image_thumbnail_url IS NOT NULL AS has_thumbnail,
              count(*) OVER ()::int AS total, (count(*) FILTER (WHERE cardinality(g.flags) > 0) OVER ())::int AS flagged
         FROM submissions s
         JOIN grades g ON g.submission_id = s.id AND g.source = 'ai' AND NOT g.teacher_approved
         LEFT JOIN students st ON st.id = s.student_id
        WHERE s.assignment_id = $1 AND s.status = 'graded'
        ORDER BY cardinality(g.flags) > 0 DESC, g.ai_confidence ASC NULLS FIRST, s.submitted_at, s.upload_position, s.id
        LIMIT $2 OFFSET $3`,
      [assignmentId, page.pageSize, offsetOf(page)],
    );
    let total = rows[0]?.total;
    let flagged = rows[0]?.flagged;
    if (total === undefined) {
      // A page past the end: count without rows to read it from.
      const [counts]: Array<{ total: number; flagged: number }> = await this.dataSource.query(
        `SELECT count(*)::int AS total, (count(*) FILTER (WHERE cardinality(g.flags) > 0))::int AS flagged
           FROM submissions s JOIN grades g ON g.submission_id = s.id AND g.source = 'ai' AND NOT g.teacher_approved
          WHERE s.assignment_id = $1 AND s.status = 'graded'`,
        [assignmentId],
      );
      total = counts.total;
      flagged = counts.flagged;
    }
    return { items: rows.map(toItem), page: page.page, pageSize: page.pageSize, total, flagged: flagged ?? 0 };
  }
}

function toItem(row: Row): ReviewQueueItemDto {
  return {
    submissionId: row.submission_id,
    gradeId: row.grade_id,
    gradeVersion: row.grade_version,
    student: { id: row.student_id, name: row.student_name },
    status: row.status,
    confidence: row.ai_confidence === null ? null : Number(row.ai_confidence),
    flags: row.flags,
    totalScore: Number(row.total_score),
    maxScore: Number(row.max_score),
    percentage: Number(row.percentage),
    thumbnailUrl: row.has_thumbnail ? `/api/submissions/${row.submission_id}/thumbnail` : null,
  };
}
