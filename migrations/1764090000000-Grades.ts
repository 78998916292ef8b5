import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Grades (handmark-data-models.md, "grades"): the seed's columns, generated percentage, CHECKs and
 * indexes, plus what teacher review and the AI grader need: the exact rubric version scored with,
 * the answers of answer-key mode, who made the grade (source), the AI grader's flags, the grade's
 * version (its event stream version, for If-Match) and who approved it when.
 *
 * Also the assignment_stats read model (kept by the grading module's projector) and two views over
 * the base tables that tests compare the read models against: the seed's assignment_stats view,
 * exactly as written, and the seed's teacher_dashboard view with its pending count corrected.
 *
 * The seed's grade_created_trigger (which silently sets the submission to graded on every grade
 * insert) is deliberately left out: status changes are explicit commands that check the status
 * machine and record a SubmissionStatusChanged event. A trigger would change the submission behind
 * the event log's back (no event, no version bump, so projections and If-Match would drift) and would
 * be wrong for HandMark's flows anyway: a teacher's own grade makes the work reviewed, not graded.
 */
export class Grades1764090000000 implements MigrationInterface {
  name = 'Grades1764090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE grades (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        submission_id uuid NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        total_score numeric(7,2) NOT NULL,
        max_score numeric(7,2) NOT NULL CHECK (max_score > 0),
        percentage numeric(5,2) GENERATED ALWAYS AS (round(total_score / max_score * 100, 2)) STORED,
        criteria_scores jsonb,
        answers jsonb,
        feedback_text text,
        ai_confidence numeric(3,2) CHECK (ai_confidence BETWEEN 0 AND 1),
        ai_model text,
        ai_reasoning jsonb,
        teacher_approved boolean NOT NULL DEFAULT false,
        teacher_modified boolean NOT NULL DEFAULT false,
        teacher_notes text,
        rubric_version_id uuid REFERENCES rubric_versions (id),
        source text NOT NULL,
        flags text[] NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1 CHECK (version > 0),
        approved_at timestamptz,
        approved_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT grades_total_score_check CHECK (total_score BETWEEN 0 AND max_score),
        CONSTRAINT grades_source_check CHECK (source IN ('teacher', 'ai')),
        CONSTRAINT grades_criteria_scores_check CHECK (jsonb_typeof(criteria_scores) = 'array'),
        CONSTRAINT grades_answers_check CHECK (jsonb_typeof(answers) = 'array'),
        CONSTRAINT grades_ai_reasoning_check CHECK (jsonb_typeof(ai_reasoning) = 'object'),
        -- Rubric mode scores criteria of a pinned rubric version; answer-key mode scores answers.
        CONSTRAINT grades_mode_check CHECK (
          (criteria_scores IS NOT NULL AND answers IS NULL AND rubric_version_id IS NOT NULL) OR
          (answers IS NOT NULL AND criteria_scores IS NULL AND rubric_version_id IS NULL)
        ),
        -- A teacher's grade carries no AI fields (an AI grade keeps them when a teacher edits it).
        CONSTRAINT grades_teacher_source_check CHECK (source = 'ai' OR (ai_model IS NULL AND ai_confidence IS NULL AND ai_reasoning IS NULL)),
        CONSTRAINT grades_approval_check CHECK (teacher_approved = (approved_at IS NOT NULL)),
        CONSTRAINT grades_flags_check CHECK (array_to_string(flags, ',') ~ '^([a-z_]{1,64}(,[a-z_]{1,64})*)?$')
      )`);
    await q.query(`CREATE UNIQUE INDEX idx_grades_submission_id ON grades (submission_id)`);
    await q.query(`CREATE INDEX idx_grades_teacher_approved ON grades (teacher_approved)`);
    await q.query(`CREATE INDEX idx_grades_ai_confidence ON grades (ai_confidence)`);
    await q.query(`CREATE INDEX idx_grades_criteria_scores ON grades USING GIN (criteria_scores)`);
    await q.query(`CREATE INDEX idx_grades_rubric_version_id ON grades (rubric_version_id)`);
    await q.query(`CREATE INDEX idx_grades_approved_by ON grades (approved_by)`);
    await q.query(
      `CREATE TRIGGER update_grades_updated_at BEFORE UPDATE ON grades
       FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()`,
    );

    // Read model: one row per assignment, kept by the assignment stats projector inside each write.
    await q.query(`
      CREATE TABLE assignment_stats (
        assignment_id uuid PRIMARY KEY,
        total_submissions integer NOT NULL DEFAULT 0,
        pending_count integer NOT NULL DEFAULT 0,
        grading_count integer NOT NULL DEFAULT 0,
        graded_count integer NOT NULL DEFAULT 0,
        reviewed_count integer NOT NULL DEFAULT 0,
        error_count integer NOT NULL DEFAULT 0,
        grade_count integer NOT NULL DEFAULT 0,
        mean_percentage numeric(5,2),
        median_percentage numeric(6,3),
        histogram jsonb NOT NULL DEFAULT '[0,0,0,0,0,0,0,0,0,0]'::jsonb,
        criteria jsonb NOT NULL DEFAULT '{}'::jsonb,
        grades jsonb NOT NULL DEFAULT '{}'::jsonb,
        last_position bigint NOT NULL DEFAULT 0
      )`);

    // The seed's assignment_stats view, exactly as written (named _view: the table above has its name).
    await q.query(`
      CREATE VIEW assignment_stats_view AS
      SELECT
        a.id AS assignment_id,
        a.title,
        COUNT(s.id) AS total_submissions,
        COUNT(CASE WHEN s.status = 'graded' THEN 1 END) AS graded_count,
        COUNT(CASE WHEN s.status = 'pending' THEN 1 END) AS pending_count,
        AVG(g.percentage) AS average_percentage,
        PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY g.percentage) AS median_percentage
      FROM assignments a
      LEFT JOIN submissions s ON a.id = s.assignment_id
      LEFT JOIN grades g ON s.id = g.submission_id
      GROUP BY a.id, a.title`);

    // The seed's teacher_dashboard view, corrected: its pending count multiplied every pending
    // submission by the class's roster size (the students join); counting distinct submissions fixes it.
    await q.query(`
      CREATE VIEW teacher_dashboard_view AS
      SELECT
        u.id AS user_id,
        COUNT(DISTINCT c.id) AS total_classes,
        COUNT(DISTINCT s.id) AS total_students,
        COUNT(DISTINCT a.id) AS total_assignments,
        COUNT(DISTINCT sub.id) AS total_submissions,
        COUNT(DISTINCT sub.id) FILTER (WHERE sub.status = 'pending') AS pending_submissions
      FROM users u
      LEFT JOIN classes c ON u.id = c.user_id AND c.archived_at IS NULL
      LEFT JOIN students s ON c.id = s.class_id
      LEFT JOIN assignments a ON c.id = a.class_id
      LEFT JOIN submissions sub ON a.id = sub.assignment_id
      GROUP BY u.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW IF EXISTS teacher_dashboard_view`);
    await q.query(`DROP VIEW IF EXISTS assignment_stats_view`);
    await q.query(`DROP TABLE IF EXISTS assignment_stats`);
    await q.query(`DROP TABLE IF EXISTS grades`);
  }
}
