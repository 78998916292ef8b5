import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError, DomainError } from '../../../../libs/errors/domain-error.js';
import { RubricVersion } from '../rubric-version.entity.js';
import { Rubric } from '../rubric.entity.js';
import { findEditableRubric } from '../rubrics.access.js';
import { type RubricDto, toRubricDto } from '../rubrics.dto.js';
import { RubricVersioned } from '../rubrics.events.js';
import { changedFields, type RubricFields, validCriteria } from '../rubrics.rules.js';
import { blankToNull } from './create-rubric.command.js';

export interface RubricPatch {
  name?: string;
  description?: string | null;
  subject?: string | null;
  gradeLevel?: string | null;
  /** Unchecked criteria from the request body; replaces the whole list. */
  criteria?: unknown;
}

/**
 * Edits a teacher's own rubric. The rubric is never changed in place: an edit that changes
 * anything writes version n+1 and moves the rubric to it; earlier versions stay as they were.
 */
export class UpdateRubricCommand extends Command<RubricDto> {
  constructor(
    readonly actor: Actor,
    readonly rubricId: string,
    readonly patch: RubricPatch,
    /** From If-Match: refuse the edit unless this is still the current version. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(UpdateRubricCommand)
export class UpdateRubricHandler implements ICommandHandler<UpdateRubricCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, rubricId, patch, expectedVersion }: UpdateRubricCommand): Promise<RubricDto> {
    const checked = patch.criteria === undefined ? undefined : validCriteria(patch.criteria);
    const next: Partial<RubricFields> = {
      name: patch.name,
      description: patch.description === undefined ? undefined : blankToNull(patch.description),
      subject: patch.subject === undefined ? undefined : blankToNull(patch.subject),
      gradeLevel: patch.gradeLevel === undefined ? undefined : blankToNull(patch.gradeLevel),
      criteria: checked?.criteria,
    };
    return this.uow.run(actor, async (tx) => {
      const rubrics = tx.manager.getRepository(Rubric);
      const versions = tx.manager.getRepository(RubricVersion);
      const rubric = await findEditableRubric(tx.manager, actor.userId!, rubricId);
      const fromVersion = rubric.currentVersion;
      if (expectedVersion !== undefined && expectedVersion !== fromVersion) {
        throw new DomainError('conflict', 'RUBRIC_VERSION_STALE', `This rubric is at version ${fromVersion}, not ${expectedVersion}; reload it and apply your changes again`);
      }

      const changed = changedFields(rubric, next);
      if (changed.length === 0) {
        const current = await versions.findOneByOrFail({ rubricId, version: fromVersion });
        return toRubricDto(rubric, current.id);
      }

      const content = {
        name: next.name ?? rubric.name,
        description: next.description === undefined ? rubric.description : next.description,
        subject: next.subject === undefined ? rubric.subject : next.subject,
        gradeLevel: next.gradeLevel === undefined ? rubric.gradeLevel : next.gradeLevel,
        criteria: checked?.criteria ?? rubric.criteria,
        maxPoints: checked?.maxPoints ?? rubric.maxPoints,
      };
      const toVersion = fromVersion + 1;
      // Only from the version read above: a concurrent edit that moved it first makes this a 409.
      const moved = await rubrics
        .createQueryBuilder()
        .update()
        .set({ ...content, currentVersion: toVersion })
        .where('id = :rubricId AND current_version = :fromVersion AND deleted_at IS NULL', { rubricId, fromVersion })
        .execute();
      if (moved.affected !== 1) throw new ConcurrencyError();
      const version = await versions.save({ ...content, rubricId, version: toVersion });

      tx.record(
        RubricVersioned,
        rubricId,
        { rubricId, ownerId: rubric.userId!, versionId: version.id, fromVersion, toVersion, changed, maxPoints: content.maxPoints },
        { expectedVersion: fromVersion },
      );
      return toRubricDto(await rubrics.findOneByOrFail({ id: rubricId }), version.id);
    });
  }
}
