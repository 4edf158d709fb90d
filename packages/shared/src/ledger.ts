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
});
export type TLedgerVerification = z.infer<typeof ZLedgerVerification>;
