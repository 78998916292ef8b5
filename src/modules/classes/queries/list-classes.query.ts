import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { offsetOf, type Page, toPage } from '../../../common/pagination.js';
import type { ClassDto, ListClassesParams } from '../classes.dto.js';
import { SchoolClass } from '../school-class.entity.js';
import { toClassDto } from './get-class.query.js';

/** The viewer's own classes by name; archived ones only when asked for. */
export class ListClassesQuery extends Query<Page<ClassDto>> {
  constructor(
    readonly viewerId: string,
    readonly params: ListClassesParams,
  ) {
    super();
  }
}

@QueryHandler(ListClassesQuery)
export class ListClassesHandler implements IQueryHandler<ListClassesQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewerId, params }: ListClassesQuery): Promise<Page<ClassDto>> {
    const builder = this.dataSource.getRepository(SchoolClass).createQueryBuilder('c').where('c.userId = :viewerId', { viewerId });
    if (!params.includeArchived) builder.andWhere('c.archivedAt IS NULL');
    const [classes, total] = await builder.orderBy('c.name').addOrderBy('c.id').offset(offsetOf(params)).limit(params.pageSize).getManyAndCount();
    const counts: Array<{ class_id: string; count: number }> = classes.length
      ? await this.dataSource.query(`SELECT class_id, count(*)::int AS count FROM students WHERE class_id = ANY($1::uuid[]) GROUP BY class_id`, [classes.map((c) => c.id)])
      : [];
    const countOf = new Map(counts.map((row) => [row.class_id, row.count]));
    return toPage(
      classes.map((cls) => toClassDto(cls, countOf.get(cls.id) ?? 0)),
      total,
      params,
    );
  }
}
