import { createRequire } from 'node:module';
import path from 'node:path';
import { type Canvas, createCanvas, DOMMatrix, ImageData, Path2D, type SKRSContext2D } from '@napi-rs/canvas';
import type { DocumentInitParameters, PDFDocumentProxy, RenderParameters } from 'pdfjs-dist/types/src/display/api.js';
import sharp from 'sharp';
import { DomainError } from '../errors/domain-error.js';
import { displayName, formatBytes } from './describe.js';

type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

export interface PdfPageInfo {
  pageNumber: number;
  /** As displayed, i.e. after the page's /Rotate; 1 pt = 1/72 inch. */
  widthPt: number;
  heightPt: number;
  rotation: number;
}

export interface PdfInfo {
  pageCount: number;
  pages: PdfPageInfo[];
}

export interface InspectPdfOptions {
  fileName: string;
  maxPages: number;
  maxBytes?: number;
}

export interface RenderPdfOptions {
  fileName?: string;
  /** Pixels per inch. With maxLongEdge as well, the smaller of the two results wins. */
  dpi?: number;
  /** The longer side of every rendered page, in pixels (e.g. 1568 for Claude). */
  maxLongEdge?: number;
  /** 1-based page numbers; all pages when absent. */
  pages?: number[];
  /** JPEG by default: a 300 dpi scan is about 0.9 MB as JPEG and 6 MB as PNG, and PNG is three times slower. */
  format?: 'png' | 'jpeg';
  /** JPEG quality, 1–100 (default 85). */
  quality?: number;
  /** Pages that would be larger than this many pixels are rendered smaller (an absurd MediaBox cannot exhaust memory). */
  maxPixels?: number;
}

export interface RenderedPage {
  pageNumber: number;
  bytes: Buffer;
  format: 'png' | 'jpeg';
  mimeType: string;
  width: number;
  height: number;
}

/** 40 MP: an A3 page at 300 dpi is 17 MP, a Letter page at 600 dpi 34 MP. */
const DEFAULT_MAX_RENDER_PIXELS = 40_000_000;
/** Embedded images above this (64 MP, an A4 page scanned at 900 dpi) are not decoded by pdfjs. */
const MAX_EMBEDDED_IMAGE_PIXELS = 64_000_000;
const DEFAULT_DPI = 150;

/** Reads the page count and page sizes without rendering anything. */
export async function inspectPdf(bytes: Uint8Array, options: InspectPdfOptions): Promise<PdfInfo> {
  const name = displayName(options.fileName);
  if (options.maxBytes !== undefined && bytes.byteLength > options.maxBytes) {
    throw new DomainError('too_large', 'FILE_TOO_LARGE', `${name} is ${formatBytes(bytes.byteLength)}; the limit for a PDF is ${formatBytes(options.maxBytes)}`, [
      { field: 'file', message: `larger than ${formatBytes(options.maxBytes)}` },
    ]);
  }
  const document = await openPdf(bytes, name);
  try {
    const pageCount = document.numPages;
    if (pageCount === 0) throw unprocessable('PDF_HAS_NO_PAGES', `${name} has no pages`);
    if (pageCount > options.maxPages) {
      throw new DomainError('too_large', 'PDF_TOO_MANY_PAGES', `${name} has ${pageCount} pages; a PDF may have at most ${options.maxPages} pages (split it into smaller files)`, [
        { field: 'file', message: `more than ${options.maxPages} pages` },
      ]);
    }
    const pages: PdfPageInfo[] = [];
    for (let pageNumber = 1; pageNumber <= pageCount; pageNumber += 1) {
      const page = await document.getPage(pageNumber).catch((error: unknown) => {
        throw unprocessable('PDF_UNREADABLE', `Page ${pageNumber} of ${name} could not be read: the file is damaged (${reasonOf(error)})`);
      });
      const { width, height } = page.getViewport({ scale: 1 });
      if (!(width > 0 && height > 0)) throw unprocessable('PDF_UNREADABLE', `Page ${pageNumber} of ${name} has no size: the file is damaged`);
      pages.push({ pageNumber, widthPt: round2(width), heightPt: round2(height), rotation: page.rotate });
      page.cleanup();
    }
    return { pageCount, pages };
  } finally {
    await document.destroy();
  }
}

