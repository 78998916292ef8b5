import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type Db, type Job, PgBoss, type QueueOptions } from 'pg-boss';
import { DataSource } from 'typeorm';
import type { Transaction } from '../event-store/unit-of-work.js';

/**
 * Durable jobs in HandMark's own database (pg-boss, schema `pgboss`). A job is enqueued inside the
 * UnitOfWork transaction of the command that needs it, so a rolled-back command leaves no job and a
 * committed one never loses its job (ARCHITECTURE.md, "The write path", step 3).
 *
 * Workers run in every app process; a job whose process dies is retried by another (or the next)
 * process once its heartbeat goes quiet, so handlers must be idempotent.
 */
export interface JobDefinition<T extends object> {
  /** Letters, digits, `_`, `-`, `.` and `/`. */
  readonly name: string;
  readonly queue: QueueOptions;
  /** Type-only marker carrying the payload type. */
  readonly __data?: T;
}

export function defineJob<T extends object>(name: string, queue: QueueOptions = {}): JobDefinition<T> {
  return Object.freeze({ name, queue: { ...DEFAULT_QUEUE, ...queue } });
}

export interface WorkContext {
  /** Aborted when the job's claim is lost (expired, failed by the supervisor) or the app shuts down: stop at the next safe point. */
  signal: AbortSignal;
  /** How often the job has been retried before this attempt (0 on the first). */
  retryCount: number;
}

/** Handles one job. Throwing fails the job (retried up to the queue's retryLimit); returning completes it. */
export type JobHandler<T extends object> = (data: T, context: WorkContext) => Promise<void>;

export interface WorkOptions {
  /** Jobs fetched at once and handled concurrently. */
  batchSize?: number;
  /** Fetch loops in this process: with 2, one loop fetches more work while the other's batch finishes. */
  concurrency?: number;
}

export interface SendOptions {
  /** Run the job no earlier than this many seconds from now (a rate limit's retry-after, a poll interval). */
  startAfterSeconds?: number;
}

/**
 * Retries with backoff; a job is retried when its process stops sending heartbeats for 10 s (the
 * minimum pg-boss allows), so a killed process's job resumes elsewhere within about 20 s.
 */
const DEFAULT_QUEUE: QueueOptions = {
  retryLimit: 5,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 60,
  expireInSeconds: 15 * 60,
  heartbeatSeconds: 10,
  deleteAfterSeconds: 7 * 24 * 3600,
};

/**
 * Abandoned jobs (no heartbeat, or past their expiry) are failed, and so retried, by the supervisor's
 * monitor pass, which runs this often (one process per pass); pg-boss's default of 60 s kept the job
 * of a killed process waiting a minute.
 */
const SUPERVISE_INTERVAL_SECONDS = 5;
const POLLING_INTERVAL_SECONDS = 0.5;
/**
 * New jobs wake workers at once (LISTEN/NOTIFY); retries and jobs taken back from a dead process
 * send no notification, so workers still poll this often (pg-boss's default of 30 s left a failed
 * job waiting half a minute after its retry delay).
 */
const NOTIFY_POLLING_INTERVAL_SECONDS = 2;
/** How long shutdown waits for running handlers (they stop at their next safe point on the shutdown signal). */
const SHUTDOWN_GRACE_MS = 10_000;

interface Registration {
  definition: JobDefinition<object>;
  options: WorkOptions;
  handler: JobHandler<object>;
}

