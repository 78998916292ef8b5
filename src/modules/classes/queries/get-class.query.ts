import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../../../../libs/errors/domain-error.js';
import type { ClassDto } from '../classes.dto.js';
import { SchoolClass } from '../school-class.entity.js';

/**
 * The one place that decides who reaches a class: its owner. Every other id, including another
 * teacher's class, is "not found", so ids of other people's classes cannot be probed.
 */
export async function findOwnedClass(manager: EntityManager, ownerId: string | null, classId: string, options: { lock?: boolean } = {}): Promise<SchoolClass> {
  const found = ownerId
    ? await manager.getRepository(SchoolClass).findOne({ where: { id: classId, userId: ownerId }, ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) })
    : null;
  if (!found) throw new NotFoundError('Class');
  return found;
}

export function toClassDto(cls: SchoolClass, studentCount: number): ClassDto {
  return {
    id: cls.id,
    name: cls.name,
    gradeLevel: cls.gradeLevel,
    subject: cls.subject,
    academicYear: cls.academicYear,
    schoolId: cls.schoolId,
    archivedAt: cls.archivedAt,
    version: cls.version,
    studentCount,
    createdAt: cls.createdAt,
    updatedAt: cls.updatedAt,
  };
}

/** The class as the API shows it, with its current student count. */
export async function classView(manager: EntityManager, cls: SchoolClass): Promise<ClassDto> {
  const [{ count }]: Array<{ count: number }> = await manager.query(`SELECT count(*)::int AS count FROM students WHERE class_id = $1`, [cls.id]);
  return toClassDto(cls, count);
}

export class GetClassQuery extends Query<ClassDto> {
  constructor(
    readonly viewerId: string,
    readonly classId: string,
  ) {
    super();
  }
}

@QueryHandler(GetClassQuery)
export class GetClassHandler implements IQueryHandler<GetClassQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewerId, classId }: GetClassQuery): Promise<ClassDto> {
    return classView(this.dataSource.manager, await findOwnedClass(this.dataSource.manager, viewerId, classId));
  }
}
