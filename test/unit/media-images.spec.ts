import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { makeThumbnail, normalizeImage, resizeForModel } from '../../libs/media/images.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/handwriting');
const handwriting = readFileSync(path.join(fixtures, 'hw-formula3.png'));
const limits = { maxBytes: 10 * 1024 * 1024, maxPixels: 50_000_000, maxDimension: 12_000 };

/** A PNG whose IHDR claims the given size, with a correct CRC and almost no pixel data. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A landscape JPEG, left half red and right half blue, as a phone held sideways stores it. */
async function sidewaysPhonePhoto(): Promise<Buffer> {
  const halves = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#0000ff' } })
    .composite([{ input: { create: { width: 200, height: 200, channels: 3, background: '#ff0000' } }, left: 0, top: 0 }])
    .png()
    .toBuffer();
  return sharp(halves)
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Phone 12', Artist: 'Student Name' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 26/1 4600/100', GPSLongitudeRef: 'W', GPSLongitude: '79/1 58/1 5600/100' },
    })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF></x:xmpmeta>')
    .withIccProfile('p3')
    .jpeg({ quality: 95 })
    .toBuffer();
}

async function pixelAt(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + 3)];
}

describe('normalizeImage', () => {
  it('re-encodes a real handwriting scan in its own format and hashes the stored bytes', async () => {
    const result = await normalizeImage(handwriting, { fileName: 'hw-formula3.png', ...limits });

    expect(result).toMatchObject({ format: 'png', mimeType: 'image/png', width: 1252, height: 462 });
    expect(result.sha256).toBe(createHash('sha256').update(result.bytes).digest('hex'));
    const stats = await sharp(result.bytes).stats();
    expect(stats.channels[0].min).toBeLessThan(100); // the ink survived
  });

  it('applies the EXIF orientation to the pixels and strips EXIF (with GPS), XMP and ICC', async () => {
    const photo = await sidewaysPhonePhoto();
    const before = await sharp(photo).metadata();
    expect(before).toMatchObject({ width: 400, height: 200, orientation: 6 });
    expect(before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true); // the GPS IFD pointer (tag 0x8825, little-endian)
    expect(before.xmp).toBeDefined();
    expect(before.icc).toBeDefined();

    const result = await normalizeImage(photo, { fileName: 'IMG_2024.jpg', ...limits });

    expect(result).toMatchObject({ format: 'jpeg', mimeType: 'image/jpeg', width: 200, height: 400 });
    const after = await sharp(result.bytes).metadata();
    expect(after).toMatchObject({ format: 'jpeg', width: 200, height: 400 });
    expect(after.orientation).toBeUndefined();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(result.bytes.includes(Buffer.from('Student Name'))).toBe(false);
    // Orientation 6 means "rotate 90° clockwise to display": the red left half is now on top.
    const [topR, , topB] = await pixelAt(result.bytes, 100, 50);
    const [bottomR, , bottomB] = await pixelAt(result.bytes, 100, 350);
    expect(topR).toBeGreaterThan(200);
    expect(topB).toBeLessThan(60);
    expect(bottomB).toBeGreaterThan(200);
    expect(bottomR).toBeLessThan(60);
  });

  it('keeps WebP as WebP', async () => {
    const webp = await sharp(handwriting).webp({ quality: 80 }).toBuffer();

    expect(await normalizeImage(webp, { fileName: 'page.webp', ...limits })).toMatchObject({ format: 'webp', mimeType: 'image/webp', width: 1252, height: 462 });
  });

  it('refuses a file over the byte limit with a 413 that names the file and the limit', async () => {
    await expect(normalizeImage(handwriting, { fileName: 'hw-formula3.png', ...limits, maxBytes: 100 * 1024 })).rejects.toMatchObject({
      kind: 'too_large',
      code: 'FILE_TOO_LARGE',
      message: 'hw-formula3.png is 114 KB; the limit for an image is 100 KB',
    });
  });

  it('refuses a 30000 × 30000 decompression bomb from its header, without decoding it', async () => {
    const bomb = pngHeaderOnly(30_000, 30_000);
    expect(bomb.length).toBeLessThan(200);

    const started = performance.now();
    await expect(normalizeImage(bomb, { fileName: 'bomb.png', ...limits })).rejects.toMatchObject({
      kind: 'unprocessable',
      code: 'IMAGE_DIMENSIONS_TOO_LARGE',
      message: expect.stringContaining('bomb.png is 30000 × 30000 pixels'),
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses an image longer than maxDimension even when its pixel count is fine', async () => {
    await expect(normalizeImage(pngHeaderOnly(20_000, 10), { fileName: 'strip.png', ...limits })).rejects.toMatchObject({
      code: 'IMAGE_DIMENSIONS_TOO_LARGE',
      message: expect.stringContaining('strip.png is 20000 × 10 pixels'),
    });
  });

  it('refuses a truncated JPEG with a 422 that names the file', async () => {
    const photo = await sharp(handwriting).jpeg().toBuffer();

    await expect(normalizeImage(photo.subarray(0, Math.floor(photo.length / 2)), { fileName: 'cut-off.jpg', ...limits })).rejects.toMatchObject({
      kind: 'unprocessable',
      code: 'IMAGE_UNREADABLE',
      message: expect.stringContaining('cut-off.jpg could not be read as a JPEG image'),
    });
  });

  it('refuses a PNG whose header is intact but whose pixel data is garbage', async () => {
    await expect(normalizeImage(pngHeaderOnly(640, 480), { fileName: 'broken.png', ...limits })).rejects.toMatchObject({ kind: 'unprocessable', code: 'IMAGE_UNREADABLE' });
  });

  it('refuses a script named .png before sharp sees it', async () => {
    await expect(normalizeImage(Buffer.from('#!/bin/sh\nrm -rf ~\n'), { fileName: 'homework.png', ...limits })).rejects.toMatchObject({
      kind: 'unsupported',
      code: 'UNSUPPORTED_FILE_TYPE',
    });
  });
});

describe('makeThumbnail', () => {
  it('makes a 320 px wide WebP', async () => {
    const thumbnail = await makeThumbnail(handwriting, { width: 320 });

    expect(thumbnail).toMatchObject({ format: 'webp', mimeType: 'image/webp', width: 320, height: Math.round((462 * 320) / 1252) });
    expect((await sharp(thumbnail.bytes).metadata()).format).toBe('webp');
  });

  it('never enlarges a small image', async () => {
    const small = readFileSync(path.join(fixtures, 'hw-formula1.png'));

    expect(await makeThumbnail(small)).toMatchObject({ width: 187, height: 89 });
  });
});

describe('resizeForModel', () => {
  it('fits a phone photo within 1568 px and 1.15 megapixels as a JPEG', async () => {
    const photo = await sharp({ create: { width: 3024, height: 4032, channels: 3, background: '#fafafa' } }).jpeg().toBuffer();

    const resized = await resizeForModel(photo, { longEdge: 1568 });

    expect(resized.format).toBe('jpeg');
    expect(Math.max(resized.width, resized.height)).toBeLessThanOrEqual(1568);
    expect(resized.width * resized.height).toBeLessThanOrEqual(1_150_000);
    expect(resized.height / resized.width).toBeCloseTo(4032 / 3024, 2);
  });

  it('uses the full long edge when the pixel cap is lifted', async () => {
    const photo = await sharp({ create: { width: 3024, height: 4032, channels: 3, background: '#fafafa' } }).jpeg().toBuffer();

    expect(await resizeForModel(photo, { longEdge: 1568, maxPixels: Infinity })).toMatchObject({ width: 1176, height: 1568 });
  });

  it('respects EXIF orientation and leaves small images at their size', async () => {
    const resized = await resizeForModel(await sidewaysPhonePhoto());

    expect(resized).toMatchObject({ width: 200, height: 400, format: 'jpeg' });
    expect((await sharp(resized.bytes).metadata()).exif).toBeUndefined();
  });

  it('puts transparent areas on white', async () => {
    const transparent = await sharp({ create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();

    const resized = await resizeForModel(transparent);

    expect(await pixelAt(resized.bytes, 25, 25)).toEqual([255, 255, 255]);
  });
});
