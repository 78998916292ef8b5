import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ValidationFailedError } from '../../../../libs/errors/domain-error.js';
import { Assignment } from '../assignment.entity.js';
import { findOwnedAssignment, findOwnedClass, pinCurrentRubricVersion } from '../assignments.access.js';
import { type AssignmentDto, toAssignmentDto } from '../assignments.dto.js';
import { AssignmentCreated, type GradingMode } from '../assignments.events.js';
import { ClassArchivedError } from '../assignments.errors.js';
import { gradingSourceProblems, validAnswerKey } from '../assignments.rules.js';

export interface NewAssignmentInput {
  title: string;
  instructions?: string | null;
  gradingMode: GradingMode;
  rubricId?: string | null;
  /** Unchecked answer key from the request body. */
  answerKeyData?: unknown;
  /** ISO 8601, already checked by the DTO. */
  dueDate?: string | null;
  autoApproveThreshold?: number | null;
}

/**
 * Creates a draft assignment in one of the teacher's own, not archived classes. Rubric mode pins
 * the rubric's current version, so later edits of the rubric never change how this work is graded.
 */
export class CreateAssignmentCommand extends Command<AssignmentDto> {
  constructor(
    readonly actor: Actor,
    readonly classId: string,
    readonly input: NewAssignmentInput,
  ) {
    super();
  }
}

@CommandHandler(CreateAssignmentCommand)
export class CreateAssignmentHandler implements ICommandHandler<CreateAssignmentCommand> {
  constructor(private readonly uow: UnitOfWork) {}

  execute({ actor, classId, input }: CreateAssignmentCommand): Promise<AssignmentDto> {
    const problems = gradingSourceProblems(input.gradingMode, input.rubricId, input.answerKeyData);
    if (problems.length > 0) throw new ValidationFailedError(`Invalid request: ${problems.map((p) => p.message).join('; ')}`, problems);
    const answerKey = input.gradingMode === 'answer_key' ? validAnswerKey(input.answerKeyData) : null;

    return this.uow.run(actor, async (tx) => {
      const cls = await findOwnedClass(tx.manager, actor.userId, classId, { lockForShare: true });
      if (cls.archived) throw new ClassArchivedError();
      const pinned = input.gradingMode === 'rubric' ? await pinCurrentRubricVersion(tx.manager, actor.userId!, input.rubricId!) : null;
      const dueDate = input.dueDate ? new Date(input.dueDate) : null;

      const saved = await tx.manager.getRepository(Assignment).save({
        classId,
        title: input.title,
        instructions: blankToNull(input.instructions),
        gradingMode: input.gradingMode,
        rubricId: pinned?.rubricId ?? null,
        rubricVersionId: pinned?.rubricVersionId ?? null,
        answerKeyData: answerKey,
        dueDate,
        status: 'draft',
        autoApproveThreshold: input.autoApproveThreshold ?? null,
        version: 1,
      });
      tx.record(
        AssignmentCreated,
        saved.id,
        {
          assignmentId: saved.id,
          classId,
          ownerId: cls.ownerId,
          gradingMode: input.gradingMode,
          rubricId: pinned?.rubricId ?? null,
          rubricVersionId: pinned?.rubricVersionId ?? null,
          dueDate: dueDate?.toISOString() ?? null,
        },
        { expectedVersion: 0 },
      );
      return toAssignmentDto(await findOwnedAssignment(tx.manager, actor.userId, saved.id));
    });
  }
}

/** Optional text: an empty or blank string means "none". */
export function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
}
