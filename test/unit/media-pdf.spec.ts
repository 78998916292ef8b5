import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { inspectPdf, type RenderedPage, renderPdfPages, type RenderPdfOptions } from '../../libs/media/pdf.js';
import { buildPdf, scanLikePageJpeg } from '../factories/pdf.js';

async function renderAll(bytes: Uint8Array, options: RenderPdfOptions): Promise<RenderedPage[]> {
  const pages: RenderedPage[] = [];
  for await (const page of renderPdfPages(bytes, options)) pages.push(page);
  return pages;
}

/** Share of pixels darker than mid-grey: 0 for a blank page. */
async function inkRatio(bytes: Buffer): Promise<number> {
  const { data } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (const value of data) if (value < 128) dark += 1;
  return dark / data.length;
}

describe('inspectPdf', () => {
  it('counts the pages and reads their sizes in points, after /Rotate', async () => {
    const pdf = await buildPdf([{ text: 'A4 page' }, { widthPt: 612, heightPt: 792, text: 'Letter page' }, { text: 'turned', rotate: 90 }]);

    expect(await inspectPdf(pdf, { fileName: 'quiz.pdf', maxPages: 10 })).toEqual({
      pageCount: 3,
      pages: [
        { pageNumber: 1, widthPt: 595.28, heightPt: 841.89, rotation: 0 },
        { pageNumber: 2, widthPt: 612, heightPt: 792, rotation: 0 },
        { pageNumber: 3, widthPt: 841.89, heightPt: 595.28, rotation: 90 },
      ],
    });
  });

  it('refuses a PDF with no pages with a 422 that names the file', async () => {
    await expect(inspectPdf(await buildPdf([]), { fileName: 'empty-scan.pdf', maxPages: 10 })).rejects.toMatchObject({
      kind: 'unprocessable',
      code: 'PDF_HAS_NO_PAGES',
      message: 'empty-scan.pdf has no pages',
    });
  });

  it('refuses a password-protected PDF and says why', async () => {
    await expect(inspectPdf(await buildPdf([{ text: 'secret' }], { encrypted: true }), { fileName: 'locked.pdf', maxPages: 10 })).rejects.toMatchObject({
      kind: 'unprocessable',
      code: 'PDF_ENCRYPTED',
      message: expect.stringContaining('locked.pdf is password-protected'),
    });
  });

  it.each([
    ['garbage after the header', Buffer.from('%PDF-1.7\nthis is not really a pdf\n')],
    ['a truncated file', 'truncated'],
  ])('refuses %s as damaged', async (_label, content) => {
    const bytes = content === 'truncated' ? (await buildPdf([{ jpeg: await sharp({ create: { width: 300, height: 400, channels: 3, background: '#eee' } }).jpeg().toBuffer() }])).subarray(0, 600) : (content as Buffer);

    await expect(inspectPdf(bytes, { fileName: 'damaged.pdf', maxPages: 10 })).rejects.toMatchObject({
      kind: 'unprocessable',
      code: 'PDF_UNREADABLE',
      message: expect.stringContaining('damaged.pdf could not be read as a PDF'),
    });
  });

  it('refuses a file that is not a PDF at all', async () => {
    await expect(inspectPdf(Buffer.from('#!/bin/sh\n'), { fileName: 'class-set.pdf', maxPages: 10 })).rejects.toMatchObject({ kind: 'unsupported' });
  });

  it('refuses more pages than the limit with a 413 that names the limit', async () => {
    const pdf = await buildPdf(Array.from({ length: 6 }, (_, i) => ({ text: `page ${i + 1}` })));

    await expect(inspectPdf(pdf, { fileName: 'whole-year.pdf', maxPages: 5 })).rejects.toMatchObject({
      kind: 'too_large',
      code: 'PDF_TOO_MANY_PAGES',
      message: expect.stringContaining('whole-year.pdf has 6 pages; a PDF may have at most 5 pages'),
    });
  });

  it('refuses a file over the byte limit', async () => {
    const pdf = await buildPdf([{ text: 'x' }]);

    await expect(inspectPdf(pdf, { fileName: 'big.pdf', maxPages: 5, maxBytes: 100 })).rejects.toMatchObject({ kind: 'too_large', code: 'FILE_TOO_LARGE' });
  });
});

