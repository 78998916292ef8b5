import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { MATCH_STATUSES, type MatchMethod, type MatchStatus, type SourceKind, SUBMISSION_STATUSES, type SubmissionStatus } from './submissions.events.js';

/** Multipart fields arrive as strings: `x[]=a&x[]=b` (or repeated `x`) is a list, a JSON array string is a list too. */
const toList = ({ value }: { value: unknown }) => {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return typeof value === 'string' ? [value] : value;
};
const toIntList = ({ value }: { value: unknown }) => {
  const list = typeof value === 'string' && !value.trim().startsWith('[') ? value.split(',') : toList({ value });
  return Array.isArray(list) ? list.map((item) => (typeof item === 'string' && /^\s*\d{1,9}\s*$/.test(item) ? Number(item) : item)) : list;
};
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value) ? Number(value) : value);
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);

export class AssignmentIdParams {
  @IsUUID()
  id: string;
}

export class SubmissionIdParams {
  @IsUUID()
  id: string;
}

export class SubmissionPageParams {
  @IsUUID()
  id: string;

  /** 1-based page number. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  n: number;
}

/**
 * Student work for an assignment: files (multipart field `files`, several at once: JPEG, PNG or WebP
 * photos and scans, PDFs, plain-text files), or a typed essay (`text`, as a JSON body or a multipart
 * field). All or nothing: one bad file answers 4xx naming it, and nothing is stored.
 */
export class UploadSubmissionsDto {
  /** Parallel to `files`: the student of each file, as a HandMark student id, the school's student id or a name ("" when unknown). */
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  studentIds?: string[];

  /** Parallel to `files`: the name of each file's student ("" when unknown). */
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  studentNames?: string[];

  /** A typed essay, instead of files. */
  @ApiPropertyOptional({ maxLength: 200_000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200_000)
  text?: string;

  /** The typed essay's student: a HandMark student id or the school's student id. */
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  studentId?: string;

  /** The typed essay's student, by name. */
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  studentName?: string;
}

/** Swagger shape of the multipart upload. */
export class UploadSubmissionsFormDto extends UploadSubmissionsDto {
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'binary' } })
  files: unknown[];
}

/**
 * A whole class's scanned work in one PDF (multipart field `file`), split into one submission per
 * student: every student has `pagesPerStudent` pages, or `boundaries` lists each student's first page.
 */
