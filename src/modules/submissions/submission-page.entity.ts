import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A page of a submission: the photo itself, or a PDF page once the render job has drawn it. */
@Entity('submission_pages')
export class SubmissionPage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  submissionId: string;

  /** 1-based within the submission. */
  @Column('integer')
  pageNumber: number;

  /** Blob key of the page image; null until rendered. */
  @Column('text', { nullable: true })
  blobKey: string | null;

  @Column('text', { nullable: true })
  thumbnailKey: string | null;

  @Column('text', { nullable: true })
  mimeType: string | null;

  @Column('integer', { nullable: true })
  width: number | null;

  @Column('integer', { nullable: true })
  height: number | null;

  /** The PDF (blob key) and 1-based page this page is rendered from. */
  @Column('text', { nullable: true })
  sourcePdfKey: string | null;

  @Column('integer', { nullable: true })
  sourcePdfPage: number | null;

  /** A class stack's cover sheet (the student's first page when the teacher said so). */
  @Column('boolean', { default: false })
  isCover: boolean;

  @Column('timestamptz', { nullable: true })
  renderedAt: Date | null;
}
