import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { DomainError } from '../../../../libs/errors/domain-error.js';
import { defineJob, type JobDefinition, JobQueue, type WorkContext } from '../../../../libs/jobs/job-queue.js';
import { RecordRenderFailureCommand } from '../commands/record-render-failure.command.js';
import { RecordRenderedPageCommand } from '../commands/record-rendered-page.command.js';
import { SubmissionStorage } from '../submission-storage.js';
import { PageRenderPool } from './page-render.pool.js';

export interface RenderPagesData {
  submissionId: string;
}

/**
 * The render job of a PDF submission. Its queue is named after the storage directory's id, so the
 * job runs only in processes that read the same storage (see SubmissionStorage).
 */
@Injectable()
export class RenderPagesJobs {
  private job?: Promise<JobDefinition<RenderPagesData>>;

  constructor(private readonly storage: SubmissionStorage) {}

  definition(): Promise<JobDefinition<RenderPagesData>> {
    this.job ??= this.storage.id().then((storeId) => defineJob<RenderPagesData>(`submission-pages.${storeId}`));
    return this.job;
  }
}

/**
 * A few submissions at a time, from two fetch loops, so the render threads always have a page
 * waiting: with one loop, a thread idled at the end of every batch (measured on a 30-page colour
 * stack on 2 cores: 1.3 cores busy, 3.3 pages/s).
 */
const BATCH_SIZE = 4;
const FETCH_LOOPS = 2;

/**
 * Renders the pages of a PDF submission that have no image yet, committing each page as it is
 * stored. Idempotent: a job retried after a crash (or run twice) renders only the missing pages,
 * and a page row is filled at most once.
 */
@Injectable()
export class RenderSubmissionPagesWorker implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly renderJobs: RenderPagesJobs,
    private readonly pool: PageRenderPool,
    private readonly commands: CommandBus,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    this.jobs.work(await this.renderJobs.definition(), { batchSize: BATCH_SIZE, concurrency: FETCH_LOOPS }, (data, context) => this.render(data, context));
  }

  async render({ submissionId }: RenderPagesData, { signal }: WorkContext): Promise<void> {
    const pending: Array<{ page_number: number; source_pdf_key: string; source_pdf_page: number }> = await this.dataSource.query(
      `SELECT page_number, source_pdf_key, source_pdf_page FROM submission_pages WHERE submission_id = $1 AND blob_key IS NULL ORDER BY page_number`,
      [submissionId],
    );
    if (pending.length === 0) return;
    const pageOf = new Map(pending.map((row) => [row.source_pdf_page, row.page_number]));
    try {
      await this.pool.render(
        pending[0].source_pdf_key,
        pending.map((row) => row.source_pdf_page),
        signal,
        (page) => this.commands.execute(new RecordRenderedPageCommand(submissionId, pageOf.get(page.sourcePage)!, page)),
      );
    } catch (error) {
      // A page pdfjs cannot draw will not draw on a retry either: the submission goes to error.
      if (error instanceof DomainError && error.kind === 'unprocessable') {
        await this.commands.execute(new RecordRenderFailureCommand(submissionId, error.message));
        return;
      }
      throw error;
    }
  }
}
