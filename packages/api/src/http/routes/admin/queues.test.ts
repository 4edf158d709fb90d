import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type TApi } from '../../../../test/support/money-api';
import { startTestPlatform, tempDir } from '../../../../test/support/platform';
import type { TPlatform } from '../../../platform';

const ALICE = 'alice-admin-key-0001';
const PROGRAM_KEY_NAME = 'robot';

/** /api/admin/queues in Mock mode (the in-process queue): list, pause, resume, audited, admins only. */
describe('admin queue pause and resume', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let api: TApi;

  beforeAll(async () => {
    platform = await startTestPlatform({ DATA_DIR: dataDir.path, ADMIN_API_KEYS: `alice:${ALICE}` });
    api = apiClient(platform.url!);
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('pauses a queue for the workers, lists it as paused, resumes it, and audits both', async () => {
    const listed = await api('GET', '/api/admin/queues', { key: ALICE });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((queue: { name: string }) => queue.name)).toContain('payout');
    expect(listed.body.items.find((queue: { name: string }) => queue.name === 'payout').paused).toBe(false);

    const paused = await api('POST', '/api/admin/queues/payout/pause', { key: ALICE });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ name: 'payout', paused: true });
    expect(await platform.runtime.queue.isPaused('payout')).toBe(true);
    const after = await api('GET', '/api/admin/queues', { key: ALICE });
    expect(after.body.items.find((queue: { name: string }) => queue.name === 'payout').paused).toBe(true);

    const resumed = await api('POST', '/api/admin/queues/payout/resume', { key: ALICE });
    expect(resumed.body).toMatchObject({ name: 'payout', paused: false });
    expect(await platform.runtime.queue.isPaused('payout')).toBe(false);

    const audit = await platform.runtime.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'before', 'after'])
      .where('subject_type', '=', 'queue')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'queue.pause', actor: 'alice', before: { paused: false }, after: { paused: true } },
      { action: 'queue.resume', actor: 'alice', before: { paused: true }, after: { paused: false } },
    ]);
  });

  it('answers 404 naming the field for a queue that does not exist, and pauses nothing', async () => {
    const response = await api('POST', '/api/admin/queues/nope/pause', { key: ALICE });
    expect(response.status).toBe(404);
    expect(response.body.message).toMatch(/params\.name.*nope/);
  });

  it('refuses a program-scoped key and a missing key', async () => {
    const created = await api('POST', '/api/admin/programs/00000000-0000-4000-8000-000000000001/api-keys', {
      key: ALICE,
      body: { name: PROGRAM_KEY_NAME },
    });
    expect(created.status).toBe(201);
    expect((await api('POST', '/api/admin/queues/payout/pause', { key: created.body.key })).status).toBe(403);
    expect((await api('POST', '/api/admin/queues/payout/pause')).status).toBe(401);
    expect(await platform.runtime.queue.isPaused('payout')).toBe(false);
  });
});
