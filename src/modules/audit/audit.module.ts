import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditController } from './audit.controller.js';
import { AuditSealingSchedule } from './audit-sealing.schedule.js';
import { GetActivityLogExportHandler } from './queries/get-activity-log-export.query.js';
import { GetActivityLogsHandler } from './queries/get-activity-logs.query.js';
import { GetAuditVerificationHandler } from './queries/get-audit-verification.query.js';

@Module({
  imports: [CqrsModule],
  controllers: [AuditController],
  providers: [
    AuditSealingSchedule,
    // queries
    GetActivityLogsHandler,
    GetActivityLogExportHandler,
    GetAuditVerificationHandler,
  ],
})
export class AuditModule {}
