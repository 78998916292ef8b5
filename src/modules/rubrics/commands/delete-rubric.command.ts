import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError } from '../../../../libs/errors/domain-error.js';
import { Rubric } from '../rubric.entity.js';
import { findEditableRubric } from '../rubrics.access.js';
import { RubricDeleted } from '../rubrics.events.js';

/**
 * Soft-deletes a teacher's own rubric: it leaves lists and can no longer be read, copied or
 * edited, while its versions stay for the grades and assignments that used them.
 */
export class DeleteRubricCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly rubricId: string,
  ) {
    super();
  }
}

@CommandHandler(DeleteRubricCommand)
export class DeleteRubricHandler implements ICommandHandler<DeleteRubricCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, rubricId }: DeleteRubricCommand): Promise<void> {
    return this.uow.run(actor, async (tx) => {
      const rubric = await findEditableRubric(tx.manager, actor.userId!, rubricId);
      const version = rubric.currentVersion;
      const deleted = await tx.manager
        .getRepository(Rubric)
        .createQueryBuilder()
        .update()
        .set({ deletedAt: () => 'now()' })
        .where('id = :rubricId AND current_version = :version AND deleted_at IS NULL', { rubricId, version })
        .execute();
      if (deleted.affected !== 1) throw new ConcurrencyError();
      tx.record(RubricDeleted, rubricId, { rubricId, ownerId: rubric.userId!, version }, { expectedVersion: version });
    });
  }
}
