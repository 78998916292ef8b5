import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../../../libs/errors/domain-error.js';
import type { Actor } from '../../../../libs/event-store/event.js';
import type { GradingBatchDto } from '../ai-grading.dto.js';
import { findGradedAssignment } from '../grading.access.js';
import { loadGradingBatch, toGradingBatchDto } from '../grading-batches.js';

/** A Message Batches run of one of the viewer's assignments, with its progress (done / total). */
export class GetGradingBatchQuery extends Query<GradingBatchDto> {
  constructor(
    readonly viewer: Actor,
    readonly batchId: string,
  ) {
    super();
  }
}

@QueryHandler(GetGradingBatchQuery)
export class GetGradingBatchHandler implements IQueryHandler<GetGradingBatchQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewer, batchId }: GetGradingBatchQuery): Promise<GradingBatchDto> {
    const batch = await loadGradingBatch(this.dataSource.manager, batchId);
    if (!batch) throw new NotFoundError('Grading batch');
    // The same rule as every other grading resource: only the class's teacher reaches it (else 404).
    await findGradedAssignment(this.dataSource.manager, viewer, batch.assignment_id).catch(() => {
      throw new NotFoundError('Grading batch');
    });
    return toGradingBatchDto(batch);
  }
}

/** The assignment's batch runs, newest first. */
export class ListGradingBatchesQuery extends Query<GradingBatchDto[]> {
  constructor(
    readonly viewer: Actor,
    readonly assignmentId: string,
  ) {
    super();
  }
}

@QueryHandler(ListGradingBatchesQuery)
export class ListGradingBatchesHandler implements IQueryHandler<ListGradingBatchesQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ viewer, assignmentId }: ListGradingBatchesQuery): Promise<GradingBatchDto[]> {
    await findGradedAssignment(this.dataSource.manager, viewer, assignmentId);
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM grading_batches WHERE assignment_id = $1 ORDER BY created_at DESC, id LIMIT 50`, [assignmentId]);
    const batches = [];
    for (const row of rows) batches.push(toGradingBatchDto((await loadGradingBatch(this.dataSource.manager, row.id))!));
    return batches;
  }
}
