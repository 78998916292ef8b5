import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard read model becomes one row per class (dashboard_classes) instead of one row per
 * teacher holding every class they ever had in a jsonb map: a command rewrote the whole map, so
 * its cost grew with the teacher's history (archived classes stay listed). teacher_dashboard
 * becomes a view over the new rows with the same columns, the seed's dashboard counts.
 *
 * The rows are converted from the old map, the class going to the teacher who owns it now;
 * `npm run projections:rebuild` recomputes them from the activity log either way.
 */
export class DashboardClasses1764130000000 implements MigrationInterface {
  name = 'DashboardClasses1764130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard_classes (
        class_id uuid PRIMARY KEY,
        owner_id uuid,
        students integer NOT NULL DEFAULT 0,
        assignments integer NOT NULL DEFAULT 0,
        submissions integer NOT NULL DEFAULT 0,
        pending integer NOT NULL DEFAULT 0,
        archived boolean NOT NULL DEFAULT false
      ) WITH (fillfactor = 50)`);
    await q.query(`CREATE INDEX idx_dashboard_classes_owner_id ON dashboard_classes (owner_id)`);
    await q.query(`
      INSERT INTO dashboard_classes (class_id, owner_id, students, assignments, submissions, pending, archived)
      SELECT DISTINCT ON (c.key) c.key::uuid, d.user_id,
             coalesce((c.value->>'students')::int, 0), coalesce((c.value->>'assignments')::int, 0),
             coalesce((c.value->>'submissions')::int, 0), coalesce((c.value->>'pending')::int, 0),
             coalesce((c.value->>'archived')::boolean, false)
        FROM teacher_dashboard d CROSS JOIN LATERAL jsonb_each(d.classes) c
       WHERE (c.value->>'owned')::int > 0
       ORDER BY c.key, (c.value->>'owned')::int DESC`);
    await q.query(`DROP TABLE teacher_dashboard`);
    await q.query(`
      CREATE VIEW teacher_dashboard AS
      SELECT owner_id AS user_id,
             count(*) FILTER (WHERE NOT archived)::int AS total_classes,
             coalesce(sum(students) FILTER (WHERE NOT archived), 0)::int AS total_students,
             coalesce(sum(assignments) FILTER (WHERE NOT archived), 0)::int AS total_assignments,
             coalesce(sum(submissions) FILTER (WHERE NOT archived), 0)::int AS total_submissions,
             coalesce(sum(pending) FILTER (WHERE NOT archived), 0)::int AS pending_submissions
        FROM dashboard_classes
       WHERE owner_id IS NOT NULL
       GROUP BY owner_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW teacher_dashboard`);
    await q.query(`
      CREATE TABLE teacher_dashboard (
        user_id uuid PRIMARY KEY,
        total_classes integer NOT NULL DEFAULT 0,
        total_students integer NOT NULL DEFAULT 0,
        total_assignments integer NOT NULL DEFAULT 0,
        total_submissions integer NOT NULL DEFAULT 0,
        pending_submissions integer NOT NULL DEFAULT 0,
        classes jsonb NOT NULL DEFAULT '{}'::jsonb
      ) WITH (fillfactor = 50)`);
    await q.query(`
      INSERT INTO teacher_dashboard (user_id, total_classes, total_students, total_assignments, total_submissions, pending_submissions, classes)
      SELECT owner_id,
             count(*) FILTER (WHERE NOT archived), coalesce(sum(students) FILTER (WHERE NOT archived), 0),
             coalesce(sum(assignments) FILTER (WHERE NOT archived), 0), coalesce(sum(submissions) FILTER (WHERE NOT archived), 0),
             coalesce(sum(pending) FILTER (WHERE NOT archived), 0),
             jsonb_object_agg(class_id::text, jsonb_build_object('owned', 1, 'students', students, 'assignments', assignments,
                                                                  'submissions', submissions, 'pending', pending, 'archived', archived))
        FROM dashboard_classes
       WHERE owner_id IS NOT NULL
       GROUP BY owner_id`);
    await q.query(`DROP TABLE dashboard_classes`);
  }
}
