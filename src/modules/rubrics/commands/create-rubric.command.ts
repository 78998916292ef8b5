import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { type Transaction, UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { RubricVersion } from '../rubric-version.entity.js';
import { Rubric } from '../rubric.entity.js';
import { type RubricDto, toRubricDto } from '../rubrics.dto.js';
import { RubricCreated, type RubricCriterion } from '../rubrics.events.js';
import { validCriteria } from '../rubrics.rules.js';

export interface NewRubricInput {
  name: string;
  description?: string | null;
  subject?: string | null;
  gradeLevel?: string | null;
  /** Unchecked criteria from the request body. */
  criteria: unknown;
}

/** Creates a teacher's own rubric at version 1. */
export class CreateRubricCommand extends Command<RubricDto> {
  constructor(
    readonly actor: Actor,
    readonly input: NewRubricInput,
  ) {
    super();
  }
}

@CommandHandler(CreateRubricCommand)
export class CreateRubricHandler implements ICommandHandler<CreateRubricCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, input }: CreateRubricCommand): Promise<RubricDto> {
    const { criteria, maxPoints } = validCriteria(input.criteria);
    return this.uow.run(actor, (tx) =>
      insertRubric(tx, {
        ownerId: actor.userId!,
        name: input.name,
        description: blankToNull(input.description),
        subject: blankToNull(input.subject),
        gradeLevel: blankToNull(input.gradeLevel),
        criteria,
        maxPoints,
        copiedFromId: null,
      }),
    );
  }
}

/** Writes a new own rubric with its version 1 snapshot and records RubricCreated (create and copy). */
export async function insertRubric(
  tx: Transaction,
  fields: { ownerId: string; name: string; description: string | null; subject: string | null; gradeLevel: string | null; criteria: RubricCriterion[]; maxPoints: number; copiedFromId: string | null },
): Promise<RubricDto> {
  const { ownerId, copiedFromId, ...content } = fields;
  const rubric = await tx.manager.getRepository(Rubric).save({ ...content, userId: ownerId, isTemplate: false, currentVersion: 1, copiedFromId });
  const version = await tx.manager.getRepository(RubricVersion).save({ ...content, rubricId: rubric.id, version: 1 });
  tx.record(
    RubricCreated,
    rubric.id,
    {
      rubricId: rubric.id,
      ownerId,
      versionId: version.id,
      version: 1,
      copiedFromId,
      criterionIds: content.criteria.map((criterion) => criterion.id),
      maxPoints: content.maxPoints,
    },
    { expectedVersion: 0 },
  );
  return toRubricDto(rubric as Rubric, version.id);
}

/** Optional text fields: an empty or blank string means "none". */
export function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
}
