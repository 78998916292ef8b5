import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../../../libs/errors/domain-error.js';
import type { Readable } from 'node:stream';
import { SubmissionStorage } from '../submission-storage.js';
import { findOwnedSubmission } from '../submissions.access.js';

export type SubmissionFileKind = 'file' | 'thumbnail' | 'page' | 'page-thumbnail';

/** Which blob to send and how to label it. */
export interface SubmissionFileInfo {
  /** The blob key, a sha256: a strong ETag. */
  key: string;
  mimeType: string;
  /** The name offered to the browser. */
  fileName: string;
  /** For a page range of a class stack: the range within the stack PDF that `file` sends whole. */
  sourcePages?: string;
}

export interface SubmissionFile extends SubmissionFileInfo {
  size: number;
  open(): Promise<Readable>;
}

/** A stored file of one of the caller's submissions: the original, its thumbnail, a page image or a page thumbnail. */
export class GetSubmissionFileQuery extends Query<SubmissionFile> {
  constructor(
    readonly userId: string,
    readonly submissionId: string,
    readonly kind: SubmissionFileKind,
    readonly pageNumber?: number,
  ) {
    super();
  }
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf', 'text/plain; charset=utf-8': 'txt' };

@QueryHandler(GetSubmissionFileQuery)
export class GetSubmissionFileHandler implements IQueryHandler<GetSubmissionFileQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: SubmissionStorage,
  ) {}

  async execute(query: GetSubmissionFileQuery): Promise<SubmissionFile> {
    const info = await this.find(query);
    const stored = await this.storage.blobs.stat(info.key);
    if (!stored) throw new NotFoundError('Stored file');
    return { ...info, size: stored.size, open: () => this.storage.blobs.createReadStream(info.key) };
  }

  private async find({ userId, submissionId, kind, pageNumber }: GetSubmissionFileQuery): Promise<SubmissionFileInfo> {
    await findOwnedSubmission(this.dataSource.manager, userId, submissionId);
    if (kind === 'file' || kind === 'thumbnail') {
      const [row]: Array<{ image_url: string; image_thumbnail_url: string | null; mime_type: string; file_name: string | null; source_kind: string; first: number | null; last: number | null }> =
        await this.dataSource.query(
          `SELECT s.image_url, s.image_thumbnail_url, s.mime_type, s.file_name, s.source_kind,
                  (SELECT min(source_pdf_page) FROM submission_pages WHERE submission_id = s.id) AS first,
                  (SELECT max(source_pdf_page) FROM submission_pages WHERE submission_id = s.id) AS last
             FROM submissions s WHERE s.id = $1`,
          [submissionId],
        );
      if (kind === 'thumbnail') {
        if (!row.image_thumbnail_url) throw new NotFoundError('Thumbnail');
        return { key: row.image_thumbnail_url, mimeType: 'image/webp', fileName: `submission-${submissionId}-thumbnail.webp` };
      }
      const fileName = row.file_name ?? `submission-${submissionId}.${EXTENSIONS[row.mime_type] ?? 'bin'}`;
      return { key: row.image_url, mimeType: row.mime_type, fileName, sourcePages: row.source_kind === 'stack' ? `${row.first}-${row.last}` : undefined };
    }
    const [page]: Array<{ blob_key: string | null; thumbnail_key: string | null; mime_type: string | null }> = await this.dataSource.query(
      `SELECT blob_key, thumbnail_key, mime_type FROM submission_pages WHERE submission_id = $1 AND page_number = $2`,
      [submissionId, pageNumber],
    );
    if (!page?.blob_key) throw new NotFoundError(page ? 'Page image (still rendering)' : 'Page');
    return kind === 'page'
      ? { key: page.blob_key, mimeType: page.mime_type ?? 'image/jpeg', fileName: `submission-${submissionId}-page-${pageNumber}.${EXTENSIONS[page.mime_type ?? 'image/jpeg'] ?? 'jpg'}` }
      : { key: page.thumbnail_key!, mimeType: 'image/webp', fileName: `submission-${submissionId}-page-${pageNumber}-thumbnail.webp` };
  }
}
