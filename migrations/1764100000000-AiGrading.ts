import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AI grading with Claude: which grading attempt holds a submission (so two jobs never grade it
 * twice), Message Batches runs with their requests, and an index for the review queue's flagged-first
 * order. Grades themselves keep the AI's answer in grades.ai_reasoning (Grades migration).
 */
export class AiGrading1764100000000 implements MigrationInterface {
  name = 'AiGrading1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // A Message Batches run ("grade all pending" at half price): the API's batch id once Claude
    // accepted it, the API's counts as last polled, and how many results were imported.
    await q.query(`
      CREATE TABLE grading_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        assignment_id uuid NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
        anthropic_batch_id text UNIQUE,
        status text NOT NULL DEFAULT 'submitting',
        model text NOT NULL,
        total integer NOT NULL CHECK (total >= 0),
        processing integer NOT NULL DEFAULT 0,
        succeeded integer NOT NULL DEFAULT 0,
        errored integer NOT NULL DEFAULT 0,
        expired integer NOT NULL DEFAULT 0,
        canceled integer NOT NULL DEFAULT 0,
        error_message text,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        submitted_at timestamptz,
        ended_at timestamptz,
        completed_at timestamptz,
        CONSTRAINT grading_batches_status_check CHECK (status IN ('submitting', 'in_progress', 'importing', 'completed', 'failed'))
      )`);
    await q.query(`CREATE INDEX idx_grading_batches_assignment_id ON grading_batches (assignment_id, created_at)`);

    // One row per submission sent in a batch; `state` says what became of its result.
    await q.query(`
      CREATE TABLE grading_batch_items (
        batch_id uuid NOT NULL REFERENCES grading_batches (id) ON DELETE CASCADE,
        submission_id uuid NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        state text NOT NULL DEFAULT 'waiting',
        detail text,
        PRIMARY KEY (batch_id, submission_id),
        CONSTRAINT grading_batch_items_state_check CHECK (state IN ('waiting', 'graded', 'repaired', 'retried', 'failed', 'skipped'))
      )`);
    await q.query(`CREATE INDEX idx_grading_batch_items_submission_id ON grading_batch_items (submission_id)`);

    // The grading attempt that holds a submission in status grading: an interactive job's token, or a batch.
    await q.query(`
      CREATE TABLE ai_grading_claims (
        submission_id uuid PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
        token text NOT NULL,
        batch_id uuid REFERENCES grading_batches (id) ON DELETE SET NULL,
        claimed_at timestamptz NOT NULL DEFAULT now()
      )`);

    // The review queue shows unapproved AI proposals, flagged first.
    await q.query(`CREATE INDEX idx_grades_unapproved_ai ON grades (submission_id) INCLUDE (ai_confidence, flags) WHERE source = 'ai' AND NOT teacher_approved`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idx_grades_unapproved_ai`);
    await q.query(`DROP TABLE IF EXISTS ai_grading_claims`);
    await q.query(`DROP TABLE IF EXISTS grading_batch_items`);
    await q.query(`DROP TABLE IF EXISTS grading_batches`);
  }
}
