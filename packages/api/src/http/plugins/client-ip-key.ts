import { isIPv4 } from 'node:net';

/**
 * The key the per-IP rate limit counts a client under:
 * - IPv4: the address (`203.0.113.7`);
 * - IPv4-mapped IPv6 (`::ffff:203.0.113.7`, as a dual-stack socket reports IPv4 clients): the IPv4 address;
 * - IPv6: its /64 (`2001:db8:1:2::/64`). One subscriber or host usually holds a whole /64 and can pick any of
 *   its 2^64 addresses, so keying per /128 would give one client 2^64 limits.
 *
 * @example
 * clientIpKey('2001:db8:0:1:aaaa::1') // '2001:db8:0:1::/64'
 */
export function clientIpKey(ip: string): string {
  // The hot path (IPv4, most requests) costs one indexOf.
  if (ip.indexOf(':') === -1) return ip;
  const zone = ip.indexOf('%');
  const address = (zone === -1 ? ip : ip.slice(0, zone)).toLowerCase();
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail expanded), or null. */
function ipv6Groups(address: string): number[] | null {
  let text = address;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    if (!isIPv4(maybeV4)) return null;
    const [a, b, c, d] = maybeV4.split('.').map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    // Keep a `::` that ends right before the IPv4 part; drop a single separating `:`.
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 && known !== 8) return null;
  if (known > 8) return null;
  const groups = [...head, ...Array(8 - known).fill(0), ...rest, ...tail] as number[];
  if (groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return groups;
}
