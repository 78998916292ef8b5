import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Submission intake (handmark-data-models.md, "submissions"): the seed's columns, CHECK and
 * indexes, plus uploads (one row per upload request, for Idempotency-Key replays and intake
 * progress), submission_pages (the page images of photos and PDFs) and blob_stores.
 *
 * Files live in content-addressed blob storage (libs/storage), never in the database. The seed's
 * `image_url` and `image_thumbnail_url` keep their names (the grading part reads them as the seed
 * describes) but hold blob keys, the sha256 of the stored bytes, instead of URLs: the original file
 * (the photo with its metadata removed, the PDF, or the typed text) and its thumbnail. Nothing serves
 * a key directly; files go out through the authorized /api/submissions/:id/... endpoints.
 *
 * A blob is written before the transaction that references it, so a crash in between leaves at most
 * an unreferenced blob, which the orphan sweep removes (it deletes only blobs older than an hour that
 * no key column below references, hence the indexes on every key column).
 */
export class Submissions1764080000000 implements MigrationInterface {
  name = 'Submissions1764080000000';

  async up(q: QueryRunner): Promise<void> {
    const sha256 = (column: string) => `${column} ~ '^[0-9a-f]{64}$'`;

    // The blob stores (storage directories) this database has written to: only these are swept.
    await q.query(`
      CREATE TABLE blob_stores (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE uploads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        assignment_id uuid NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id),
        kind text NOT NULL,
        idempotency_key text,
        request_hash text NOT NULL CHECK (${sha256('request_hash')}),
        status text NOT NULL DEFAULT 'processing',
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT uploads_kind_check CHECK (kind IN ('files', 'text', 'stack')),
        CONSTRAINT uploads_status_check CHECK (status IN ('processing', 'complete', 'failed')),
        CONSTRAINT uploads_idempotency_key_check CHECK (length(idempotency_key) BETWEEN 1 AND 255),
        CONSTRAINT uploads_user_idempotency_key_unique UNIQUE (user_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX idx_uploads_assignment_id ON uploads (assignment_id)`);

    await q.query(`
      CREATE TABLE submissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        assignment_id uuid NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
        student_id uuid REFERENCES students (id) ON DELETE SET NULL,
        student_name text,
        image_url text NOT NULL CHECK (${sha256('image_url')}),
        image_thumbnail_url text CHECK (${sha256('image_thumbnail_url')}),
        file_size_bytes integer CHECK (file_size_bytes >= 0),
        status text NOT NULL DEFAULT 'pending',
        submitted_at timestamptz NOT NULL DEFAULT now(),
        graded_at timestamptz,
        reviewed_at timestamptz,
        error_message text,
        upload_id uuid NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
        -- The file's place in its upload (a stack's students in stack order), for listing in upload order.
        upload_position integer NOT NULL DEFAULT 0 CHECK (upload_position >= 0),
        source_kind text NOT NULL,
        mime_type text NOT NULL,
        file_name text,
        content_sha256 text NOT NULL CHECK (${sha256('content_sha256')}),
        text_content text,
        page_count integer NOT NULL DEFAULT 0 CHECK (page_count >= 0),
        match_status text NOT NULL DEFAULT 'unmatched',
        match_method text,
        match_candidates jsonb NOT NULL DEFAULT '[]'::jsonb,
        version integer NOT NULL DEFAULT 1 CHECK (version > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT submissions_status_check CHECK (status IN ('pending', 'grading', 'graded', 'reviewed', 'error')),
        CONSTRAINT submissions_source_kind_check CHECK (source_kind IN ('image', 'pdf', 'text', 'stack')),
        CONSTRAINT submissions_match_status_check CHECK (match_status IN ('matched', 'unmatched', 'ambiguous')),
        CONSTRAINT submissions_match_method_check CHECK (match_method IN ('typed', 'file_name', 'teacher', 'ai')),
        CONSTRAINT submissions_matched_student_check CHECK ((match_status = 'matched') = (student_id IS NOT NULL)),
        CONSTRAINT submissions_match_method_present_check CHECK ((match_status = 'matched') = (match_method IS NOT NULL)),
        CONSTRAINT submissions_match_candidates_check CHECK (jsonb_typeof(match_candidates) = 'array'),
        CONSTRAINT submissions_text_check CHECK ((source_kind = 'text') = (text_content IS NOT NULL)),
        -- The same content uploaded twice to an assignment is one submission. For a page range of a
        -- class stack the hash covers the stack's sha256 and the range.
        CONSTRAINT submissions_assignment_content_unique UNIQUE (assignment_id, content_sha256)
      )`);
    await q.query(`CREATE INDEX idx_submissions_assignment_id ON submissions (assignment_id)`);
    await q.query(`CREATE INDEX idx_submissions_student_id ON submissions (student_id)`);
    await q.query(`CREATE INDEX idx_submissions_status ON submissions (status)`);
    await q.query(`CREATE INDEX idx_submissions_submitted_at ON submissions (submitted_at)`);
    await q.query(`CREATE INDEX idx_submissions_upload_id ON submissions (upload_id)`);
    await q.query(`CREATE INDEX idx_submissions_assignment_order ON submissions (assignment_id, submitted_at, upload_position, id)`);
    await q.query(`CREATE INDEX idx_submissions_assignment_match ON submissions (assignment_id, match_status)`);
    await q.query(`CREATE INDEX idx_submissions_image_url ON submissions (image_url)`);
    await q.query(`CREATE INDEX idx_submissions_image_thumbnail_url ON submissions (image_thumbnail_url)`);
    await q.query(
      `CREATE TRIGGER update_submissions_updated_at BEFORE UPDATE ON submissions
       FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()`,
    );
    // Removing a student from the roster (ON DELETE SET NULL) sends their work back to the matching queue.
    await q.query(`
      CREATE FUNCTION unmatch_submission_of_removed_student() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.student_id IS NULL AND OLD.student_id IS NOT NULL AND NEW.match_status = 'matched' THEN
          NEW.match_status = 'unmatched';
          NEW.match_method = NULL;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER submissions_unmatch_removed_student BEFORE UPDATE OF student_id ON submissions
       FOR EACH ROW EXECUTE FUNCTION unmatch_submission_of_removed_student()`,
    );

    // One row per page. Photos have their single page at upload; PDF pages are rendered by a job,
    // which fills blob_key, thumbnail_key, width, height and rendered_at.
    await q.query(`
      CREATE TABLE submission_pages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        submission_id uuid NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        page_number integer NOT NULL CHECK (page_number > 0),
        blob_key text CHECK (${sha256('blob_key')}),
        thumbnail_key text CHECK (${sha256('thumbnail_key')}),
        mime_type text,
        width integer CHECK (width > 0),
        height integer CHECK (height > 0),
        source_pdf_key text CHECK (${sha256('source_pdf_key')}),
        source_pdf_page integer CHECK (source_pdf_page > 0),
        is_cover boolean NOT NULL DEFAULT false,
        rendered_at timestamptz,
        CONSTRAINT submission_pages_submission_page_unique UNIQUE (submission_id, page_number),
        CONSTRAINT submission_pages_rendered_check CHECK ((blob_key IS NULL) = (rendered_at IS NULL)),
        CONSTRAINT submission_pages_source_check CHECK (blob_key IS NOT NULL OR (source_pdf_key IS NOT NULL AND source_pdf_page IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX idx_submission_pages_unrendered ON submission_pages (submission_id) WHERE blob_key IS NULL`);
    await q.query(`CREATE INDEX idx_submission_pages_blob_key ON submission_pages (blob_key)`);
    await q.query(`CREATE INDEX idx_submission_pages_thumbnail_key ON submission_pages (thumbnail_key)`);
    await q.query(`CREATE INDEX idx_submission_pages_source_pdf_key ON submission_pages (source_pdf_key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS submission_pages, submissions, uploads, blob_stores CASCADE`);
    await q.query(`DROP FUNCTION IF EXISTS unmatch_submission_of_removed_student()`);
  }
}
