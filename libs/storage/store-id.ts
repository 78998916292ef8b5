import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The file in a storage directory that names it (the same file SubmissionStorage.id() creates and reads). */
export const STORE_ID_FILE = 'handmark-store-id';

const known = new Map<string, Promise<string>>();

/**
 * The id of a blob storage directory, created atomically on first use ('wx', so two processes
 * starting at once agree on one id). Jobs that read a store's blobs go to queues named after it,
 * so they run only in processes that see the same directory.
 */
export function storageId(rootDir: string): Promise<string> {
  const dir = path.resolve(rootDir);
  let id = known.get(dir);
  if (!id) {
    id = readOrCreate(dir);
    known.set(dir, id);
    id.catch(() => known.delete(dir));
  }
  return id;
}

async function readOrCreate(dir: string): Promise<string> {
  const file = path.join(dir, STORE_ID_FILE);
  await mkdir(dir, { recursive: true, mode: 0o750 });
  try {
    await writeFile(file, `${randomUUID()}\n`, { flag: 'wx', mode: 0o640 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const id = (await readFile(file, 'utf8')).trim();
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`${file} does not hold a storage id; restore it or remove it (and the blobs) to start a new store`);
  return id;
}
