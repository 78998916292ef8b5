import { DomainError } from '../errors/domain-error.js';
import { displayName } from './describe.js';

export type UploadFormat = 'jpeg' | 'png' | 'webp' | 'pdf' | 'text';

export interface SniffedUpload {
  format: UploadFormat;
  kind: 'image' | 'pdf' | 'text';
  /** The content type to store and serve it with (never taken from the client). */
  mimeType: string;
  extension: string;
}

const ACCEPTED: Record<UploadFormat, SniffedUpload> = {
  jpeg: { format: 'jpeg', kind: 'image', mimeType: 'image/jpeg', extension: 'jpg' },
  png: { format: 'png', kind: 'image', mimeType: 'image/png', extension: 'png' },
  webp: { format: 'webp', kind: 'image', mimeType: 'image/webp', extension: 'webp' },
  pdf: { format: 'pdf', kind: 'pdf', mimeType: 'application/pdf', extension: 'pdf' },
  text: { format: 'text', kind: 'text', mimeType: 'text/plain; charset=utf-8', extension: 'txt' },
};

const WHAT_WE_TAKE = 'Upload photos or scans as JPEG, PNG or WebP, documents as PDF, or typed work as plain text';

/** Extensions that promise something other than text: text content behind them is refused, not guessed at. */
const NON_TEXT_EXTENSIONS = new Set(['jpg', 'jpeg', 'jfif', 'png', 'webp', 'gif', 'heic', 'heif', 'avif', 'tif', 'tiff', 'bmp', 'pdf', 'doc', 'docx', 'odt', 'pages', 'zip', 'exe']);

/**
 * Identifies an upload by its bytes (never by its name or the client's content type) and returns how
 * to store it; anything else is a 415 that says what the file really is when we can tell.
 */
export function sniffUpload(bytes: Uint8Array, fileName: string): SniffedUpload {
  const name = displayName(fileName);
  if (bytes.byteLength === 0) throw new DomainError('unprocessable', 'EMPTY_FILE', `${name} is empty`);

  const binary = sniffBinary(bytes);
  if (binary && Object.hasOwn(ACCEPTED, binary)) return { ...ACCEPTED[binary as UploadFormat] };
  if (binary) throw unsupported(name, binary);

  const text = sniffText(bytes);
  if (text === 'text') {
    const extension = /\.([a-z0-9]+)$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
    if (extension && NON_TEXT_EXTENSIONS.has(extension)) {
      throw new DomainError('unsupported', 'UNSUPPORTED_FILE_TYPE', `${name} is named like a .${extension} file but contains plain text. ${WHAT_WE_TAKE}.`, [
        { field: 'file', message: `contains text, not .${extension} data` },
      ]);
    }
    return { ...ACCEPTED.text };
  }
  throw unsupported(name, text);
}

function unsupported(name: string, what: string | null): DomainError {
  const message = what ? `${name} is ${what}, which HandMark cannot take. ${WHAT_WE_TAKE}.` : `${name} is not a file type HandMark can read. ${WHAT_WE_TAKE}.`;
  return new DomainError('unsupported', 'UNSUPPORTED_FILE_TYPE', message, [{ field: 'file', message: what ? `is ${what}` : 'unknown file type' }]);
}

/** An accepted format, a description of a recognised but unsupported one, or null for "not a binary format we know". */
function sniffBinary(b: Uint8Array): UploadFormat | string | null {
  const ascii = (start: number, end: number) => String.fromCharCode(...b.subarray(start, end));
  const startsWith = (...sig: number[]) => sig.every((byte, i) => b[i] === byte);

  if (startsWith(0xff, 0xd8, 0xff)) return 'jpeg';
  if (startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 5) === '%PDF-') return 'pdf';

  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'a GIF image (save or export it as PNG or JPEG)';
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) {
      return 'a HEIC photo, which is not supported yet (on an iPhone choose Settings › Camera › Formats › Most Compatible, or share the photo as JPEG)';
    }
    if (brand === 'avif' || brand === 'avis') return 'an AVIF image, which is not supported yet (export it as JPEG or PNG)';
    return 'a video or audio file';
  }
  if (startsWith(0x49, 0x49, 0x2a, 0x00) || startsWith(0x4d, 0x4d, 0x00, 0x2a)) return 'a TIFF image (export it as PDF or PNG)';
  if (startsWith(0xff, 0x0a) || startsWith(0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20)) return 'a JPEG XL image (export it as JPEG or PNG)';
  if (ascii(0, 2) === 'BM' && b.length >= 26 && b[6] === 0 && b[7] === 0 && b[8] === 0 && b[9] === 0) return 'a BMP image (save it as PNG)';
  if (startsWith(0x50, 0x4b, 0x03, 0x04)) {
    const head = ascii(0, Math.min(b.length, 4096));
    if (head.includes('word/')) return 'a Word document (save it as PDF)';
    if (head.includes('ppt/')) return 'a PowerPoint presentation (save it as PDF)';
    if (head.includes('xl/')) return 'an Excel workbook (save it as PDF)';
    if (head.includes('opendocument')) return 'an OpenDocument file (save it as PDF)';
    return 'a ZIP archive (upload the files inside it one by one)';
  }
  if (startsWith(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return 'an old-style Microsoft Office document (save it as PDF)';
  if (startsWith(0x1f, 0x8b) || ascii(0, 6) === '7z\xbc\xaf\x27\x1c' || ascii(0, 4) === 'Rar!') return 'a compressed archive';
  if (ascii(0, 4) === '\x7fELF' || (ascii(0, 2) === 'MZ' && b.subarray(0, 64).includes(0))) return 'a program';
  if (startsWith(0xfe, 0xff) || startsWith(0xff, 0xfe)) return 'UTF-16 text (save it as UTF-8 text)';
  return null;
}

/** 'text' for plain UTF-8 text, otherwise a description of what the bytes are (or null when unknown). */
function sniffText(b: Uint8Array): 'text' | string | null {
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(b);
  } catch {
    return null;
  }
  // NUL and the other C0 controls (tab, line breaks and form feed aside) never occur in typed text.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(decoded)) return null;

  const head = decoded.slice(0, 1024).trimStart().toLowerCase();
  if (head.startsWith('#!')) return `a script (${head.slice(2).split(/\s/)[0] || 'unknown interpreter'})`;
  if (head.startsWith('<?php')) return 'a PHP script';
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg')) || /^<!doctype svg/.test(head)) return 'an SVG image (export it as PNG)';
  if (/^<(!doctype html|html|head|body|script|iframe|meta|!--)/.test(head)) return 'an HTML page (save it as PDF)';
  if (head.startsWith('<?xml')) return 'an XML document';
  if (head.startsWith('{\\rtf')) return 'an RTF document (save it as PDF or plain text)';
  if (head.startsWith('%!ps')) return 'a PostScript file (save it as PDF)';
  return 'text';
}
