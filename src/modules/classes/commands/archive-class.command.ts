import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError } from '../../../../libs/errors/domain-error.js';
import { ClassArchived } from '../classes.events.js';
import { ClassArchivedError, VersionMismatchError } from '../classes.errors.js';
import { SchoolClass } from '../school-class.entity.js';
import { findOwnedClass } from '../queries/get-class.query.js';

/** Archives a class (soft delete): it leaves the class list and becomes read-only; its roster and history stay. */
export class ArchiveClassCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly classId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(ArchiveClassCommand)
export class ArchiveClassHandler implements ICommandHandler<ArchiveClassCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, classId, expectedVersion }: ArchiveClassCommand): Promise<void> {
    return this.uow.run(actor, async (tx) => {
      const cls = await findOwnedClass(tx.manager, actor.userId, classId);
      if (cls.archivedAt) throw new ClassArchivedError();
      if (expectedVersion !== undefined && expectedVersion !== cls.version) throw new VersionMismatchError('class', cls.version, expectedVersion);
      const result = await tx.manager
        .getRepository(SchoolClass)
        .update({ id: cls.id, version: cls.version }, { archivedAt: () => 'now()', version: cls.version + 1 });
      if (!result.affected) throw new ConcurrencyError();
      tx.record(ClassArchived, cls.id, { classId: cls.id, ownerId: cls.userId }, { expectedVersion: cls.version });
    });
  }
}
