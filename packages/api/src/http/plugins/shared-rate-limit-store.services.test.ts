import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { rateLimitStoreChild } from '../../../test/support/rate-limit-store';
import { createTestRedisPrefix } from '../../../test/support/redis';
import { SHARED_RATE_LIMIT_FLUSH_MS, SHARED_RATE_LIMIT_KEYS_MAX } from './shared-rate-limit-store';

const redisPrefix = createTestRedisPrefix();
const clients: Redis[] = [];
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redisPrefix.cleanup();
});

/** One API replica's store, as @fastify/rate-limit builds it (a child per route), on its own Redis client. */
function replica(nameSpace: string, url = redisPrefix.url) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', () => {});
  clients.push(redis);
  return { redis, ...rateLimitStoreChild(redis, nameSpace) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, SHARED_RATE_LIMIT_FLUSH_MS * 4));

describe('shared rate-limit store', () => {
  it('counts one replica exactly, without waiting for Redis', async () => {
    const { incr } = replica(`${redisPrefix.prefix}:one:`);
    const counts: number[] = [];
    for (let i = 0; i < 25; i++) counts.push(incr('10.0.0.1').current);
    expect(counts).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const { ttl } = incr('10.0.0.1');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('shares counts between replicas through Redis, each seeing the total as of its last flush', async () => {
    const nameSpace = `${redisPrefix.prefix}:two:`;
    const a = replica(nameSpace);
    const b = replica(nameSpace);
    for (let i = 0; i < 7; i++) a.incr('wallet-1');
    await settle();
    for (let i = 0; i < 5; i++) b.incr('wallet-1');
    await settle();
    // B's flush returned the total, A's 7 included.
    expect(b.incr('wallet-1').current).toBe(13);
    await settle();
    // A last flushed before B's requests: its first request after them is judged on its older view, and its
    // flush brings the total back (the documented overshoot of at most one flush interval per replica).
    expect(a.incr('wallet-1').current).toBe(8);
    await settle();
    expect(a.incr('wallet-1').current).toBe(15);
    await settle();
    const keys = await a.redis.keys(`${nameSpace}POST/api/register-wallet-1:*`);
    expect(keys).toHaveLength(1);
    expect(Number(await a.redis.get(keys[0]!))).toBe(15);
    const ttlMs = await a.redis.pttl(keys[0]!);
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(60_000);
  });

  it('never sends a count taken back before its flush, and keeps one taken back after it', async () => {
    const nameSpace = `${redisPrefix.prefix}:release:`;
    const a = replica(nameSpace);
    const b = replica(nameSpace);
    // A fresh wallet's creating request: counted, then given back before the flush.
    expect(a.incr('wallet-fresh').current).toBe(1);
    a.release('wallet-fresh');
    // Repeats of another wallet on both replicas (B's flushed first); one count given back on A before its flush.
    b.incr('wallet-repeat');
    await settle();
    for (let i = 0; i < 3; i++) a.incr('wallet-repeat');
    a.release('wallet-repeat');
    await settle();
    expect(await a.redis.keys(`${nameSpace}POST/api/register-wallet-fresh:*`)).toEqual([]);
    const [repeat] = await a.redis.keys(`${nameSpace}POST/api/register-wallet-repeat:*`);
    expect(Number(await a.redis.get(repeat!))).toBe(3);
    // After the flush the count is in Redis: giving it back now changes nothing.
    a.release('wallet-repeat');
    expect(a.incr('wallet-repeat').current).toBe(4);
    // The fresh wallet's counter was dropped: its next request counts from one.
    expect(a.incr('wallet-fresh').current).toBe(1);
  });

  it('keeps counting locally while Redis is unreachable', async () => {
    const { incr } = replica(`${redisPrefix.prefix}:down:`, 'redis://127.0.0.1:1');
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      counts.push(incr('10.0.0.2').current);
      await settle();
    }
    expect(counts).toEqual([1, 2, 3, 4, 5]);
  });

  it('starts a new count when the window ends', async () => {
    const { incr } = replica(`${redisPrefix.prefix}:window:`);
    const windowMs = 400;
    // Start right after a window boundary so that three increments fall in one window.
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs) + 5));
    for (let i = 0; i < 3; i++) incr('10.0.0.3', windowMs);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    expect(incr('10.0.0.3', windowMs).current).toBe(1);
  });

  it('past the key bound within one window, counts a limit afresh from Redis totals and sends every count', async () => {
    const nameSpace = `${redisPrefix.prefix}:bound:`;
    const { redis, incr } = replica(nameSpace);
    // Everything below must fall in one 60-second window (windows are aligned to the clock).
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 20_000) await new Promise((resolve) => setTimeout(resolve, msLeft + 10));
    for (let i = 0; i < 3; i++) incr('wallet-kept');
    await settle();
    // More distinct keys than the bound in the same window (a fresh wallet per request): the limit's counters
    // are dropped once instead of the process growing without bound or scanning them on every new key.
    for (let i = 0; i <= SHARED_RATE_LIMIT_KEYS_MAX; i++) incr(`wallet-${i}`);
    const lastKey = `${nameSpace}POST/api/register-wallet-${SHARED_RATE_LIMIT_KEYS_MAX}:*`;
    // The flush of 200,001 keys (in calls of SHARED_RATE_LIMIT_FLUSH_KEYS_MAX) is done when the last one is in Redis.
    while ((await redis.keys(lastKey)).length === 0) await settle();
    await settle();
    expect(incr('wallet-kept').current).toBe(1);
    await settle();
    expect(incr('wallet-kept').current).toBe(5);
    await settle();
    const [key] = await redis.keys(`${nameSpace}POST/api/register-wallet-kept:*`);
    expect(Number(await redis.get(key!))).toBe(5);
    const [last] = await redis.keys(lastKey);
    expect(Number(await redis.get(last!))).toBe(1);
  });
});
