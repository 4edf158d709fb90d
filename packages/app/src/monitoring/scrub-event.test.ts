import { describe, expect, it } from 'vitest';
import { scrubEvent } from './scrub-event';

describe('scrubEvent (the app’s Sentry beforeSend)', () => {
  const signature = `0x${'ab'.repeat(65)}`;
  const adminKey = 'operator-admin-key-0123456789';

  it('cuts signatures and the given secrets out of every string, however deep', () => {
    const scrubbed = scrubEvent(
      {
        message: `approve failed: ${signature}`,
        exception: { values: [{ value: `GET /api/admin/me with ${adminKey}` }] },
        extra: { list: [{ text: `again ${adminKey}` }] },
      },
      [adminKey, null],
    );
    const text = JSON.stringify(scrubbed);
    expect(text).not.toContain(adminKey);
    expect(text).not.toContain(signature.slice(2));
    expect(scrubbed.message).toBe('approve failed: [signature]');
  });

  it('replaces auth headers and secret-named keys, and keeps the rest', () => {
    const scrubbed = scrubEvent(
      {
        request: { headers: { authorization: 'Bearer t', 'x-admin-key': 'k', accept: 'application/json' } },
        tags: { release: 'sge-app@1' },
      },
      [],
    );
    expect(scrubbed).toEqual({
      request: {
        headers: { authorization: '[Filtered]', 'x-admin-key': '[Filtered]', accept: 'application/json' },
      },
      tags: { release: 'sge-app@1' },
    });
  });

  it('does not scrub short values by value (they would blank ordinary words)', () => {
    expect(scrubEvent({ message: 'the key is abc' }, ['abc'])).toEqual({ message: 'the key is abc' });
  });
});
