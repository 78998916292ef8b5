import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { ConcurrencyError } from '../../../../libs/errors/domain-error.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { enqueuePendingAiGrading } from '../../grading/grading.events.js';
import { Assignment } from '../assignment.entity.js';
import { findOwnedAssignment } from '../assignments.access.js';
import { type AssignmentDto, toAssignmentDto } from '../assignments.dto.js';
import { AssignmentStatusChanged, type AssignmentStatus } from '../assignments.events.js';
import { AssignmentNotReadyError, AssignmentVersionMismatchError, ClassArchivedError, IllegalStatusTransitionError } from '../assignments.errors.js';
import { canTransition, checkAnswerKey, STATUS_TRANSITIONS } from '../assignments.rules.js';

/**
 * Moves an assignment along its lifecycle: draft → active → closed → archived, closed → active
 * (reopen) and draft → archived. Any other move answers 409 naming both statuses.
 */
export class ChangeAssignmentStatusCommand extends Command<AssignmentDto> {
  constructor(
    readonly actor: Actor,
    readonly assignmentId: string,
    readonly to: AssignmentStatus,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

@CommandHandler(ChangeAssignmentStatusCommand)
export class ChangeAssignmentStatusHandler implements ICommandHandler<ChangeAssignmentStatusCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ actor, assignmentId, to, expectedVersion }: ChangeAssignmentStatusCommand): Promise<AssignmentDto> {
    return this.uow.run(actor, async (tx) => {
      const owned = await findOwnedAssignment(tx.manager, actor.userId, assignmentId);
      const current = owned.assignment;
      const from = current.status;
      if (owned.classArchived) throw new ClassArchivedError();
      if (expectedVersion !== undefined && expectedVersion !== current.version) throw new AssignmentVersionMismatchError(current.version, expectedVersion);
      if (!canTransition(from, to)) throw new IllegalStatusTransitionError(from, to, STATUS_TRANSITIONS[from]);
      if (to === 'active') assertReadyToGrade(current);

      const changes: QueryDeepPartialEntity<Assignment> = { status: to, version: current.version + 1 };
      if (to === 'active') {
        changes.activatedAt = () => 'COALESCE(activated_at, now())';
        changes.closedAt = null;
      }
      if (to === 'closed') changes.closedAt = () => 'now()';
      const result = await tx.manager.getRepository(Assignment).update({ id: assignmentId, version: current.version }, changes);
      if (!result.affected) throw new ConcurrencyError();
      tx.record(
        AssignmentStatusChanged,
        assignmentId,
        { assignmentId, classId: current.classId, ownerId: owned.ownerId, from, to },
        { expectedVersion: current.version },
      );
      // Activating (or reopening) starts AI grading of the work already uploaded, in this transaction.
      if (to === 'active') await enqueuePendingAiGrading(this.jobs, this.config, tx, assignmentId);
      return toAssignmentDto(await findOwnedAssignment(tx.manager, actor.userId, assignmentId));
    });
  }
}

/** Work can only be graded against a pinned rubric version or a valid answer key. */
function assertReadyToGrade(assignment: Assignment): void {
  if (assignment.gradingMode === 'rubric') {
    if (!assignment.rubricVersionId) throw new AssignmentNotReadyError('rubricId', 'it has no rubric version to grade with; set rubricId first');
    return;
  }
  const checked = checkAnswerKey(assignment.answerKeyData);
  if (!checked.ok) {
    throw new AssignmentNotReadyError('answerKeyData', `its answer key is incomplete (${checked.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}); send a complete answerKeyData first`);
  }
}
