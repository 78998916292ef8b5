import { beforeEach, describe, expect, it } from '@jest/globals';
import { type CachedRow, ProjectionCache } from './projection-cache.js';
import type { Projector } from './projector.js';

const projector = { name: 'p' } as Projector;
const other = { name: 'q' } as Projector;

const row = (key: string, xmin: string): CachedRow => ({ row: { key }, xmin });

/** Which of these keys the cache serves now, with the row version it serves. */
function served(cache: ProjectionCache, keys: string[], from: Projector = projector): Array<[string, string | undefined]> {
  return keys.map((key) => [key, cache.get(from, key)?.xmin]);
}

describe('ProjectionCache', () => {
  let time: number;
  const now = () => time;

  beforeEach(() => {
    time = 1_000;
  });

  it('serves what was set, the same row object, and nothing for unknown keys', () => {
    const cache = new ProjectionCache(10, 5_000, now);
    const cached = row('a', '7');
    cache.set(projector, 'a', cached);

    expect(cache.get(projector, 'a')).toEqual(cached);
    expect(cache.get(projector, 'a')?.row).toBe(cached.row);
    expect(cache.get(projector, 'b')).toBeUndefined();
    expect(cache.size).toEqual(1);
  });

  it('evicts the least recently used row beyond capacity, a get counting as a use', () => {
    const cache = new ProjectionCache(3, 5_000, now);
    cache.set(projector, 'a', row('a', '1'));
    cache.set(projector, 'b', row('b', '2'));
    cache.set(projector, 'c', row('c', '3'));

    // 'a' is the oldest set, but reading it makes 'b' the least recently used.
    expect(cache.get(projector, 'a')?.xmin).toEqual('1');
    cache.set(projector, 'd', row('d', '4'));

    expect(cache.size).toEqual(3);
    expect(served(cache, ['a', 'b', 'c', 'd'])).toEqual([
      ['a', '1'],
      ['b', undefined],
      ['c', '3'],
      ['d', '4'],
    ]);

    // Those gets refreshed a, c then d: 'a' is now the least recently used.
    cache.set(projector, 'e', row('e', '5'));
    expect(served(cache, ['a', 'c', 'd', 'e'])).toEqual([
      ['a', undefined],
      ['c', '3'],
      ['d', '4'],
      ['e', '5'],
    ]);
  });

  it('refreshes recency when a key is set again, replacing its row without growing', () => {
    const cache = new ProjectionCache(2, 5_000, now);
    cache.set(projector, 'a', row('a', '1'));
    cache.set(projector, 'b', row('b', '2'));
    cache.set(projector, 'a', row('a', '3'));
    expect(cache.size).toEqual(2);

    cache.set(projector, 'c', row('c', '4'));
    expect(served(cache, ['a', 'b', 'c'])).toEqual([
      ['a', '3'],
      ['b', undefined],
      ['c', '4'],
    ]);
  });

  it('forgets only the named keys when not contended, and serves a later set at once', () => {
    const cache = new ProjectionCache(10, 5_000, now);
    for (const [key, xmin] of [['a', '1'], ['b', '2'], ['c', '3']]) cache.set(projector, key, row(key, xmin));

    cache.forget(projector, ['a', 'c'], false);

    expect(cache.size).toEqual(1);
    expect(served(cache, ['a', 'b', 'c'])).toEqual([
      ['a', undefined],
      ['b', '2'],
      ['c', undefined],
    ]);
    cache.set(projector, 'a', row('a', '9'));
    expect(served(cache, ['a'])).toEqual([['a', '9']]);
  });

  it('hides a contended key until contentionMs has passed on the clock, even when set meanwhile', () => {
    const cache = new ProjectionCache(10, 5_000, now);
    cache.set(projector, 'a', row('a', '1'));
    cache.set(projector, 'b', row('b', '2'));

    cache.forget(projector, ['a'], true);
    expect(served(cache, ['a', 'b'])).toEqual([
      ['a', undefined],
      ['b', '2'],
    ]);

    time += 1_000;
    cache.set(projector, 'a', row('a', '3'));
    expect(served(cache, ['a'])).toEqual([['a', undefined]]);

    time = 1_000 + 4_999;
    expect(served(cache, ['a'])).toEqual([['a', undefined]]);

    time = 1_000 + 5_000;
    expect(served(cache, ['a', 'b'])).toEqual([
      ['a', '3'],
      ['b', '2'],
    ]);
  });

  it('restarts the contention window when the key is contended again', () => {
    const cache = new ProjectionCache(10, 5_000, now);
    cache.forget(projector, ['a'], true);
    time += 4_000;
    cache.forget(projector, ['a'], true);
    cache.set(projector, 'a', row('a', '1'));

    time = 1_000 + 5_000;
    expect(served(cache, ['a'])).toEqual([['a', undefined]]);
    time = 1_000 + 4_000 + 5_000;
    expect(served(cache, ['a'])).toEqual([['a', '1']]);
  });

  it('keeps the same key string of different projectors apart, for rows and for contention', () => {
    const cache = new ProjectionCache(10, 5_000, now);
    cache.set(projector, 'k', row('k', 'p-1'));
    cache.set(other, 'k', row('k', 'q-1'));

    expect(cache.size).toEqual(2);
    expect(cache.get(projector, 'k')?.xmin).toEqual('p-1');
    expect(cache.get(other, 'k')?.xmin).toEqual('q-1');

    cache.forget(other, ['k'], true);
    expect(served(cache, ['k'], projector)).toEqual([['k', 'p-1']]);
    expect(served(cache, ['k'], other)).toEqual([['k', undefined]]);
    cache.set(other, 'k', row('k', 'q-2'));
    expect(served(cache, ['k'], other)).toEqual([['k', undefined]]);

    cache.forget(projector, ['k'], false);
    expect(served(cache, ['k'], projector)).toEqual([['k', undefined]]);
    time += 5_000;
    expect(served(cache, ['k'], other)).toEqual([['k', 'q-2']]);
  });

  it('keeps at most `capacity` contention marks, however many keys each forget names', () => {
    const cache = new ProjectionCache(2, 5_000, now);
    // Commands that lost a swap on two rows at once, each on rows of its own, all within the window.
    for (let i = 0; i < 100; i++) cache.forget(projector, [`${i}-a`, `${i}-b`], true);

    // The marks are private: forget means to trim them to `capacity` (as set does the rows), the memory bound of a long-lived process.
    const marks = (cache as unknown as { contendedUntil: Map<string, number> }).contendedUntil;
    expect(marks.size).toBeLessThanOrEqual(2);
  });

  it('stops serving a row once it is older than the maximum age, and forgets it', () => {
    const cache = new ProjectionCache(10, 5_000, now, 60_000);
    cache.set(projector, 'a', row('a', '1'));
    time += 59_999;
    expect(cache.get(projector, 'a')).toEqual(row('a', '1'));
    time += 1;

    expect(cache.get(projector, 'a')).toBeUndefined();
    expect(cache.size).toEqual(0);
    cache.set(projector, 'a', row('a', '2'));
    expect(cache.get(projector, 'a')).toEqual(row('a', '2'));
  });
});
