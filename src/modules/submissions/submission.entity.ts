import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MatchCandidate, MatchMethod, MatchStatus, SourceKind, SubmissionStatus } from './submissions.events.js';

/**
 * One student's work for an assignment: a photo, a PDF, a typed text, or a page range of a class
 * stack. `imageUrl` and `imageThumbnailUrl` keep the seed's names but hold blob keys (see the
 * Submissions migration); the API serves the files through authorized endpoints only.
 */
@Entity('submissions')
export class Submission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  assignmentId: string;

  /** The matched roster student; null while unmatched or ambiguous. */
  @Column('uuid', { nullable: true })
  studentId: string | null;

  /** What the teacher typed or the file name suggested, kept while no roster student matches. */
  @Column('text', { nullable: true })
  studentName: string | null;

  /** Blob key of the original (the photo without metadata, the PDF, the typed text). */
  @Column('text')
  imageUrl: string;

  /** Blob key of the thumbnail; set when the first page exists. */
  @Column('text', { nullable: true })
  imageThumbnailUrl: string | null;

  @Column('integer', { nullable: true })
  fileSizeBytes: number | null;

  @Column('text', { default: 'pending' })
  status: SubmissionStatus;

  @Column('timestamptz', { default: () => 'now()' })
  submittedAt: Date;

  @Column('timestamptz', { nullable: true })
  gradedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  reviewedAt: Date | null;

  @Column('text', { nullable: true })
  errorMessage: string | null;

  @Column('uuid')
  uploadId: string;

  /** Its place in the upload: a stack's students are in stack order. */
  @Column('integer', { default: 0 })
  uploadPosition: number;

  @Column('text')
  sourceKind: SourceKind;

  @Column('text')
  mimeType: string;

  @Column('text', { nullable: true })
  fileName: string | null;

  /** sha256 of the uploaded bytes (for a stack range: of the stack's sha256 and the range). */
  @Column('text')
  contentSha256: string;

  @Column('text', { nullable: true })
  textContent: string | null;

  @Column('integer', { default: 0 })
  pageCount: number;

  @Column('text', { default: 'unmatched' })
  matchStatus: MatchStatus;

  @Column('text', { nullable: true })
  matchMethod: MatchMethod | null;

  @Column('jsonb', { default: () => `'[]'::jsonb` })
  matchCandidates: MatchCandidate[];

  /** The submission's event stream version. */
  @Column('integer', { default: 1 })
  version: number;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
