import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError } from '../../../../libs/errors/domain-error.js';
import type { ClassDto } from '../classes.dto.js';
import { ClassUpdated, type ClassFields } from '../classes.events.js';
import { ClassArchivedError, VersionMismatchError } from '../classes.errors.js';
import { classChanges } from '../classes.rules.js';
import { SchoolClass } from '../school-class.entity.js';
import { classView, findOwnedClass } from '../queries/get-class.query.js';

/** Renames or edits a class. Only fields that really change are written and recorded. */
export class UpdateClassCommand extends Command<ClassDto> {
  constructor(
    readonly actor: Actor,
    readonly classId: string,
    readonly fields: Omit<ClassFields, 'schoolId'>,
    /** The version the client read (If-Match), when it sent one. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(UpdateClassCommand)
export class UpdateClassHandler implements ICommandHandler<UpdateClassCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, classId, fields, expectedVersion }: UpdateClassCommand): Promise<ClassDto> {
    return this.uow.run(actor, async (tx) => {
      const cls = await findOwnedClass(tx.manager, actor.userId, classId);
      if (cls.archivedAt) throw new ClassArchivedError();
      if (expectedVersion !== undefined && expectedVersion !== cls.version) throw new VersionMismatchError('class', cls.version, expectedVersion);
      const changes = classChanges(cls, fields);
      if (Object.keys(changes).length === 0) return classView(tx.manager, cls);

      // The version read above is the one this edit is based on: a concurrent edit that committed
      // in between makes this update match no row, and this request a 409.
      const classes = tx.manager.getRepository(SchoolClass);
      const result = await classes.update({ id: cls.id, version: cls.version }, { ...changes, version: cls.version + 1 });
      if (!result.affected) throw new ConcurrencyError();
      tx.record(ClassUpdated, cls.id, { classId: cls.id, ownerId: cls.userId, changes }, { expectedVersion: cls.version });
      return classView(tx.manager, await classes.findOneByOrFail({ id: cls.id }));
    });
  }
}
