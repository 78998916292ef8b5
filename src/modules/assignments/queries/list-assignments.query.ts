import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { offsetOf, type Page, toPage } from '../../../common/pagination.js';
import { findOwnedClass, ownedAssignments, withAccess } from '../assignments.access.js';
import { type AssignmentDto, type ListAssignmentsQueryDto, toAssignmentDto } from '../assignments.dto.js';

/** The assignments of one of the viewer's classes (archived classes too), newest first. */
export class ListAssignmentsQuery extends Query<Page<AssignmentDto>> {
  constructor(
    readonly viewerId: string,
    readonly classId: string,
    readonly filters: ListAssignmentsQueryDto,
  ) {
    super();
  }
}

@QueryHandler(ListAssignmentsQuery)
export class ListAssignmentsHandler implements IQueryHandler<ListAssignmentsQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewerId, classId, filters }: ListAssignmentsQuery): Promise<Page<AssignmentDto>> {
    const manager = this.dataSource.manager;
    await findOwnedClass(manager, viewerId, classId);
    const query = ownedAssignments(manager, viewerId).where('a.classId = :classId', { classId });
    if (filters.status !== undefined) query.andWhere('a.status = :status', { status: filters.status });
    const total = await query.getCount();
    const page = await query.orderBy('a.createdAt', 'DESC').addOrderBy('a.id', 'DESC').offset(offsetOf(filters)).limit(filters.pageSize).getRawAndEntities();
    return toPage(withAccess(page).map(toAssignmentDto), total, filters);
  }
}
