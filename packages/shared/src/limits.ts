import { assert } from './assert';
/**
 * Every page size, batch size, time window and count limit of the money features (programs, affiliates,
 * ledger, commissions, payouts, admin lists), in one place. The API enforces them; the app reads the page
 * sizes from here. The relationships between them are checked when this module loads (TIGER_STYLE): a
 * wrong edit fails at startup, not in production traffic.
 */

/** Rows a list endpoint returns when the client does not ask for a number. */
export const PAGE_SIZE_DEFAULT = 50;
/** Most rows one page of any list endpoint returns; larger `limit` values are a 400. */
export const PAGE_SIZE_MAX = 200;
/** Most rows the affiliate statement's CSV contains; a wider range is a 400 naming it. */
export const EXPORT_ROWS_MAX = 50_000;
/**
 * Rows a streaming CSV export (settlements) reads per keyset page: the export holds one page in memory
 * however many rows it streams.
 */
export const EXPORT_PAGE_ROWS = 1_000;

/**
 * Most affiliates paid by one payout batch. Equal to SGEPayout.PAY_BATCH_SIZE_MAX (one on-chain transaction
 * pays the whole batch and the contract refuses more); affiliates beyond it wait for the next batch.
 */
export const PAYOUT_BATCH_AFFILIATES_MAX = 300;
/**
 * How long the approvers' signatures of a payout batch stay valid (the EIP-712 deadline the payout
 * contract checks): 7 days from the batch's creation. A batch not executed by then is cancelled and created
 * again, with fresh signatures.
 */
export const PAYOUT_APPROVAL_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Signatures a payout batch needs: its creator's and a second admin's (SGEPayout.APPROVALS_REQUIRED). */
export const PAYOUT_APPROVALS_REQUIRED = 2;
/** Commissions moved from ACCRUED to PAYABLE per statement by the maturity job; it loops until done. */
export const COMMISSION_MATURITY_BATCH_SIZE = 1_000;
/** Most maturity statements in one run of the maturity job (so one run is bounded: 1,000 × 1,000 rows). */
export const COMMISSION_MATURITY_ROUNDS_MAX = 1_000;

/** Most entries in one ledger transaction: a full payout batch is one entry per affiliate plus three. */
export const LEDGER_ENTRIES_PER_TRANSACTION_MAX = 1_000;
/** Longest ledger transaction reference (e.g. `commission:<uuid>`, `payout:<uuid>`). */
export const LEDGER_REFERENCE_LENGTH_MAX = 200;
/** Transactions listed as evidence when a ledger verification finds a problem. */
export const LEDGER_VERIFY_PROBLEMS_MAX = 100;

/** Commission levels a program may have (the database CHECK allows 10). */
export const COMMISSION_LEVELS_MAX = 10;
/** Deepest affiliate tree a program may allow (the database CHECK allows 20). */
export const AFFILIATE_DEPTH_MAX = 20;
/** Most affiliates returned in one downline tree (the tree is cut, and says so, beyond it). */
export const DOWNLINE_NODES_MAX = 2_000;

/** Longest date range of an affiliate's daily stats series, in days. */
export const STATS_RANGE_DAYS_MAX = 366;
/** Longest date range of an affiliate statement, in days. */
export const STATEMENT_RANGE_DAYS_MAX = 731;

/** A Sign-In with Ethereum nonce is valid this long after it is issued (and once). */
export const SIWE_NONCE_TTL_SECONDS = 10 * 60;
/**
 * A Sign-In with Ethereum message is accepted only this long after its issuedAt (a signed message found
 * later, in a wallet's history or a log, cannot open a session).
 */
