import { randomBytes } from 'node:crypto';
import { affiliateTermsMessage } from '@sge/shared';
import { type Kysely, sql } from 'kysely';
import { type Address, getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_KNOWN_ADDRESSES } from '../../src/chain/known-addresses';
import { chainPayoutApprovalChecks } from '../../src/chain/payout-approval-checks';
import type { TDb } from '../../src/db/client';
import { DEFAULT_PROGRAM_ID } from '../../src/db/migrations/0001-core-schema';
import type { Database, TCurrency } from '../../src/db/schema';
import { insertAffiliate } from '../../src/domain/affiliates/register-affiliate';
import { setAffiliateStatus } from '../../src/domain/affiliates/set-affiliate-status';
import { AppError } from '../../src/domain/app-error';
import { approveChange } from '../../src/domain/changes/approve-change';
import { matureCommissions } from '../../src/domain/commissions/mature-commissions';
import { recordRevenueSettlement } from '../../src/domain/commissions/record-revenue-settlement';
import { refundSettlement } from '../../src/domain/commissions/refund-settlement';
import { verifyLedger } from '../../src/domain/ledger/verify-ledger';
import { approvePayoutBatch } from '../../src/domain/payouts/approve-payout-batch';
import { loadBatchApproval } from '../../src/domain/payouts/batch-approval';
import { createPayoutBatch } from '../../src/domain/payouts/create-payout-batch';
import { executePayoutBatch, onChainBatchId } from '../../src/domain/payouts/execute-payout-batch';
import { releasePayoutBatch } from '../../src/domain/payouts/release-payout-batch';
import { startPayoutBatchExecution } from '../../src/domain/payouts/start-payout-batch-execution';
import { createProgram } from '../../src/domain/programs/create-program';
import { updateProgram } from '../../src/domain/programs/update-program';
import { CrashPlugin, InjectedCrash } from './crash-plugin';
import { rollupDifferences } from './daily-rollups';
import { maintainedBalanceDifferences } from './ledger-balances';
import { APPROVER_ACCOUNTS, signBatchApproval } from './payout-approvers';
import { startPayoutChain, type TPayoutChain } from './payout-chain';
import type { TTestDatabase } from './test-database';

/**
 * The money model test (issue 5): a seeded random sequence of operations — affiliates (trees), users with
 * referrals, revenue settlements, refunds, maturity under a controlled clock, suspensions, payout batches
 * (create, approve — sometimes by their creator, reject, cancel, execute on a real chain through the real
 * SGEPayout contract) — with crashes injected inside transactions at random points, and retries. After every
 * step the database is checked against a simple in-memory model:
 *
 * - every ledger transaction written by the step balances per currency, and every account's balance (per
 *   program and currency: treasury, revenue, commission expense, payout clearing, each affiliate's payable)
 *   equals the model's — so each program's ledger sums to zero per currency and each payable is right;
 * - the commissions a settlement accrued, the payouts a batch holds, what maturity moved, are the model's;
 * - nothing is paid twice: after every execution each affiliate's USDC balance on the chain equals what the
 *   model paid it, even when the execution crashed after the chain paid and was run again.
 * Every CHECK_FULL_EVERY steps and at the end, the same is recomputed from scratch in SQL (verifyLedger:
 * balanced, payables equal to unpaid commissions net of clawbacks) and commission states are compared.
 *
 * It prints its seed; `SEED=<n>` replays the same sequence.
 */
export const MODEL_OPERATIONS = Number(process.env.MODEL_OPERATIONS ?? 10_000);
/** A generous ceiling for a loaded CI machine; the run takes well under a minute on an idle one. */
const MODEL_TIMEOUT_MS = 300_000;
/** Steps between full recomputations (verifyLedger, every commission's state, every on-chain balance). */
const CHECK_FULL_EVERY = 1_000;
/** Probability that a writing operation is crashed at a random query (and then usually retried). */
const CRASH_PROBABILITY = 0.08;
/** Probability that a payout execution is crashed (then retried until it is recorded, as a worker does). */
const EXECUTION_CRASH_PROBABILITY = 0.3;
/** Affiliates per program stay below SGEPayout's 300-recipient batch limit. */
const AFFILIATES_PER_PROGRAM_MAX = 120;
const ADMINS = ['alice', 'bob', 'carol'] as const;
/** Each admin's wallet: a payout approver of the test deployment. */
const ADMIN_WALLETS = new Map(ADMINS.map((admin, index) => [admin, APPROVER_ACCOUNTS[index]!]));
const DAY_MS = 24 * 60 * 60 * 1000;

