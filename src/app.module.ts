import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../libs/config/config.js';
import { AiModule } from '../libs/ai/ai.module.js';
import { ConfigModule } from '../libs/config/config.module.js';
import { dataSourceOptions } from '../libs/database/data-source-options.js';
import { EventStoreModule } from '../libs/event-store/event-store.module.js';
import { JobsModule } from '../libs/jobs/jobs.module.js';
import { migrations } from '../migrations/index.js';
import { entities } from './entities.js';
import { AssignmentsModule } from './modules/assignments/assignments.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { ClassesModule } from './modules/classes/classes.module.js';
import { DashboardModule } from './modules/dashboard/dashboard.module.js';
import { GradingModule } from './modules/grading/grading.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { RubricsModule } from './modules/rubrics/rubrics.module.js';
import { SubmissionsModule } from './modules/submissions/submissions.module.js';

@Module({})
export class AppModule {
  /** The whole application, wired to a validated config and a reachable database URL. */
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl, entities, migrations, config.database.poolMax)),
        CqrsModule.forRoot(),
        EventStoreModule,
        JobsModule,
        AiModule,
        HealthModule,
        AuthModule,
        ClassesModule,
        RubricsModule,
        AssignmentsModule,
        SubmissionsModule,
        AuditModule,
        DashboardModule,
        GradingModule,
      ],
    };
  }
}
