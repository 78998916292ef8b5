import { makeThumbnail } from '../../../../libs/media/images.js';
import { renderPdfPages } from '../../../../libs/media/pdf.js';
import type { LocalBlobStorage } from '../../../../libs/storage/blob-storage.js';

/** A rendered PDF page, stored: its image and thumbnail blobs. */
export interface RenderedPageBlobs {
  /** 1-based page of the source PDF. */
  sourcePage: number;
  blobKey: string;
  thumbnailKey: string;
  mimeType: string;
  width: number;
  height: number;
}

/**
 * The longer side of a rendered page. Claude reads at most 1568 px (larger images are scaled down),
 * and it is enough to read handwriting on screen; the original PDF stays available for zooming.
 * Measured on a 300 dpi scanned A4 page: pdfjs decoding the scan's JPEG costs about 0.5 s whatever
 * the output size, so a larger image would cost little time but more storage.
 */
export const PAGE_LONG_EDGE = 1600;
export const THUMBNAIL_WIDTH = 320;

/**
 * Renders the given pages of a stored PDF one at a time and stores each page image and its
 * thumbnail before handing it out (so a consumer that commits each page never references a missing
 * blob). Runs on a render thread, or on the main thread when there are none.
 */
export async function* renderPagesToStorage(storage: LocalBlobStorage, pdfKey: string, pages: number[], isCancelled: () => boolean = () => false): AsyncGenerator<RenderedPageBlobs> {
  const pdf = await storage.get(pdfKey);
  for await (const page of renderPdfPages(pdf, { pages, maxLongEdge: PAGE_LONG_EDGE, format: 'jpeg', quality: 85 })) {
    const thumbnail = await makeThumbnail(page.bytes, { width: THUMBNAIL_WIDTH });
    const [image, thumb] = await Promise.all([storage.put(page.bytes), storage.put(thumbnail.bytes)]);
    yield { sourcePage: page.pageNumber, blobKey: image.key, thumbnailKey: thumb.key, mimeType: page.mimeType, width: page.width, height: page.height };
    if (isCancelled()) return;
  }
}
