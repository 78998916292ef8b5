import { Controller, Get, Inject } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ClaudeClient } from '../../../libs/ai/claude-client.js';
import type { AppConfig } from '../../../libs/config/config.js';
import { APP_CONFIG } from '../../../libs/config/config.module.js';
import { JobQueue } from '../../../libs/jobs/job-queue.js';
import { storageId } from '../../../libs/storage/store-id.js';
import { Public } from '../../common/auth.decorators.js';
import { gradeSubmissionJob } from '../grading/grading.events.js';

export class DatabaseHealthDto {
  ok: boolean;
  @ApiProperty({ enum: ['embedded', 'external'] })
  kind: 'embedded' | 'external';
  latencyMs: number | null;
  error?: string;
}

export class AiConcurrencyHealthDto {
  /** Requests to Claude allowed at once now (halves on 429/529, grows back on success). */
  limit: number;
  max: number;
  inFlight: number;
  /** Calls in this process waiting for a slot. */
  waiting: number;
  /** A retry-after pause asked by the API, still running (0 when none). */
  pausedForMs: number;
}

export class AiHealthDto {
  /** AI grading is available. When false, uploads wait for manual grading. */
  enabled: boolean;
  model: string | null;
  /** Why AI grading is disabled, in words an admin can act on. */
  reason?: string;
  /** This process's client (absent while disabled). */
  concurrency?: AiConcurrencyHealthDto;
  /** Grading jobs of this store not yet done (queued or running, in every process); null when they could not be counted. */
  queuedJobs?: number | null;
  /** Whether this process works the grading jobs (AI_WORKER_IN_PROCESS). */
  workerInProcess?: boolean;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status: 'ok' | 'degraded';
  database: DatabaseHealthDto;
  ai: AiHealthDto;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly claude: ClaudeClient,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Database reachability and whether AI grading is available (and why not), with the Claude client's concurrency and the grading queue. */
  @Public()
  @Get()
  async health(): Promise<HealthDto> {
    const started = performance.now();
    const kind = this.config.database.url ? 'external' : 'embedded';
    let database: DatabaseHealthDto;
    try {
      await this.dataSource.query('SELECT 1');
      database = { ok: true, kind, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      database = { ok: false, kind, latencyMs: null, error: error instanceof Error ? error.message : String(error) };
    }
    const ai = await this.aiHealth();
    return { status: database.ok ? 'ok' : 'degraded', database, ai };
  }

  private async aiHealth(): Promise<AiHealthDto> {
    const status = this.claude.status();
    if (!status.enabled) return { enabled: false, model: null, reason: status.disabledReason ?? 'AI grading is disabled' };
    const queuedJobs = await storageId(this.config.storage.dir)
      .then((storeId) => this.jobs.pendingCount(gradeSubmissionJob(storeId)))
      .catch(() => null);
    return {
      enabled: true,
      model: status.model,
      concurrency: { limit: status.limit, max: status.max, inFlight: status.inFlight, waiting: status.queueLength, pausedForMs: Math.round(status.pausedForMs) },
      queuedJobs,
      workerInProcess: this.config.ai.workerInProcess,
    };
  }
}