export const SIWE_MESSAGE_AGE_SECONDS_MAX = 10 * 60;
/** How far in the future a SIWE message's issuedAt may be (the wallet's clock may run ahead of ours). */
export const SIWE_CLOCK_SKEW_SECONDS = 60;
/** An affiliate session lasts this long after sign-in; then the affiliate signs in again. */
export const AFFILIATE_SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Longest signature accepted, in hex characters (ERC-6492 signatures carry a wallet's deployment call). */
export const SIGNATURE_HEX_LENGTH_MAX = 20_000;
/** Longest SIWE message the API parses. */
export const SIWE_MESSAGE_LENGTH_MAX = 4_096;

/** Active (not revoked) API keys one program may have. */
export const PROGRAM_API_KEYS_MAX = 50;
/** Longest free-text reason (reject, cancel, suspend, retry, refund). */
export const REASON_LENGTH_MAX = 500;
/** Longest client reference of a manual payment (POST /api/admin/payments), unique per program. */
export const MANUAL_PAYMENT_REFERENCE_LENGTH_MAX = 100;
/** Longest note of a manual payment. */
export const MANUAL_PAYMENT_NOTE_LENGTH_MAX = 500;

/**
 * Upper bounds of every amount an admin can set or enter (maker-checker, issue 17). The contracts take
 * uint256, but no sane program needs more than these; a typo of a few digits is refused instead of approved
 * by a tired second admin. All in the currency's smallest unit.
 */
/** Largest manual payment: 1,000,000 USD (micro-USD, 6 decimals). */
export const MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD = 1_000_000_000_000n;
/** Largest program fee (registration payment and claim fee): 100,000 USD. */
export const PROGRAM_FEE_MAX_MICRO_USD = 100_000_000_000n;
/** Largest minimum payout of a program: 100,000 USD. */
export const MIN_PAYOUT_MAX_MICRO_USD = 100_000_000_000n;
/** Most SGE handed out per claim: 1,000,000,000 SGE (18 decimals). */
export const CLAIM_AMOUNT_MAX_WEI = 1_000_000_000n * 10n ** 18n;
/** Largest relay fee of a gasless claim: 100 USDC (a mainnet claim at a 400-gwei spike costs ~50 USD). */
export const CLAIM_RELAY_FEE_MAX_MICRO_USD = 100_000_000n;
/** A gasless claim's authorization is valid this long after prepare (the user signs, the relayer sends). */
export const GASLESS_AUTHORIZATION_TTL_SECONDS = 60 * 60;
/** The relayer refuses an authorization expiring sooner than this: it must be mined before it expires. */
export const GASLESS_AUTHORIZATION_MARGIN_SECONDS = 120;
/** Most gasless claims one relayer transaction carries (SGEClaim.AUTHORIZATION_BATCH_MAX is 100). */
export const GASLESS_CLAIM_BATCH_SIZE_MAX = 20;

/**
 * A pending change (program money settings, a manual payment above the threshold) that no second admin
 * decided within this time expires: approving it later is refused, and the proposer proposes again.
 */
export const CHANGE_REQUEST_TTL_SECONDS = 7 * 24 * 60 * 60;

function check(condition: boolean, message: string) {
  assert(condition, `limits: ${message}`);
}
check(
  PAGE_SIZE_DEFAULT >= 1 && PAGE_SIZE_DEFAULT <= PAGE_SIZE_MAX,
  'PAGE_SIZE_DEFAULT must be 1..PAGE_SIZE_MAX',
);
check(EXPORT_ROWS_MAX >= PAGE_SIZE_MAX, 'an export must hold at least one page');
check(EXPORT_PAGE_ROWS >= PAGE_SIZE_MAX, 'an export page reads at least a list page');
check(
  LEDGER_ENTRIES_PER_TRANSACTION_MAX >= PAYOUT_BATCH_AFFILIATES_MAX + 3,
  'a payout batch (one entry per affiliate + 3) must fit in one ledger transaction',
);
check(
  COMMISSION_MATURITY_BATCH_SIZE >= 1 && COMMISSION_MATURITY_ROUNDS_MAX >= 1,
  'maturity must make progress',
);
check(SIWE_NONCE_TTL_SECONDS < AFFILIATE_SESSION_TTL_SECONDS, 'a nonce must expire before a session');
check(DOWNLINE_NODES_MAX >= AFFILIATE_DEPTH_MAX, 'a downline must hold at least one full branch');
check(
  MANUAL_PAYMENT_AMOUNT_MAX_MICRO_USD > 0n &&
    PROGRAM_FEE_MAX_MICRO_USD > 0n &&
    MIN_PAYOUT_MAX_MICRO_USD > 0n &&
    CLAIM_AMOUNT_MAX_WEI > 0n &&
    CLAIM_AMOUNT_MAX_WEI < 2n ** 256n,
  'amount bounds must be positive and fit a uint256',
);
check(
  GASLESS_AUTHORIZATION_TTL_SECONDS > 2 * GASLESS_AUTHORIZATION_MARGIN_SECONDS &&
    GASLESS_CLAIM_BATCH_SIZE_MAX >= 1 &&
    GASLESS_CLAIM_BATCH_SIZE_MAX <= 100 &&
    CLAIM_RELAY_FEE_MAX_MICRO_USD > 0n,
  'a gasless authorization must outlive its margin; a batch fits the claim contract (1..100)',
);
check(CHANGE_REQUEST_TTL_SECONDS >= 60 * 60, 'a second admin needs at least an hour to decide a change');
