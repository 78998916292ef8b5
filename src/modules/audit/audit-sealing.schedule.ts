import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../../libs/config/config.js';
import { APP_CONFIG } from '../../../libs/config/config.module.js';
import { AuditSealer } from '../../../libs/event-store/sealer.js';

/**
 * Keeps the integrity chain close behind the writers: every AUDIT_SEAL_INTERVAL_MS one run of the
 * sealer, never two at once in this process (and one at a time across processes, by its lock).
 * A failure is logged once, not on every tick, until sealing works again.
 */
@Injectable()
export class AuditSealingSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditSealer');
  private readonly sealer: AuditSealer;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private failing = false;

  constructor(
    dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sealer = new AuditSealer(dataSource);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.audit.sealIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and lets a run in progress finish before the database connections close. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
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
