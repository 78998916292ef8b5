import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ClaudeClient } from '../../../../libs/ai/claude-client.js';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { type JobDefinition, JobQueue, type WorkContext } from '../../../../libs/jobs/job-queue.js';
import { storageId } from '../../../../libs/storage/store-id.js';
import { importGradingBatchJob, submitGradingBatchJob } from '../ai-grading.jobs.js';
import { GradeSubmissionWithAiCommand } from '../commands/grade-submission-with-ai.command.js';
import { ImportGradingBatchCommand } from '../commands/import-grading-batch.command.js';
import { SubmitGradingBatchCommand } from '../commands/submit-grading-batch.command.js';
import { gradeSubmissionJob } from '../grading.events.js';

/**
 * Ten grading jobs are fetched at once (pg-boss polls per batch, STACK.md); the ClaudeClient's
 * adaptive limit decides how many of them talk to Claude at the same time.
 */
const GRADING_JOBS_AT_ONCE = 10;

/**
 * Works the AI grading queues of this process's blob store: in the HTTP server unless
 * AI_WORKER_IN_PROCESS=false, and in every `npm run worker` process. Without ANTHROPIC_API_KEY no
 * job is enqueued and none is worked. A process that does not work the queues still declares them,
 * so it can enqueue.
 */
@Injectable()
export class AiGradingWorker implements OnModuleInit {
  private readonly logger = new Logger('AiGrading');

  constructor(
    private readonly jobs: JobQueue,
    private readonly commands: CommandBus,
    private readonly claude: ClaudeClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const storeId = await storageId(this.config.storage.dir);
    const grade = gradeSubmissionJob(storeId);
    const submit = submitGradingBatchJob(storeId);
    const importBatch = importGradingBatchJob(storeId);
    if (!this.claude.enabled || !this.config.ai.workerInProcess) {
      for (const definition of [grade, submit, importBatch] as JobDefinition<object>[]) this.jobs.declare(definition);
      if (this.claude.enabled) this.logger.log('AI grading jobs are enqueued here and worked by `npm run worker` processes (AI_WORKER_IN_PROCESS=false)');
      return;
    }
    const attempt = (definition: JobDefinition<object>, context: WorkContext) => ({ retryCount: context.retryCount, retryLimit: definition.queue.retryLimit ?? 0, signal: context.signal });
    this.jobs.work(grade, { batchSize: GRADING_JOBS_AT_ONCE }, async (data, context) => {
      await this.commands.execute(new GradeSubmissionWithAiCommand(data.submissionId, data.token, attempt(grade, context)));
    });
    this.jobs.work(submit, { batchSize: 1 }, async (data, context) => {
      await this.commands.execute(new SubmitGradingBatchCommand(data.batchId, attempt(submit, context)));
    });
    this.jobs.work(importBatch, { batchSize: 2 }, async (data, context) => {
      await this.commands.execute(new ImportGradingBatchCommand(data.batchId, attempt(importBatch, context)));
    });
  }
}
