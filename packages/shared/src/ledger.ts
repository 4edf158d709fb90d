import { z } from 'zod';
import { PAGE_SIZE_MAX } from './limits';
import { ZTimestamp } from './pagination';
import { ZAmountString } from './status';

export const ZCurrency = z.enum(['USD', 'USDC', 'USDT', 'SGE', 'ETH']);
export type TCurrency = z.infer<typeof ZCurrency>;

/** A ledger account name (see the API's domain/ledger/accounts.ts for the list). */
export const ZLedgerAccount = z
  .string()
  .regex(
    /^[a-z_]+(:[A-Za-z0-9_-]+:[a-z_]+)?$/,
    'a ledger account such as treasury or affiliate:<id>:payable',
  );

export const ZLedgerBalancesQuery = z.object({
  programId: z.uuid().optional(),
  account: ZLedgerAccount.optional(),
  currency: ZCurrency.optional(),
  /** Balances as of this time (entries created at or before it). Default: now. */
  asOf: ZTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_MAX),
  /** The last account of the previous page. */
  afterAccount: ZLedgerAccount.optional(),
});

/** Balance = sum of entries: debit-positive (treasury > 0), credit-negative (revenue, payables < 0). */
export const ZLedgerBalance = z.object({
  account: z.string(),
  currency: ZCurrency,
  balance: ZAmountString,
  entryCount: z.number().int(),
});
export const ZLedgerBalances = z.object({
  programId: z.uuid(),
  asOf: ZTimestamp.nullable(),
  balances: z.array(ZLedgerBalance),
});

export const ZLedgerEntriesQuery = z.object({
  programId: z.uuid().optional(),
  account: ZLedgerAccount.optional(),
  currency: ZCurrency.optional(),
  reference: z.string().max(200).optional(),
  from: ZTimestamp.optional(),
  to: ZTimestamp.optional(),
});

export const ZLedgerEntry = z.object({
  id: z.number().int(),
  transactionId: z.uuid(),
  reference: z.string(),
  kind: z.string(),
  description: z.string().nullable(),
  reversesId: z.uuid().nullable(),
  account: z.string(),
  currency: ZCurrency,
  amount: ZAmountString,
  createdAt: ZTimestamp,
});
export type TLedgerEntry = z.infer<typeof ZLedgerEntry>;

export const ZLedgerVerification = z.object({
  programId: z.uuid(),
  /** incremental (the default): maintained balances and what changed since `since`; full: every entry. */
  mode: z.enum(['full', 'incremental']),
  /** incremental: the latest balance checkpoint (transactions and entries from it on were checked). */
  since: ZTimestamp.nullable(),
  balanced: z.boolean(),
  checkedAt: ZTimestamp,
  transactionCount: z.number().int(),
  entryCount: z.number().int(),
  totals: z.array(z.object({ currency: z.string(), sum: ZAmountString, entryCount: z.number().int() })),
  unbalancedTransactions: z.array(
    z.object({ transactionId: z.uuid(), reference: z.string(), currency: z.string(), sum: ZAmountString }),
  ),
  emptyTransactions: z.array(z.object({ transactionId: z.uuid(), reference: z.string() })),
  payoutClearing: z.object({ usd: ZAmountString, usdc: ZAmountString, matches: z.boolean() }),
  payableMismatches: z.array(
    z.object({ affiliateId: z.string(), ledgerBalance: ZAmountString, expectedBalance: ZAmountString }),
  ),
  /** Maintained balances that differ from their entries. */
  balanceMismatches: z.array(
    z.object({
      account: z.string(),
      currency: z.string(),
      maintained: ZAmountString,
      fromEntries: ZAmountString,
    }),
  ),
});
export const ZLedgerVerifyQuery = z.object({
  programId: z.uuid().optional(),
  /** `true`: the full verification, recomputing every balance from every entry (a scan of the whole ledger). */
  full: z.enum(['true', 'false']).optional(),
});
export type TLedgerVerification = z.infer<typeof ZLedgerVerification>;
