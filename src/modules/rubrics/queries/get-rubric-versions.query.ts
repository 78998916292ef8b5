import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { RubricVersion } from '../rubric-version.entity.js';
import { findVisibleRubric } from '../rubrics.access.js';
import { type RubricVersionListDto, toRubricVersionSummary } from '../rubrics.dto.js';

/**
 * Versions stay readable by the owner after the rubric is deleted: grades scored with them must
 * remain explainable (appeals see the rubric actually used).
 */
export class GetRubricVersionsQuery extends Query<RubricVersionListDto> {
  constructor(
    readonly userId: string,
    readonly rubricId: string,
  ) {
    super();
  }
}

@QueryHandler(GetRubricVersionsQuery)
export class GetRubricVersionsHandler implements IQueryHandler<GetRubricVersionsQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId, rubricId }: GetRubricVersionsQuery): Promise<RubricVersionListDto> {
    const rubric = await findVisibleRubric(this.dataSource.manager, userId, rubricId, { includeDeleted: true });
    const versions = await this.dataSource.getRepository(RubricVersion).find({ where: { rubricId }, order: { version: 'ASC' } });
    return { rubricId, currentVersion: rubric.currentVersion, items: versions.map(toRubricVersionSummary) };
  }
}