/** mulberry32: a small, fast, seeded PRNG; the whole run follows from its seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T | undefined =>
    items.length === 0 ? undefined : items[int(0, items.length - 1)];
  const chance = (p: number) => next() < p;
  const hex = (bytes: number) =>
    Array.from({ length: bytes }, () => int(0, 255).toString(16).padStart(2, '0')).join('');
  return { next, int, pick, chance, hex };
}

type TStatus = 'ACTIVE' | 'SUSPENDED';
type MProgram = { id: string; levels: number[]; maxDepth: number; holdMs: number; minPayout: bigint };
type MAffiliate = {
  id: string;
  programId: string;
  parentId: string | null;
  depth: number;
  status: TStatus;
  wallet: Address;
};
type MUser = { programId: string; wallet: Address; referrerId: string | null };
type MCommission = {
  id: string;
  affiliateId: string;
  amount: bigint;
  status: 'ACCRUED' | 'PAYABLE' | 'PAID' | 'CANCELLED';
  payableAt: number;
  batchId: string | null;
};
type MClawback = {
  commissionId: string;
  affiliateId: string;
  amount: bigint;
  status: 'OPEN' | 'SETTLED';
  batchId: string | null;
};
type MSettlement = {
  id: string;
  intentId: string;
  programId: string;
  wallet: Address;
  amount: bigint;
  currency: 'USD' | 'USDC' | 'USDT';
  kind: 'CLAIM' | 'COMMERCE_PAYMENT';
  occurredAt: number;
  refunded: boolean;
  commissionIds: string[];
};
type MBatch = {
  id: string;
  programId: string;
  status: 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED' | 'CANCELLED' | 'EXECUTING' | 'COMPLETED';
  createdBy: string;
  /** Admins who signed the batch's approval, in order (the creator first). */
  signedBy: string[];
  /**
   * Voided on the payout contract by a cancellation whose database transaction then crashed (the admin gave
   * up): the chain refuses to pay it, so it can only be cancelled again (which finds it voided).
   */
  voided?: boolean;
  payouts: Map<string, bigint>;
  total: bigint;
};

class Model {
  programs = new Map<string, MProgram>();
  affiliates = new Map<string, MAffiliate>();
  users: MUser[] = [];
  commissions = new Map<string, MCommission>();
  clawbacks = new Map<string, MClawback>();
  settlements: MSettlement[] = [];
  batches = new Map<string, MBatch>();
  /** Expected balance per `program|account|currency`. */
  balances = new Map<string, bigint>();
  /** USDC paid on-chain per affiliate wallet. */
  paidOnChain = new Map<Address, bigint>();

  /** Balances the model changed since the last step check. */
  dirty = new Set<string>();

  post(programId: string, account: string, currency: TCurrency, amount: bigint) {
    const key = `${programId}|${account}|${currency}`;
    this.balances.set(key, (this.balances.get(key) ?? 0n) + amount);
    this.dirty.add(key);
  }

  /** The referring chain from a user's referrer upward, as far as the program has levels. */
  chain(referrerId: string, levels: number): MAffiliate[] {
    const chain: MAffiliate[] = [];
    let current = this.affiliates.get(referrerId);
    while (current && chain.length < levels) {
      chain.push(current);
      current = current.parentId ? this.affiliates.get(current.parentId) : undefined;
    }
    return chain;
  }

  /** What a new batch for `programId` must contain: net payable per eligible affiliate. */
  expectedBatch(
    programId: string,
  ): Map<string, { amount: bigint; commissions: string[]; clawbacks: string[] }> {
    const program = this.programs.get(programId)!;
    const eligible = (affiliateId: string) => {
      const affiliate = this.affiliates.get(affiliateId)!;
      return affiliate.programId === programId && affiliate.status === 'ACTIVE';
    };
    const open = new Map<
      string,
      { gross: bigint; claw: bigint; commissions: string[]; clawbacks: string[] }
    >();
    const entry = (affiliateId: string) => {
      let found = open.get(affiliateId);
      if (!found) {
        found = { gross: 0n, claw: 0n, commissions: [], clawbacks: [] };
        open.set(affiliateId, found);
      }
      return found;
    };
    for (const c of this.commissions.values()) {
      if (c.status !== 'PAYABLE' || c.batchId !== null || !eligible(c.affiliateId)) continue;
      const found = entry(c.affiliateId);
      found.gross += c.amount;
      found.commissions.push(c.id);
    }
    for (const k of this.clawbacks.values()) {
      if (k.status !== 'OPEN' || k.batchId !== null || !open.has(k.affiliateId)) continue;
      const found = entry(k.affiliateId);
      found.claw += k.amount;
      found.clawbacks.push(k.commissionId);
    }
    const result = new Map<string, { amount: bigint; commissions: string[]; clawbacks: string[] }>();
    for (const [affiliateId, found] of open) {
      const amount = found.gross - found.claw;
      if (amount > 0n && amount >= program.minPayout) {
        result.set(affiliateId, {
          amount,
          commissions: found.commissions.sort(),
          clawbacks: found.clawbacks.sort(),
        });
      }
    }
    return result;
  }
}

type TOpResult = 'done' | 'crashed' | 'skipped';

