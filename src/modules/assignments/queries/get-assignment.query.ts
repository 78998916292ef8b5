import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { findOwnedAssignment } from '../assignments.access.js';
import { type AssignmentDto, toAssignmentDto } from '../assignments.dto.js';

/** One assignment of the viewer's classes. */
export class GetAssignmentQuery extends Query<AssignmentDto> {
  constructor(
    readonly viewerId: string,
    readonly assignmentId: string,
  ) {
    super();
  }
}

@QueryHandler(GetAssignmentQuery)
export class GetAssignmentHandler implements IQueryHandler<GetAssignmentQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewerId, assignmentId }: GetAssignmentQuery): Promise<AssignmentDto> {
    return toAssignmentDto(await findOwnedAssignment(this.dataSource.manager, viewerId, assignmentId));
  }
}
