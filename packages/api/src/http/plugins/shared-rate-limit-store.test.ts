import { describe, expect, it } from 'vitest';
import { rateLimitStoreChild } from '../../../test/support/rate-limit-store';
import { SHARED_RATE_LIMIT_FLUSH_MS } from './shared-rate-limit-store';

/** The store without Redis (Mock mode: one process), as the per-wallet limit builds it. */
function localStore() {
  const { incr, release } = rateLimitStoreChild(null, 'sge:ratelimit:');
  return { incr: (key: string, windowMs?: number) => incr(key, windowMs).current, release };
}

const afterFlush = () => new Promise((resolve) => setTimeout(resolve, SHARED_RATE_LIMIT_FLUSH_MS * 3));

describe('rate-limit store without Redis', () => {
  it('counts exactly across its flushes', async () => {
    const { incr } = localStore();
    expect([incr('a'), incr('a'), incr('b')]).toEqual([1, 2, 1]);
    await afterFlush();
    expect([incr('a'), incr('b')]).toEqual([3, 2]);
  });

  it('takes back a count given back, before or after its flush', async () => {
    const { incr, release } = localStore();
    incr('fresh');
    release('fresh');
    expect(incr('fresh')).toBe(1);
    incr('fresh');
    await afterFlush();
    release('fresh');
    // Counts already flushed stay counted (with Redis they would be in Redis by now).
    expect(incr('fresh')).toBe(3);
    // Giving back a key never counted, or twice, changes nothing.
    release('never');
    release('never');
    expect(incr('never')).toBe(1);
  });

  it('starts a new count when the window ends', async () => {
    const { incr } = localStore();
    const windowMs = 300;
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 5));
    expect([incr('c', windowMs), incr('c', windowMs)]).toEqual([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    expect(incr('c', windowMs)).toBe(1);
  });
});
