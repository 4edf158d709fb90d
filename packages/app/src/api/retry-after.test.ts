import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from './retry-after';

const NOW_MS = Date.parse('2026-10-21T07:27:00Z');

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('30', NOW_MS)).toBe(30_000);
    expect(parseRetryAfterMs(' 0 ', NOW_MS)).toBe(0);
  });

  it('reads an HTTP date as the time left until then, and a past date as no wait', () => {
    expect(parseRetryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', NOW_MS)).toBe(60_000);
    expect(parseRetryAfterMs('Wed, 21 Oct 2026 07:00:00 GMT', NOW_MS)).toBe(0);
  });

  it('gives null for a missing or unreadable header', () => {
    expect(parseRetryAfterMs(null, NOW_MS)).toBeNull();
    expect(parseRetryAfterMs('', NOW_MS)).toBeNull();
    expect(parseRetryAfterMs('soon', NOW_MS)).toBeNull();
    expect(parseRetryAfterMs('-5', NOW_MS)).toBeNull();
    expect(parseRetryAfterMs('1.5', NOW_MS)).toBeNull();
  });
});
