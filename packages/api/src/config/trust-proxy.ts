import { isIP } from 'node:net';

/**
 * What the API trusts of X-Forwarded-For, as Fastify's `trustProxy` takes it:
 * - `false`: nothing (the API faces clients directly; `request.ip` is the socket's address);
 * - a hop count `n`: the n proxies closest to the API are ours, the address before them is the client's
 *   (`1` behind the shipped ops/nginx, which sets X-Forwarded-For to the address it sees). Safe only when
 *   clients cannot reach the API port except through those proxies (the shipped configs publish only nginx);
 *   otherwise list the proxies' addresses;
 * - addresses/CIDRs of our proxies (and proxy-addr's names `loopback`, `linklocal`, `uniquelocal`): the client
 *   is the first address, from the right, that is not one of them.
 * `true` (trust every hop) lets any client choose its own address by sending X-Forwarded-For, which turns the
 * per-IP rate limit off; it is accepted in Mock mode only.
 */
export type TTrustProxy = false | true | number | string[];

/** Most proxy hops a hop count may name (a request rarely crosses more than two or three of ours). */
export const TRUST_PROXY_HOPS_MAX = 16;

const PROXY_ADDR_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_ADDR_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0 || !address) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Parses TRUST_PROXY. Returns the value for Fastify, or a problem text.
 *
 * @example
 * parseTrustProxy('1', false) // { value: 1 }
 * parseTrustProxy('10.0.0.0/8, 127.0.0.1', false) // { value: ['10.0.0.0/8', '127.0.0.1'] }
 * parseTrustProxy('true', false) // { problem: '... use a hop count ...' }
 */
export function parseTrustProxy(
  raw: string | null,
  mockMode: boolean,
): { value: TTrustProxy; problem?: undefined } | { value?: undefined; problem: string } {
  if (raw === null || /^(false|no|0)$/i.test(raw)) return { value: false };
  if (/^(true|yes)$/i.test(raw)) {
    if (mockMode) return { value: true };
    return {
      problem:
        'true trusts every X-Forwarded-For hop, so any client can choose its own IP and bypass the per-IP rate limit; ' +
        'use a hop count (1 behind the shipped nginx) or the addresses/CIDRs of your proxies (e.g. 10.0.0.0/8,127.0.0.1)',
    };
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > TRUST_PROXY_HOPS_MAX) return { problem: `"${raw}" hops is more than ${TRUST_PROXY_HOPS_MAX}` };
    return { value: hops };
  }
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isAddressOrCidr(entry));
  if (entries.length === 0 || bad.length > 0) {
    return {
      problem: `"${bad.join(', ') || raw}" is not a hop count or a list of proxy addresses/CIDRs (e.g. 1, or 10.0.0.0/8,127.0.0.1)`,
    };
  }
  return { value: entries };
}

/**
 * TRUST_PROXY as Fastify's `trustProxy` option. A hop count becomes a function: Fastify 5 takes a bare
 * number as "trust nothing" (it cannot tell a proxy from a direct client), which behind nginx would put every
 * client under nginx's address, one shared rate-limit bucket. With `(address, hop) => hop < n`, hop 0 (the
 * socket's peer) up to hop n-1 are trusted and the client is the address before them (proxy-addr's rule).
 *
 * @example
 * Fastify({ trustProxy: fastifyTrustProxy(1) }) // behind one nginx: request.ip = the address nginx saw
 */
export function fastifyTrustProxy(
  value: TTrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value !== 'number') return value;
  if (value === 0) return false;
  return (_address, hop) => hop < value;
}
