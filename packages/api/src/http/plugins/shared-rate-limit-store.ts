import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/**
 * A rate-limit store for @fastify/rate-limit that is shared across API replicas through Redis without a
 * Redis round trip per request.
 *
 * Counting is by fixed windows aligned to the clock (`<prefix><route>-<key>:<windowIndex>` in Redis, expiring
 * with the window). Each process counts its own requests locally and at once (so one replica alone is exact),
 * and every SHARED_RATE_LIMIT_FLUSH_MS sends all its new counts to Redis in ONE script call, which adds them and
 * returns every key's total over all replicas. A decision is `total seen at this process's last flush of the
 * key + local counts since`, and a process flushes a key within one interval of counting it: with R replicas
 * a client can exceed a limit by at most what each replica accepts from it in one flush interval.
 *
 * Why not the library's RedisStore: it makes one script call per request and per limit, and on this
 * platform's hot path (POST /api/register: per-IP and per-wallet limits) those round trips cost more CPU than
 * the rest of the request together (measured: packages/api/bench/register.ts).
 *
 * Redis down: counts stay local (each replica enforces the limit on its own traffic) and are sent when Redis
 * is back, the same "a rate-limit store that is down must not take the API down" rule as `skipOnError`.
 * Without Redis at all (Mock mode: one process) the same store counts locally, with the same rules.
 *
 * A count can be taken back before it is sent (`release`): the per-wallet limit does not count the request
 * that creates a wallet's registration (it happens once per wallet and program, the database sees to that),
 * so a stream of fresh wallets sends nothing to Redis and keeps no counters.
 */
export const SHARED_RATE_LIMIT_FLUSH_MS = 50;
/**
 * Most keys one process counts at once. Counters are dropped when their window ends (at the first flush after
 * it); if a window has more keys than this, the limit's counters are dropped early and counted afresh, starting
 * from Redis's totals at the next flush (counts not yet sent are still sent), so the bound costs at most one
 * flush interval of accuracy.
 */
export const SHARED_RATE_LIMIT_KEYS_MAX = 200_000;
/** Most keys sent in one script call (a flush with more makes several calls). */
export const SHARED_RATE_LIMIT_FLUSH_KEYS_MAX = 5_000;

/**
 * ARGV: the window in ms, the keys as one JSON array, their counts as another. One argument each and one
 * JSON reply, not two arguments and one integer reply per key: the per-wallet limit sends thousands of fresh
 * wallets a second, and per-key arguments cost the API ~3 µs more CPU per registration (two API trees served
 * at once under the same load: 98.4 against 95.0 µs). (The keys are not declared in KEYS: one call updates
 * keys of any hash slot, so this store needs one Redis, not a Redis Cluster.)
 */
const FLUSH_SCRIPT = `
local window = tonumber(ARGV[1])
local keys = cjson.decode(ARGV[2])
local counts = cjson.decode(ARGV[3])
local totals = {}
for i, key in ipairs(keys) do
  local total = redis.call('INCRBY', key, counts[i])
  if total == counts[i] then redis.call('PEXPIRE', key, window) end
  totals[i] = total
end
return cjson.encode(totals)`;

type TCounter = {
  /** The limit's prefix and the key: the Redis key is `<prefix><key>:<windowIndex>`, built when sent. */
  prefix: string;
  key: string;
  windowMs: number;
  windowIndex: number;
  /** The key's total over all replicas as of the last flush (including this process's flushed counts). */
  seen: number;
  /** This process's counts not yet sent to Redis. */
  pending: number;
  /** This process's counts sent in the flush in flight. */
  sending: number;
  /** In the list of counters the next flush sends. */
  dirty: boolean;
};

/** One limit's counters (a store child: one route's limit), by the limit's key, for the current window. */
type TSpace = { prefix: string; counters: Map<string, TCounter> };

type TIncrCallback = Parameters<FastifyRateLimitStore['incr']>[1];

declare module 'ioredis' {
  interface RedisCommander {
    sgeRateLimitFlush(keyCount: 0, windowMs: number, keysJson: string, countsJson: string): Promise<string>;
  }
}