export class UploadStackDto {
  /** Pages per student (1 to 50); the PDF's page count must be a multiple. */
  @ApiPropertyOptional({ minimum: 1, maximum: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  pagesPerStudent?: number;

  /** For stacks where students have different page counts: the first page of every student, ascending, from 1 (e.g. `1,4,6`). */
  @ApiPropertyOptional({ type: [Number] })
  @IsOptional()
  @Transform(toIntList)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  boundaries?: number[];

  /** Every student's first page is a cover sheet (kept as their page 1, marked isCover). */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  coverPages?: boolean;

  /** The students in stack order (HandMark id, school id or name); the rest of the stack stays unmatched. */
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(2000)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  studentOrder?: string[];
}

/** Swagger shape of the multipart stack upload. */
export class UploadStackFormDto extends UploadStackDto {
  @ApiProperty({ type: 'string', format: 'binary' })
  file: unknown;
}

export class ListSubmissionsQueryDto extends PageQuery {
  /** Only submissions in this grading status. */
  @ApiPropertyOptional({ enum: SUBMISSION_STATUSES })
  @IsOptional()
  @IsIn(SUBMISSION_STATUSES)
  status?: SubmissionStatus;

  /** Only matched, unmatched or ambiguous submissions. */
  @ApiPropertyOptional({ enum: MATCH_STATUSES })
  @IsOptional()
  @IsIn(MATCH_STATUSES)
  match?: MatchStatus;
}

export class AssignStudentDto {
  /** A student of the assignment's class. */
  @IsUUID()
  studentId: string;
}

export class MatchCandidateDto {
  studentId: string;
  name: string;
}

export class SubmissionMatchDto {
  @ApiProperty({ enum: MATCH_STATUSES })
  status: MatchStatus;
  /** How the student was found; null unless matched. */
  @ApiProperty({ enum: ['typed', 'file_name', 'teacher', 'ai'], nullable: true })
  method: MatchMethod | null;
  /** Students that fit equally well (ambiguous only). */
  @ApiProperty({ type: [MatchCandidateDto] })
  candidates: MatchCandidateDto[];
}

export class SubmissionLinksDto {
  /** The original: the photo (metadata removed), the PDF, or the typed text. */
  file: string;
  /** A small WebP preview; null until the first page exists (never for typed text). */
  thumbnail: string | null;
}

export class SubmissionDto {
  id: string;
  assignmentId: string;
  uploadId: string;
  /** The matched roster student; null while unmatched or ambiguous. */
  studentId: string | null;
  /** The matched student's roster name, else what the teacher typed or the file name suggested. */
  studentName: string | null;
  @ApiProperty({ enum: SUBMISSION_STATUSES })
  status: SubmissionStatus;
  @ApiProperty({ enum: ['image', 'pdf', 'text', 'stack'] })
  sourceKind: SourceKind;
  mimeType: string;
  fileName: string | null;
  fileSizeBytes: number | null;
  pageCount: number;
  /** Pages whose image exists (PDF pages are rendered after the upload). */
  pagesRendered: number;
  match: SubmissionMatchDto;
  errorMessage: string | null;
  submittedAt: Date;
  /** The stream version; send it as If-Match when assigning a student. */
  version: number;
  links: SubmissionLinksDto;
}

export class SubmissionPageLinksDto {
  /** null until rendered. */
  image: string | null;
  thumbnail: string | null;
}

export class SubmissionPageDto {
  pageNumber: number;
  rendered: boolean;
  width: number | null;
  height: number | null;
  /** A class stack's cover sheet. */
  isCover: boolean;
  /** The page of the uploaded PDF this page comes from. */
  sourcePdfPage: number | null;
  links: SubmissionPageLinksDto;
}

export class SubmissionDetailDto extends SubmissionDto {
  @ApiProperty({ type: [SubmissionPageDto] })
  pages: SubmissionPageDto[];
  /** The typed essay (typed submissions only). */
  text: string | null;
}

export class UploadedSubmissionDto extends SubmissionDto {
  /** The same content was already submitted to this assignment: this is the existing submission, nothing new was created. */
  duplicate: boolean;
}

export class UploadResultDto {
  uploadId: string;
  assignmentId: string;
  /** Submissions created by this upload. */
  created: number;
  /** Files that were already submitted (answered with the existing submission). */
  duplicates: number;
  /** One per file (or per student of a stack), in upload order. */
  @ApiProperty({ type: [UploadedSubmissionDto] })
  submissions: UploadedSubmissionDto[];
}

export class SubmissionPageListDto {
  @ApiProperty({ type: [SubmissionDto] })
  items: SubmissionDto[];
  page: number;
  pageSize: number;
  total: number;
}

export class IntakeProgressDto {
  assignmentId: string;
  submissions: number;
  /** Submissions whose every page is rendered (typed text counts as ready). */
  submissionsReady: number;
  submissionsFailed: number;
  pagesTotal: number;
  pagesRendered: number;
  /** Every page of every submission is rendered (or failed). */
  complete: boolean;
}

/** The submission columns every response is built from (rows of `FROM submissions s`). */
export const SUBMISSION_SELECT = `
  SELECT s.id, s.assignment_id, s.upload_id, s.student_id, COALESCE(st.name, s.student_name) AS student_name, s.status,
         s.source_kind, s.mime_type, s.file_name, s.file_size_bytes, s.page_count, s.match_status, s.match_method,
         s.error_message, s.submitted_at, s.version, s.image_thumbnail_url IS NOT NULL AS has_thumbnail,
         (SELECT count(*) FROM submission_pages p WHERE p.submission_id = s.id AND p.blob_key IS NOT NULL)::int AS pages_rendered,
         (SELECT COALESCE(jsonb_agg(jsonb_build_object('studentId', cs.id, 'name', cs.name) ORDER BY cs.name, cs.id), '[]'::jsonb)
            FROM jsonb_array_elements(s.match_candidates) mc JOIN students cs ON cs.id = (mc->>'studentId')::uuid) AS candidates
    FROM submissions s LEFT JOIN students st ON st.id = s.student_id`;

export interface SubmissionRow {
  id: string;
  assignment_id: string;
  upload_id: string;
  student_id: string | null;
  student_name: string | null;
  status: SubmissionStatus;
  source_kind: SourceKind;
  mime_type: string;
  file_name: string | null;
  file_size_bytes: number | null;
  page_count: number;
  match_status: MatchStatus;
  match_method: MatchMethod | null;
  error_message: string | null;
  submitted_at: Date;
  version: number;
  has_thumbnail: boolean;
  pages_rendered: number;
  candidates: MatchCandidateDto[];
}

export function toSubmissionDto(row: SubmissionRow): SubmissionDto {
  const base = `/api/submissions/${row.id}`;
  return {
    id: row.id,
    assignmentId: row.assignment_id,
    uploadId: row.upload_id,
    studentId: row.student_id,
    studentName: row.student_name,
    status: row.status,
    sourceKind: row.source_kind,
    mimeType: row.mime_type,
    fileName: row.file_name,
    fileSizeBytes: row.file_size_bytes,
    pageCount: row.page_count,
    pagesRendered: row.pages_rendered,
    match: { status: row.match_status, method: row.match_method, candidates: row.match_status === 'ambiguous' ? row.candidates : [] },
    errorMessage: row.error_message,
    submittedAt: row.submitted_at,
    version: row.version,
    links: { file: `${base}/file`, thumbnail: row.has_thumbnail ? `${base}/thumbnail` : null },
  };
}

export interface SubmissionPageRow {
  page_number: number;
  rendered: boolean;
  width: number | null;
  height: number | null;
  is_cover: boolean;
  source_pdf_page: number | null;
}

export function toSubmissionPageDto(submissionId: string, row: SubmissionPageRow): SubmissionPageDto {
  const base = `/api/submissions/${submissionId}/pages/${row.page_number}`;
  return {
    pageNumber: row.page_number,
    rendered: row.rendered,
    width: row.width,
    height: row.height,
    isCover: row.is_cover,
    sourcePdfPage: row.source_pdf_page,
    links: { image: row.rendered ? base : null, thumbnail: row.rendered ? `${base}/thumbnail` : null },
  };
}
