import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation schema: people and rosters (users, schools, classes, students), sign-in
 * (sessions, API tokens, OAuth state), the event store (activity_logs and its integrity chain)
 * and the teacher dashboard read model. Columns, CHECKs, FKs and indexes follow
 * handmark-data-models.md; what the event store adds is described in ARCHITECTURE.md.
 */
export class Foundation1764050000000 implements MigrationInterface {
  name = 'Foundation1764050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at = now();
        RETURN NEW;
      END $$`);

    await q.query(`
      CREATE TABLE schools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        district text,
        state text,
        country text DEFAULT 'US',
        sourced_id text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX idx_schools_name ON schools (name)`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email) AND position('@' in email) > 1),
        name text,
        avatar_url text,
        google_id text UNIQUE,
        role text NOT NULL DEFAULT 'teacher',
        subscription_tier text DEFAULT 'free',
        school_id uuid REFERENCES schools (id) ON DELETE SET NULL,
        sourced_id text UNIQUE,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz,
        CONSTRAINT users_role_check CHECK (role IN ('teacher', 'admin')),
        CONSTRAINT users_subscription_tier_check CHECK (subscription_tier IN ('free', 'pro', 'enterprise'))
      )`);
    await q.query(`CREATE INDEX idx_users_email ON users (email)`);
    await q.query(`CREATE INDEX idx_users_google_id ON users (google_id)`);
    await q.query(`CREATE INDEX idx_users_school_id ON users (school_id)`);

    await q.query(`
      CREATE TABLE classes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        school_id uuid REFERENCES schools (id) ON DELETE SET NULL,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        grade_level text,
        subject text,
        academic_year text,
        google_classroom_id text,
        sourced_id text UNIQUE,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        archived_at timestamptz
      )`);
    await q.query(`CREATE INDEX idx_classes_user_id ON classes (user_id)`);
    await q.query(`CREATE INDEX idx_classes_school_id ON classes (school_id)`);
    await q.query(`CREATE INDEX idx_classes_archived_at ON classes (archived_at)`);
    await q.query(`CREATE INDEX idx_classes_user_archived ON classes (user_id, archived_at)`);

    await q.query(`
      CREATE TABLE students (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        class_id uuid NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        email text CHECK (email = lower(email)),
        student_id text,
        google_id text,
        sourced_id text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT students_class_email_unique UNIQUE (class_id, email),
        CONSTRAINT students_class_student_id_unique UNIQUE (class_id, student_id)
      )`);
    await q.query(`CREATE INDEX idx_students_class_id ON students (class_id)`);
    await q.query(`CREATE INDEX idx_students_email ON students (email)`);
    await q.query(`CREATE INDEX idx_students_student_id ON students (student_id)`);
    await q.query(`CREATE INDEX idx_students_name ON students USING GIN (to_tsvector('english', name))`);

    for (const table of ['schools', 'users', 'classes', 'students']) {
      await q.query(
        `CREATE TRIGGER update_${table}_updated_at BEFORE UPDATE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()`,
      );
    }

    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        csrf_token text NOT NULL,
        ip_address inet,
        user_agent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX idx_sessions_user_id ON sessions (user_id)`);
    await q.query(`CREATE INDEX idx_sessions_expires_at ON sessions (expires_at)`);

    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        token_hash bytea NOT NULL UNIQUE,
        token_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX idx_api_tokens_user_id ON api_tokens (user_id)`);

    await q.query(`
      CREATE TABLE oauth_states (
        state_hash bytea PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);

    // The event store. user_id has no ON DELETE action that would rewrite history: users are
    // disabled, never deleted, and the log never needs editing.
    await q.query(`
      CREATE TABLE activity_logs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        position bigserial NOT NULL UNIQUE,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        user_id uuid REFERENCES users (id) ON DELETE RESTRICT,
        action text NOT NULL CHECK (action ~ '^[a-z_]+(\\.[a-z_]+)+$'),
        resource_type text,
        resource_id uuid,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
        ip_address inet,
        user_agent text,
        request_id text,
        stream_type text NOT NULL,
        stream_id uuid NOT NULL,
        stream_version integer NOT NULL CHECK (stream_version > 0),
        event_type text NOT NULL,
        schema_version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT activity_logs_stream_version_unique UNIQUE (stream_type, stream_id, stream_version)
      )`);
    await q.query(`CREATE INDEX idx_activity_logs_user_id ON activity_logs (user_id)`);
    await q.query(`CREATE INDEX idx_activity_logs_created_at ON activity_logs (created_at)`);
    await q.query(`CREATE INDEX idx_activity_logs_action ON activity_logs (action)`);
    await q.query(`CREATE INDEX idx_activity_logs_resource ON activity_logs (resource_type, resource_id)`);
    await q.query(`CREATE INDEX idx_activity_logs_user_created ON activity_logs (user_id, created_at)`);
    await q.query(`CREATE INDEX idx_activity_logs_commit_order ON activity_logs (transaction_id, position)`);

    // The integrity chain: one row per event, appended in commit order by the sealer.
    await q.query(`
      CREATE TABLE activity_log_chain (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        position bigint NOT NULL UNIQUE,
        transaction_id xid8 NOT NULL,
        hash bytea NOT NULL CHECK (length(hash) = 32),
        sealed_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE FUNCTION reject_audit_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['activity_logs', 'activity_log_chain']) {
      await q.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION reject_audit_log_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION reject_audit_log_change()`,
      );
    }

    // Read model: one row per teacher, kept by the dashboard projector inside each write.
    await q.query(`
      CREATE TABLE teacher_dashboard (
        user_id uuid PRIMARY KEY,
        total_classes integer NOT NULL DEFAULT 0,
        total_students integer NOT NULL DEFAULT 0,
        total_assignments integer NOT NULL DEFAULT 0,
        total_submissions integer NOT NULL DEFAULT 0,
        pending_submissions integer NOT NULL DEFAULT 0,
        classes jsonb NOT NULL DEFAULT '{}'::jsonb,
        last_position bigint NOT NULL DEFAULT 0
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['teacher_dashboard', 'activity_log_chain', 'activity_logs', 'oauth_states', 'api_tokens', 'sessions', 'students', 'classes', 'users', 'schools']) {
      await q.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS reject_audit_log_change()`);
    await q.query(`DROP FUNCTION IF EXISTS update_updated_at_column()`);
  }
}
