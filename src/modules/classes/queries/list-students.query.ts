import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { offsetOf, type Page, toPage } from '../../../common/pagination.js';
import type { ListStudentsParams, StudentDto } from '../classes.dto.js';
import { Student } from '../student.entity.js';
import { findOwnedClass } from './get-class.query.js';
import { toStudentDto } from './get-student.query.js';

/** A class roster by name, optionally filtered by part of the name. */
export class ListStudentsQuery extends Query<Page<StudentDto>> {
  constructor(
    readonly viewerId: string,
    readonly classId: string,
    readonly params: ListStudentsParams,
  ) {
    super();
  }
}

@QueryHandler(ListStudentsQuery)
export class ListStudentsHandler implements IQueryHandler<ListStudentsQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewerId, classId, params }: ListStudentsQuery): Promise<Page<StudentDto>> {
    await findOwnedClass(this.dataSource.manager, viewerId, classId);
    const builder = this.dataSource.getRepository(Student).createQueryBuilder('s').where('s.classId = :classId', { classId });
    const search = params.q?.trim();
    if (search) builder.andWhere(`s.name ILIKE :pattern ESCAPE '\\'`, { pattern: `%${search.replace(/[\\%_]/g, '\\$&')}%` });
    const [students, total] = await builder.orderBy('s.name').addOrderBy('s.id').offset(offsetOf(params)).limit(params.pageSize).getManyAndCount();
    return toPage(students.map(toStudentDto), total, params);
  }
}
