// A minimal PDF writer for tests and benchmarks only (pdfjs reads PDFs, sharp does not write them).
// Each page shows one JPEG (a DCTDecode image XObject) scaled to the page, and/or a line of text in
// Helvetica, one of the 14 standard fonts, which is never embedded.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export interface PdfPageSpec {
  widthPt?: number;
  heightPt?: number;
  /** JPEG bytes drawn over the whole page. */
  jpeg?: Buffer;
  text?: string;
  /** The page's /Rotate entry. */
  rotate?: 0 | 90 | 180 | 270;
}

export interface BuildPdfOptions {
  /** Adds an /Encrypt dictionary whose user password is not empty, so the file cannot be opened. */
  encrypted?: boolean;
}

const A4 = { widthPt: 595.28, heightPt: 841.89 };

/** A valid PDF (with an xref table) holding the given pages; no pages gives an empty /Kids array. */
export async function buildPdf(pages: PdfPageSpec[], options: BuildPdfOptions = {}): Promise<Buffer> {
  const objects: Buffer[] = [];
  const add = (body: Buffer | string) => objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
  const ref = (n: number) => `${n} 0 R`;

  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(''); // the page tree, filled in once the pages have numbers
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const pageRefs: number[] = [];
  for (const page of pages) {
    const width = page.widthPt ?? A4.widthPt;
    const height = page.heightPt ?? A4.heightPt;
    let content = '';
    let xobjects = '';
    if (page.jpeg) {
      const meta = await sharp(page.jpeg, { limitInputPixels: false }).metadata();
      const colorSpace = meta.channels === 1 ? '/DeviceGray' : '/DeviceRGB';
      add(
        Buffer.concat([
          Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${meta.width} /Height ${meta.height} /ColorSpace ${colorSpace} /BitsPerComponent 8 /Filter /DCTDecode /Length ${page.jpeg.length} >>\nstream\n`, 'latin1'),
          page.jpeg,
          Buffer.from('\nendstream', 'latin1'),
        ]),
      );
      xobjects = `/XObject << /Im0 ${ref(objects.length)} >>`;
      content += `q ${width} 0 0 ${height} 0 0 cm /Im0 Do Q\n`;
    }
    if (page.text) content += `BT /F1 24 Tf 72 ${height - 96} Td (${page.text.replace(/[()\\]/g, '\\$&')}) Tj ET\n`;
    add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    const contentRef = objects.length;
    add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] ${page.rotate ? `/Rotate ${page.rotate} ` : ''}/Resources << /Font << /F1 3 0 R >> ${xobjects} >> /Contents ${ref(contentRef)} >>`);
    pageRefs.push(objects.length);
  }
  objects[1] = Buffer.from(`<< /Type /Pages /Kids [${pageRefs.map(ref).join(' ')}] /Count ${pageRefs.length} >>`, 'latin1');

  let trailerExtra = '';
  if (options.encrypted) {
    const hex = () => `<${randomBytes(32).toString('hex')}>`;
    add(`<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O ${hex()} /U ${hex()} >>`);
    const id = `<${randomBytes(16).toString('hex')}>`;
    trailerExtra = ` /Encrypt ${ref(objects.length)} /ID [${id} ${id}]`;
  }

  const chunks: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0].length;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    const chunk = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(offset);
    chunks.push(chunk);
    offset += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${trailerExtra} >>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}

const handwritingDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/handwriting');

/**
 * A greyscale page as a 300 dpi scanner produces it: paper-coloured background with sensor noise and
 * real handwriting placed at a few spots (different per `seed`), encoded as JPEG.
 */
export async function scanLikePageJpeg(seed: number, options: { dpi?: number; quality?: number } = {}): Promise<Buffer> {
  const dpi = options.dpi ?? 300;
  const width = Math.round((A4.widthPt / 72) * dpi);
  const height = Math.round((A4.heightPt / 72) * dpi);
  const samples = ['hw-formula1.png', 'hw-formula2.png', 'hw-formula3.png'].map((name) => readFileSync(path.join(handwritingDir, name)));
  const overlays = [];
  for (let i = 0; i < 6; i += 1) {
    const sample = samples[(seed + i) % samples.length];
    const targetWidth = Math.round(width * (0.35 + ((seed * 7 + i * 13) % 40) / 100));
    overlays.push({
      input: await sharp(sample).resize({ width: Math.min(targetWidth, width - 200) }).greyscale().toBuffer(),
      left: 100 + ((seed * 31 + i * 17) % 200),
      top: Math.round((height / 6.5) * i) + 150,
      blend: 'multiply' as const,
    });
  }
  const paper = await sharp({ create: { width, height, channels: 3, background: '#f4f2ee', noise: { type: 'gaussian', mean: 238, sigma: 6 } } })
    .greyscale()
    .png({ compressionLevel: 0 })
    .toBuffer();
  return sharp(paper).composite(overlays).greyscale().jpeg({ quality: options.quality ?? 80 }).toBuffer();
}
