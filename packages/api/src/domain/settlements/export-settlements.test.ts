import { EXPORT_PAGE_ROWS } from '@sge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type TApi } from '../../../test/support/money-api';
import { startTestPlatform, tempDir } from '../../../test/support/platform';
import { seedScale } from '../../../test/support/scale-seed';
import type { TDb } from '../../db/client';
import type { TPlatform } from '../../platform';
import { exportSettlements } from './export-settlements';

const ADMIN = 'export-admin-key-0001';
/** 1,500 users: 2,475 settlements, more than two export pages of EXPORT_PAGE_ROWS. */
const USERS = 1_500;

/**
 * The settlements export streams keyset pages (issue 22): any number of rows, newest first, each exactly once,
 * with one page in memory (no 50,000-row refusal). The domain generator and the CSV route, in Mock mode.
 */
describe('settlements export', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let api: TApi;
  let db: TDb;
  /** Every settlement id, newest first, as the database orders them. */
  let expected: string[];

  beforeAll(async () => {
    platform = await startTestPlatform({ DATA_DIR: dataDir.path, ADMIN_API_KEYS: `alice:${ADMIN}` });
    api = apiClient(platform.url!);
    db = platform.runtime.database.db;
    await seedScale(db, { users: USERS, chunkUsers: 500 });
    const rows = await db
      .selectFrom('settlements')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expected = rows.map((row) => row.id);
    expect(expected.length).toBeGreaterThan(2 * EXPORT_PAGE_ROWS);
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
    dataDir.remove();
  });

  it('reads every settlement once, newest first, one page at a time', async () => {
    const pageSizes: number[] = [];
    const ids: string[] = [];
    for await (const page of exportSettlements(db, { programId: null }, 400)) {
      pageSizes.push(page.length);
      ids.push(...page.map((settlement) => settlement.id));
    }
    expect(ids).toEqual(expected);
    expect(Math.max(...pageSizes)).toBe(400);
    expect(pageSizes.length).toBe(Math.ceil(expected.length / 400));
  });

  it('streams the CSV of more rows than one page, in order, filters applied', async () => {
    const all = await api('GET', '/api/admin/settlements?format=csv', { key: ADMIN });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = all.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,program_id,intent_id,kind,wallet,tx_hash,block_number,provider_ref,amount,currency,refunded,verified_at,created_at',
    );
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(expected);

    const claims = await api('GET', '/api/admin/settlements?format=csv&kind=CLAIM', { key: ADMIN });
    const claimRows = claims.text.trimEnd().split('\r\n').slice(1);
    expect(claimRows.length).toBe(Math.ceil((USERS * 13) / 20));
    expect(claimRows.every((line) => line.split(',')[3] === 'CLAIM')).toBe(true);
  });
});
