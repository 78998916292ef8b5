import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type UploadKind = 'files' | 'text' | 'stack';
export type UploadStatus = 'processing' | 'complete' | 'failed';

/** The response an upload answered with, replayed for a retry with the same Idempotency-Key. */
export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

/**
 * One upload request. Written in the transaction that creates its submissions; `processing` until
 * the pages of its PDFs are rendered, then `complete` (`failed` when a page cannot be rendered).
 */
@Entity('uploads')
export class Upload {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  assignmentId: string;

  @Column('uuid')
  userId: string;

  @Column('text')
  kind: UploadKind;

  @Column('text', { nullable: true })
  idempotencyKey: string | null;

  /** sha256 over the request's files and fields: a retry must send exactly the same. */
  @Column('text')
  requestHash: string;

  @Column('text', { default: 'processing' })
  status: UploadStatus;

  @Column('jsonb', { nullable: true })
  response: StoredResponse | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;
}
