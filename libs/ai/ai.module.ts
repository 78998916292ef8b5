import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ClaudeClient } from './claude-client.js';

/** One ClaudeClient per process, so every grading shares its concurrency limit and rate-limit pauses. */
@Global()
@Module({
  providers: [{ provide: ClaudeClient, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new ClaudeClient(config.ai) }],
  exports: [ClaudeClient],
})
export class AiModule {}
