import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { findOwnedAssignment } from '../submissions.access.js';
import type { IntakeProgressDto } from '../submissions.dto.js';

/** How far the assignment's uploads are from being ready for grading: pages rendered of all pages. */
export class GetIntakeProgressQuery extends Query<IntakeProgressDto> {
  constructor(
    readonly userId: string,
    readonly assignmentId: string,
  ) {
    super();
  }
}

@QueryHandler(GetIntakeProgressQuery)
export class GetIntakeProgressHandler implements IQueryHandler<GetIntakeProgressQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId, assignmentId }: GetIntakeProgressQuery): Promise<IntakeProgressDto> {
    await findOwnedAssignment(this.dataSource.manager, userId, assignmentId);
    const [row]: Array<{ submissions: number; ready: number; failed: number; pages_total: number; pages_rendered: number; pages_waiting: number }> = await this.dataSource.query(
      `WITH per_submission AS (
         SELECT s.id, s.status,
                count(p.id)::int AS pages, count(p.blob_key)::int AS rendered
           FROM submissions s LEFT JOIN submission_pages p ON p.submission_id = s.id
          WHERE s.assignment_id = $1
          GROUP BY s.id)
       SELECT count(*)::int AS submissions,
              count(*) FILTER (WHERE rendered = pages AND status <> 'error')::int AS ready,
              count(*) FILTER (WHERE status = 'error')::int AS failed,
              COALESCE(sum(pages), 0)::int AS pages_total,
              COALESCE(sum(rendered), 0)::int AS pages_rendered,
              COALESCE(sum(pages - rendered) FILTER (WHERE status <> 'error'), 0)::int AS pages_waiting
         FROM per_submission`,
      [assignmentId],
    );
    return {
      assignmentId,
      submissions: row.submissions,
      submissionsReady: row.ready,
      submissionsFailed: row.failed,
      pagesTotal: row.pages_total,
      pagesRendered: row.pages_rendered,
      complete: row.pages_waiting === 0,
    };
  }
}
