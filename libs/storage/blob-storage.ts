import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DomainError, NotFoundError } from '../errors/domain-error.js';

export interface StoredBlob {
  /** Where the blob lives; for local storage it is the sha256 itself. */
  key: string;
  sha256: string;
  size: number;
}

export interface BlobStat {
  key: string;
  size: number;
  modifiedAt: Date;
}

export interface PutOptions {
  /** A stream that grows past this many bytes is aborted with a 413 and leaves nothing behind. */
  maxBytes?: number;
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;
const HEX_PAIR = /^[0-9a-f]{2}$/;
const TEMP_DIR = 'tmp';
const TEMP_SUFFIX = '.partial';

/** Keys are lowercase sha256 hex, so no key can name a path outside the root. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new DomainError('invalid', 'INVALID_BLOB_KEY', 'A blob key is the 64-character lowercase hex sha256 of the content');
  }
}

/**
 * Content-addressed blobs on local disk: `<root>/<aa>/<bb>/<sha256>`. A write goes to
 * `<root>/tmp/` first (same filesystem), is fsynced, then renamed into place, so a blob is either
 * absent or complete. Every method maps onto an S3 call (PutObject, GetObject, HeadObject,
 * DeleteObject, ListObjectsV2; sweepTemp onto aborting stale multipart uploads), so an S3-compatible
 * class can later offer the same methods without changing callers.
 */
export class LocalBlobStorage {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  /** Stores the content and returns its address; storing the same content twice is a no-op. */
  async put(content: Uint8Array | Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StoredBlob> {
    if (ArrayBuffer.isView(content)) {
      if (options.maxBytes !== undefined && content.byteLength > options.maxBytes) throw tooLarge(options.maxBytes);
      const sha256 = createHash('sha256').update(content).digest('hex');
      if (await this.exists(sha256)) return { key: sha256, sha256, size: content.byteLength };
      return this.#write(async (write) => {
        await write(content);
        return sha256;
      });
    }
    return this.#write(async (write) => {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of content as AsyncIterable<Uint8Array | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.byteLength;
        if (options.maxBytes !== undefined && size > options.maxBytes) throw tooLarge(options.maxBytes);
        hash.update(bytes);
        await write(bytes);
      }
      return hash.digest('hex');
    });
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.#pathOf(key));
    } catch (error) {
      throw notFoundIfMissing(error);
    }
  }

  /** Opens the blob first, so a missing key fails here (before any response headers go out). */
  async createReadStream(key: string): Promise<Readable> {
    const handle = await open(this.#pathOf(key), 'r').catch((error: unknown) => {
      throw notFoundIfMissing(error);
    });
    return handle.createReadStream();
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      const info = await stat(this.#pathOf(key));
      return { key, size: info.size, modifiedAt: info.mtime };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** Removes the blob; deleting a missing blob is not an error (as in S3). */
  async delete(key: string): Promise<void> {
    try {
      await unlink(this.#pathOf(key));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  /** Every stored key, for orphan sweeps; temp files of unfinished writes are never listed. */
  async *listKeys(): AsyncIterableIterator<string> {
    for (const first of await hexDirs(this.rootDir)) {
      for (const second of await hexDirs(path.join(this.rootDir, first))) {
        const entries = await readdir(path.join(this.rootDir, first, second), { withFileTypes: true }).catch(emptyIfMissing);
        for (const entry of entries.sort(byName)) {
          if (entry.isFile() && KEY_PATTERN.test(entry.name) && entry.name.startsWith(first + second)) yield entry.name;
        }
      }
    }
  }

  /**
   * Removes temp files left by interrupted writes. Only files untouched for `olderThanMs` go, so a
   * write still in progress in another process survives as long as it keeps writing.
   */
  async sweepTemp(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    const tempDir = path.join(this.rootDir, TEMP_DIR);
    let removed = 0;
    for (const entry of await readdir(tempDir, { withFileTypes: true }).catch(emptyIfMissing)) {
      if (!entry.isFile() || !entry.name.endsWith(TEMP_SUFFIX)) continue;
      const file = path.join(tempDir, entry.name);
      const info = await stat(file).catch(() => null);
      if (info && info.mtimeMs <= cutoff) {
        await rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  #pathOf(key: string): string {
    assertBlobKey(key);
    return path.join(this.rootDir, key.slice(0, 2), key.slice(2, 4), key);
  }

  /** Runs `fill` against a fresh temp file, then moves the file to the address `fill` returns. */
  async #write(fill: (write: (bytes: Uint8Array) => Promise<void>) => Promise<string>): Promise<StoredBlob> {
    const tempDir = path.join(this.rootDir, TEMP_DIR);
    await mkdir(tempDir, { recursive: true, mode: 0o750 });
    const tempFile = path.join(tempDir, `${randomBytes(12).toString('hex')}${TEMP_SUFFIX}`);
    const handle = await open(tempFile, 'wx', 0o640);
    let renamed = false;
    try {
      let size = 0;
      const sha256 = await fill(async (bytes) => {
        let offset = 0;
        while (offset < bytes.byteLength) {
          const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
          offset += bytesWritten;
        }
        size += bytes.byteLength;
      });
      await handle.sync();
      await handle.close();
      const finalPath = this.#pathOf(sha256);
      if (!(await this.exists(sha256))) {
        const dir = path.dirname(finalPath);
        const firstCreated = await mkdir(dir, { recursive: true, mode: 0o750 });
        await rename(tempFile, finalPath);
        renamed = true;
        await fsyncDir(dir);
        if (firstCreated) await fsyncDir(path.dirname(firstCreated));
      }
      return { key: sha256, sha256, size };
    } finally {
      await handle.close().catch(() => {});
      if (!renamed) await rm(tempFile, { force: true });
    }
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function hexDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(emptyIfMissing);
  return entries.filter((entry) => entry.isDirectory() && HEX_PAIR.test(entry.name)).sort(byName).map((entry) => entry.name);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function emptyIfMissing(error: unknown): never[] {
  if (isMissing(error)) return [];
  throw error;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

function notFoundIfMissing(error: unknown): unknown {
  return isMissing(error) ? new NotFoundError('Blob') : error;
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError('too_large', 'FILE_TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes`);
}