describe('renderPdfPages', () => {
  it('renders a scanned page of real handwriting at the requested dpi', async () => {
    const pdf = await buildPdf([{ jpeg: await scanLikePageJpeg(1, { dpi: 100 }) }]);

    const [page] = await renderAll(pdf, { dpi: 150, format: 'jpeg' });

    expect(page).toMatchObject({ pageNumber: 1, format: 'jpeg', mimeType: 'image/jpeg', width: 1240, height: 1754 });
    expect(await sharp(page.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 1240, height: 1754 });
    expect(await inkRatio(page.bytes)).toBeGreaterThan(0.005);
  });

  it('renders text in a standard font (Helvetica, not embedded) and honours /Rotate', async () => {
    const pdf = await buildPdf([{ text: 'Name: ________  Question 1' }, { text: 'sideways', rotate: 90 }]);

    const pages = await renderAll(pdf, { dpi: 72, format: 'png' });

    expect(pages.map(({ pageNumber, width, height, format }) => ({ pageNumber, width, height, format }))).toEqual([
      { pageNumber: 1, width: 595, height: 842, format: 'png' },
      { pageNumber: 2, width: 842, height: 595, format: 'png' },
    ]);
    expect((await sharp(pages[0].bytes).metadata()).format).toBe('png');
    expect(await inkRatio(pages[0].bytes)).toBeGreaterThan(0.001);
  });

  it('renders only the requested pages, in the requested order, to a maximum long edge', async () => {
    const pdf = await buildPdf([{ text: 'one' }, { text: 'two' }, { widthPt: 612, heightPt: 792, text: 'three' }]);

    const pages = await renderAll(pdf, { maxLongEdge: 1568, pages: [3, 1] });

    expect(pages.map(({ pageNumber, width, height }) => ({ pageNumber, width, height }))).toEqual([
      { pageNumber: 3, width: 1212, height: 1568 },
      { pageNumber: 1, width: 1109, height: 1568 },
    ]);
  });

  it('renders an absurdly large page smaller instead of allocating gigabytes', async () => {
    const pdf = await buildPdf([{ widthPt: 14_400, heightPt: 14_400, text: 'poster' }]);

    const [page] = await renderAll(pdf, { dpi: 300, maxPixels: 4_000_000 });

    expect(page.width * page.height).toBeLessThanOrEqual(4_000_000);
    expect(page.width).toBe(2000);
  });

  it('refuses a page number the PDF does not have', async () => {
    const pdf = await buildPdf([{ text: 'only page' }]);

    await expect(renderAll(pdf, { pages: [2], fileName: 'one-page.pdf' })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'PAGE_OUT_OF_RANGE',
      message: 'one-page.pdf has 1 pages; there is no page 2',
    });
  });

  it('yields one page at a time, and stopping early is fine', async () => {
    const pdf = await buildPdf(Array.from({ length: 4 }, (_, i) => ({ text: `page ${i + 1}` })));
    const seen: number[] = [];

    for await (const page of renderPdfPages(pdf, { dpi: 36 })) {
      seen.push(page.pageNumber);
      if (page.pageNumber === 2) break;
    }

    expect(seen).toEqual([1, 2]);
  });

  it('refuses a damaged PDF with a 422', async () => {
    await expect(renderAll(Buffer.from('%PDF-1.4\n%%EOF'), { fileName: 'broken.pdf' })).rejects.toMatchObject({ kind: 'unprocessable', code: 'PDF_UNREADABLE' });
  });
});
