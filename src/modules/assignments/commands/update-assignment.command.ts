import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError, ValidationFailedError } from '../../../../libs/errors/domain-error.js';
import { Assignment } from '../assignment.entity.js';
import { findOwnedAssignment, pinCurrentRubricVersion } from '../assignments.access.js';
import { type AssignmentDto, toAssignmentDto } from '../assignments.dto.js';
import { type AssignmentChangeValues, AssignmentUpdated } from '../assignments.events.js';
import { AssignmentArchivedError, AssignmentVersionMismatchError, ClassArchivedError, GradingSourceLockedError } from '../assignments.errors.js';
import { sameAnswerKey, validAnswerKey } from '../assignments.rules.js';
import { blankToNull } from './create-assignment.command.js';

export interface AssignmentPatch {
  title?: string;
  instructions?: string | null;
  dueDate?: string | null;
  rubricId?: string;
  /** Unchecked answer key from the request body; replaces the whole key. */
  answerKeyData?: unknown;
  autoApproveThreshold?: number | null;
}

/**
 * Edits an assignment. Title, instructions, due date and the auto-approve threshold change until
 * it is archived; the rubric (re-pinned at its current version) and the answer key only while it
 * is a draft. Only fields that really change are written and recorded.
 */
export class UpdateAssignmentCommand extends Command<AssignmentDto> {
  constructor(
    readonly actor: Actor,
    readonly assignmentId: string,
    readonly patch: AssignmentPatch,
    /** From If-Match: refuse the edit unless this is still the current version. */
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(UpdateAssignmentCommand)
export class UpdateAssignmentHandler implements ICommandHandler<UpdateAssignmentCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, assignmentId, patch, expectedVersion }: UpdateAssignmentCommand): Promise<AssignmentDto> {
    const answerKey = patch.answerKeyData === undefined ? undefined : validAnswerKey(patch.answerKeyData);
    return this.uow.run(actor, async (tx) => {
      const owned = await findOwnedAssignment(tx.manager, actor.userId, assignmentId);
      const current = owned.assignment;
      if (owned.classArchived) throw new ClassArchivedError();
      if (current.status === 'archived') throw new AssignmentArchivedError();
      if (expectedVersion !== undefined && expectedVersion !== current.version) throw new AssignmentVersionMismatchError(current.version, expectedVersion);
      if (patch.rubricId !== undefined && current.gradingMode !== 'rubric') throw modeMismatch('rubricId', 'rubric', current.gradingMode);
      if (answerKey !== undefined && current.gradingMode !== 'answer_key') throw modeMismatch('answerKeyData', 'answer_key', current.gradingMode);

      const changes: Partial<Assignment> = {};
      const changed: string[] = [];
      const values: AssignmentChangeValues = {};

      if (patch.title !== undefined && patch.title !== current.title) {
        changes.title = patch.title;
        changed.push('title');
      }
      const instructions = patch.instructions === undefined ? undefined : blankToNull(patch.instructions);
      if (instructions !== undefined && instructions !== current.instructions) {
        changes.instructions = instructions;
        changed.push('instructions');
      }
      const dueDate = patch.dueDate === undefined ? undefined : patch.dueDate === null ? null : new Date(patch.dueDate);
      if (dueDate !== undefined && dueDate?.getTime() !== current.dueDate?.getTime()) {
        changes.dueDate = dueDate;
        changed.push('dueDate');
        values.dueDate = dueDate?.toISOString() ?? null;
      }
      if (patch.rubricId !== undefined) {
        const pinned = await pinCurrentRubricVersion(tx.manager, actor.userId!, patch.rubricId);
        if (pinned.rubricVersionId !== current.rubricVersionId) {
          if (current.status !== 'draft') throw new GradingSourceLockedError('rubricId', current.status);
          if (pinned.rubricId !== current.rubricId) {
            changed.push('rubricId');
            values.rubricId = pinned.rubricId;
          }
          changed.push('rubricVersionId');
          values.rubricVersionId = pinned.rubricVersionId;
          changes.rubricId = pinned.rubricId;
          changes.rubricVersionId = pinned.rubricVersionId;
        }
      }
      if (answerKey !== undefined && !sameAnswerKey(answerKey, current.answerKeyData)) {
        if (current.status !== 'draft') throw new GradingSourceLockedError('answerKeyData', current.status);
        changes.answerKeyData = answerKey;
        changed.push('answerKeyData');
      }
      if (patch.autoApproveThreshold !== undefined && patch.autoApproveThreshold !== current.autoApproveThreshold) {
        changes.autoApproveThreshold = patch.autoApproveThreshold;
        changed.push('autoApproveThreshold');
        values.autoApproveThreshold = patch.autoApproveThreshold;
      }
      if (changed.length === 0) return toAssignmentDto(owned);

      // Only from the version read above: an edit that committed in between makes this a 409.
      const result = await tx.manager.getRepository(Assignment).update({ id: assignmentId, version: current.version }, { ...changes, version: current.version + 1 });
      if (!result.affected) throw new ConcurrencyError();
      tx.record(
        AssignmentUpdated,
        assignmentId,
        { assignmentId, classId: current.classId, ownerId: owned.ownerId, changed, values },
        { expectedVersion: current.version },
      );
      return toAssignmentDto(await findOwnedAssignment(tx.manager, actor.userId, assignmentId));
    });
  }
}

function modeMismatch(field: 'rubricId' | 'answerKeyData', mode: string, actual: string): ValidationFailedError {
  const message = `${field} is only for gradingMode ${mode}; this assignment is graded in ${actual} mode`;
  return new ValidationFailedError(`Invalid request: ${message}`, [{ field, message }]);
}
