import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../../../../libs/errors/domain-error.js';
import type { StudentDto } from '../classes.dto.js';
import { SchoolClass } from '../school-class.entity.js';
import { Student } from '../student.entity.js';

/** A student is reached through their class: only the class owner finds them; for anyone else they do not exist. */
export async function findOwnedStudent(manager: EntityManager, ownerId: string | null, studentId: string): Promise<{ student: Student; cls: SchoolClass }> {
  const student = ownerId ? await manager.getRepository(Student).findOneBy({ id: studentId }) : null;
  const cls = student ? await manager.getRepository(SchoolClass).findOneBy({ id: student.classId, userId: ownerId! }) : null;
  if (!student || !cls) throw new NotFoundError('Student');
  return { student, cls };
}

export function toStudentDto(student: Student): StudentDto {
  return {
    id: student.id,
    classId: student.classId,
    name: student.name,
    email: student.email,
    studentId: student.studentId,
    version: student.version,
    createdAt: student.createdAt,
    updatedAt: student.updatedAt,
  };
}

export class GetStudentQuery extends Query<StudentDto> {
  constructor(
    readonly viewerId: string,
    readonly studentId: string,
  ) {
    super();
  }
}

@QueryHandler(GetStudentQuery)
export class GetStudentHandler implements IQueryHandler<GetStudentQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewerId, studentId }: GetStudentQuery): Promise<StudentDto> {
    const { student } = await findOwnedStudent(this.dataSource.manager, viewerId, studentId);
    return toStudentDto(student);
  }
}
