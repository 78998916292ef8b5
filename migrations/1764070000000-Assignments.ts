import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assignments (handmark-data-models.md, "assignments"), with the seed's columns, CHECKs and
 * indexes, plus what grading needs: the exact rubric version an assignment is graded with, its
 * own version (the event stream version, for If-Match), the auto-approve threshold and the times
 * it was activated and closed.
 *
 * The seed's rubric_id FK is ON DELETE SET NULL, which the grading-source CHECK would refuse for a
 * rubric-mode assignment. That never happens: rubrics are soft-deleted (deleted_at) and a pinned
 * rubric_versions row is never removed while its rubric row exists, so a hard delete of a rubric in
 * use is refused rather than silently leaving the assignment without a rubric.
 */
export class Assignments1764070000000 implements MigrationInterface {
  name = 'Assignments1764070000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        class_id uuid NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
        title text NOT NULL CHECK (length(btrim(title)) > 0),
        instructions text,
        grading_mode text NOT NULL,
        rubric_id uuid REFERENCES rubrics (id) ON DELETE SET NULL,
        rubric_version_id uuid REFERENCES rubric_versions (id),
        answer_key_data jsonb,
        due_date timestamptz,
        status text NOT NULL DEFAULT 'draft',
        auto_approve_threshold numeric(3,2),
        version integer NOT NULL DEFAULT 1 CHECK (version > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        closed_at timestamptz,
        CONSTRAINT assignments_grading_mode_check CHECK (grading_mode IN ('rubric', 'answer_key')),
        CONSTRAINT assignments_status_check CHECK (status IN ('draft', 'active', 'closed', 'archived')),
        CONSTRAINT assignments_grading_source_check CHECK (
          (grading_mode = 'rubric' AND rubric_id IS NOT NULL) OR
          (grading_mode = 'answer_key' AND answer_key_data IS NOT NULL)
        ),
        CONSTRAINT answer_key_is_object CHECK (jsonb_typeof(answer_key_data) = 'object'),
        -- Beyond the seed: a rubric-mode assignment names the exact snapshot it is graded with, and
        -- an assignment has one grading source, so the grader never sees a stale second one.
        CONSTRAINT assignments_rubric_version_check CHECK (grading_mode <> 'rubric' OR rubric_version_id IS NOT NULL),
        CONSTRAINT assignments_single_grading_source_check CHECK (
          (grading_mode = 'rubric' AND answer_key_data IS NULL) OR
          (grading_mode = 'answer_key' AND rubric_id IS NULL AND rubric_version_id IS NULL)
        ),
        -- NULL turns auto-approval off.
        CONSTRAINT assignments_auto_approve_threshold_check CHECK (auto_approve_threshold BETWEEN 0 AND 1)
      )`);
    await q.query(`CREATE INDEX idx_assignments_class_id ON assignments (class_id)`);
    await q.query(`CREATE INDEX idx_assignments_rubric_id ON assignments (rubric_id)`);
    await q.query(`CREATE INDEX idx_assignments_rubric_version_id ON assignments (rubric_version_id)`);
    await q.query(`CREATE INDEX idx_assignments_status ON assignments (status)`);
    await q.query(`CREATE INDEX idx_assignments_due_date ON assignments (due_date)`);
    await q.query(`CREATE INDEX idx_assignments_class_status ON assignments (class_id, status)`);
    await q.query(
      `CREATE TRIGGER update_assignments_updated_at BEFORE UPDATE ON assignments
       FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS assignments`);
  }
}