@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly registrations: Registration[] = [];
  /** Queues this process sends to without working them (another process works them). */
  private readonly declared: JobDefinition<object>[] = [];
  private readonly shutdown = new AbortController();
  private boss?: PgBoss;
  private started?: Promise<void>;

  constructor(private readonly dataSource: DataSource) {}

  /** Registers a worker; call it before the application has bootstrapped (e.g. in onModuleInit). */
  work<T extends object>(definition: JobDefinition<T>, options: WorkOptions, handler: JobHandler<T>): void {
    if (this.boss) throw new Error(`JobQueue.work(${definition.name}) called after the job queue started`);
    this.registrations.push({ definition, options, handler: handler as JobHandler<object> });
  }

  /** Creates a queue at start that this process sends to but does not work (pg-boss refuses jobs for unknown queues). */
  declare(definition: JobDefinition<object>): void {
    if (this.boss) throw new Error(`JobQueue.declare(${definition.name}) called after the job queue started`);
    this.declared.push(definition);
  }

  /** Enqueues one job in the transaction `tx`: it exists only if that transaction commits. */
  async send<T extends object>(definition: JobDefinition<T>, data: T, tx: Transaction, options: SendOptions = {}): Promise<void> {
    await this.sendMany(definition, [data], tx, options);
  }

  /** Enqueues several jobs of one kind in one statement, in the transaction `tx`. */
  async sendMany<T extends object>(definition: JobDefinition<T>, data: T[], tx: Transaction, options: SendOptions = {}): Promise<void> {
    if (data.length === 0) return;
    const boss = await this.ready();
    const startAfter = options.startAfterSeconds === undefined ? {} : { startAfter: Math.max(0, Math.ceil(options.startAfterSeconds)) };
    await boss.insert(
      definition.name,
      data.map((item) => ({ data: item, ...startAfter })),
      { db: transactionDb(tx) },
    );
  }

  /** Jobs of a queue not yet completed (created, retry or active), for progress and health. */
  async pendingCount(definition: JobDefinition<object>): Promise<number> {
    const boss = await this.ready();
    const [queue] = await boss.getQueues([definition.name]);
    return queue ? queue.queuedCount + queue.activeCount : 0;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.ready().then(() => undefined);
  }

  /** Stops fetching, tells running handlers to stop, and waits for them before the database connections close. */
  async onModuleDestroy(): Promise<void> {
    this.shutdown.abort(new Error('the application is shutting down'));
    await this.started?.catch(() => undefined);
    await this.boss?.stop({ graceful: true, timeout: SHUTDOWN_GRACE_MS, close: true });
  }

  private async ready(): Promise<PgBoss> {
    this.started ??= this.start();
    await this.started;
    return this.boss!;
  }

  private async start(): Promise<void> {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) throw new Error('JobQueue needs the DataSource to be configured with a url');
    const boss = new PgBoss({
      connectionString: url,
      schema: 'pgboss',
      application_name: 'handmark-jobs',
      max: 4,
      superviseIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
      monitorIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
      // Cron schedules are not used; the instance registry would add a heartbeat write per process.
      schedule: false,
      registerInstance: false,
      useListenNotify: true,
      openTelemetry: { enabled: false },
    });
    boss.on('error', (error: unknown) => this.logger.error(`pg-boss: ${error instanceof Error ? error.message : String(error)}`));
    this.boss = boss;
    await boss.start();
    for (const definition of this.declared) {
      await boss.createQueue(definition.name, { ...definition.queue, notify: true });
      await boss.updateQueue(definition.name, { ...definition.queue, notify: true });
    }
    for (const { definition, options, handler } of this.registrations) {
      await boss.createQueue(definition.name, { ...definition.queue, notify: true });
      await boss.updateQueue(definition.name, { ...definition.queue, notify: true });
      await boss.work<object>(
        definition.name,
        {
          batchSize: options.batchSize ?? 1,
          localConcurrency: options.concurrency ?? 1,
          pollingIntervalSeconds: POLLING_INTERVAL_SECONDS,
          notifyPollingIntervalSeconds: NOTIFY_POLLING_INTERVAL_SECONDS,
          burstWhenBatchFull: (options.batchSize ?? 1) > 1,
          perJobResults: true,
        },
        (jobs: Job<object>[]) => Promise.all(jobs.map((job) => this.run(definition.name, job, handler))),
      );
    }
  }

  private async run(name: string, job: Job<object>, handler: JobHandler<object>) {
    try {
      await handler(job.data, { signal: AbortSignal.any([job.signal, this.shutdown.signal]), retryCount: job.retryCount });
      return { id: job.id, status: 'completed' as const };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.shutdown.signal.aborted) this.logger.warn(`job ${name} ${job.id} failed (attempt ${job.retryCount + 1}): ${message}`);
      return { id: job.id, status: 'failed' as const, output: { message } };
    }
  }
}

/** pg-boss statements on the transaction's own connection (STACK.md, "Transactional enqueue"). */
function transactionDb(tx: Transaction): Db {
  const runner = tx.manager.queryRunner;
  if (!runner) throw new Error('JobQueue.send needs a transaction from UnitOfWork.run');
  return { executeSql: (text, values) => runner.query(text, values, true).then((result) => ({ rows: result.records })) };
}
