import { sgeIdAbi } from '@sge/contracts';
import { ZRegisterResponse, ZWalletStatus } from '@sge/shared';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../../test/support/platform';
import { signRegistration, testWalletAccount } from '../../../test/support/registration-proof';
import { DEFAULT_PROGRAM_ID } from '../../db/migrations/0001-core-schema';
import type { TPlatform } from '../../platform';

/** Issue 18 attacks on registration, on the embedded database and a real anvil (Mock mode). */
describe('proof of wallet, gates and budgets on registration', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let url: string;
  const adminHeaders = { 'x-admin-key': 'dev-admin-key' };
  const post = (body: unknown, path = '/api/register') =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const status = async (wallet: Address, programId = DEFAULT_PROGRAM_ID) =>
    ZWalletStatus.parse(
      await (await fetch(`${url}/api/status?wallet=${wallet}&programId=${programId}`)).json(),
    );
  const waitFor = async (
    wallet: Address,
    wanted: string[],
    programId = DEFAULT_PROGRAM_ID,
    timeoutMs = 30_000,
  ) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await status(wallet, programId);
      if (wanted.includes(current.registration.status ?? '')) return current;
      if (Date.now() > deadline) throw new Error(`${wallet}: ${current.registration.status}, not ${wanted}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const patchProgram = async (programId: string, body: unknown) => {
    const response = await fetch(`${url}/api/admin/programs/${programId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...adminHeaders },
      body: JSON.stringify(body),
    });
    return response;
  };
  const relayerTransactions = async () =>
    (await platform.runtime.database.db.selectFrom('relayer_transactions').select('id').execute()).length;
  const addAffiliate = (code: string, n: number) =>
    platform.runtime.database.db
      .insertInto('affiliates')
      .values({ program_id: DEFAULT_PROGRAM_ID, wallet: testWalletAccount(n).address, code })
      .returning('id')
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      RELAYER_POLL_INTERVAL_MS: '100',
      SWEEP_INTERVAL_MS: '300',
    });
    url = platform.url!;
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('refuses random-wallet registrations without a signature or with an expired one, writing nothing', async () => {
    const victim = testWalletAccount(1001);
    const unsigned = await post({ wallet: victim.address });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error: 'REGISTRATION_SIGNATURE_REQUIRED' });
    const expired = await post(
      await signRegistration({ account: victim, expiresAt: Math.floor(Date.now() / 1000) - 1 }),
    );
    expect(expired.status).toBe(401);
    expect((await expired.json()).error).toBe('REGISTRATION_SIGNATURE_EXPIRED');
    const tooLong = await post(
      await signRegistration({ account: victim, expiresAt: Math.floor(Date.now() / 1000) + 30 * 86_400 }),
    );
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).message).toMatch(/body\.expiresAt/);
    expect(
      await platform.runtime.database.db
        .selectFrom('intents')
        .select('id')
        .where('wallet', '=', victim.address)
        .execute(),
    ).toHaveLength(0);
  });

  it('refuses in the worker a registration signed by someone else: no gas spent, no users row, FAILED with the reason', async () => {
    const attacker = testWalletAccount(1002);
    const victim = testWalletAccount(1003);
    const before = await relayerTransactions();
    const forged = await post(await signRegistration({ account: attacker, wallet: victim.address }));
    expect(forged.status).toBe(202);
    const failed = await waitFor(victim.address, ['FAILED', 'CONFIRMED']);
    expect(failed.registration.status).toBe('FAILED');
    const intent = await platform.runtime.database.db
      .selectFrom('intents')
      .select(['last_error'])
      .where('wallet', '=', victim.address)
      .executeTakeFirstOrThrow();
    expect(intent.last_error).toMatch(/^REGISTRATION_SIGNATURE_INVALID/);
    expect(await relayerTransactions()).toBe(before);
    expect(
      await platform.runtime.database.db
        .selectFrom('users')
        .select('id')
        .where('wallet', '=', victim.address)
        .execute(),
    ).toHaveLength(0);
    expect(
      await platform.runtime.chain.publicClient.readContract({
        address: platform.runtime.contracts.sgeId!,
        abi: sgeIdAbi,
        functionName: 'hasMinted',
        args: [victim.address],
      }),
    ).toBe(false);
  });

  it("does not let a forged registration with the attacker's code lock the victim's referral (after it failed)", async () => {
    const attackerAffiliate = await addAffiliate('ATTACKER1', 1010);
    const realAffiliate = await addAffiliate('REALAFF1', 1011);
    const attacker = testWalletAccount(1010);
    const victim = testWalletAccount(1012);
    const forged = await post(
      await signRegistration({ account: attacker, wallet: victim.address, ref: 'ATTACKER1' }),
    );
    expect(forged.status).toBe(202);
    await waitFor(victim.address, ['FAILED']);
    // The victim follows a real affiliate's link: the registration starts again with their referral.
    const real = await post(await signRegistration({ account: victim, ref: 'REALAFF1' }));
    expect(real.status).toBe(202);
    expect(ZRegisterResponse.parse(await real.json()).status).toBe('PENDING');
    const confirmed = await waitFor(victim.address, ['CONFIRMED']);
    expect(confirmed.registration.referredBy).toBe('REALAFF1');
    const user = await platform.runtime.database.db
      .selectFrom('users')
      .select('referred_by_affiliate_id')
      .where('wallet', '=', victim.address)
      .executeTakeFirstOrThrow();
    expect(user.referred_by_affiliate_id).toBe(realAffiliate.id);
    expect(user.referred_by_affiliate_id).not.toBe(attackerAffiliate.id);
  });

  it("does not let a forged registration still queued lock the victim's referral, and refuses a forged repeat at once", async () => {
    await addAffiliate('ATTACKER2', 1020);
    const realAffiliate = await addAffiliate('REALAFF2', 1021);
    const attacker = testWalletAccount(1020);
    const victim = testWalletAccount(1022);
    // Minting paused by the budget, so both requests meet the intent while it is still PENDING.
    expect((await patchProgram(DEFAULT_PROGRAM_ID, { mintsPerDayMax: 0 })).status).toBe(200);
    try {
      expect(
        (await post(await signRegistration({ account: attacker, wallet: victim.address, ref: 'ATTACKER2' })))
          .status,
      ).toBe(202);
      // A second forgery on the queued intent is verified now (repeat path) and refused.
      const again = await post(
        await signRegistration({ account: attacker, wallet: victim.address, ref: 'attacker2' }),
      );
      expect(again.status).toBe(403);
      expect(await again.json()).toMatchObject({ error: 'REGISTRATION_SIGNATURE_INVALID' });
      const real = await post(await signRegistration({ account: victim, ref: 'REALAFF2' }));
      expect(real.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await status(victim.address)).registration.status).toBe('PENDING');
    } finally {
      expect((await patchProgram(DEFAULT_PROGRAM_ID, { mintsPerDayMax: null })).status).toBe(200);
    }
    const confirmed = await waitFor(victim.address, ['CONFIRMED', 'FAILED']);
    expect(confirmed.registration.status).toBe('CONFIRMED');
    const user = await platform.runtime.database.db
      .selectFrom('users')
      .select('referred_by_affiliate_id')
      .where('wallet', '=', victim.address)
      .executeTakeFirstOrThrow();
    expect(user.referred_by_affiliate_id).toBe(realAffiliate.id);
  });

  it('keeps first touch among valid signatures: the owner’s second link does not move the referral', async () => {
    await addAffiliate('FIRSTAFF', 1030);
    await addAffiliate('SECONDAFF', 1031);
    const owner = testWalletAccount(1032);
    expect((await patchProgram(DEFAULT_PROGRAM_ID, { mintsPerDayMax: 0 })).status).toBe(200);
    try {
      expect((await post(await signRegistration({ account: owner, ref: 'FIRSTAFF' }))).status).toBe(202);
      expect((await post(await signRegistration({ account: owner, ref: 'SECONDAFF' }))).status).toBe(202);
    } finally {
      await patchProgram(DEFAULT_PROGRAM_ID, { mintsPerDayMax: null });
    }
    expect((await waitFor(owner.address, ['CONFIRMED'])).registration.referredBy).toBe('FIRSTAFF');
  });

  it('pauses sponsored minting at the daily mint budget with nothing lost, raises the metric, and resumes when raised', async () => {
    const { db } = platform.runtime.database;
    const program = await db
      .insertInto('programs')
      .values({ slug: 'budgeted', name: 'Budgeted', mints_per_day_max: 2 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const accounts = [1040, 1041, 1042, 1043, 1044].map(testWalletAccount);
    for (const account of accounts) {
      const response = await post(
        await signRegistration({ account, programId: program.id }),
        `/api/v2/programs/${program.id}/register`,
      );
      expect(response.status).toBe(202);
    }
    const settled = async () =>
      await db.selectFrom('intents').select(['status']).where('program_id', '=', program.id).execute();
    const deadline = Date.now() + 20_000;
    while ((await settled()).filter((row) => row.status === 'CONFIRMED').length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const paused = await settled();
    expect(paused.filter((row) => row.status === 'CONFIRMED')).toHaveLength(2);
    expect(paused.filter((row) => row.status === 'PENDING')).toHaveLength(3);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/sge_sponsorship_paused\{program="budgeted",budget="mints_per_day"\} 1/);

    expect((await patchProgram(program.id, { mintsPerDayMax: 10 })).status).toBe(200);
    for (const account of accounts) await waitFor(account.address, ['CONFIRMED'], program.id);
    // The gauge is read from the database at scrape, cached for a few seconds.
    const resumed = /sge_sponsorship_paused\{program="budgeted",budget="mints_per_day"\} 0/;
    const metricsDeadline = Date.now() + 15_000;
    while (!resumed.test(await (await fetch(`${url}/metrics`)).text()) && Date.now() < metricsDeadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(resumed);
  });

  it('refuses a wallet outside the allowlist with 403 naming it, and accepts one on it (CSV upload)', async () => {
    const { db } = platform.runtime.database;
    const program = await db
      .insertInto('programs')
      .values({ slug: 'listed', name: 'Listed', allowlist_required: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const listed = testWalletAccount(1050);
    const outsider = testWalletAccount(1051);
    const upload = await fetch(`${url}/api/admin/programs/${program.id}/allowlist`, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', ...adminHeaders },
      body: `wallet\n${listed.address.toLowerCase()}\n\n`,
    });
    expect(upload.status).toBe(200);
    expect(await upload.json()).toEqual({ programId: program.id, count: 1 });
    const bad = await fetch(`${url}/api/admin/programs/${program.id}/allowlist`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...adminHeaders },
      body: JSON.stringify([listed.address, 'not-a-wallet']),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/item 1/);

    const path = `/api/v2/programs/${program.id}/register`;
    const refused = await post(await signRegistration({ account: outsider, programId: program.id }), path);
    expect(refused.status).toBe(403);
    const body = await refused.json();
    expect(body.error).toBe('NOT_ALLOWLISTED');
    expect(body.message).toContain(outsider.address);
    expect(
      (await post(await signRegistration({ account: listed, programId: program.id }), path)).status,
    ).toBe(202);
  });

  it('asks a challenge-gated program for a solved proof of work bound to the wallet', async () => {
    const { db } = platform.runtime.database;
    const program = await db
      .insertInto('programs')
      .values({ slug: 'pow', name: 'PoW', challenge_required: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const path = `/api/v2/programs/${program.id}/register`;
    const solver = testWalletAccount(1060);
    const other = testWalletAccount(1061);
    const missing = await post(await signRegistration({ account: solver, programId: program.id }), path);
    expect(missing.status).toBe(403);
    expect((await missing.json()).error).toBe('CHALLENGE_REQUIRED');
    const challenge = await (await fetch(`${url}/api/register/challenge?wallet=${solver.address}`)).json();
    const solution = await solveChallenge({ challenge, deriveKey });
    const altcha = Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
    // The solution is worth one wallet: another wallet cannot reuse it.
    const reused = await post(
      { ...(await signRegistration({ account: other, programId: program.id })), altcha },
      path,
    );
    expect(reused.status).toBe(403);
    expect((await reused.json()).error).toBe('CHALLENGE_FAILED');
    const solved = await post(
      { ...(await signRegistration({ account: solver, programId: program.id })), altcha },
      path,
    );
    expect(solved.status).toBe(202);
  });

  it('refuses to activate a free program without a gate, naming the reason', async () => {
    const { db } = platform.runtime.database;
    const program = await db
      .insertInto('programs')
      .values({ slug: 'free-one', name: 'Free', status: 'PAUSED', fee_micro_usd: 0n })
      .returning('id')
      .executeTakeFirstOrThrow();
    const refused = await fetch(`${url}/api/admin/programs/${program.id}/resume`, {
      method: 'POST',
      headers: adminHeaders,
    });
    expect(refused.status).toBe(409);
    const body = await refused.json();
    expect(body.error).toBe('PROGRAM_GATE_REQUIRED');
    expect(body.message).toMatch(/claim fee of 0 and no gate/);
    expect((await patchProgram(program.id, { allowlistRequired: true, status: 'ACTIVE' })).status).toBe(200);
  });

  it("accepts unsigned registrations for a program that opted out (registrationProof 'none')", async () => {
    const { db } = platform.runtime.database;
    const program = await db
      .insertInto('programs')
      .values({ slug: 'custodial', name: 'Custodial', registration_proof: 'none' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const wallet = testWalletAccount(1070).address;
    const response = await post({ wallet }, `/api/v2/programs/${program.id}/register`);
    expect(response.status).toBe(202);
    expect((await waitFor(wallet, ['CONFIRMED'], program.id)).registration.status).toBe('CONFIRMED');
  });
});
