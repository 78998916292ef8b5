import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import type { StudentDto } from '../classes.dto.js';
import { StudentAdded } from '../classes.events.js';
import { ClassArchivedError, asDuplicateStudent } from '../classes.errors.js';
import { Student } from '../student.entity.js';
import { findOwnedClass } from '../queries/get-class.query.js';
import { toStudentDto } from '../queries/get-student.query.js';
import { assertUniqueInClass } from '../roster.writes.js';

export interface NewStudent {
  name: string;
  email?: string | null;
  studentId?: string | null;
}

/** Adds one student to a class roster. Email and student id must be unique in the class. */
export class AddStudentCommand extends Command<StudentDto> {
  constructor(
    readonly actor: Actor,
    readonly classId: string,
    readonly fields: NewStudent,
  ) {
    super();
  }
}

@CommandHandler(AddStudentCommand)
export class AddStudentHandler implements ICommandHandler<AddStudentCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute({ actor, classId, fields }: AddStudentCommand): Promise<StudentDto> {
    try {
      return await this.uow.run(actor, async (tx) => {
        const cls = await findOwnedClass(tx.manager, actor.userId, classId);
        if (cls.archivedAt) throw new ClassArchivedError();
        const values = { name: fields.name, email: fields.email ?? null, studentId: fields.studentId ?? null };
        await assertUniqueInClass(tx.manager, cls.id, values);
        const students = tx.manager.getRepository(Student);
        const id = randomUUID();
        await students.insert({ id, classId: cls.id, ...values, version: 1 });
        tx.record(StudentAdded, id, { studentId: id, classId: cls.id, ownerId: cls.userId, source: 'teacher' }, { expectedVersion: 0 });
        return toStudentDto(await students.findOneByOrFail({ id }));
      });
    } catch (error) {
      throw asDuplicateStudent(error);
    }
  }
}
