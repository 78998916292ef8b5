import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError } from '../../../../libs/errors/domain-error.js';
import type { StudentDto } from '../classes.dto.js';
import { StudentUpdated } from '../classes.events.js';
import { ClassArchivedError, VersionMismatchError, asDuplicateStudent } from '../classes.errors.js';
import { Student } from '../student.entity.js';
import { findOwnedStudent, toStudentDto } from '../queries/get-student.query.js';
import { assertUniqueInClass } from '../roster.writes.js';

export interface StudentChanges {
  name?: string;
  email?: string | null;
  studentId?: string | null;
}

/** Corrects a student's name, email or student id. The event names the changed fields, never their values. */
export class UpdateStudentCommand extends Command<StudentDto> {
  constructor(
    readonly actor: Actor,
    readonly studentId: string,
    readonly changes: StudentChanges,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(UpdateStudentCommand)
export class UpdateStudentHandler implements ICommandHandler<UpdateStudentCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute({ actor, studentId, changes, expectedVersion }: UpdateStudentCommand): Promise<StudentDto> {
    try {
      return await this.uow.run(actor, async (tx) => {
        const { student, cls } = await findOwnedStudent(tx.manager, actor.userId, studentId);
        if (cls.archivedAt) throw new ClassArchivedError();
        if (expectedVersion !== undefined && expectedVersion !== student.version) throw new VersionMismatchError('student', student.version, expectedVersion);
        const changed = (Object.keys(changes) as Array<keyof StudentChanges>).filter((field) => changes[field] !== undefined && changes[field] !== student[field]);
        if (changed.length === 0) return toStudentDto(student);

        const next = Object.fromEntries(changed.map((field) => [field, changes[field]]));
        await assertUniqueInClass(tx.manager, cls.id, next, student.id);
        const students = tx.manager.getRepository(Student);
        const result = await students.update({ id: student.id, version: student.version }, { ...next, version: student.version + 1 });
        if (!result.affected) throw new ConcurrencyError();
        tx.record(StudentUpdated, student.id, { studentId: student.id, classId: cls.id, ownerId: cls.userId, changedFields: changed }, { expectedVersion: student.version });
        return toStudentDto(await students.findOneByOrFail({ id: student.id }));
      });
    } catch (error) {
      throw asDuplicateStudent(error);
    }
  }
}
