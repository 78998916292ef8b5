import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { type AuditVerification, verifyAuditLog } from '../../../../libs/event-store/verify.js';

/** Seals what is pending and recomputes the whole integrity chain (see libs/event-store/verify.ts). */
export class GetAuditVerificationQuery extends Query<AuditVerification> {}

@QueryHandler(GetAuditVerificationQuery)
export class GetAuditVerificationHandler implements IQueryHandler<GetAuditVerificationQuery> {
  constructor(private readonly dataSource: DataSource) {}

  execute(): Promise<AuditVerification> {
    return verifyAuditLog(this.dataSource);
  }
}
