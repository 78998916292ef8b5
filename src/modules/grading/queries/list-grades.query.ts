import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { Actor } from '../../../../libs/event-store/event.js';
import { offsetOf, type Page, toPage } from '../../../common/pagination.js';
import { Grade } from '../grade.entity.js';
import { findGradedAssignment } from '../grading.access.js';
import { type GradeDto, type ListGradesQueryDto, toGradeDto } from '../grading.dto.js';

/** The grades of one of the viewer's assignments, in submission order (oldest first). */
export class ListGradesQuery extends Query<Page<GradeDto>> {
  constructor(
    readonly viewer: Actor,
    readonly assignmentId: string,
    readonly filters: ListGradesQueryDto,
  ) {
    super();
  }
}

@QueryHandler(ListGradesQuery)
export class ListGradesHandler implements IQueryHandler<ListGradesQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewer, assignmentId, filters }: ListGradesQuery): Promise<Page<GradeDto>> {
    await findGradedAssignment(this.dataSource.manager, viewer, assignmentId);
    const query = this.dataSource
      .getRepository(Grade)
      .createQueryBuilder('g')
      .innerJoin('submissions', 's', 's.id = g.submission_id')
      .where('s.assignment_id = :assignmentId', { assignmentId });
    if (filters.teacherApproved !== undefined) query.andWhere('g.teacherApproved = :approved', { approved: filters.teacherApproved });
    const [grades, total] = await query
      .orderBy('s.submitted_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      // offset/limit, not skip/take: no relation is joined, and skip/take cannot order by the plain submissions join.
      .offset(offsetOf(filters))
      .limit(filters.pageSize)
      .getManyAndCount();
    return toPage(grades.map(toGradeDto), total, filters);
  }
}
