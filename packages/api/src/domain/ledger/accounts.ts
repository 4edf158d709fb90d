import type { TCurrency } from '../../db/schema';

/**
 * Ledger account names, written down once (SPEC §4). Every account belongs to one program (ledger entries
 * carry the program id); the names below are the same in every program. The database CHECK on
 * ledger_entries.account is `^[a-z_]+(:[A-Za-z0-9_-]+:[a-z_]+)?$`.
 *
 * Sign convention: an entry's amount is positive for a debit and negative for a credit. A balance is the
 * sum of an account's entries, so asset and expense accounts (treasury, commission_expense) carry positive
 * balances and liability and income accounts (revenue, affiliate payables) negative ones.
 *
 * | account                   | what it is                                                                       |
 * |---------------------------|----------------------------------------------------------------------------------|
 * | `treasury`                | the program's funds (USDC/USDT on-chain; USD held by the payment provider)       |
 * | `revenue`                 | claim fees and Commerce payments received (credit), reversed by refunds (debit)  |
 * | `commission_expense`      | commissions granted to affiliates (debit), cancelled or clawed back (credit)     |
 * | `affiliate:<id>:payable`  | what the program owes affiliate <id>, in USD (credit = owed, debit = paid/clawed)|
 * | `payout_clearing`         | USD owed to affiliates settled with USDC at par: a payout credits it in USD and  |
 * |                           | debits it in USDC, so its USD and USDC balances are always equal and opposite    |
 * | `gas_expense`             | ETH spent on gas by the relayer (debit)                                          |
 * | `relayer`                 | the relayer hot wallet's ETH (credit when it pays gas)                           |
 * | `sge_vault`               | SGE held by the claim contract for claimants (credit when SGE is claimed)        |
 * | `sge_distributed`         | SGE handed out to claimants (debit)                                              |
 *
 * Units: amounts are integers in the currency's smallest unit (USD/USDC/USDT 6 decimals, SGE 18, ETH wei).
 * Commissions and affiliate payables are in USD: fees, minimum payouts and commission bases are USD amounts,
 * whatever stablecoin (or fiat) the revenue arrived in, and payouts settle them in USDC at par.
 */
export const ACCOUNTS = {
  treasury: 'treasury',
  revenue: 'revenue',
  commissionExpense: 'commission_expense',
  payoutClearing: 'payout_clearing',
  gasExpense: 'gas_expense',
  relayer: 'relayer',
  sgeVault: 'sge_vault',
  sgeDistributed: 'sge_distributed',
} as const;

export type TFixedAccount = (typeof ACCOUNTS)[keyof typeof ACCOUNTS];
export type TAffiliatePayableAccount = `affiliate:${string}:payable`;
export type TAccount = TFixedAccount | TAffiliatePayableAccount;

/** Currency of commissions, affiliate payables and minimum payouts. */
export const COMMISSION_CURRENCY: Extract<TCurrency, 'USD'> = 'USD';
/** Currency payouts are made in, on-chain through the payout contract. */
export const PAYOUT_CURRENCY: Extract<TCurrency, 'USDC'> = 'USDC';
/** Currencies a revenue settlement may be in: all 6-decimal USD units, so they are commission bases at par. */
export const REVENUE_CURRENCIES: readonly TCurrency[] = ['USD', 'USDC', 'USDT'];
export const CURRENCIES: readonly TCurrency[] = ['USD', 'USDC', 'USDT', 'SGE', 'ETH'];

const FIXED_ACCOUNTS = new Set<string>(Object.values(ACCOUNTS));
const AFFILIATE_PAYABLE =
  /^affiliate:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):payable$/;

/**
 * The payable account of one affiliate.
 *
 * @example
 * affiliatePayableAccount('0b7c…') // 'affiliate:0b7c…:payable'
 */
export function affiliatePayableAccount(affiliateId: string): TAffiliatePayableAccount {
  return `affiliate:${affiliateId}:payable`;
}

/** The affiliate id of an `affiliate:<id>:payable` account, or null for any other account. */
export function affiliateIdOfAccount(account: string): string | null {
  return AFFILIATE_PAYABLE.exec(account)?.[1] ?? null;
}

/** Whether a string is one of the account names above. */
export function isLedgerAccount(account: string): account is TAccount {
  return FIXED_ACCOUNTS.has(account) || AFFILIATE_PAYABLE.test(account);
}

export function isCurrency(currency: string): currency is TCurrency {
  return (CURRENCIES as readonly string[]).includes(currency);
}
