import type { ObjectLiteral } from 'typeorm';
import type { Projector } from './projector.js';

/** A read-model row as this process last committed it, with the row version (xmin) it got. */
export interface CachedRow {
  row: ObjectLiteral;
  xmin: string;
}

interface Entry extends CachedRow {
  cachedAt: number;
}

/**
 * The read-model rows this process wrote last, so the next command on the same row can evolve it
 * without reading it first and write it in the same exchange as its events (a compare-and-swap on
 * the row version: a stale entry fails the command, which is retried through the locking path).
 * Bounded (least recently used rows leave first: 20,000 rows is the classes and assignments a
 * district's teachers are working on, a few tens of megabytes at most); a row that lost a swap is
 * left out for a while, so a row many writers share goes through the lock instead of failing over
 * and over.
 *
 * Entries also expire: xmin is a 32-bit transaction id, so a row could in principle carry the same
 * version again after billions of transactions (or after the database is restored from a backup
 * while this server keeps running); ten minutes is far inside both.
 */
export class ProjectionCache {
  private readonly rows = new Map<string, Entry>();
  private readonly contendedUntil = new Map<string, number>();

  constructor(
    private readonly capacity = 20_000,
    private readonly contentionMs = 5_000,
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  /** The cached row, or undefined. Projectors are pure (Projector.evolve), so the row is shared, not copied. */
  get(projector: Projector, key: string): CachedRow | undefined {
    const id = idOf(projector, key);
    const until = this.contendedUntil.get(id);
    if (until !== undefined) {
      if (until > this.now()) return undefined;
      this.contendedUntil.delete(id);
    }
    const cached = this.rows.get(id);
    if (!cached) return undefined;
    this.rows.delete(id);
    if (this.now() - cached.cachedAt >= this.maxAgeMs) return undefined;
    this.rows.set(id, cached);
    return { row: cached.row, xmin: cached.xmin };
  }

  /** Whether the row lost a swap lately, so writes to it go through the lock for a while. */
  contended(projector: Projector, key: string): boolean {
    const until = this.contendedUntil.get(idOf(projector, key));
    return until !== undefined && until > this.now();
  }

  set(projector: Projector, key: string, cached: CachedRow): void {
    const id = idOf(projector, key);
    this.rows.delete(id);
    this.rows.set(id, { ...cached, cachedAt: this.now() });
    if (this.rows.size > this.capacity) this.rows.delete(this.rows.keys().next().value!);
  }

  /** Drops rows whose stored version is unknown now; `contended` when another writer changed them. */
  forget(projector: Projector, keys: readonly string[], contended: boolean): void {
    const now = this.now();
    for (const key of keys) {
      const id = idOf(projector, key);
      this.rows.delete(id);
      if (!contended) continue;
      // Re-inserted, so the marks stay in order of expiry: the oldest first.
      this.contendedUntil.delete(id);
      this.contendedUntil.set(id, now + this.contentionMs);
    }
    for (const [id, until] of this.contendedUntil) {
      if (until > now && this.contendedUntil.size <= this.capacity) break;
      this.contendedUntil.delete(id);
    }
  }

  get size(): number {
    return this.rows.size;
  }
}

const idOf = (projector: Projector, key: string) => `${projector.name}\u0000${key}`;
