import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { fastifyTrustProxy, parseTrustProxy } from './trust-proxy';

describe('parseTrustProxy', () => {
  it('trusts nothing by default or when set to false or 0', () => {
    for (const raw of [null, 'false', 'no', '0'])
      expect(parseTrustProxy(raw, false)).toEqual({ value: false });
  });

  it('takes a hop count as a number (1 behind the shipped nginx)', () => {
    expect(parseTrustProxy('1', false)).toEqual({ value: 1 });
    expect(parseTrustProxy('2', false)).toEqual({ value: 2 });
    expect(parseTrustProxy('99', false).problem).toContain('more than 16');
  });

  it('takes proxy addresses and CIDRs, IPv4 and IPv6, and the proxy-addr names', () => {
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,fd00::/8,::1,loopback', false)).toEqual({
      value: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8', '::1', 'loopback'],
    });
  });

  it('names entries that are neither addresses nor CIDRs', () => {
    expect(parseTrustProxy('10.0.0.0/33', false).problem).toContain('10.0.0.0/33');
    expect(parseTrustProxy('proxy.internal,127.0.0.1', false).problem).toContain('proxy.internal');
    expect(parseTrustProxy('1.5', false).problem).toBeDefined();
  });

  it('refuses true outside Mock mode, saying to use a hop count or addresses', () => {
    const { problem } = parseTrustProxy('true', false);
    expect(problem).toContain('hop count');
    expect(problem).toContain('addresses');
    expect(parseTrustProxy('true', true)).toEqual({ value: true });
  });

  it('gives Fastify a hop count it honours: the address nginx saw behind one hop, never the client-chosen ones', async () => {
    const ipOf = async (
      trust: ReturnType<typeof parseTrustProxy>['value'],
      xff: string,
      peer = '10.1.2.3',
    ) => {
      const app = Fastify({ trustProxy: fastifyTrustProxy(trust!) });
      app.get('/', async (request) => request.ip);
      const response = await app.inject({
        url: '/',
        remoteAddress: peer,
        headers: { 'x-forwarded-for': xff },
      });
      await app.close();
      return response.body;
    };
    // nginx sets X-Forwarded-For to the address it sees: one entry.
    expect(await ipOf(1, '198.51.100.7')).toBe('198.51.100.7');
    // A proxy that appends (a client-chosen first entry): one hop still takes only the last.
    expect(await ipOf(1, '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    expect(await ipOf(2, '6.6.6.6, 198.51.100.7, 10.0.0.2')).toBe('198.51.100.7');
    // Addresses: the first address from the right that is not a listed proxy.
    expect(await ipOf(['10.0.0.0/8'], '6.6.6.6, 198.51.100.7, 10.0.0.2')).toBe('198.51.100.7');
    // A peer that is not a listed proxy is the client, whatever it sends.
    expect(await ipOf(['10.0.0.0/8'], '6.6.6.6', '203.0.113.9')).toBe('203.0.113.9');
    expect(await ipOf(false, '6.6.6.6')).toBe('10.1.2.3');
  });
});