/**
 * One flusher per Redis client and namespace, shared by the store's children (one per route limit). The hot
 * path (`incr`, twice per registration) is a Map lookup by the limit's own key in its space and a flag check: the
 * Redis key string is built only when counts are sent (a counter lives for its window, and most per-wallet keys
 * are counted once), and a counter replaced when its window ends stays in the dirty list until its counts are
 * sent.
 */
class SharedCounts {
  readonly #redis: Redis | null;
  readonly #spaces = new Map<string, TSpace>();
  #size = 0;
  /** Counters with counts not yet sent, so a flush touches only those (not every key of the window). */
  #dirty: TCounter[] = [];
  /** The earliest end of a counted window: eviction runs only once a window has ended. */
  #nextEvictionAt = Number.POSITIVE_INFINITY;
  #timer: NodeJS.Timeout | null = null;
  #flushing = false;

  constructor(redis: Redis | null) {
    this.#redis = redis;
    if (redis && !redis.sgeRateLimitFlush) redis.defineCommand('sgeRateLimitFlush', { lua: FLUSH_SCRIPT });
  }

  space(prefix: string): TSpace {
    let space = this.#spaces.get(prefix);
    if (!space) {
      space = { prefix, counters: new Map() };
      this.#spaces.set(prefix, space);
    }
    return space;
  }

  incr(space: TSpace, key: string, timeWindowMs: number): { current: number; ttl: number } {
    const now = Date.now();
    const windowIndex = Math.floor(now / timeWindowMs);
    let counter = space.counters.get(key);
    if (!counter || counter.windowIndex !== windowIndex || counter.windowMs !== timeWindowMs) {
      if (!counter) {
        this.#size += 1;
        if (this.#size > SHARED_RATE_LIMIT_KEYS_MAX) this.#shed(space, now);
      }
      counter = {
        prefix: space.prefix,
        key,
        windowMs: timeWindowMs,
        windowIndex,
        seen: 0,
        pending: 0,
        sending: 0,
        dirty: false,
      };
      space.counters.set(key, counter);
      this.#nextEvictionAt = Math.min(this.#nextEvictionAt, (windowIndex + 1) * timeWindowMs);
    }
    counter.pending += 1;
    if (!counter.dirty) {
      counter.dirty = true;
      this.#dirty.push(counter);
    }
    this.#schedule();
    return {
      current: counter.seen + counter.sending + counter.pending,
      ttl: (windowIndex + 1) * timeWindowMs - now,
    };
  }

  /**
   * Takes back one count of `key` that has not been sent yet (a request that turned out not to count). A
   * counter left with no counts at all is dropped; a count already sent stays counted.
   */
  release(space: TSpace, key: string) {
    const counter = space.counters.get(key);
    if (!counter || counter.pending === 0) return;
    counter.pending -= 1;
    if (counter.pending === 0 && counter.sending === 0 && counter.seen === 0) {
      // Still in the dirty list if it was there: the flush skips a counter with nothing pending.
      space.counters.delete(key);
      this.#size -= 1;
    }
  }

  #schedule() {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#flush();
    }, SHARED_RATE_LIMIT_FLUSH_MS);
    this.#timer.unref();
  }

  async #flush() {
    if (this.#flushing) return this.#schedule();
    this.#flushing = true;
    const dirty = this.#dirty;
    this.#dirty = [];
    // Grouped by window length: the script sets one expiry per call.
    const batches = new Map<number, TCounter[]>();
    for (const counter of dirty) {
      counter.dirty = false;
      if (counter.pending === 0) continue;
      counter.sending = counter.pending;
      counter.pending = 0;
      const group = batches.get(counter.windowMs);
      if (group) group.push(counter);
      else batches.set(counter.windowMs, [counter]);
    }
    try {
      for (const [windowMs, group] of batches) {
        for (let start = 0; start < group.length; start += SHARED_RATE_LIMIT_FLUSH_KEYS_MAX) {
          const part = group.slice(start, start + SHARED_RATE_LIMIT_FLUSH_KEYS_MAX);
          const redis = this.#redis;
          // Without Redis this process's counts are the totals.
          const totals = redis
            ? (JSON.parse(
                await redis.sgeRateLimitFlush(
                  0,
                  windowMs,
                  JSON.stringify(
                    part.map((counter) => `${counter.prefix}${counter.key}:${counter.windowIndex}`),
                  ),
                  JSON.stringify(part.map((counter) => counter.sending)),
                ),
              ) as number[])
            : part.map((counter) => counter.seen + counter.sending);
          part.forEach((counter, index) => {
            counter.seen = Math.max(counter.seen + counter.sending, totals[index]!);
            counter.sending = 0;
          });
        }
      }
    } catch {
      // Redis is unreachable: keep the counts local and send them with the next flush (the calls that
      // succeeded before the failure already moved their counts into `seen`).
      for (const group of batches.values()) {
        for (const counter of group) {
          if (counter.sending === 0) continue;
          counter.pending += counter.sending;
          counter.sending = 0;
          if (!counter.dirty) {
            counter.dirty = true;
            this.#dirty.push(counter);
          }
        }
      }
    } finally {
      this.#flushing = false;
    }
    if (Date.now() >= this.#nextEvictionAt) this.#evict(Date.now());
    if (this.#dirty.length > 0) this.#schedule();
  }

  /** Drops counters of windows that have ended (a counter with counts still unsent stays in the dirty list). */
  #evict(now: number) {
    this.#nextEvictionAt = Number.POSITIVE_INFINITY;
    for (const { counters } of this.#spaces.values()) {
      for (const [key, counter] of counters) {
        if (counter.windowIndex < Math.floor(now / counter.windowMs)) {
          counters.delete(key);
          this.#size -= 1;
        } else {
          this.#nextEvictionAt = Math.min(this.#nextEvictionAt, (counter.windowIndex + 1) * counter.windowMs);
        }
      }
    }
  }

  /** Over SHARED_RATE_LIMIT_KEYS_MAX: ended windows first; if none has ended, this limit starts counting afresh. */
  #shed(space: TSpace, now: number) {
    if (now >= this.#nextEvictionAt) this.#evict(now);
    if (this.#size <= SHARED_RATE_LIMIT_KEYS_MAX) return;
    this.#size -= space.counters.size;
    space.counters.clear();
  }
}

const sharedCountsByRedis = new WeakMap<Redis, SharedCounts>();

/** Where the API's limits count in Redis: `<REDIS_PREFIX>:ratelimit:` (the per-IP and the per-wallet limit). */
export function rateLimitNamespace(redisPrefix: string): string {
  return `${redisPrefix}:ratelimit:`;
}

/** A store of @fastify/rate-limit that can also take back a count not yet sent (see SharedCounts.release). */
export type TSharedRateLimitStore = Omit<FastifyRateLimitStore, 'child'> & {
  release(key: string): void;
  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): TSharedRateLimitStore;
};

