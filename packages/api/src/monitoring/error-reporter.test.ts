import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../test/support/platform';
import { startSentryStandIn } from '../../test/support/sentry-stand-in';
import type { TPlatform } from '../platform';
import { scrubEvent } from './error-reporter';

describe('error reporting to Sentry (a local stand-in for its ingest endpoint)', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let sentry: Awaited<ReturnType<typeof startSentryStandIn>>;

  beforeAll(async () => {
    sentry = await startSentryStandIn();
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      SENTRY_DSN: sentry.dsn,
      SENTRY_RELEASE: 'sge-platform@test-release',
    });
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    sentry?.server.close();
    dataDir.remove();
  });

  it('a forced 500 arrives as an event with the request id, route and release, and without the admin key', async () => {
    // A real failure: the audit log's table is gone, so the admin list's query throws.
    await sql`ALTER TABLE audit_log RENAME TO audit_log_gone`.execute(platform.runtime.database.db);
    const requestId = 'sentry-test-request-0001';
    try {
      const response = await fetch(`${platform.url}/api/admin/audit-log`, {
        headers: { 'x-admin-key': 'dev-admin-key', 'x-request-id': requestId },
      });
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: string }).error).toBe('INTERNAL');
    } finally {
      await sql`ALTER TABLE audit_log_gone RENAME TO audit_log`.execute(platform.runtime.database.db);
    }
    await platform.runtime.errorReporter.flush(5_000);

    const events = sentry.events();
    const reported = events.find(
      ({ event }) => (event.tags as Record<string, string>)?.request_id === requestId,
    );
    expect(reported, JSON.stringify(sentry.envelopes).slice(0, 2000)).toBeDefined();
    const { envelope, event } = reported!;
    // The DSN's project and public key, as Sentry's ingest expects them (the key in the query or the header).
    const ingest = new URL(envelope.path, 'http://sentry');
    expect(ingest.pathname).toBe('/api/42/envelope/');
    expect(ingest.searchParams.get('sentry_key') ?? envelope.auth).toContain(
      '5e9c0ffee0a1450cb0aa11ce0f0ba5e1',
    );
    expect(event.release).toBe('sge-platform@test-release');
    expect(event.environment).toBe('mock');
    expect(event.tags).toMatchObject({ request_id: requestId, route: '/api/admin/audit-log' });
    const exception = JSON.stringify(event.exception);
    expect(exception).toContain('audit_log');
    // Nothing of the request's credentials travels: not the key, not the header.
    const everything = JSON.stringify(sentry.envelopes);
    expect(everything).not.toContain('dev-admin-key');
    expect(everything).not.toContain('x-admin-key');
  }, 60_000);

  it('a 4xx answer is not reported', async () => {
    const before = sentry.envelopes.length;
    const response = await fetch(`${platform.url}/api/admin/audit-log?limit=oops`, {
      headers: { 'x-admin-key': 'dev-admin-key' },
    });
    expect(response.status).toBe(400);
    await platform.runtime.errorReporter.flush(2_000);
    expect(sentry.envelopes.length).toBe(before);
  });
});

describe('scrubEvent', () => {
  const signature = `0x${'ab'.repeat(65)}`;
  const relayerKey = `0x${'12'.repeat(32)}`;

  it('cuts configured secrets, wallet signatures and URL credentials out of every string', () => {
    const event = {
      message: `payBatch failed with approval ${signature} using key ${relayerKey}`,
      exception: { values: [{ value: 'connect https://user:p4ssw0rd@rpc.example.com/v3/abcdef failed' }] },
      extra: { nested: [{ text: `admin key super-secret-admin-key seen` }] },
    };
    const scrubbed = JSON.stringify(scrubEvent(event, [relayerKey, 'super-secret-admin-key']));
    expect(scrubbed).not.toContain(signature.slice(2));
    expect(scrubbed).not.toContain(relayerKey);
    expect(scrubbed).not.toContain('super-secret-admin-key');
    expect(scrubbed).not.toContain('p4ssw0rd');
    expect(scrubbed).toContain('payBatch failed with approval [signature]');
  });

  it('replaces the values of secret-named keys and keeps the rest', () => {
    const scrubbed = scrubEvent(
      {
        tags: { request_id: 'r-1' },
        extra: { privateKey: 'k', signature: 's', adminKey: 'a', amount: '25' },
      },
      [],
    );
    expect(scrubbed).toEqual({
      tags: { request_id: 'r-1' },
      extra: { privateKey: '[Filtered]', signature: '[Filtered]', adminKey: '[Filtered]', amount: '25' },
    });
  });
});
