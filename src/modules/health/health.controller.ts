import { Controller, Get, Inject } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../../libs/config/config.js';
import { APP_CONFIG } from '../../../libs/config/config.module.js';
import { Public } from '../../common/auth.decorators.js';

export class DatabaseHealthDto {
  ok: boolean;
  @ApiProperty({ enum: ['embedded', 'external'] })
  kind: 'embedded' | 'external';
  latencyMs: number | null;
  error?: string;
}

export class AiHealthDto {
  /** AI grading is available. When false, uploads wait for manual grading. */
  enabled: boolean;
  model: string | null;
  /** Why AI grading is disabled, in words an admin can act on. */
  reason?: string;
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Database reachability and whether AI grading is available. */
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
    const ai: AiHealthDto = this.config.ai.apiKey
      ? { enabled: true, model: this.config.ai.model }
      : { enabled: false, model: null, reason: 'ANTHROPIC_API_KEY is not set: submissions wait for manual grading' };
    return { status: database.ok ? 'ok' : 'degraded', database, ai };
  }
}
