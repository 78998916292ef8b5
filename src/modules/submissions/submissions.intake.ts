import { createHash } from 'node:crypto';
import { DomainError } from '../../../libs/errors/domain-error.js';
import { displayName } from '../../../libs/media/describe.js';
import { makeThumbnail, normalizeImage } from '../../../libs/media/images.js';
import { inspectPdf } from '../../../libs/media/pdf.js';
import { sniffUpload } from '../../../libs/media/sniff.js';
import type { HeldBlob, SubmissionStorage } from './submission-storage.js';
import { normalizeText } from './submissions.rules.js';
import { THUMBNAIL_WIDTH } from './workers/render-pages.js';

/** What multer keeps of an uploaded file (memory storage). */
export interface UploadedFile {
  buffer: Buffer;
  originalname: string;
  size: number;
}

export interface IntakeLimits {
  maxFileBytes: number;
  maxPixels: number;
  maxPdfPages: number;
}

/** One piece of work, checked and converted, ready to store: everything a submission row needs. */
export interface PreparedWork {
  fileName: string | null;
  /** sha256 of what was uploaded (of the normalised text for typed work): duplicates are found by it. */
  contentSha256: string;
  sourceKind: 'image' | 'pdf' | 'text';
  mimeType: string;
  /** The bytes stored as the original, and their blob key once stored. */
  original: Uint8Array;
  originalKey?: string;
  thumbnail?: Uint8Array;
  thumbnailKey?: string;
  /** Photos: the stored image's size. */
  width?: number;
  height?: number;
  pageCount: number;
  text?: string;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Raw bytes' sha256 first: a file already submitted is recognised without decoding it again. */
export function uploadedSha256(file: UploadedFile): string {
  return sha256Hex(file.buffer);
}

/**
 * Checks and converts one uploaded file, by its bytes: photos get their EXIF orientation applied
 * and every piece of metadata removed (and a thumbnail), PDFs are opened to count and check their
 * pages, text must be UTF-8. Anything else, too large or damaged is a 413/415/422 naming the file.
 * CPU-heavy: runs before the transaction, never inside it.
 */
export async function prepareFile(file: UploadedFile, limits: IntakeLimits): Promise<PreparedWork> {
  const fileName = file.originalname;
  const sniffed = sniffUpload(file.buffer, fileName);
  if (sniffed.kind === 'image') {
    const image = await normalizeImage(file.buffer, { fileName, maxBytes: limits.maxFileBytes, maxPixels: limits.maxPixels });
    const thumbnail = await makeThumbnail(image.bytes, { width: THUMBNAIL_WIDTH, fileName });
    return {
      fileName,
      contentSha256: uploadedSha256(file),
      sourceKind: 'image',
      mimeType: image.mimeType,
      original: image.bytes,
      thumbnail: thumbnail.bytes,
      width: image.width,
      height: image.height,
      pageCount: 1,
    };
  }
  if (sniffed.kind === 'pdf') {
    const info = await inspectPdf(file.buffer, { fileName, maxPages: limits.maxPdfPages, maxBytes: limits.maxFileBytes });
    return { fileName, contentSha256: uploadedSha256(file), sourceKind: 'pdf', mimeType: sniffed.mimeType, original: file.buffer, pageCount: info.pageCount };
  }
  return prepareText(new TextDecoder('utf-8', { ignoreBOM: false }).decode(file.buffer), fileName);
}

/** Typed work (a `text` field or a plain-text file). */
export function prepareText(text: string, fileName: string | null): PreparedWork {
  const normalized = normalizeText(text);
  if (normalized === '') {
    throw new DomainError('unprocessable', 'EMPTY_TEXT', `${fileName ? displayName(fileName) : 'The text'} is empty`, [{ field: fileName ? 'files' : 'text', message: 'is empty' }]);
  }
  const bytes = Buffer.from(normalized, 'utf8');
  return { fileName, contentSha256: sha256Hex(normalized), sourceKind: 'text', mimeType: 'text/plain; charset=utf-8', original: bytes, pageCount: 0, text: normalized };
}

/**
 * Runs `work` over `items` with at most `concurrency` at once (sharp decodes on the libuv pool).
 * The first failure stops new work; the failure of the earliest item (in upload order) is thrown,
 * so the error names the first bad file whatever finished first.
 */
export async function mapLimited<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const failures: Array<{ index: number; error: unknown }> = [];
  let next = 0;
  const lane = async () => {
    while (failures.length === 0 && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index], index);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  if (failures.length > 0) throw failures.sort((a, b) => a.index - b.index)[0].error;
  return results;
}

/** Stores the originals and thumbnails (before the transaction) and returns what it must hold. */
export async function storePrepared(storage: SubmissionStorage, works: PreparedWork[]): Promise<HeldBlob[]> {
  const held: HeldBlob[] = [];
  for (const work of works) {
    work.originalKey = (await storage.put(work.original)).key;
    held.push({ key: work.originalKey, bytes: work.original });
    if (work.thumbnail) {
      work.thumbnailKey = (await storage.put(work.thumbnail)).key;
      held.push({ key: work.thumbnailKey, bytes: work.thumbnail });
    }
  }
  return held;
}
