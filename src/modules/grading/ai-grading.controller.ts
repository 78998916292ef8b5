import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ClaudeClient } from '../../../libs/ai/claude-client.js';
import type { Actor } from '../../../libs/event-store/event.js';
import { CurrentActor } from '../../common/request-context.js';
import { AgreementDto, type AiStatusDto, GradePendingDto, type GradePendingResultDto, GradingBatchDto, ReviewQueuePageDto, ReviewQueueQueryDto } from './ai-grading.dto.js';
import { GradePendingSubmissionsCommand } from './commands/grade-pending-submissions.command.js';
import { RegradeSubmissionCommand } from './commands/regrade-submission.command.js';
import { StartBatchGradingCommand } from './commands/start-batch-grading.command.js';
import { IdParams, type SubmissionStatusDto } from './grading.dto.js';
import { GetAiAgreementQuery } from './queries/get-ai-agreement.query.js';
import { GetGradingBatchQuery, ListGradingBatchesQuery } from './queries/get-grading-batch.query.js';
import { GetReviewQueueQuery } from './queries/get-review-queue.query.js';

/** AI grading with Claude: whether it is on, the review queue, regrading, "grade all pending" (interactive or Message Batches) and agreement. */
@ApiTags('ai-grading')
@Controller()
export class AiGradingController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly claude: ClaudeClient,
  ) {}

  /** Whether AI grading is on (and why not), the model, and how busy the client is. */
  @Get('ai/status')
  status(): AiStatusDto {
    const status = this.claude.status();
    return { enabled: status.enabled, reason: status.disabledReason, model: status.model, concurrency: { limit: status.limit, max: status.max, inFlight: status.inFlight, waiting: status.queueLength, pausedForMs: status.pausedForMs } };
  }

  /** AI proposals waiting for review: flagged first, then the lowest confidence. */
  @Get('assignments/:id/review-queue')
  @ApiOkResponse({ type: ReviewQueuePageDto })
  reviewQueue(@Param() { id }: IdParams, @Query() page: ReviewQueueQueryDto, @CurrentActor() actor: Actor): Promise<ReviewQueuePageDto> {
    return this.queries.execute(new GetReviewQueueQuery(actor, id, page));
  }

  /** Sends every pending submission to the AI grader: one request each (interactive), or one Message Batch at half the price (batch). */
  @Post('assignments/:id/grade-pending')
  @HttpCode(202)
  async gradePending(@Param() { id }: IdParams, @Body() body: GradePendingDto, @CurrentActor() actor: Actor): Promise<GradePendingResultDto> {
    if (body.mode === 'batch') {
      const { batchId, enqueued } = await this.commands.execute(new StartBatchGradingCommand(actor, id));
      return { mode: 'batch', enqueued, batchId };
    }
    const { enqueued } = await this.commands.execute(new GradePendingSubmissionsCommand(actor, id));
    return { mode: 'interactive', enqueued, batchId: null };
  }

  /** The assignment's Message Batches runs, newest first. */
  @Get('assignments/:id/grading-batches')
  @ApiOkResponse({ type: [GradingBatchDto] })
  batches(@Param() { id }: IdParams, @CurrentActor() actor: Actor): Promise<GradingBatchDto[]> {
    return this.queries.execute(new ListGradingBatchesQuery(actor, id));
  }

  /** One Message Batches run and its progress (done / total). */
  @Get('grading-batches/:id')
  batch(@Param() { id }: IdParams, @CurrentActor() actor: Actor): Promise<GradingBatchDto> {
    return this.queries.execute(new GetGradingBatchQuery(actor, id));
  }

  /** How often the teacher kept the AI's scores: exact, within one level, quadratic weighted kappa and mean change, per criterion. */
  @Get('assignments/:id/ai-agreement')
  agreement(@Param() { id }: IdParams, @CurrentActor() actor: Actor): Promise<AgreementDto> {
    return this.queries.execute(new GetAiAgreementQuery(actor, id));
  }

  /** Sends the submission back to the AI grader (graded, reviewed, failed or pending work); its grade is replaced by a new, unapproved proposal. */
  @Post('submissions/:id/regrade')
  @HttpCode(202)
  regrade(@Param() { id }: IdParams, @CurrentActor() actor: Actor): Promise<SubmissionStatusDto> {
    return this.commands.execute(new RegradeSubmissionCommand(actor, id));
  }
}
