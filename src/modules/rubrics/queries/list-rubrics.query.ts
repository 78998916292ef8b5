import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { offsetOf, type Page, toPage } from '../../../common/pagination.js';
import { Rubric } from '../rubric.entity.js';
import { type ListRubricsQueryDto, type RubricSummaryDto, toRubricSummary } from '../rubrics.dto.js';

/** Templates and the user's own rubrics (never deleted ones, never other teachers'). */
export class ListRubricsQuery extends Query<Page<RubricSummaryDto>> {
  constructor(
    readonly userId: string,
    readonly filters: ListRubricsQueryDto,
  ) {
    super();
  }
}

@QueryHandler(ListRubricsQuery)
export class ListRubricsHandler implements IQueryHandler<ListRubricsQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId, filters }: ListRubricsQuery): Promise<Page<RubricSummaryDto>> {
    const query = this.dataSource.getRepository(Rubric).createQueryBuilder('r').where('r.deletedAt IS NULL');
    if (filters.scope === 'templates') query.andWhere('r.isTemplate');
    else if (filters.scope === 'mine') query.andWhere('r.userId = :userId', { userId });
    else query.andWhere('(r.isTemplate OR r.userId = :userId)', { userId });
    if (filters.subject !== undefined) query.andWhere('lower(r.subject) = lower(:subject)', { subject: filters.subject });
    if (filters.gradeLevel !== undefined) query.andWhere('lower(r.gradeLevel) = lower(:gradeLevel)', { gradeLevel: filters.gradeLevel });
    if (filters.q !== undefined) {
      query.andWhere(`(to_tsvector('english', r.name) @@ plainto_tsquery('english', :q) OR r.name ILIKE :pattern)`, {
        q: filters.q,
        pattern: `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    }
    const [rubrics, total] = await query
      .orderBy('r.isTemplate', 'ASC')
      .addOrderBy('r.updatedAt', 'DESC')
      .addOrderBy('r.name', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .skip(offsetOf(filters))
      .take(filters.pageSize)
      .getManyAndCount();
    return toPage(rubrics.map(toRubricSummary), total, filters);
  }
}