/**
 * Builds the store class @fastify/rate-limit instantiates (`store:` option). The class is made per Redis
 * client and namespace because the plugin constructs it itself. With `redis` null the store counts in this
 * process only (one process: Mock mode).
 *
 * @example
 * await app.register(rateLimit, { store: sharedRateLimitStore(redis, 'sge:ratelimit:'), max: 600, timeWindow: 60_000 });
 */
export function sharedRateLimitStore(
  redis: Redis | null,
  nameSpace: string,
): (new (options?: unknown) => TSharedRateLimitStore) & FastifyRateLimitStoreCtor {
  let counts = redis ? sharedCountsByRedis.get(redis) : undefined;
  if (!counts) {
    counts = new SharedCounts(redis);
    if (redis) sharedCountsByRedis.set(redis, counts);
  }
  const shared = counts;
  class SharedRateLimitStore implements TSharedRateLimitStore {
    readonly #space: TSpace;
    constructor(_options?: unknown, prefix = nameSpace) {
      this.#space = shared.space(prefix);
    }
    incr(key: string, callback: TIncrCallback, timeWindowMs: number) {
      callback(null, shared.incr(this.#space, key, timeWindowMs));
    }
    release(key: string) {
      shared.release(this.#space, key);
    }
    child(routeOptions: unknown): TSharedRateLimitStore {
      // The plugin passes its merged limit options, with the route under `routeInfo` (empty for
      // app.createRateLimit()), the same key layout as the library's RedisStore.
      const route = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      const { method = '', url = '' } = route ?? {};
      return new SharedRateLimitStore(undefined, `${this.#space.prefix}${method}${url}-`);
    }
  }
  return SharedRateLimitStore;
}
