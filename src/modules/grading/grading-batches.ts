import type { EntityManager } from 'typeorm';
import type { GradingBatchDto } from './ai-grading.dto.js';

/**
 * Message Batches runs as stored (grading_batches and grading_batch_items, grading's own tables,
 * read and written with SQL) and their progress as the API shows it.
 */
export type GradingBatchStatus = 'submitting' | 'in_progress' | 'importing' | 'completed' | 'failed';
export type GradingBatchItemState = 'waiting' | 'graded' | 'repaired' | 'retried' | 'failed' | 'skipped';

export interface GradingBatchRow {
  id: string;
  assignment_id: string;
  anthropic_batch_id: string | null;
  status: GradingBatchStatus;
  model: string;
  total: number;
  processing: number;
  succeeded: number;
  errored: number;
  expired: number;
  canceled: number;
  error_message: string | null;
  created_at: Date;
  submitted_at: Date | null;
  ended_at: Date | null;
  completed_at: Date | null;
  class_id: string;
  owner_id: string;
  items: Record<GradingBatchItemState, number>;
}

export async function loadGradingBatch(manager: EntityManager, batchId: string, options: { ownerId?: string } = {}): Promise<GradingBatchRow | null> {
  const params: unknown[] = [batchId];
  if (options.ownerId) params.push(options.ownerId);
  const rows: GradingBatchRow[] = await manager.query(
    `SELECT b.*, a.class_id, c.user_id AS owner_id,
            (SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*)::int AS n FROM grading_batch_items WHERE batch_id = b.id GROUP BY state) counts) AS items
       FROM grading_batches b JOIN assignments a ON a.id = b.assignment_id JOIN classes c ON c.id = a.class_id
      WHERE b.id = $1${options.ownerId ? ' AND c.user_id = $2' : ''}`,
    params,
  );
  return rows[0] ?? null;
}

/** Records what became of a batch request; only once (a second import of the same result changes nothing). */
export async function setItemState(manager: EntityManager, batchId: string, submissionId: string, state: GradingBatchItemState, detail: string | null = null): Promise<void> {
  await manager.query(`UPDATE grading_batch_items SET state = $3, detail = $4 WHERE batch_id = $1 AND submission_id = $2 AND state = 'waiting'`, [
    batchId,
    submissionId,
    state,
    detail?.slice(0, 1000) ?? null,
  ]);
}

export function toGradingBatchDto(row: GradingBatchRow): GradingBatchDto {
  const items = row.items ?? ({} as Record<GradingBatchItemState, number>);
  const count = (state: GradingBatchItemState) => items[state] ?? 0;
  return {
    id: row.id,
    assignmentId: row.assignment_id,
    status: row.status,
    anthropicBatchId: row.anthropic_batch_id,
    model: row.model,
    total: row.total,
    done: row.total - count('waiting'),
    graded: count('graded'),
    repaired: count('repaired'),
    retried: count('retried'),
    failed: count('failed'),
    skipped: count('skipped'),
    api: { processing: row.processing, succeeded: row.succeeded, errored: row.errored, expired: row.expired, canceled: row.canceled },
    errorMessage: row.error_message,
    createdAt: row.created_at,
    submittedAt: row.submitted_at,
    endedAt: row.ended_at,
    completedAt: row.completed_at,
  };
}
