import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClaudeClient } from '../../../../libs/ai/claude-client.js';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import { UnitOfWork } from '../../../../libs/event-store/unit-of-work.js';
import { JobQueue } from '../../../../libs/jobs/job-queue.js';
import { findGradedAssignment } from '../grading.access.js';
import { AiGradingDisabledError, GradingClosedError } from '../grading.errors.js';
import { enqueuePendingAiGrading } from '../grading.events.js';

export interface GradePendingResult {
  mode: 'interactive';
  /** Submissions sent to the AI grader (pending work whose pages are rendered). */
  enqueued: number;
}

/**
 * "Grade all pending", one request per submission: enqueues an AI grading job for every pending
 * submission of the assignment (work uploaded while AI grading was off, or before the assignment
 * was active). Jobs for work already being graded find it busy and leave it alone.
 */
export class GradePendingSubmissionsCommand extends Command<GradePendingResult> {
  constructor(
    readonly actor: Actor,
    readonly assignmentId: string,
  ) {
    super();
  }
}

@CommandHandler(GradePendingSubmissionsCommand)
export class GradePendingSubmissionsHandler implements ICommandHandler<GradePendingSubmissionsCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly jobs: JobQueue,
    private readonly claude: ClaudeClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ actor, assignmentId }: GradePendingSubmissionsCommand): Promise<GradePendingResult> {
    return this.uow.run(actor, async (tx) => {
      const assignment = await findGradedAssignment(tx.manager, actor, assignmentId, { lock: true });
      if (!this.claude.enabled) throw new AiGradingDisabledError(this.claude.disabledReason ?? 'AI grading is disabled');
      if (assignment.archived) throw new GradingClosedError();
      return { mode: 'interactive' as const, enqueued: await enqueuePendingAiGrading(this.jobs, this.config, tx, assignmentId) };
    });
  }
}
