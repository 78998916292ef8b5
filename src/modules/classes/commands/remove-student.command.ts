import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError } from '../../../../libs/errors/domain-error.js';
import { StudentRemoved } from '../classes.events.js';
import { ClassArchivedError, VersionMismatchError } from '../classes.errors.js';
import { Student } from '../student.entity.js';
import { findOwnedStudent } from '../queries/get-student.query.js';

/** Removes a student from the roster (the row is deleted; the log keeps only ids). */
export class RemoveStudentCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly studentId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(RemoveStudentCommand)
export class RemoveStudentHandler implements ICommandHandler<RemoveStudentCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, studentId, expectedVersion }: RemoveStudentCommand): Promise<void> {
    return this.uow.run(actor, async (tx) => {
      const { student, cls } = await findOwnedStudent(tx.manager, actor.userId, studentId);
      if (cls.archivedAt) throw new ClassArchivedError();
      if (expectedVersion !== undefined && expectedVersion !== student.version) throw new VersionMismatchError('student', student.version, expectedVersion);
      const result = await tx.manager.getRepository(Student).delete({ id: student.id, version: student.version });
      if (!result.affected) throw new ConcurrencyError();
      tx.record(StudentRemoved, student.id, { studentId: student.id, classId: cls.id, ownerId: cls.userId }, { expectedVersion: student.version });
    });
  }
}
