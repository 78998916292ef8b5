import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { RubricVersion } from '../rubric-version.entity.js';
import { findVisibleRubric } from '../rubrics.access.js';
import { type RubricDto, toRubricDto } from '../rubrics.dto.js';

/** A template or one of the user's own rubrics, at its current version. */
export class GetRubricQuery extends Query<RubricDto> {
  constructor(
    readonly userId: string,
    readonly rubricId: string,
  ) {
    super();
  }
}

@QueryHandler(GetRubricQuery)
export class GetRubricHandler implements IQueryHandler<GetRubricQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId, rubricId }: GetRubricQuery): Promise<RubricDto> {
    const rubric = await findVisibleRubric(this.dataSource.manager, userId, rubricId);
    const current = await this.dataSource.getRepository(RubricVersion).findOneByOrFail({ rubricId, version: rubric.currentVersion });
    return toRubricDto(rubric, current.id);
  }
}
