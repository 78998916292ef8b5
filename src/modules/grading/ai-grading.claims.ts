/**
 * Which grading attempt holds a submission while it is in status grading (ai_grading_claims). A job
 * claims pending work by moving it to grading with its token; a retry of the same job carries the
 * same token and resumes; any other job finds the submission busy (or done) and leaves it alone.
 * So several workers, duplicate jobs or a job retried after a crash never grade one submission twice.
 * Every function here runs inside the caller's UnitOfWork transaction, with the submission row locked.
 */
import type { Transaction } from '../../../libs/event-store/unit-of-work.js';
import { moveSubmission } from './grade.writes.js';
import type { GradableSubmission } from './grading.access.js';

/** A claim held this long by a job that never finished (its process died on its last retry) may be taken over. */
export const STALE_CLAIM_MINUTES = 30;

export interface Claim {
  token: string;
  batchId: string | null;
  stale: boolean;
}

export async function claimOf(tx: Transaction, submissionId: string): Promise<Claim | null> {
  const rows: Array<{ token: string; batch_id: string | null; stale: boolean }> = await tx.manager.query(
    `SELECT token, batch_id, claimed_at < now() - make_interval(mins => $2) AS stale FROM ai_grading_claims WHERE submission_id = $1 FOR UPDATE`,
    [submissionId, STALE_CLAIM_MINUTES],
  );
  return rows[0] ? { token: rows[0].token, batchId: rows[0].batch_id, stale: rows[0].stale } : null;
}

/** Records that `token` (an interactive job, or a batch) now holds the submission. */
export async function holdClaim(tx: Transaction, submissionId: string, token: string, batchId: string | null = null): Promise<void> {
  await tx.manager.query(
    `INSERT INTO ai_grading_claims (submission_id, token, batch_id, claimed_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (submission_id) DO UPDATE SET token = EXCLUDED.token, batch_id = EXCLUDED.batch_id, claimed_at = now()`,
    [submissionId, token, batchId],
  );
}

export async function releaseClaim(tx: Transaction, submissionId: string): Promise<void> {
  await tx.manager.query(`DELETE FROM ai_grading_claims WHERE submission_id = $1`, [submissionId]);
}

/** Whether the submission's pages are all rendered (typed work has none). */
export async function pagesReady(tx: Transaction, submissionId: string): Promise<boolean> {
  const rows: unknown[] = await tx.manager.query(`SELECT 1 FROM submission_pages WHERE submission_id = $1 AND blob_key IS NULL LIMIT 1`, [submissionId]);
  return rows.length === 0;
}

export type ClaimOutcome = 'claimed' | 'resumed' | 'busy' | 'done' | 'not_ready' | 'closed';

/**
 * Claims a locked submission for `token`: pending work moves to grading; work in grading that this
 * token (or a stale claim) holds is resumed; anything else is left alone.
 */
export async function claimSubmission(tx: Transaction, submission: GradableSubmission, token: string): Promise<ClaimOutcome> {
  if (submission.archived) return 'closed';
  if (submission.status === 'pending') {
    if (!(await pagesReady(tx, submission.submissionId))) return 'not_ready';
    await moveSubmission(tx, submission, 'grading');
    await holdClaim(tx, submission.submissionId, token);
    return 'claimed';
  }
  if (submission.status !== 'grading') return 'done';
  const claim = await claimOf(tx, submission.submissionId);
  if (claim?.token === token) return 'resumed';
  if (!claim || (claim.stale && claim.batchId === null)) {
    await holdClaim(tx, submission.submissionId, token);
    return 'resumed';
  }
  return 'busy';
}

/**
 * Gives up on a claimed submission: it goes to error with a message the teacher can act on (and
 * stays gradable by hand). Nothing happens when the token no longer holds it.
 */
export async function failClaimedSubmission(tx: Transaction, submission: GradableSubmission, token: string, message: string): Promise<boolean> {
  if (submission.status !== 'grading') return false;
  const claim = await claimOf(tx, submission.submissionId);
  if (claim && claim.token !== token) return false;
  await moveSubmission(tx, submission, 'error', { message: message.slice(0, 1000) });
  await releaseClaim(tx, submission.submissionId);
  return true;
}
