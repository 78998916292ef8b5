import { randomUUID } from 'node:crypto';
import { type EntityManager, QueryFailedError } from 'typeorm';
import type { Transaction } from '../../../libs/event-store/unit-of-work.js';
import type { OwnedAssignment } from './submissions.access.js';
import { SUBMISSION_SELECT, type SubmissionRow, toSubmissionDto, type UploadedSubmissionDto, type UploadResultDto } from './submissions.dto.js';
import { IdempotencyKeyReusedError, UploadInProgressError } from './submissions.errors.js';
import { type MatchCandidate, type SourceKind, SubmissionMatched, SubmissionUploaded } from './submissions.events.js';
import type { MatchResult } from './submissions.rules.js';
import { sha256Hex } from './submissions.intake.js';
import type { StoredResponse, UploadKind } from './upload.entity.js';

/** The answer to an upload request: 201 when it created something, 200 when everything was a duplicate. */
export interface UploadOutcome {
  statusCode: number;
  body: UploadResultDto;
}

export const IDEMPOTENCY_CONSTRAINT = 'uploads_user_idempotency_key_unique';

/** What a retry with the same Idempotency-Key must repeat exactly: the assignment, the files (by content and name) and the fields. */
export function requestHash(kind: UploadKind, assignmentId: string, files: Array<{ name: string | null; sha256: string }>, fields: object): string {
  const sortedFields = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  return sha256Hex(JSON.stringify({ kind, assignmentId, files, fields: sortedFields }));
}

/**
 * The stored answer of an earlier request with this Idempotency-Key, or null for a new key. The
 * same key with a different request is a 422; a first request still being written is a 409.
 */
export async function replayOf(manager: EntityManager, userId: string, idempotencyKey: string | undefined, hash: string): Promise<UploadOutcome | null> {
  if (idempotencyKey === undefined) return null;
  const rows: Array<{ request_hash: string; response: StoredResponse | null }> = await manager.query(`SELECT request_hash, response FROM uploads WHERE user_id = $1 AND idempotency_key = $2`, [
    userId,
    idempotencyKey,
  ]);
  if (rows.length === 0) return null;
  if (rows[0].request_hash !== hash) throw new IdempotencyKeyReusedError();
  if (!rows[0].response) throw new UploadInProgressError();
  return rows[0].response as UploadOutcome;
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}

/** Writes the upload's row first: a concurrent request with the same key waits on it, then fails on the unique key and replays. */
export async function insertUpload(tx: Transaction, fields: { assignmentId: string; userId: string; kind: UploadKind; idempotencyKey?: string; requestHash: string; rendering: boolean }): Promise<string> {
  const id = randomUUID();
  await tx.manager.query(
    `INSERT INTO uploads (id, assignment_id, user_id, kind, idempotency_key, request_hash, status, completed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 = 'complete' THEN now() END)`,
    [id, fields.assignmentId, fields.userId, fields.kind, fields.idempotencyKey ?? null, fields.requestHash, fields.rendering ? 'processing' : 'complete'],
  );
  return id;
}

export async function storeResponse(tx: Transaction, uploadId: string, outcome: UploadOutcome): Promise<void> {
  await tx.manager.query(`UPDATE uploads SET response = $2 WHERE id = $1`, [uploadId, JSON.stringify(outcome)]);
}

export interface NewSubmission {
  uploadId: string;
  /** Its place in the upload (0-based). */
  position: number;
  contentSha256: string;
  sourceKind: SourceKind;
  mimeType: string;
  fileName: string | null;
  fileSizeBytes: number;
  originalKey: string;
  thumbnailKey: string | null;
  textContent: string | null;
  pageCount: number;
  match: MatchResult;
  /** What the teacher typed (or the file name suggested) when no student matched. */
  fallbackName: string | null;
}

/**
 * Inserts a submission and records SubmissionUploaded (and SubmissionMatched when a student was
 * found). Content already submitted to the assignment (also by a concurrent upload) inserts
 * nothing and answers the existing submission's id with `duplicate: true`.
 */
