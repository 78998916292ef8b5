import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { AppConfig } from '../../../../libs/config/config.js';
import { APP_CONFIG } from '../../../../libs/config/config.module.js';
import { defineJob, type JobDefinition, JobQueue } from '../../../../libs/jobs/job-queue.js';
import { ReadStudentNameCommand } from '../commands/read-student-name.command.js';
import { SubmissionStorage } from '../submission-storage.js';

export interface ReadNameData {
  submissionId: string;
}

/** The name-reading job of a stack submission, on its blob store's queue (it reads the first page). */
@Injectable()
export class ReadNameJobs {
  private job?: Promise<JobDefinition<ReadNameData>>;

  constructor(private readonly storage: SubmissionStorage) {}

  definition(): Promise<JobDefinition<ReadNameData>> {
    this.job ??= this.storage.id().then((storeId) => defineJob<ReadNameData>(`submission-name.${storeId}`, { retryLimit: 3, retryDelay: 10, retryBackoff: true }));
    return this.job;
  }
}

/** Reads students' names from stack pages with Claude where AI grading jobs run (see AI_WORKER_IN_PROCESS). */
@Injectable()
export class ReadStudentNamesWorker implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly nameJobs: ReadNameJobs,
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const definition = await this.nameJobs.definition();
    if (!this.config.ai.enabled || !this.config.ai.workerInProcess) {
      this.jobs.declare(definition);
      return;
    }
    this.jobs.work(definition, { batchSize: 4 }, async (data, context) => {
      await this.commands.execute(new ReadStudentNameCommand(data.submissionId, context.signal));
    });
  }
}
