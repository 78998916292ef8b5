import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../../libs/config/config.js';
import { APP_CONFIG } from '../../../libs/config/config.module.js';
import { AuditSealer } from '../../../libs/event-store/sealer.js';
import type { SealingThreadData, SealingThreadMessage } from './audit-sealing.thread.js';

/** How long shutdown waits for the sealing thread to finish its run and close its connection. */
const THREAD_STOP_TIMEOUT_MS = 10_000;

/**
 * Keeps the integrity chain close behind the writers: every AUDIT_SEAL_INTERVAL_MS one run of the
 * sealer, never two at once in this process (and one at a time across processes, by its lock).
 *
 * The runs happen on a worker thread with its own database connection (audit-sealing.thread.ts),
 * because hashing every event would otherwise take its share of the one thread that serves HTTP.
 * With AUDIT_SEAL_THREAD=false, when the thread cannot start (TypeScript sources without a loader,
 * as under jest) or if it dies, they happen on the main thread instead. A failure is logged once,
 * not on every run, until sealing works again.
 */
@Injectable()
export class AuditSealingSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditSealer');
  private readonly sealer: AuditSealer;
  private thread?: { worker: Worker; exited: Promise<void>; ready: boolean };
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private failing = false;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sealer = new AuditSealer(dataSource);
  }

  /** Where sealing runs now: 'thread' once the thread has started, 'main' when it runs here. */
  get runsOn(): 'thread' | 'main' | 'starting' | 'stopped' {
    if (this.timer) return 'main';
    if (this.thread) return this.thread.ready ? 'thread' : 'starting';
    return 'stopped';
  }

  onApplicationBootstrap(): void {
    if (this.config.audit.sealThread) this.startThread();
    else this.startHere();
  }

  /** Stops the runs and lets one in progress finish before the database connections close. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    const thread = this.thread;
    if (thread) {
      thread.worker.postMessage({ type: 'stop' });
      const deadline = setTimeout(() => void thread.worker.terminate(), THREAD_STOP_TIMEOUT_MS);
      await thread.exited;
      clearTimeout(deadline);
    }
    await this.running;
  }

  private startThread(): void {
    const databaseUrl = (this.dataSource.options as { url?: string }).url;
    if (!databaseUrl) return this.startHere('the database has no URL to connect the thread with');
    // The thread module sits beside this one: compiled (.js), or TypeScript sources run with a loader (.ts).
    const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const worker = new Worker(new URL(`./audit-sealing.thread${extension}`, import.meta.url), {
      name: 'handmark-audit-sealer',
      workerData: { databaseUrl, intervalMs: this.config.audit.sealIntervalMs } satisfies SealingThreadData,
    });
    worker.unref();
    const thread = { worker, ready: false, exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())) };
    this.thread = thread;
    let failure: Error | undefined;
    worker.on('message', (message: SealingThreadMessage) => {
      if (message.type === 'ready') thread.ready = true;
      else if (message.type === 'failed') this.logger.error(`Sealing the activity log failed (retrying every ${this.config.audit.sealIntervalMs} ms)`, message.error);
      else if (message.type === 'recovered') this.logger.log('Sealing the activity log works again');
    });
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => {
      this.thread = undefined;
      if (this.stopping) return;
      const reason = failure?.message ?? `it exited with code ${code}`;
      if (thread.ready) this.logger.error(`The sealing thread stopped (${reason}); sealing on the main thread from now on`);
      this.startHere(thread.ready ? undefined : `the sealing thread cannot start in this process (${reason})`);
    });
  }

  private startHere(why?: string): void {
    if (this.stopping || this.timer) return;
    if (why) this.logger.warn(`Sealing the activity log on the main thread: ${why}`);
    this.timer = setInterval(() => this.tick(), this.config.audit.sealIntervalMs);
    this.timer.unref();
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.sealer
      .sealPending()
      .then(
        () => {
          if (this.failing) this.logger.log('Sealing the activity log works again');
          this.failing = false;
        },
        (error: unknown) => {
          if (!this.failing) this.logger.error(`Sealing the activity log failed (retrying every ${this.config.audit.sealIntervalMs} ms)`, error instanceof Error ? error.stack : String(error));
          this.failing = true;
        },
      )
      .finally(() => {
        this.running = undefined;
      });
  }
}