export async function insertSubmission(tx: Transaction, assignment: OwnedAssignment, work: NewSubmission): Promise<{ id: string; duplicate: boolean }> {
  const matched = work.match.status === 'matched';
  const version = matched ? 2 : 1;
  const inserted: Array<{ id: string }> = await tx.manager.query(
    `INSERT INTO submissions (assignment_id, upload_id, upload_position, student_id, student_name, image_url, image_thumbnail_url, file_size_bytes, source_kind, mime_type,
                              file_name, content_sha256, text_content, page_count, match_status, match_method, match_candidates, version)
     VALUES ($1, $2, $18, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, $17)
     ON CONFLICT ON CONSTRAINT submissions_assignment_content_unique DO NOTHING
     RETURNING id`,
    [
      assignment.assignmentId,
      work.uploadId,
      work.match.studentId,
      matched ? null : work.fallbackName,
      work.originalKey,
      work.thumbnailKey,
      work.fileSizeBytes,
      work.sourceKind,
      work.mimeType,
      work.fileName,
      work.contentSha256,
      work.textContent,
      work.pageCount,
      work.match.status,
      work.match.method,
      JSON.stringify(work.match.candidates.map((studentId): MatchCandidate => ({ studentId }))),
      version,
      work.position,
    ],
  );
  if (inserted.length === 0) {
    const [existing]: Array<{ id: string }> = await tx.manager.query(`SELECT id FROM submissions WHERE assignment_id = $1 AND content_sha256 = $2`, [assignment.assignmentId, work.contentSha256]);
    return { id: existing.id, duplicate: true };
  }
  const id = inserted[0].id;
  const common = { submissionId: id, assignmentId: assignment.assignmentId, classId: assignment.classId, ownerId: assignment.ownerId };
  tx.record(
    SubmissionUploaded,
    id,
    { ...common, uploadId: work.uploadId, studentId: work.match.studentId, matchStatus: work.match.status, sourceKind: work.sourceKind, pageCount: work.pageCount, status: 'pending' },
    { expectedVersion: 0 },
  );
  if (matched) tx.record(SubmissionMatched, id, { ...common, studentId: work.match.studentId!, previousStudentId: null, method: work.match.method! }, { expectedVersion: 1 });
  return { id, duplicate: false };
}

/** Page rows: a photo's single page exists at once; PDF pages point at their source page until the render job draws them. */
export async function insertPages(
  tx: Transaction,
  submissionId: string,
  pages: Array<{ pageNumber: number; blobKey?: string; thumbnailKey?: string; mimeType?: string; width?: number; height?: number; sourcePdfKey?: string; sourcePdfPage?: number; isCover?: boolean }>,
): Promise<void> {
  if (pages.length === 0) return;
  await tx.manager.query(
    `INSERT INTO submission_pages (submission_id, page_number, blob_key, thumbnail_key, mime_type, width, height, source_pdf_key, source_pdf_page, is_cover, rendered_at)
     SELECT $1, p.page_number, p.blob_key, p.thumbnail_key, p.mime_type, p.width, p.height, p.source_pdf_key, p.source_pdf_page, p.is_cover,
            CASE WHEN p.blob_key IS NOT NULL THEN now() END
       FROM jsonb_to_recordset($2::jsonb) AS p(page_number int, blob_key text, thumbnail_key text, mime_type text, width int, height int,
                                               source_pdf_key text, source_pdf_page int, is_cover boolean)`,
    [
      submissionId,
      JSON.stringify(
        pages.map((page) => ({
          page_number: page.pageNumber,
          blob_key: page.blobKey ?? null,
          thumbnail_key: page.thumbnailKey ?? null,
          mime_type: page.mimeType ?? null,
          width: page.width ?? null,
          height: page.height ?? null,
          source_pdf_key: page.sourcePdfKey ?? null,
          source_pdf_page: page.sourcePdfPage ?? null,
          is_cover: page.isCover ?? false,
        })),
      ),
    ],
  );
}

/** The response of an upload: one entry per piece of work, in upload order. */
export async function uploadResult(manager: EntityManager, assignmentId: string, uploadId: string, results: Array<{ id: string; duplicate: boolean }>): Promise<UploadOutcome> {
  const rows: SubmissionRow[] = await manager.query(`${SUBMISSION_SELECT} WHERE s.id = ANY($1::uuid[])`, [results.map((result) => result.id)]);
  const byId = new Map(rows.map((row) => [row.id, toSubmissionDto(row)]));
  const submissions: UploadedSubmissionDto[] = results.map((result) => ({ ...byId.get(result.id)!, duplicate: result.duplicate }));
  const created = results.filter((result) => !result.duplicate).length;
  return {
    statusCode: created > 0 ? 201 : 200,
    body: { uploadId, assignmentId, created, duplicates: results.length - created, submissions },
  };
}
