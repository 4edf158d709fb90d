import { z } from 'zod';
import { ZWalletInput } from './registration';
import { ZAddress, ZAmountString } from './status';

/**
 * Claims (SPEC §6): GET /api/claim/info, POST /api/claim/prepare, POST /api/claim/record,
 * GET /api/claim/history, and their program-aware twins under /api/v2/programs/:programId/claim/…
 */

/** The stablecoin a claim fee is paid in. */
export const ZClaimToken = z.enum(['USDC', 'USDT']);
export type TClaimToken = z.infer<typeof ZClaimToken>;

/**
 * Why a wallet cannot claim now, most definitive first:
 * - ALREADY_CLAIMED: the claim contract (or the platform) already recorded a claim of this wallet;
 * - NO_SGE_ID: the wallet holds no SGE-ID (register first);
 * - PAYMENT_REQUIRED: the program requires a payment first (Coinbase Commerce);
 * - CLAIMS_PAUSED: the program or the claim contract is paused;
 * - VAULT_SHORT: the claim contract holds less SGE than one claim pays out;
 * - WALLET_BLACKLISTED: the wallet is on the blacklist of every stablecoin it could pay with (USDC's
 *   FiatToken blacklist, USDT's TetherToken blacklist): any payment would revert.
 */
export const ZClaimIneligibleReason = z.enum([
  'ALREADY_CLAIMED',
  'NO_SGE_ID',
  'PAYMENT_REQUIRED',
  'CLAIMS_PAUSED',
  'VAULT_SHORT',
  'WALLET_BLACKLISTED',
]);
export type TClaimIneligibleReason = z.infer<typeof ZClaimIneligibleReason>;

export const ZTxHash = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte hex transaction hash');

export const ZClaimInfoQuery = z.object({ wallet: ZWalletInput });

/** The wallet's position in one stablecoin: what it holds and what it allows the claim contract to take. */
export const ZClaimTokenState = z.object({
  symbol: ZClaimToken,
  address: ZAddress,
  /** Smallest unit (6 decimals). */
  balance: ZAmountString,
  /** Current allowance of the wallet for the claim contract. */
  allowance: ZAmountString,
  /** Whether the token's issuer blacklisted the wallet; null when the token has no blacklist to read. */
  blacklisted: z.boolean().nullable(),
  /** Whether the token takes a gasless claim (an EIP-3009 authorization): USDC yes, USDT no. */
  gasless: z.boolean(),
});
export type TClaimTokenState = z.infer<typeof ZClaimTokenState>;

/** A recorded claim, as history and record return it. */
export const ZClaimView = z.object({
  intentId: z.string().uuid(),
  settlementId: z.string().uuid(),
  programId: z.string().uuid(),
  wallet: ZAddress,
  token: ZClaimToken,
  /** Fee the treasury received, in the token's smallest unit (6 decimals): net of a token's transfer fee. */
  fee: ZAmountString,
  /** Fee the claim contract charged; more than `fee` when the token (USDT's fee switch) kept a part. */
  feeCharged: ZAmountString,
  /** USDC paid to the relayer for submitting a gasless claim ("0" for a claim the wallet sent itself). */
  relayFee: ZAmountString,
  /** SGE received, in wei. */
  amountWei: ZAmountString,
  txHash: z.string(),
  blockNumber: z.number().int(),
  logIndex: z.number().int(),
  claimContract: ZAddress,
  /** Who recorded it first: the API (POST /api/claim/record) or the chain watcher. */
  source: z.enum(['api', 'watcher']),
  claimedAt: z.string(),
  explorerTxUrl: z.string().nullable(),
});
export type TClaimView = z.infer<typeof ZClaimView>;

export const ZClaimInfo = z.object({
  wallet: ZAddress,
  programId: z.string().uuid(),
  eligible: z.boolean(),
  /** Null when eligible. */
  reason: ZClaimIneligibleReason.nullable(),
  /** What the reason means for this wallet, in words; null when eligible. */
  message: z.string().nullable(),
  chainId: z.number().int(),
  claimContract: ZAddress,
  treasury: ZAddress,
  /** Fee per claim in the stablecoins' smallest unit (6 decimals, = micro-USD). */
  fee: ZAmountString,
  /** SGE per claim, in wei. */
  amountWei: ZAmountString,
  sgeToken: ZAddress,
  /** SGE wei left in the claim contract. */
  vaultBalanceWei: ZAmountString,
  tokens: z.object({ USDC: ZClaimTokenState, USDT: ZClaimTokenState }),
  /** The recorded claim of this wallet, when there is one. */
  claim: ZClaimView.nullable(),
  /** USDC the relayer takes for submitting a gasless claim (the program's relay fee), on top of `fee`. */
  relayFee: ZAmountString,
  /** A gasless claim of this wallet waiting for (or being sent by) the relayer, when there is one. */
  gaslessClaim: z
    .object({ intentId: z.string().uuid(), status: z.string(), reason: z.string().nullable() })
    .nullable(),
});
export type TClaimInfo = z.infer<typeof ZClaimInfo>;

export const ZClaimPrepareRequest = z.object({ wallet: ZWalletInput, token: ZClaimToken });
export type TClaimPrepareRequest = z.infer<typeof ZClaimPrepareRequest>;

/** One transaction for the wallet to sign and send, in order; each waits for the previous one's receipt. */
export const ZClaimTransaction = z.object({
  /** reset = approve(claim, 0) (USDT refuses a non-zero → non-zero change), approve = approve(claim, fee). */
  step: z.enum(['reset', 'approve', 'claim']),
  to: ZAddress,
  data: z.string().regex(/^0x[0-9a-f]*$/),
  /** Wei, always "0". */
  value: ZAmountString,
  chainId: z.number().int(),
  description: z.string(),
});
export type TClaimTransaction = z.infer<typeof ZClaimTransaction>;

export const ZClaimPrepareResponse = z.object({
  wallet: ZAddress,
  programId: z.string().uuid(),
  token: ZClaimToken,
  tokenAddress: ZAddress,
  claimContract: ZAddress,
  fee: ZAmountString,
  amountWei: ZAmountString,
  allowance: ZAmountString,
  balance: ZAmountString,
  transactions: z.array(ZClaimTransaction).min(1),
});
export type TClaimPrepareResponse = z.infer<typeof ZClaimPrepareResponse>;

export const ZClaimRecordRequest = z.object({ wallet: ZWalletInput, txHash: ZTxHash });
export type TClaimRecordRequest = z.infer<typeof ZClaimRecordRequest>;

/** 201 when this request recorded the claim, 200 when it was already recorded (same result). */
export const ZClaimRecordResponse = z.object({
  created: z.boolean(),
  claim: ZClaimView,
});
export type TClaimRecordResponse = z.infer<typeof ZClaimRecordResponse>;

export const ZClaimHistory = z.object({
  wallet: ZAddress,
  programId: z.string().uuid(),
  claims: z.array(ZClaimView),
});
export type TClaimHistory = z.infer<typeof ZClaimHistory>;

/** Mock mode's faucet: POST /api/dev/faucet {wallet}. */
export const ZFaucetRequest = z.object({ wallet: ZWalletInput });
export const ZFaucetResponse = z.object({
  wallet: ZAddress,
  /** Units minted of each stablecoin (6 decimals). */
  usdc: ZAmountString,
  usdt: ZAmountString,
  /** ETH sent for gas, in wei ("0" when the wallet already had enough). */
  ethWei: ZAmountString,
  txHashes: z.array(z.string()),
});
export type TFaucetResponse = z.infer<typeof ZFaucetResponse>;
