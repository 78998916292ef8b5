import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { BLOB_LOCK_NAMESPACE, blobLockObjectSql, SubmissionStorage } from './submission-storage.js';

export interface SweepResult {
  /** False when this database has never written to the storage directory (another database's store is never swept). */
  swept: boolean;
  deleted: number;
  /** Temp files of writes that never finished. */
  tempFilesDeleted: number;
}

/** Blobs younger than this are left alone: their transaction may still be on its way. */
export const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const BATCH = 500;

/**
 * Every column that holds a blob key. A module that starts referencing blobs adds its columns here,
 * or the sweep would delete its files.
 */
const UNREFERENCED = `
  SELECT k FROM unnest($1::text[]) AS k
   WHERE NOT EXISTS (SELECT 1 FROM submissions WHERE image_url = k)
     AND NOT EXISTS (SELECT 1 FROM submissions WHERE image_thumbnail_url = k)
     AND NOT EXISTS (SELECT 1 FROM submission_pages WHERE blob_key = k)
     AND NOT EXISTS (SELECT 1 FROM submission_pages WHERE thumbnail_key = k)
     AND NOT EXISTS (SELECT 1 FROM submission_pages WHERE source_pdf_key = k)`;

async function unreferenced(manager: EntityManager, keys: string[]): Promise<string[]> {
  const rows: Array<{ k: string }> = await manager.query(UNREFERENCED, [keys]);
  return rows.map((row) => row.k);
}

/**
 * Deletes the blobs of the storage directory that no row references and that are older than
 * `olderThanMs`, plus stale temp files. Each deletion re-checks under the blob's exclusive advisory
 * lock (see SubmissionStorage), so a blob that a transaction is about to reference survives.
 */
export async function sweepOrphanBlobs(dataSource: DataSource, storage: SubmissionStorage, options: { olderThanMs: number }): Promise<SweepResult> {
  if (!(await storage.isOwnedBy(dataSource.manager))) return { swept: false, deleted: 0, tempFilesDeleted: 0 };
  const tempFilesDeleted = await storage.blobs.sweepTemp(options.olderThanMs);
  const cutoff = Date.now() - options.olderThanMs;
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    const candidates = await unreferenced(dataSource.manager, batch);
    batch = [];
    for (const key of candidates) {
      const removed = await dataSource.transaction(async (manager) => {
        const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock($1, ${blobLockObjectSql('$2::text')}) AS locked`, [BLOB_LOCK_NAMESPACE, key]);
        if (!locked || (await unreferenced(manager, [key])).length === 0) return false;
        await storage.blobs.delete(key);
        return true;
      });
      if (removed) deleted += 1;
    }
  };
  for await (const key of storage.blobs.listKeys()) {
    const info = await storage.blobs.stat(key);
    if (!info || info.modifiedAt.getTime() > cutoff) continue;
    batch.push(key);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return { swept: true, deleted, tempFilesDeleted };
}

/** Runs the orphan sweep when the app starts and every hour, one run at a time. */
@Injectable()
export class OrphanBlobSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OrphanBlobSweep');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: SubmissionStorage,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep now (unless one is running): `olderThanMs` 0 takes every unreferenced blob. */
  sweep(olderThanMs = ORPHAN_MIN_AGE_MS): Promise<SweepResult> {
    return sweepOrphanBlobs(this.dataSource, this.storage, { olderThanMs });
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.sweep()
      .then((result) => {
        if (result.deleted + result.tempFilesDeleted > 0) this.logger.log(`Removed ${result.deleted} orphaned blob(s) and ${result.tempFilesDeleted} unfinished write(s)`);
      })
      .catch((error: unknown) => this.logger.error(`The orphan sweep failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.running = undefined;
      });
  }
}
