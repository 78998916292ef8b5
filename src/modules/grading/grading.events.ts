import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../../libs/config/config.js';
import { defineEvent } from '../../../libs/event-store/event.js';
import type { Transaction } from '../../../libs/event-store/unit-of-work.js';
import { defineJob, type JobDefinition, type JobQueue } from '../../../libs/jobs/job-queue.js';
import { storageId } from '../../../libs/storage/store-id.js';

/**
 * Grades: one per submission, recorded by a teacher (manual grading) or proposed by the AI grader,
 * edited, and approved. A grade's stream version equals its `version` column. Every payload carries
 * `submissionId`, `assignmentId`, `classId` and `ownerId` (the class's teacher), so read models keyed
 * by assignment or teacher need no lookups. Payloads hold ids, scores and flags only: never feedback
 * text, reasoning, transcriptions, typed answers or names.
 */
export type GradeSource = 'teacher' | 'ai';
export type GradingMode = 'rubric' | 'answer_key';

/**
 * One scored part of a grade. Rubric mode: a criterion of the rubric version. Answer-key mode: a
 * question, named `Q1` … `Qn` (the same names the CSV export uses as column headers).
 */
export interface ScoredPart {
  criterionId: string;
  score: number;
  maxScore: number;
}

/** The numbers of a grade at one moment; `percentage` is the grades.percentage column (2 decimals). */
export interface GradeScores {
  totalScore: number;
  maxScore: number;
  percentage: number;
  criteria: ScoredPart[];
}

/** A submission got its first grade: a teacher's own (approved) or an AI proposal (not yet approved). */
export const GradeRecorded = defineEvent<
  {
    gradeId: string;
    submissionId: string;
    assignmentId: string;
    classId: string;
    ownerId: string;
    source: GradeSource;
    mode: GradingMode;
    /** The rubric_versions row scored with (rubric mode), else null. */
    rubricVersionId: string | null;
    teacherApproved: boolean;
    /** AI proposals only (null for a teacher's grade). */
    aiConfidence: number | null;
    aiModel: string | null;
    flags: string[];
  } & GradeScores
>({
  type: 'GradeRecorded',
  action: 'grade.create',
  streamType: 'grade',
});

/**
 * A grade changed: the grade-change audit record, with the scores before and after (equal when only
 * feedback or notes changed; `changed` says which fields did, never their text).
 */
export const GradeEdited = defineEvent<{
  gradeId: string;
  submissionId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  /** Who made this change: a teacher, or the AI grader regrading the work. */
  source: GradeSource;
  /** API field names that changed: criteriaScores, answers, feedbackText, teacherNotes, rubricVersionId. */
  changed: string[];
  before: GradeScores;
  after: GradeScores;
  rubricVersionId: string | null;
  teacherModified: boolean;
  teacherApproved: boolean;
}>({
  type: 'GradeEdited',
  action: 'grade.edit',
  streamType: 'grade',
});

/** A teacher approved a grade (an AI proposal, or approval implied by their own edit of one). */
export const GradeApproved = defineEvent<{
  gradeId: string;
  submissionId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  source: GradeSource;
  percentage: number;
  /** The teacher changed the grade before approving it. */
  teacherModified: boolean;
  /** Approved by the assignment's auto-approval threshold, not by a teacher (absent otherwise). */
  auto?: boolean;
}>({
  type: 'GradeApproved',
  action: 'grade.approve',
  streamType: 'grade',
});

/** A teacher sent work to Claude's Message Batches API ("grade all pending" at half price). */
export const GradingBatchStarted = defineEvent<{
  batchId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  submissionCount: number;
}>({
  type: 'GradingBatchStarted',
  action: 'grading_batch.create',
  streamType: 'grading_batch',
});

/** Claude accepted the batch; `anthropicBatchId` is the Message Batches API's id. */
export const GradingBatchSubmitted = defineEvent<{
  batchId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  anthropicBatchId: string;
  requestCount: number;
}>({
  type: 'GradingBatchSubmitted',
  action: 'grading_batch.submit',
  streamType: 'grading_batch',
});

