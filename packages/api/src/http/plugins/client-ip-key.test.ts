import { describe, expect, it } from 'vitest';
import { clientIpKey } from './client-ip-key';

describe('clientIpKey', () => {
  it('keys an IPv4 client by its address', () => {
    expect(clientIpKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('keys an IPv4-mapped IPv6 client by its IPv4 address, in any spelling', () => {
    expect(clientIpKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientIpKey('::FFFF:cb00:7107')).toBe('203.0.113.7');
    expect(clientIpKey('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('keys every address of one IPv6 /64 the same, so rotating the interface id does not reset the limit', () => {
    const keys = new Set(
      [
        '2001:db8:0:1::1',
        '2001:db8:0:1:aaaa:bbbb:cccc:dddd',
        '2001:0db8:0000:0001:ffff:ffff:ffff:ffff',
        '2001:DB8:0:1::8%eth0',
      ].map(clientIpKey),
    );
    expect([...keys]).toEqual(['2001:db8:0:1::/64']);
  });

  it('keys two different IPv6 /64s apart', () => {
    expect(clientIpKey('2001:db8:0:1::1')).not.toBe(clientIpKey('2001:db8:0:2::1'));
    expect(clientIpKey('::1')).toBe('0:0:0:0::/64');
    expect(clientIpKey('fe80::1')).toBe('fe80:0:0:0::/64');
  });

  it('leaves a string that is not an address as it is (lowercased), never throwing', () => {
    expect(clientIpKey('not:an:ip::z')).toBe('not:an:ip::z');
    expect(clientIpKey('1:2:3:4:5:6:7:8:9')).toBe('1:2:3:4:5:6:7:8:9');
  });
});