export function describeMoneyModel(engine: string, open: () => Promise<TTestDatabase>) {
  describe(`money model on ${engine}`, () => {
    let test: TTestDatabase;
    let db: TDb;
    let chain: TPayoutChain;
    const crash = new CrashPlugin();
    let crashDb: Kysely<Database>;

    beforeAll(async () => {
      [test, chain] = await Promise.all([open(), startPayoutChain()]);
      db = test.database.db;
      crashDb = db.withPlugin(crash);
    });
    afterAll(async () => {
      await test?.cleanup();
      await chain?.stop();
    });

    it(
      `keeps the ledger, payables and payouts equal to the model over ${MODEL_OPERATIONS} random operations with crashes`,
      async () => {
        const seed = process.env.SEED ? Number(process.env.SEED) >>> 0 : randomBytes(4).readUInt32BE(0);
        // The seed is how a failure is replayed.
        console.log(`money model on ${engine}: seed ${seed} (replay with SEED=${seed})`);
        const random = prng(seed);
        const model = new Model();
        let clock = Date.parse('2025-01-01T00:00:00Z');
        let counter = 0;
        const usdc = chain.deployment.contracts.usdc;
        const deps = { sendPayoutTransaction: chain.sendPayoutTransaction };
        const creationDeps = {
          chainId: chain.anvil.chainId,
          payoutContract: chain.deployment.contracts.payout,
          token: usdc,
        };
        const approvalChecks = chainPayoutApprovalChecks(chain.publicClient);
        const releaseDeps = { voidPayoutBatch: chain.voidPayoutBatch };
        const system = { actor: 'system:model', requestId: null };
        const stats: Record<string, number> = {};
        const count = (name: string) => {
          stats[name] = (stats[name] ?? 0) + 1;
        };

        // Programs: the default one ([1000, 500], 14-day hold, 10 USD minimum) and one with three levels.
        const defaultProgram = await db
          .selectFrom('programs')
          .selectAll()
          .where('id', '=', DEFAULT_PROGRAM_ID)
          .executeTakeFirstOrThrow();
        model.programs.set(DEFAULT_PROGRAM_ID, {
          id: DEFAULT_PROGRAM_ID,
          levels: defaultProgram.commission_levels_bps,
          maxDepth: defaultProgram.max_affiliate_depth,
          holdMs: defaultProgram.hold_period_seconds * 1000,
          minPayout: defaultProgram.min_payout_micro_usd,
        });
        // Its money settings are a pending change until a second admin approves it (issue 17); then resumed.
        const created = await createProgram(
          db,
          { actor: 'alice', requestId: null, wallet: null },
          {
            slug: `model-${seed}`,
            name: 'Model program',
            commissionLevelsBps: [1200, 600, 300],
            maxAffiliateDepth: 4,
            holdPeriodSeconds: 3600,
            minPayoutMicroUsd: '1000000',
          },
          { knownAddresses: NO_KNOWN_ADDRESSES },
        );
        const bob = { actor: 'bob', requestId: null, wallet: null };
        await approveChange(db, bob, created.pendingChange!.id, { knownAddresses: NO_KNOWN_ADDRESSES });
        const second = await updateProgram(db, bob, created.program.id, { status: 'ACTIVE' });
        model.programs.set(second.id, {
          id: second.id,
          levels: [1200, 600, 300],
          maxDepth: 4,
          holdMs: 3_600_000,
          minPayout: 1_000_000n,
        });
        const programIds = [...model.programs.keys()];

        /**
         * Runs `work` against the crashing database with probability CRASH_PROBABILITY (crash at a random
         * query), otherwise against the plain one. Returns whether it crashed.
         */
        const attempt = async <T>(
          work: (handle: Kysely<Database>) => Promise<T>,
          crashProbability = CRASH_PROBABILITY,
        ) => {
          const crashing = random.chance(crashProbability);
          if (crashing) crash.arm(random.int(0, 14));
          try {
            return { crashed: false as const, value: await work(crashing ? crashDb : db) };
          } catch (error) {
            if (error instanceof InjectedCrash || (error as Error).cause instanceof InjectedCrash) {
              count('crashes');
              return { crashed: true as const };
            }
            throw error;
          } finally {
            crash.disarm();
          }
        };
        /** Runs an operation that may crash; after a crash it is retried (as a worker or a client would) or not. */
        const withRetries = async <T>(work: (handle: Kysely<Database>) => Promise<T>) => {
          for (;;) {
            const outcome = await attempt(work);
            if (!outcome.crashed) return outcome;
            await checkStep(); // a crash must leave nothing behind
            if (random.chance(0.3)) return outcome; // given up: the model stays as it was
          }
        };

        // ---- Operations ----------------------------------------------------------------------------------

        const addAffiliate = async (): Promise<TOpResult> => {
          const programId = random.pick(programIds)!;
          const program = model.programs.get(programId)!;
          const existing = [...model.affiliates.values()].filter((a) => a.programId === programId);
          if (existing.length >= AFFILIATES_PER_PROGRAM_MAX) return 'skipped';
          const parent = random.chance(0.8) ? random.pick(existing) : undefined;
          const wallet = getAddress(`0x${random.hex(20)}`);
          const code = `MDL${++counter}`;
          const parentRow = parent
            ? await db
                .selectFrom('affiliates')
                .select('code')
                .where('id', '=', parent.id)
                .executeTakeFirstOrThrow()
            : null;
          const input = {
            programId,
            wallet,
            code,
            parentCode: parentRow?.code ?? null,
            terms: {
              message: affiliateTermsMessage({
                programId,
                wallet,
                code,
                parentCode: parentRow?.code ?? null,
                chainId: 31337,
                domain: 'localhost:5173',
              }),
              // insertAffiliate is registerAffiliate after its signature check, which the API test covers.
              signature: `0x${'ab'.repeat(65)}`,
            },
          };
          const depth = parent ? parent.depth + 1 : 1;
          const refusal =
            parent && parent.status !== 'ACTIVE'
              ? 'INVALID_STATE'
              : depth > program.maxDepth
                ? 'AFFILIATE_DEPTH_EXCEEDED'
                : null;
          const outcome = await withRetries(async (handle) => {
            try {
              return await insertAffiliate(handle, input);
            } catch (error) {
              if (error instanceof AppError) return error;
              throw error;
            }
          });
          if (outcome.crashed) return 'crashed';
          if (refusal) {
            expect(outcome.value).toBeInstanceOf(AppError);
            expect((outcome.value as AppError).code).toBe(refusal);
            count(`affiliate refused ${refusal}`);
            return 'done';
          }
          expect(outcome.value).not.toBeInstanceOf(AppError);
          const { affiliate } = outcome.value as Exclude<typeof outcome.value, AppError>;
          expect(affiliate.depth).toBe(depth);
          model.affiliates.set(affiliate.id, {
            id: affiliate.id,
            programId,
            parentId: parent?.id ?? null,
            depth,
            status: 'ACTIVE',
            wallet,
          });
          return 'done';
        };

        const addUser = async (): Promise<TOpResult> => {
          const programId = random.pick(programIds)!;
          const referrer = random.chance(0.85)
            ? random.pick([...model.affiliates.values()].filter((a) => a.programId === programId))
            : undefined;
          const wallet = getAddress(`0x${random.hex(20)}`);
          await db
            .insertInto('users')
            .values({
              program_id: programId,
              wallet,
              referred_by_affiliate_id: referrer?.id ?? null,
              registered_at: new Date(clock),
            })
            .execute();
          model.users.push({ programId, wallet, referrerId: referrer?.id ?? null });
          return 'done';
        };

        const pay = async (): Promise<TOpResult> => {
          const user = random.pick(model.users);
          if (!user) return 'skipped';
          const program = model.programs.get(user.programId)!;
          const amount = random.chance(0.1)
            ? BigInt(random.int(1, 99))
            : BigInt(random.int(1_000_000, 500_000_000));
          const currency = random.pick(['USD', 'USDC', 'USDT'] as const)!;
          // Stablecoin revenue is modelled as payments too: a CLAIM settlement is once per wallet and must
          // carry its on-chain event (migration 0005), which the claim tests prove against anvil.
          const kind = 'COMMERCE_PAYMENT';
          const key = `commerce:${user.programId}:model-${++counter}`;
          const occurredAt = clock;
          const outcome = await withRetries((handle) =>
            handle.transaction().execute(async (tx) => {
              const intent = await tx
                .insertInto('intents')
                .values({
                  program_id: user.programId,
                  type: kind,
                  idempotency_key: key,
                  wallet: user.wallet,
                  payload: {},
                })
                .returning('id')
                .executeTakeFirstOrThrow();
              return await recordRevenueSettlement(tx, {
                programId: user.programId,
                intentId: intent.id,
                kind,
                wallet: user.wallet,
                amount,
                currency,
                occurredAt: new Date(occurredAt),
              });
            }),
          );
          if (outcome.crashed) return 'crashed';
          const recorded = outcome.value;
          expect(recorded.created).toBe(true);
          model.post(user.programId, 'treasury', currency, amount);
          model.post(user.programId, 'revenue', currency, -amount);
          // The model's own accrual: walk the chain, floor(base × bps / 10000), non-ACTIVE levels forfeited.
          const expected: { level: number; affiliateId: string; amount: bigint }[] = [];
          if (user.referrerId) {
            const links = model.chain(user.referrerId, program.levels.length);
            links.forEach((link, index) => {
              const share = (amount * BigInt(program.levels[index]!)) / 10_000n;
              if (share > 0n && link.status === 'ACTIVE') {
                expected.push({ level: index + 1, affiliateId: link.id, amount: share });
              }
            });
          }
          expect(
            recorded.commissions.map((c) => ({
              level: c.level,
              affiliateId: c.affiliate_id,
              amount: c.amount,
            })),
          ).toEqual(expected);
          for (const commission of recorded.commissions) {
            model.commissions.set(commission.id, {
              id: commission.id,
              affiliateId: commission.affiliate_id,
              amount: commission.amount,
              status: 'ACCRUED',
              payableAt: occurredAt + program.holdMs,
              batchId: null,
            });
            expect(commission.payable_at.getTime()).toBe(occurredAt + program.holdMs);
            model.post(user.programId, 'commission_expense', 'USD', commission.amount);
            model.post(
              user.programId,
              `affiliate:${commission.affiliate_id}:payable`,
              'USD',
              -commission.amount,
            );
          }
          model.settlements.push({
            id: recorded.settlement.id,
            intentId: recorded.settlement.intent_id,
            programId: user.programId,
            wallet: user.wallet,
            amount,
            currency,
            kind,
            occurredAt,
            refunded: false,
            commissionIds: recorded.commissions.map((c) => c.id),
          });
          return 'done';
        };

        const replayPayment = async (): Promise<TOpResult> => {
          const settlement = random.pick(model.settlements);
          if (!settlement) return 'skipped';
          const again = await recordRevenueSettlement(db, {
            programId: settlement.programId,
            intentId: settlement.intentId,
            kind: settlement.kind,
            wallet: settlement.wallet,
            amount: settlement.amount,
            currency: settlement.currency,
            occurredAt: new Date(settlement.occurredAt),
          });
          expect(again.created).toBe(false);
          expect(again.commissions.map((c) => c.id).sort()).toEqual([...settlement.commissionIds].sort());
          return 'done';
        };

        const refund = async (): Promise<TOpResult> => {
          const settlement = random.pick(model.settlements.filter((s) => !s.refunded));
          if (!settlement) return 'skipped';
          const outcome = await withRetries((handle) =>
            refundSettlement(handle, settlement.id, 'model refund'),
          );
          if (outcome.crashed) return 'crashed';
          const result = outcome.value;
          expect(result.created).toBe(true);
          settlement.refunded = true;
          model.post(settlement.programId, 'treasury', settlement.currency, -settlement.amount);
          model.post(settlement.programId, 'revenue', settlement.currency, settlement.amount);
          const cancelled: string[] = [];
          const clawedBack: string[] = [];
          for (const id of settlement.commissionIds) {
            const commission = model.commissions.get(id)!;
            if (commission.status === 'CANCELLED') continue;
            if (commission.status === 'PAID' || commission.batchId !== null) {
              model.clawbacks.set(id, {
                commissionId: id,
                affiliateId: commission.affiliateId,
                amount: commission.amount,
                status: 'OPEN',
                batchId: null,
              });
              clawedBack.push(id);
            } else {
              commission.status = 'CANCELLED';
              cancelled.push(id);
            }
            // Cancellation and clawback move the same money: the payable is debited, the expense credited.
            model.post(
              settlement.programId,
              `affiliate:${commission.affiliateId}:payable`,
              'USD',
              commission.amount,
            );
            model.post(settlement.programId, 'commission_expense', 'USD', -commission.amount);
          }
          expect([...result.cancelled].sort()).toEqual(cancelled.sort());
          expect([...result.clawedBack].sort()).toEqual(clawedBack.sort());
          if (clawedBack.length > 0) count('clawbacks');
          const again = await refundSettlement(db, settlement.id, 'model refund again');
          expect(again.created).toBe(false);
          return 'done';
        };

        const advanceAndMature = async (): Promise<TOpResult> => {
          clock += random.int(0, 3 * DAY_MS);
          const due = [...model.commissions.values()].filter(
            (c) => c.status === 'ACCRUED' && c.payableAt <= clock,
          );
          // The maturity job is idempotent and runs again after a crash (its statements commit one by one).
          let matured = 0;
          for (;;) {
            const outcome = await attempt((handle) =>
              matureCommissions(handle, new Date(clock), random.int(1, 50)),
            );
            if (!outcome.crashed) {
              matured += outcome.value.matured;
              break;
            }
            await checkStep();
          }
          for (const commission of due) commission.status = 'PAYABLE';
          const payable = await db
            .selectFrom('commissions')
            .select('id')
            .where('status', '=', 'ACCRUED')
            .where('payable_at', '<=', new Date(clock))
            .execute();
          expect(payable).toEqual([]);
          expect(matured).toBeLessThanOrEqual(due.length);
          return 'done';
        };

        const toggleAffiliate = async (): Promise<TOpResult> => {
          const affiliate = random.pick([...model.affiliates.values()]);
          if (!affiliate) return 'skipped';
          const status = affiliate.status === 'ACTIVE' ? 'SUSPENDED' : 'ACTIVE';
          const outcome = await withRetries((handle) =>
            setAffiliateStatus(handle, system, {
              affiliateId: affiliate.id,
              status,
              reason: 'model',
              programScope: null,
            }),
          );
          if (outcome.crashed) return 'crashed';
          affiliate.status = status;
          return 'done';
        };

        const createBatch = async (): Promise<TOpResult> => {
          const programId = random.pick(programIds)!;
          const admin = random.pick(ADMINS)!;
          const expected = model.expectedBatch(programId);
          const outcome = await withRetries(async (handle) => {
            try {
              return await createPayoutBatch(
                handle,
                { actor: admin, requestId: null },
                { programId },
                creationDeps,
              );
            } catch (error) {
              if (error instanceof AppError) return error;
              throw error;
            }
          });
          if (outcome.crashed) return 'crashed';
          if (expected.size === 0) {
            expect(outcome.value).toMatchObject({ code: 'PAYOUT_NOTHING_PAYABLE' });
            return 'done';
          }
          expect(outcome.value).not.toBeInstanceOf(AppError);
          const { batch, payouts } = outcome.value as Exclude<typeof outcome.value, AppError>;
          const clawbackIds = payouts.flatMap((p) => p.clawbackIds);
          const clawbackCommission = new Map(
            clawbackIds.length === 0
              ? []
              : (
                  await db
                    .selectFrom('commission_clawbacks')
                    .select(['id', 'commission_id'])
                    .where('id', 'in', clawbackIds)
                    .execute()
                ).map((row) => [row.id, row.commission_id]),
          );
          expect(
            new Map(
              payouts.map((p) => [
                p.affiliateId,
                {
                  amount: p.amount,
                  commissions: [...p.commissionIds].sort(),
                  clawbacks: p.clawbackIds.map((id) => clawbackCommission.get(id)!).sort(),
                },
              ]),
            ),
          ).toEqual(expected);
          const payoutsByAffiliate = new Map<string, bigint>();
          for (const [affiliateId, planned] of expected) {
            payoutsByAffiliate.set(affiliateId, planned.amount);
            for (const id of planned.commissions) model.commissions.get(id)!.batchId = batch.id;
            for (const id of planned.clawbacks) model.clawbacks.get(id)!.batchId = batch.id;
          }
          model.batches.set(batch.id, {
            id: batch.id,
            programId,
            status: 'PENDING_APPROVAL',
            createdBy: admin,
            signedBy: [],
            payouts: payoutsByAffiliate,
            total: [...payoutsByAffiliate.values()].reduce((a, b) => a + b, 0n),
          });
          expect(batch.total).toBe(model.batches.get(batch.id)!.total);
          return 'done';
        };

        const batchesIn = (...statuses: MBatch['status'][]) =>
          [...model.batches.values()].filter((b) => statuses.includes(b.status));

        // Signing: the creator first, then a second admin, whose signature approves the batch.
        const approve = async (): Promise<TOpResult> => {
          const batch = random.pick(batchesIn('PENDING_APPROVAL'));
          if (!batch) return 'skipped';
          const admin = random.pick(ADMINS)!;
          const wallet = ADMIN_WALLETS.get(admin)!;
          const row = await db
            .selectFrom('payout_batches')
            .selectAll()
            .where('id', '=', batch.id)
            .executeTakeFirstOrThrow();
          const signature = await signBatchApproval(await loadBatchApproval(db, row), wallet);
          const outcome = await withRetries(async (handle) => {
            try {
              return await approvePayoutBatch(
                handle,
                { actor: admin, requestId: null, wallet: wallet.address },
                { batchId: batch.id, programScope: null, signature },
                approvalChecks,
              );
            } catch (error) {
              if (error instanceof AppError) return error;
              throw error;
            }
          });
          if (outcome.crashed) return 'crashed';
          const creatorSigned = batch.signedBy.includes(batch.createdBy);
          if (admin === batch.createdBy && creatorSigned) {
            expect(outcome.value).toMatchObject({ code: 'PAYOUT_SELF_APPROVAL' });
            count('self-approvals refused');
            return 'done';
          }
          if (admin !== batch.createdBy && !creatorSigned) {
            expect(outcome.value).toMatchObject({ code: 'PAYOUT_CREATOR_SIGNATURE_MISSING' });
            count('approvals before the creator signed refused');
            return 'done';
          }
          batch.signedBy.push(admin);
          if (admin === batch.createdBy) {
            expect(outcome.value).toMatchObject({ status: 'PENDING_APPROVAL' });
            return 'done';
          }
          expect(outcome.value).toMatchObject({ status: 'APPROVED', approved_by: admin });
          batch.status = 'APPROVED';
          return 'done';
        };

        const release = async (outcomeStatus: 'REJECTED' | 'CANCELLED'): Promise<TOpResult> => {
          const batch = random.pick(
            outcomeStatus === 'REJECTED'
              ? batchesIn('PENDING_APPROVAL')
              : batchesIn('PENDING_APPROVAL', 'APPROVED'),
          );
          if (!batch) return 'skipped';
          const outcome = await withRetries((handle) =>
            releasePayoutBatch(
              handle,
              { actor: random.pick(ADMINS)!, requestId: null },
              {
                batchId: batch.id,
                programScope: null,
                outcome: outcomeStatus,
                reason: 'model',
              },
              releaseDeps,
            ),
          );
          if (outcome.crashed) {
            if (await chain.batchVoided(onChainBatchId(batch.id))) batch.voided = true;
            return 'crashed';
          }
          batch.status = outcomeStatus;
          for (const commission of model.commissions.values())
            if (commission.batchId === batch.id) commission.batchId = null;
          for (const clawback of model.clawbacks.values())
            if (clawback.batchId === batch.id) clawback.batchId = null;
          return 'done';
        };

        /** The model's side of a completed batch, and the chain check that nothing was paid twice. */
        const recordCompletion = async (batch: MBatch) => {
          batch.status = 'COMPLETED';
          for (const commission of model.commissions.values()) {
            if (commission.batchId === batch.id && commission.status === 'PAYABLE')
              commission.status = 'PAID';
          }
          for (const clawback of model.clawbacks.values()) {
            if (clawback.batchId === batch.id) clawback.status = 'SETTLED';
          }
          for (const [affiliateId, amount] of batch.payouts) {
            const wallet = model.affiliates.get(affiliateId)!.wallet;
            model.paidOnChain.set(wallet, (model.paidOnChain.get(wallet) ?? 0n) + amount);
            model.post(batch.programId, `affiliate:${affiliateId}:payable`, 'USD', amount);
          }
          model.post(batch.programId, 'payout_clearing', 'USD', -batch.total);
          model.post(batch.programId, 'payout_clearing', 'USDC', batch.total);
          model.post(batch.programId, 'treasury', 'USDC', -batch.total);
          // Nothing paid twice: each recipient holds exactly what the model paid it.
          for (const affiliateId of batch.payouts.keys()) {
            const wallet = model.affiliates.get(affiliateId)!.wallet;
            expect(await chain.usdcBalanceOf(wallet)).toBe(model.paidOnChain.get(wallet));
          }
        };

        const execute = async (): Promise<TOpResult> => {
          const batch = random.pick(batchesIn('APPROVED', 'EXECUTING').filter((b) => !b.voided));
          if (!batch) return 'skipped';
          if (batch.status === 'APPROVED') {
            const started = await withRetries((handle) =>
              startPayoutBatchExecution(
                handle,
                { actor: random.pick(ADMINS)!, requestId: null },
                {
                  batchId: batch.id,
                  programScope: null,
                },
              ),
            );
            if (started.crashed) return 'crashed';
            batch.status = 'EXECUTING';
            // Sometimes the worker does not get to it before the next operations (refunds meanwhile, ...).
            if (random.chance(0.25)) return 'done';
          }
          const broadcastsBefore = chain.broadcasts();
          // A worker retries the payout until it is recorded; a crash may come after the chain paid.
          let crashes = 0;
          for (;;) {
            // Crashed more often than other operations: before the chain is asked (queries 0-2) or after
            // it paid (3 and later), which is the case that must never pay twice.
            const outcome = await attempt(
              (handle) => executePayoutBatch(handle, batch.id, deps),
              EXECUTION_CRASH_PROBABILITY,
            );
            if (!outcome.crashed) {
              expect(outcome.value.completed).toBe(true);
              break;
            }
            crashes++;
            await checkStep();
          }
          if (crashes > 0) count('executions crashed and retried');
          expect(chain.broadcasts() - broadcastsBefore).toBe(1); // one on-chain payment, however many runs
          expect(await chain.batchPaid(onChainBatchId(batch.id))).toBe(true);
          await recordCompletion(batch);
          // Executing a completed batch again does nothing.
          const again = await executePayoutBatch(db, batch.id, deps);
          expect(again.completed).toBe(false);
          expect(chain.broadcasts() - broadcastsBefore).toBe(1);
          return 'done';
        };

        // ---- Checks --------------------------------------------------------------------------------------

        let lastEntryId = 0;
        const observed = new Map<string, bigint>();
        const programTotals = new Map<string, bigint>();
        /** After every step: the new ledger entries balance per transaction and bring every balance to the model's. */
        async function checkStep() {
          // The bound is inlined (a number this test controls): a query without parameters is the embedded
          // database's fast path, and this one runs after every step. The LIMIT (far above what one step
          // writes) keeps the plan an index range scan even before statistics exist.
          const entries = (
            await sql<{
              id: number;
              transaction_id: string;
              program_id: string;
              account: string;
              currency: string;
              amount: bigint;
            }>`
            SELECT id, transaction_id, program_id, account, currency, amount FROM ledger_entries
             WHERE id > ${sql.raw(String(Math.trunc(lastEntryId)))} ORDER BY id LIMIT 100000`.execute(db)
          ).rows;
          const perTransaction = new Map<string, bigint>();
          const touched = new Set(model.dirty);
          model.dirty.clear();
          for (const entry of entries) {
            const key = `${entry.transaction_id}|${entry.currency}`;
            perTransaction.set(key, (perTransaction.get(key) ?? 0n) + entry.amount);
            const account = `${entry.program_id}|${entry.account}|${entry.currency}`;
            observed.set(account, (observed.get(account) ?? 0n) + entry.amount);
            touched.add(account);
            lastEntryId = entry.id;
          }
          // Plain comparisons first (this runs after every step); expect() only reports what differs.
          const unbalanced = [...perTransaction].filter(([, sum]) => sum !== 0n);
          expect(unbalanced, 'transactions unbalanced in a currency').toEqual([]);
          // Balances neither side touched cannot have changed; checkFull compares all of them.
          const wrong = [...touched]
            .map((key) => [key, observed.get(key) ?? 0n, model.balances.get(key) ?? 0n] as const)
            .filter(([, actual, expected]) => actual !== expected);
          expect(wrong, 'balances that differ from the model: [account, database, model]').toEqual([]);
          // Each program's ledger sums to zero per currency (running totals over every entry ever written).
          for (const entry of entries) {
            const key = `${entry.program_id}|${entry.currency}`;
            programTotals.set(key, (programTotals.get(key) ?? 0n) + entry.amount);
          }
          const nonZero = [...programTotals].filter(([, sum]) => sum !== 0n);
          expect(nonZero, 'program ledgers not summing to zero per currency').toEqual([]);
        }

        /** Every so often: everything recomputed from scratch in SQL and on the chain. */
        async function checkFull() {
          // What autovacuum does on a PostgreSQL server (the embedded database has none): fresh statistics,
          // so the planner keeps using the indexes as the tables grow.
          if (test.database.kind === 'pglite') await sql`ANALYZE`.execute(db);
          for (const programId of programIds) {
            const report = await verifyLedger(db, programId);
            expect(report, `verifyLedger(${programId})`).toMatchObject({
              balanced: true,
              unbalancedTransactions: [],
              payableMismatches: [],
            });
          }
          // The balances the ledger maintains (migration 0013) are the sums of the entries, and the incremental
          // verification (maintained balances, checkpoints, what changed since) agrees.
          expect(
            await maintainedBalanceDifferences(db),
            'maintained balances that differ from the entries',
          ).toEqual([]);
          // The overview's daily rollups (0022) equal the facts they count, retries and crashes included.
          expect(await rollupDifferences(db), 'daily rollups that differ from the facts').toEqual([]);
          for (const programId of programIds) {
            const incremental = await verifyLedger(db, programId, { mode: 'incremental' });
            expect(incremental, `verifyLedger(${programId}, incremental)`).toMatchObject({
              balanced: true,
              balanceMismatches: [],
              payableMismatches: [],
            });
          }
          const sums = await db
            .selectFrom('ledger_entries')
            .select(['program_id', 'account', 'currency', (eb) => eb.fn.sum<bigint>('amount').as('balance')])
            .groupBy(['program_id', 'account', 'currency'])
            .execute();
          for (const row of sums) {
            expect(row.balance, `${row.account} ${row.currency}`).toBe(
              model.balances.get(`${row.program_id}|${row.account}|${row.currency}`) ?? 0n,
            );
          }
          for (const key of new Set([...observed.keys(), ...model.balances.keys()])) {
            expect(observed.get(key) ?? 0n, `balance of ${key}`).toBe(model.balances.get(key) ?? 0n);
          }
          const commissions = await db
            .selectFrom('commissions')
            .select(['id', 'status', 'payout_id'])
            .execute();
          expect(commissions.length).toBe(model.commissions.size);
          for (const row of commissions)
            expect(row.status, `commission ${row.id}`).toBe(model.commissions.get(row.id)!.status);
          const batches = await db.selectFrom('payout_batches').select(['id', 'status']).execute();
          for (const row of batches)
            expect(row.status, `batch ${row.id}`).toBe(model.batches.get(row.id)!.status);
          for (const [wallet, paid] of model.paidOnChain)
            expect(await chain.usdcBalanceOf(wallet)).toBe(paid);
        }

        // ---- The run -------------------------------------------------------------------------------------

        const operations: [number, string, () => Promise<TOpResult>][] = [
          [8, 'add affiliate', addAffiliate],
          [11, 'add user', addUser],
          [32, 'pay', pay],
          [3, 'replay payment', replayPayment],
          [6, 'refund', refund],
          [9, 'advance clock and mature', advanceAndMature],
          [3, 'suspend or reinstate', toggleAffiliate],
          [8, 'create batch', createBatch],
          [9, 'approve batch', approve],
          [2, 'reject batch', () => release('REJECTED')],
          [2, 'cancel batch', () => release('CANCELLED')],
          [2, 'execute batch', execute],
        ];
        const totalWeight = operations.reduce((sum, [weight]) => sum + weight, 0);
        const started = performance.now();
        const timings: Record<string, number> = {};
        for (let step = 1; step <= MODEL_OPERATIONS; step++) {
          const roll = random.int(1, totalWeight);
          let cumulative = 0;
          const [, name, run] = operations.find(([weight]) => {
            cumulative += weight;
            return roll <= cumulative;
          })!;
          const opStarted = performance.now();
          const result = await run();
          count(`${name}: ${result}`);
          timings[name] = (timings[name] ?? 0) + (performance.now() - opStarted);
          const checkStarted = performance.now();
          await checkStep();
          timings.checkStep = (timings.checkStep ?? 0) + (performance.now() - checkStarted);
          if (step % CHECK_FULL_EVERY === 0) {
            const fullStarted = performance.now();
            await checkFull();
            timings.checkFull = (timings.checkFull ?? 0) + (performance.now() - fullStarted);
          }
        }
        // MODEL_TIMINGS=1 prints where the time went (milliseconds per operation kind and per check).
        if (process.env.MODEL_TIMINGS) {
          console.log(
            JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)]))),
          );
        }
        // Finish what is in flight, then check everything once more.
        for (const batch of batchesIn('EXECUTING')) {
          expect((await executePayoutBatch(db, batch.id, deps)).completed).toBe(true);
          await recordCompletion(batch);
          await checkStep();
        }
        await checkFull();
        // A summary of what the run exercised.
        console.log(
          `money model on ${engine}: ${MODEL_OPERATIONS} operations in ${Math.round(performance.now() - started)} ms`,
          JSON.stringify(stats),
        );
        expect(stats['execute batch: done'] ?? 0).toBeGreaterThan(0);
        expect(stats.crashes ?? 0).toBeGreaterThan(0);
      },
      MODEL_TIMEOUT_MS,
    );
  });
}
