import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../../../libs/errors/domain-error.js';
import { RubricVersion } from '../rubric-version.entity.js';
import { findVisibleRubric } from '../rubrics.access.js';
import { type RubricVersionDto, toRubricVersionDto } from '../rubrics.dto.js';

/** One exact snapshot, as graded work saw it; readable by the owner after the rubric is deleted. */
export class GetRubricVersionQuery extends Query<RubricVersionDto> {
  constructor(
    readonly userId: string,
    readonly rubricId: string,
    readonly version: number,
  ) {
    super();
  }
}

@QueryHandler(GetRubricVersionQuery)
export class GetRubricVersionHandler implements IQueryHandler<GetRubricVersionQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId, rubricId, version }: GetRubricVersionQuery): Promise<RubricVersionDto> {
    await findVisibleRubric(this.dataSource.manager, userId, rubricId, { includeDeleted: true });
    const snapshot = await this.dataSource.getRepository(RubricVersion).findOneBy({ rubricId, version });
    if (!snapshot) throw new NotFoundError(`Version ${version} of this rubric`);
    return toRubricVersionDto(snapshot);
  }
}