/**
 * Renders pages one at a time, each only when the consumer asks for the next, so one page's pixels
 * are held at a time. pdfjs runs on the calling thread in Node: render in a job worker, not in a request handler.
 * Stop early with `break`; the document is released either way.
 */
export async function* renderPdfPages(bytes: Uint8Array, options: RenderPdfOptions = {}): AsyncGenerator<RenderedPage> {
  const name = displayName(options.fileName);
  const format = options.format ?? 'jpeg';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_RENDER_PIXELS;
  const document = await openPdf(bytes, name);
  try {
    const pageNumbers = options.pages ?? Array.from({ length: document.numPages }, (_, i) => i + 1);
    for (const pageNumber of pageNumbers) {
      if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > document.numPages) {
        throw new DomainError('invalid', 'PAGE_OUT_OF_RANGE', `${name} has ${document.numPages} pages; there is no page ${pageNumber}`, [{ field: 'pages', message: `no page ${pageNumber}` }]);
      }
    }
    for (const pageNumber of pageNumbers) {
      yield await renderPage(document, pageNumber, name, format, options, maxPixels);
    }
  } finally {
    await document.destroy();
  }
}

/** Renders, encodes and releases one page before it is handed out, so at most one canvas exists. */
async function renderPage(document: PDFDocumentProxy, pageNumber: number, name: string, format: 'png' | 'jpeg', options: RenderPdfOptions, maxPixels: number): Promise<RenderedPage> {
  const page = await document.getPage(pageNumber).catch((error: unknown) => {
    throw unprocessable('PDF_UNREADABLE', `Page ${pageNumber} of ${name} could not be read: the file is damaged (${reasonOf(error)})`);
  });
  let canvas: Canvas | undefined;
  try {
    const viewport = page.getViewport({ scale: renderScale(page.getViewport({ scale: 1 }), options, maxPixels) });
    const width = Math.max(1, Math.round(viewport.width));
    const height = Math.max(1, Math.round(viewport.height));
    canvas = createCanvas(width, height);
    const context = canvas.getContext('2d');
    await page
      .render({ canvas: null, canvasContext: context as unknown as RenderParameters['canvasContext'], viewport, background: '#ffffff' })
      .promise.catch((error: unknown) => {
        throw unprocessable('PDF_UNREADABLE', `Page ${pageNumber} of ${name} could not be rendered: the file is damaged (${reasonOf(error)})`);
      });
    const bytes = await encode(canvas, width, height, format, options.quality ?? 85);
    return { pageNumber, bytes, format, mimeType: format === 'png' ? 'image/png' : 'image/jpeg', width, height };
  } finally {
    if (canvas) canvas.width = canvas.height = 0;
    page.cleanup();
  }
}

/** Pixels per point: the smaller of what dpi and maxLongEdge ask for, and never more than maxPixels allow. */
function renderScale(page: { width: number; height: number }, options: RenderPdfOptions, maxPixels: number): number {
  const requested = [options.dpi ? options.dpi / 72 : 0, options.maxLongEdge ? options.maxLongEdge / Math.max(page.width, page.height) : 0].filter((scale) => scale > 0);
  const scale = requested.length > 0 ? Math.min(...requested) : DEFAULT_DPI / 72;
  return Math.min(scale, Math.sqrt(maxPixels / (page.width * page.height)));
}

/** sharp (libvips) encodes the raw pixels; measured on a 300 dpi page it took 88 ms where Skia's encoder took 128 ms. */
async function encode(canvas: Canvas, width: number, height: number, format: 'png' | 'jpeg', quality: number): Promise<Buffer> {
  // The page is drawn on opaque white, so the premultiplied RGBA that data() returns is plain RGBA.
  const image = sharp(canvas.data(), { raw: { width, height, channels: 4 } }).removeAlpha();
  return format === 'png' ? image.png({ compressionLevel: 6 }).toBuffer() : image.jpeg({ quality }).toBuffer();
}

