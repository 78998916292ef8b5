import { createHash } from 'node:crypto';
import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { DomainError } from '../errors/domain-error.js';
import { displayName, formatBytes } from './describe.js';
import { sniffUpload } from './sniff.js';

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export interface ImageLimits {
  maxBytes: number;
  /** width × height, read from the header before anything is decoded. */
  maxPixels: number;
  /** The longer side. */
  maxDimension: number;
}

/** 64 MP takes a 48 MP phone photo and an A4 page scanned at 600 dpi (35 MP); 16383 is WebP's own limit. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 25 * 1024 * 1024, maxPixels: 64_000_000, maxDimension: 16_383 };

export interface NormalizeImageOptions extends Partial<ImageLimits> {
  fileName: string;
  /**
   * Re-encode JPEGs with mozjpeg. Off by default: measured here on a 12 MP photo of a page, mozjpeg
   * took 2.4 s for 1.57 MB where libjpeg-turbo took 0.24 s for 1.99 MB (noisy photo: 8.5 s vs 0.5 s),
   * and a class set of photos arrives at once on a 2-core server.
   */
  mozjpeg?: boolean;
}

export interface ProcessedImage {
  bytes: Buffer;
  format: ImageFormat;
  mimeType: string;
  width: number;
  height: number;
}

export interface NormalizedImage extends ProcessedImage {
  sha256: string;
}

const MIME: Record<ImageFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
/** A cap on CPU time per image, so one pathological file cannot hold a worker for minutes. */
const PROCESSING_TIMEOUT_SECONDS = 60;

/**
 * Turns an uploaded photo or scan into the bytes HandMark stores: the type checked by its bytes, the
 * size and pixel dimensions checked before decoding, EXIF orientation applied to the pixels, every
 * piece of metadata (EXIF with GPS, XMP, IPTC, ICC) removed after converting to sRGB, and the image
 * re-encoded in its own format.
 */
export async function normalizeImage(bytes: Uint8Array, options: NormalizeImageOptions): Promise<NormalizedImage> {
  const limits: ImageLimits = { ...DEFAULT_IMAGE_LIMITS, ...definedOnly({ maxBytes: options.maxBytes, maxPixels: options.maxPixels, maxDimension: options.maxDimension }) };
  const name = displayName(options.fileName);
  if (bytes.byteLength > limits.maxBytes) {
    throw new DomainError('too_large', 'FILE_TOO_LARGE', `${name} is ${formatBytes(bytes.byteLength)}; the limit for an image is ${formatBytes(limits.maxBytes)}`, [
      { field: 'file', message: `larger than ${formatBytes(limits.maxBytes)}` },
    ]);
  }
  const sniffed = sniffUpload(bytes, options.fileName);
  if (sniffed.kind !== 'image') {
    throw new DomainError('unsupported', 'UNSUPPORTED_FILE_TYPE', `${name} is a ${sniffed.format === 'pdf' ? 'PDF' : 'text file'}, not an image`);
  }
  const format = sniffed.format as ImageFormat;
  await assertDimensions(bytes, name, format, limits);

  const pipeline = decoder(bytes, limits.maxPixels).autoOrient();
  const encoded = format === 'jpeg' ? pipeline.jpeg({ quality: 90, mozjpeg: options.mozjpeg ?? false }) : format === 'png' ? pipeline.png() : pipeline.webp({ quality: 90 });
  const { data, info } = await run(encoded, name, format);
  return { bytes: data, format, mimeType: MIME[format], width: info.width, height: info.height, sha256: createHash('sha256').update(data).digest('hex') };
}

/** A small WebP preview for lists and review screens. */
export async function makeThumbnail(bytes: Uint8Array, options: { width?: number; fileName?: string } = {}): Promise<ProcessedImage> {
  const { data, info } = await run(
    decoder(bytes, DEFAULT_IMAGE_LIMITS.maxPixels)
      .autoOrient()
      .resize({ width: options.width ?? 320, withoutEnlargement: true })
      .webp({ quality: 75 }),
    displayName(options.fileName),
  );
  return { bytes: data, format: 'webp', mimeType: MIME.webp, width: info.width, height: info.height };
}

export interface ResizeForModelOptions {
  /** The longest side Claude reads without downscaling (1568 px for most models). */
  longEdge?: number;
  /**
   * Claude also downscales above about 1,600 image tokens (width × height / 750), i.e. 1.15 MP, which
   * a portrait page at 1568 px (1109 × 1568 = 1.74 MP) exceeds. Sending what it would keep anyway
   * saves upload bytes and time to first token. Raise both for models that read larger images.
   */
  maxPixels?: number;
  quality?: number;
  fileName?: string;
}

/** A JPEG at the resolution Claude actually uses, on white where the source was transparent. */
export async function resizeForModel(bytes: Uint8Array, options: ResizeForModelOptions = {}): Promise<ProcessedImage> {
  const longEdge = options.longEdge ?? 1568;
  const maxPixels = options.maxPixels ?? 1_150_000;
  const name = displayName(options.fileName);
  const { width, height } = await readDimensions(bytes, name, undefined, true);
  const scale = Math.min(1, longEdge / Math.max(width, height), Math.sqrt(maxPixels / (width * height)));
  const { data, info } = await run(
    decoder(bytes, DEFAULT_IMAGE_LIMITS.maxPixels)
      .autoOrient()
      .resize({ width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)), fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: options.quality ?? 85 }),
    name,
  );
  return { bytes: data, format: 'jpeg', mimeType: MIME.jpeg, width: info.width, height: info.height };
}

function decoder(bytes: Uint8Array, maxPixels: number): Sharp {
  // failOn 'error' rejects truncated and corrupt data but tolerates the harmless warnings of some cameras.
  return sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' }).timeout({ seconds: PROCESSING_TIMEOUT_SECONDS });
}

async function assertDimensions(bytes: Uint8Array, name: string, format: ImageFormat, limits: ImageLimits): Promise<void> {
  const { width, height } = await readDimensions(bytes, name, format, false);
  if (width * height > limits.maxPixels || Math.max(width, height) > limits.maxDimension) {
    throw new DomainError(
      'unprocessable',
      'IMAGE_DIMENSIONS_TOO_LARGE',
      `${name} is ${width} × ${height} pixels; images may have at most ${(limits.maxPixels / 1e6).toFixed(0)} megapixels and ${limits.maxDimension} pixels on a side`,
      [{ field: 'file', message: `${width} × ${height} pixels is too large` }],
    );
  }
}

/** Width and height from the header only (sharp's metadata() never decodes pixels). */
async function readDimensions(bytes: Uint8Array, name: string, format: ImageFormat | undefined, oriented: boolean): Promise<{ width: number; height: number }> {
  try {
    const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    const dimensions = oriented ? metadata.autoOrient : metadata;
    if (!dimensions.width || !dimensions.height) throw new Error('no dimensions in the header');
    return { width: dimensions.width, height: dimensions.height };
  } catch (error) {
    throw unreadable(name, format, error);
  }
}

async function run(pipeline: Sharp, name: string, format?: ImageFormat): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    return await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw unreadable(name, format, error);
  }
}

function unreadable(name: string, format: ImageFormat | undefined, error: unknown): DomainError {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/^Vips\w*:\s*/, '').split('\n')[0].trim();
  const what = format ? `a ${format.toUpperCase()} image` : 'an image';
  return new DomainError('unprocessable', 'IMAGE_UNREADABLE', `${name} could not be read as ${what}: it is damaged or incomplete (${reason})`, [
    { field: 'file', message: reason },
  ]);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
