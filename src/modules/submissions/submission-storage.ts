import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../../../libs/config/config.js';
import { APP_CONFIG } from '../../../libs/config/config.module.js';
import { DomainError } from '../../../libs/errors/domain-error.js';
import { LocalBlobStorage, type StoredBlob } from '../../../libs/storage/blob-storage.js';
import { storageId } from '../../../libs/storage/store-id.js';

/** A blob a transaction is about to reference; `bytes` lets a swept blob be written again. */
export interface HeldBlob {
  key: string;
  bytes?: Uint8Array;
}

/** Two-key advisory locks (namespace, first 32 bits of the sha256) never meet the one-key locks of migrations and the sealer. */
export const BLOB_LOCK_NAMESPACE = 0x626c6f62; // "blob"

/**
 * The submissions' blob storage (STORAGE_DIR) and the protocol that keeps it consistent with the
 * database without putting file I/O of any size inside transactions:
 *
 * 1. A blob is written before the transaction that references it (content-addressed, so a retry
 *    writes nothing new). A crash in between leaves an unreferenced blob, which the orphan sweep
 *    deletes once it is an hour old.
 * 2. Inside that transaction, `hold()` takes a shared advisory lock per key and checks the blob is
 *    still there (writing it again from memory if the sweep took it). The sweep deletes a blob only
 *    under the exclusive lock of its key after re-reading that nothing references it, so a blob is
 *    never deleted while a transaction that references it is being written.
 *
 * Each storage directory has an id (a file in it, created on first start); jobs that read its blobs
 * go to a queue of that id, so they run only in processes that see the same directory.
 */
@Injectable()
export class SubmissionStorage {
  readonly blobs: LocalBlobStorage;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.blobs = new LocalBlobStorage(config.storage.dir);
  }

  /** The id of this storage directory (libs/storage/store-id.ts), created atomically on first use. */
  id(): Promise<string> {
    return storageId(this.blobs.rootDir);
  }

  put(bytes: Uint8Array): Promise<StoredBlob> {
    return this.blobs.put(bytes);
  }

  /**
   * Call inside the transaction that will reference these blobs (step 2 above). Also records that
   * this database uses this store, which is what allows the orphan sweep to run on it.
   */
  async hold(manager: EntityManager, held: HeldBlob[]): Promise<void> {
    const unique = [...new Map(held.map((blob) => [blob.key, blob])).values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    if (unique.length === 0) return;
    await manager.query(`INSERT INTO blob_stores (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [await this.id()]);
    await manager.query(`SELECT pg_advisory_xact_lock_shared($1, ${blobLockObjectSql('k')}) FROM unnest($2::text[]) AS k`, [BLOB_LOCK_NAMESPACE, unique.map((blob) => blob.key)]);
    for (const blob of unique) {
      if (await this.blobs.exists(blob.key)) continue;
      if (!blob.bytes) throw new DomainError('unavailable', 'BLOB_MISSING', 'A stored file disappeared while it was being saved; try again');
      await this.blobs.put(blob.bytes);
    }
  }

  /** Whether this database has written to this store (only then may it sweep it). */
  async isOwnedBy(manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM blob_stores WHERE id = $1`, [await this.id()]);
    return rows.length > 0;
  }
}

/** The second advisory-lock key of a blob: the first 32 bits of its sha256, as SQL over the column or parameter `expression`. */
export function blobLockObjectSql(expression: string): string {
  return `('x' || substr(${expression}, 1, 8))::bit(32)::int`;
}
