import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DomainError } from '../../libs/errors/domain-error.js';
import { LocalBlobStorage } from '../../libs/storage/blob-storage.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('LocalBlobStorage', () => {
  let root: string;
  let storage: LocalBlobStorage;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'handmark-blobs-'));
    storage = new LocalBlobStorage(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores content under its sha256 in two levels of hex folders and reads it back', async () => {
    const bytes = Buffer.from('Essay: The water cycle, by a student.');

    const stored = await storage.put(bytes);

    expect(stored).toEqual({ key: sha256(bytes), sha256: sha256(bytes), size: bytes.length });
    const expectedPath = path.join(root, stored.key.slice(0, 2), stored.key.slice(2, 4), stored.key);
    expect(await readFile(expectedPath)).toEqual(bytes);
    expect(await storage.get(stored.key)).toEqual(bytes);
    expect(await storage.exists(stored.key)).toBe(true);
    const info = await storage.stat(stored.key);
    expect(info).toMatchObject({ key: stored.key, size: bytes.length });
    expect(Math.abs(Date.now() - info!.modifiedAt.getTime())).toBeLessThan(60_000);
  });

  it('is idempotent: the same content stored twice is one blob, written once', async () => {
    const bytes = Buffer.from('same page photographed twice');
    const first = await storage.put(bytes);
    const before = await stat(path.join(root, first.key.slice(0, 2), first.key.slice(2, 4), first.key));

    const second = await storage.put(Buffer.from(bytes));

    expect(second).toEqual(first);
    expect(await collect(storage.listKeys())).toEqual([first.key]);
    const after = await stat(path.join(root, first.key.slice(0, 2), first.key.slice(2, 4), first.key));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('stores a stream under the hash of everything it carried', async () => {
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(70_000, 2), Buffer.from('tail')];

    const stored = await storage.put(Readable.from(chunks));

    const whole = Buffer.concat(chunks);
    expect(stored).toEqual({ key: sha256(whole), sha256: sha256(whole), size: whole.length });
    expect(await storage.get(stored.key)).toEqual(whole);
    expect(await storage.put(Readable.from(chunks))).toEqual(stored);
    expect(await collect(storage.listKeys())).toEqual([stored.key]);
  });

  it('aborts a stream that grows past maxBytes with a 413 and leaves nothing behind', async () => {
    const put = storage.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 });

    await expect(put).rejects.toMatchObject({ kind: 'too_large', code: 'FILE_TOO_LARGE' });
    expect(await collect(storage.listKeys())).toEqual([]);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('leaves no blob and no temp file when the upload stream fails midway', async () => {
    async function* brokenUpload() {
      yield Buffer.alloc(1000, 7);
      throw new Error('client disconnected');
    }

    await expect(storage.put(brokenUpload())).rejects.toThrow('client disconnected');

    expect(await collect(storage.listKeys())).toEqual([]);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('streams a blob, and fails with not found before streaming a missing one', async () => {
    const bytes = Buffer.alloc(200_000, 9);
    const { key } = await storage.put(bytes);

    expect(await readAll(await storage.createReadStream(key))).toEqual(bytes);
    await expect(storage.createReadStream('0'.repeat(64))).rejects.toMatchObject({ kind: 'not_found' });
    await expect(storage.get('0'.repeat(64))).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('deletes a blob; deleting it again is not an error', async () => {
    const { key } = await storage.put(Buffer.from('to be deleted'));

    await storage.delete(key);
    await storage.delete(key);

    expect(await storage.exists(key)).toBe(false);
    expect(await storage.stat(key)).toBeNull();
    expect(await collect(storage.listKeys())).toEqual([]);
  });

  it('lists every stored key in order and ignores anything that is not a blob', async () => {
    const keys = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(async (text) => (await storage.put(Buffer.from(text))).key));
    await writeFile(path.join(root, 'README.txt'), 'not a blob');
    await mkdir(path.join(root, 'zz'), { recursive: true });
    const first = keys[0];
    await writeFile(path.join(root, first.slice(0, 2), first.slice(2, 4), 'stray-file'), 'x');

    expect(await collect(storage.listKeys())).toEqual([...keys].sort());
  });

  it('never lists an interrupted write, and sweepTemp removes it once it is old enough', async () => {
    const { key } = await storage.put(Buffer.from('complete blob'));
    // What a crash between write and rename leaves behind.
    await mkdir(path.join(root, 'tmp'), { recursive: true });
    const abandoned = path.join(root, 'tmp', 'abandoned.partial');
    const inProgress = path.join(root, 'tmp', 'in-progress.partial');
    await writeFile(abandoned, Buffer.alloc(5000, 1));
    await writeFile(inProgress, Buffer.alloc(10, 2));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(abandoned, anHourAgo, anHourAgo);

    expect(await collect(storage.listKeys())).toEqual([key]);

    expect(await storage.sweepTemp(15 * 60_000)).toBe(1);
    expect(await readdir(path.join(root, 'tmp'))).toEqual(['in-progress.partial']);
    expect(await storage.get(key)).toEqual(Buffer.from('complete blob'));
  });

  it('sweeps nothing when no write ever happened', async () => {
    expect(await storage.sweepTemp(0)).toBe(0);
    expect(await collect(storage.listKeys())).toEqual([]);
  });

  it.each(['../../etc/passwd', '../' + 'a'.repeat(61), 'A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), `${'a'.repeat(62)}/x`, '', 'aa/bb/' + 'a'.repeat(64)])(
    'rejects the key %j before touching the disk',
    async (key) => {
      for (const attempt of [storage.get(key), storage.exists(key), storage.stat(key), storage.delete(key), storage.createReadStream(key)]) {
        await expect(attempt).rejects.toMatchObject({ kind: 'invalid', code: 'INVALID_BLOB_KEY' });
      }
      await expect(storage.get(key)).rejects.toBeInstanceOf(DomainError);
    },
  );
});
