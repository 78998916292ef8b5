import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { gradeOf } from '../grade.writes.js';
import { findGradableSubmission } from '../grading.access.js';
import { type GradeDto, toGradeDto } from '../grading.dto.js';

/** The grade of one of the viewer's submissions (404 while it has none). */
export class GetGradeQuery extends Query<GradeDto> {
  constructor(
    readonly viewer: Actor,
    readonly submissionId: string,
  ) {
    super();
  }
}

@QueryHandler(GetGradeQuery)
export class GetGradeHandler implements IQueryHandler<GetGradeQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewer, submissionId }: GetGradeQuery): Promise<GradeDto> {
    await findGradableSubmission(this.dataSource.manager, viewer, submissionId);
    const grade = await gradeOf(this.dataSource.manager, submissionId);
    if (!grade) throw new NotFoundError('Grade');
    return toGradeDto(grade);
  }
}