async function openPdf(bytes: Uint8Array, name: string): Promise<PDFDocumentProxy> {
  if (!(bytes.byteLength >= 5 && Buffer.from(bytes.buffer, bytes.byteOffset, 5).toString('latin1') === '%PDF-')) {
    throw new DomainError('unsupported', 'UNSUPPORTED_FILE_TYPE', `${name} is not a PDF`);
  }
  const pdfjs = await loadPdfjs();
  // pdfjs takes ownership of (and may detach) the array it is given: pass a copy.
  const task = pdfjs.getDocument({ ...documentOptions(), data: new Uint8Array(bytes) });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy().catch(() => {});
    if ((error as Error | null)?.name === 'PasswordException') {
      throw unprocessable('PDF_ENCRYPTED', `${name} is password-protected; remove the password (print it to a new PDF) and upload it again`);
    }
    throw unprocessable('PDF_UNREADABLE', `${name} could not be read as a PDF: the file is damaged or incomplete (${reasonOf(error)})`);
  }
}

let pdfjsLoaded: Promise<Pdfjs> | undefined;
let pdfjsDir: string | undefined;

/**
 * Loads pdfjs on first use. pdfjs-dist bundles its own, older @napi-rs/canvas for its Node polyfills;
 * HandMark renders with the project's version, so its DOMMatrix, Path2D and ImageData are installed
 * first (pdfjs polyfills only what is missing) and canvases come from NapiCanvasFactory. Objects of
 * two Skia builds must never meet on one canvas.
 */
function loadPdfjs(): Promise<Pdfjs> {
  pdfjsLoaded ??= (async () => {
    const globals = globalThis as Record<string, unknown>;
    globals.DOMMatrix ??= DOMMatrix;
    globals.Path2D ??= Path2D;
    globals.ImageData ??= ImageData;
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    // pdfjs in Node parses on the calling thread ("fake worker"); handing it the worker module up
    // front avoids a dynamic import of a relative path that bundlers and jest resolve differently.
    const workerModule = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
    globals.pdfjsWorker ??= await import(workerModule);
    return pdfjs;
  })();
  return pdfjsLoaded;
}

function documentOptions(): DocumentInitParameters {
  pdfjsDir ??= path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  return {
    CanvasFactory: NapiCanvasFactory,
    standardFontDataUrl: `${pdfjsDir}/standard_fonts/`,
    cMapUrl: `${pdfjsDir}/cmaps/`,
    cMapPacked: true,
    iccUrl: `${pdfjsDir}/iccs/`,
    wasmUrl: `${pdfjsDir}/wasm/`,
    disableFontFace: true,
    useSystemFonts: false,
    isEvalSupported: false,
    enableXfa: false,
    stopAtErrors: true,
    maxImageSize: MAX_EMBEDDED_IMAGE_PIXELS,
    verbosity: 0, // errors only: pdfjs warnings go to console.log
  };
}

/** The canvases pdfjs needs for masks, patterns and scaled images, from the same Skia as the page canvas. */
class NapiCanvasFactory {
  create(width: number, height: number): { canvas: Canvas | null; context: SKRSContext2D | null } {
    if (width <= 0 || height <= 0) throw new Error('Invalid canvas size');
    const canvas = createCanvas(width, height);
    return { canvas, context: canvas.getContext('2d') };
  }

  reset(entry: { canvas: Canvas | null }, width: number, height: number): void {
    if (!entry.canvas) throw new Error('Canvas is not specified');
    if (width <= 0 || height <= 0) throw new Error('Invalid canvas size');
    entry.canvas.width = width;
    entry.canvas.height = height;
  }

  destroy(entry: { canvas: Canvas | null; context: SKRSContext2D | null }): void {
    if (!entry.canvas) throw new Error('Canvas is not specified');
    entry.canvas.width = entry.canvas.height = 0;
    entry.canvas = null;
    entry.context = null;
  }
}

function unprocessable(code: string, message: string): DomainError {
  return new DomainError('unprocessable', code, message, [{ field: 'file', message }]);
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].trim() || 'unknown error';
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