/** Every result of the batch is imported: graded, sent to interactive grading again, or failed. */
export const GradingBatchEnded = defineEvent<{
  batchId: string;
  assignmentId: string;
  classId: string;
  ownerId: string;
  succeeded: number;
  errored: number;
  expired: number;
  canceled: number;
  /** Sent back to interactive grading (expired, canceled or a retryable error). */
  retried: number;
  /** Results that failed validation even after the repair attempt, or could not be retried. */
  failed: number;
}>({
  type: 'GradingBatchEnded',
  action: 'grading_batch.end',
  streamType: 'grading_batch',
});

// ---- the AI grading job: the contract uploads and activations enqueue against ----

/**
 * One submission for Claude to grade. `token` names this grading attempt: the job that holds it
 * claims the submission (pending → grading) and a retry of the same job carries the same token, so
 * two jobs for one submission never both grade it.
 */
export interface GradeSubmissionJobData {
  submissionId: string;
  token: string;
}

/**
 * The queue of AI grading jobs for one blob store (the job reads page images from it), like the
 * submissions' render queue: only processes that see the same storage directory take its jobs.
 */
export function gradeSubmissionJob(storeId: string): JobDefinition<GradeSubmissionJobData> {
  return defineJob<GradeSubmissionJobData>(`grading.grade-submission.${storeId}`, {
    retryLimit: 4,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 120,
  });
}

/**
 * Enqueues AI grading of these submissions in the caller's transaction (ARCHITECTURE.md, "The write
 * path", step 3). Does nothing without ANTHROPIC_API_KEY: the work then waits for manual grading.
 * The job checks the submission again, so enqueueing work that is not ready (pages still rendering)
 * or already graded is harmless.
 */
export async function enqueueAiGrading(jobs: JobQueue, config: Pick<AppConfig, 'ai' | 'storage'>, tx: Transaction, submissionIds: readonly string[]): Promise<number> {
  if (!config.ai.enabled || submissionIds.length === 0) return 0;
  const job = gradeSubmissionJob(await storageId(config.storage.dir));
  await jobs.sendMany(job, submissionIds.map((submissionId) => ({ submissionId, token: randomUUID() })), tx);
  return submissionIds.length;
}

/**
 * Enqueues AI grading of every pending submission of an assignment whose pages are all rendered
 * (activation, reopening). Call it after the assignment row was updated in `tx`: a page render
 * committing at the same time either waits for that row (and then sees the assignment active) or
 * committed first (and its pages are seen here).
 */
export async function enqueuePendingAiGrading(jobs: JobQueue, config: Pick<AppConfig, 'ai' | 'storage'>, tx: Transaction, assignmentId: string): Promise<number> {
  if (!config.ai.enabled) return 0;
  const rows: Array<{ id: string }> = await tx.manager.query(
    `SELECT s.id FROM submissions s
      WHERE s.assignment_id = $1 AND s.status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM submission_pages p WHERE p.submission_id = s.id AND p.blob_key IS NULL)
      ORDER BY s.submitted_at, s.upload_position, s.id`,
    [assignmentId],
  );
  return enqueueAiGrading(
    jobs,
    config,
    tx,
    rows.map((row) => row.id),
  );
}

/**
 * For a submission whose last page was just rendered: enqueues its AI grading when its assignment is
 * active. The assignment row is read FOR SHARE, so an activation committing at the same time is
 * either waited for (and seen) or sees these pages itself.
 */
export async function enqueueAiGradingWhenReady(jobs: JobQueue, config: Pick<AppConfig, 'ai' | 'storage'>, tx: Transaction, submissionId: string): Promise<number> {
  if (!config.ai.enabled) return 0;
  const rows: Array<{ status: string }> = await tx.manager.query(
    `SELECT a.status FROM submissions s JOIN assignments a ON a.id = s.assignment_id WHERE s.id = $1 AND s.status = 'pending' FOR SHARE OF a`,
    [submissionId],
  );
  if (rows[0]?.status !== 'active') return 0;
  return enqueueAiGrading(jobs, config, tx, [submissionId]);
}
