import type { Redis } from 'ioredis';
import {
  sharedRateLimitStore,
  type TSharedRateLimitStore,
} from '../../src/http/plugins/shared-rate-limit-store';

/**
 * A route's child of the shared rate-limit store (as @fastify/rate-limit builds it for POST /api/register),
 * with `incr` answering synchronously: the store counts locally (Redis is only flushed to), so its callback
 * has run when incr returns.
 *
 * @example
 * const { incr, release } = rateLimitStoreChild(null, 'sge:ratelimit:');
 * incr('wallet').current; // 1
 */
export function rateLimitStoreChild(redis: Redis | null, nameSpace: string) {
  // The plugin hands child() its merged options with the route under routeInfo (see the store's comment).
  const store: TSharedRateLimitStore = new (sharedRateLimitStore(redis, nameSpace))({}).child({
    routeInfo: { method: 'POST', url: '/api/register' },
  } as never);
  const incr = (key: string, windowMs = 60_000) => {
    let answer: { current: number; ttl: number } | undefined;
    store.incr(
      key,
      (error, result) => {
        if (error || !result) throw error ?? new Error('no result');
        answer = result;
      },
      windowMs,
      10,
    );
    if (!answer) throw new Error('the store did not answer synchronously');
    return answer;
  };
  return { incr, release: (key: string) => store.release(key) };
}
