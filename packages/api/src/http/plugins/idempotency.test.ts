import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../../test/support/platform';
import { signRegistration, testWalletAccount } from '../../../test/support/registration-proof';
import type { TPlatform } from '../../platform';

describe('Idempotency-Key', () => {
  const dataDir = tempDir();
  let platform: TPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ DATA_DIR: dataDir.path });
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('a key whose request never finished (its process died, or PostgreSQL went away before its answer was stored) is taken over once abandoned', async () => {
    const payload = await signRegistration({ account: testWalletAccount(0xabcde) });
    const post = () =>
      platform.server!.inject({
        method: 'POST',
        url: '/api/register',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'abandoned-key-1' },
        payload,
      });
    const first = await post();
    expect(first.statusCode).toBe(202);
    // As the row of a request that died before its answer was stored: claimed, no response, 2 minutes old
    // (the database keeps microseconds).
    await sql`UPDATE idempotency_keys SET status_code = NULL, response = NULL,
                     created_at = now() - interval '2 minutes' - interval '123 microseconds'
               WHERE key = 'abandoned-key-1'`.execute(platform.runtime.database.db);
    const retried = await post();
    expect(retried.statusCode).toBe(202);
    expect(retried.json().intentId).toBe(first.json().intentId);
    // Its answer is stored again: a further repeat is a replay.
    const replayed = await post();
    expect(replayed.headers['idempotency-replayed']).toBe('true');
    expect(replayed.json().intentId).toBe(first.json().intentId);
  });
});
