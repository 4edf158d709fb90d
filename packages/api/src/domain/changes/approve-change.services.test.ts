import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPostgres, type TTestDatabase } from '../../../test/support/test-database';
import { NO_KNOWN_ADDRESSES } from '../../chain/known-addresses';
import type { TDb } from '../../db/client';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import { requestManualPayment } from '../payments/request-manual-payment';
import { requestProgramUpdate } from '../programs/request-program-update';
import { approveChange } from './approve-change';

const APPROVERS = 6;
const admin = (n: number) => ({
  actor: `admin-${n}`,
  requestId: null,
  wallet: privateKeyToAccount(generatePrivateKey()).address,
});
const context = { knownAddresses: NO_KNOWN_ADDRESSES };

/**
 * Approvals racing on PostgreSQL, where each approver's transaction really runs in parallel on its own
 * connection: the change row's lock, not a check-then-write, makes exactly one of them apply it.
 */
describe('approving a change on PostgreSQL', () => {
  let test: TTestDatabase;
  let db: TDb;

  beforeAll(async () => {
    test = await openTestPostgres({ poolMax: APPROVERS + 2 });
    db = test.database.db;
  });
  afterAll(async () => {
    await test?.cleanup();
  });

  it('applies a program change once when several admins approve it at the same moment', async () => {
    const { pendingChange } = await requestProgramUpdate(
      db,
      admin(0),
      DEFAULT_PROGRAM_ID,
      { feeMicroUsd: '42000000' },
      context,
    );
    const outcomes = await Promise.allSettled(
      Array.from({ length: APPROVERS }, (_, n) =>
        approveChange(db, admin(n + 1), pendingChange!.id, context),
      ),
    );
    const applied = outcomes.filter((o) => o.status === 'fulfilled');
    expect(applied).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'INVALID_STATE' });
    }
    const audits = await db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('program_id', '=', DEFAULT_PROGRAM_ID)
      .where('action', 'in', ['change.approve', 'program.update'])
      .execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['change.approve', 'program.update']);
  });

  it('records a large manual payment once when several admins approve it at the same moment', async () => {
    const wallet = privateKeyToAccount(generatePrivateKey()).address;
    const pending = await requestManualPayment(
      db,
      admin(0),
      {
        programId: DEFAULT_PROGRAM_ID,
        wallet,
        amount: 7_000_000_000n,
        currency: 'USD',
        reference: 'wire-race-1',
        note: 'raced',
      },
      { thresholdMicroUsd: 1_000_000_000n },
    );
    if (pending.status !== 'PENDING_APPROVAL') throw new Error('expected a pending change');
    const outcomes = await Promise.allSettled(
      Array.from({ length: APPROVERS }, (_, n) =>
        approveChange(db, admin(n + 1), pending.change.id, context),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const settlements = await db
      .selectFrom('settlements')
      .select(['amount'])
      .where('provider_ref', '=', 'manual:wire-race-1')
      .execute();
    expect(settlements).toEqual([{ amount: 7_000_000_000n }]);
    const ledger = await db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('reference', 'like', 'settlement:%')
      .execute();
    expect(ledger).toHaveLength(1);
  });
});
