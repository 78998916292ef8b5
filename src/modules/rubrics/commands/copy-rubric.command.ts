import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { findVisibleRubric } from '../rubrics.access.js';
import type { RubricDto } from '../rubrics.dto.js';
import { presentCriteria, RUBRIC_LIMITS } from '../rubrics.rules.js';
import { insertRubric } from './create-rubric.command.js';

/** Copies a template or one of the teacher's own rubrics (its current version) into a new own rubric. */
export class CopyRubricCommand extends Command<RubricDto> {
  constructor(
    readonly actor: Actor,
    readonly sourceId: string,
    readonly name?: string,
  ) {
    super();
  }
}

@CommandHandler(CopyRubricCommand)
export class CopyRubricHandler implements ICommandHandler<CopyRubricCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, sourceId, name }: CopyRubricCommand): Promise<RubricDto> {
    return this.uow.run(actor, async (tx) => {
      const source = await findVisibleRubric(tx.manager, actor.userId!, sourceId);
      return insertRubric(tx, {
        ownerId: actor.userId!,
        name: name ?? `${source.name} (copy)`.slice(0, RUBRIC_LIMITS.nameLength),
        description: source.description,
        subject: source.subject,
        gradeLevel: source.gradeLevel,
        criteria: presentCriteria(source.criteria),
        maxPoints: source.maxPoints,
        copiedFromId: source.id,
      });
    });
  }
}
