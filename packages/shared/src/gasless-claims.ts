import { z } from 'zod';
import { ZClaimView } from './claims';
import { ZWalletInput } from './registration';
import { ZAddress, ZAmountString } from './status';

/**
 * Gasless claims (issue 19): a wallet holding USDC and no ETH signs one EIP-3009 ReceiveWithAuthorization of
 * USDC to the claim contract for the fee plus the program's relay fee; the relayer submits it and is repaid
 * its gas in USDC inside the claim. POST /api/claim/gasless/prepare returns the typed data to sign (and the
 * fees to show before signing), POST /api/claim/gasless/submit hands the signature to the relayer.
 */

export const ZBytes32 = z
  .string()
  .trim()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte hex value');

export const ZGaslessClaimPrepareRequest = z.object({ wallet: ZWalletInput });
export type TGaslessClaimPrepareRequest = z.infer<typeof ZGaslessClaimPrepareRequest>;

/** The EIP-3009 message: USDC's ReceiveWithAuthorization (amounts and times as decimal strings). */
export const ZReceiveAuthorization = z.object({
  from: ZAddress,
  to: ZAddress,
  value: ZAmountString,
  validAfter: ZAmountString,
  validBefore: ZAmountString,
  nonce: ZBytes32,
});
export type TReceiveAuthorization = z.infer<typeof ZReceiveAuthorization>;

export const ZGaslessClaimPrepareResponse = z.object({
  wallet: ZAddress,
  programId: z.string().uuid(),
  token: z.literal('USDC'),
  tokenAddress: ZAddress,
  claimContract: ZAddress,
  /** To the treasury (6 decimals). */
  fee: ZAmountString,
  /** To the relayer, for the gas it pays (6 decimals). */
  relayFee: ZAmountString,
  /** fee + relayFee: exactly what the signature lets the claim contract take. */
  total: ZAmountString,
  amountWei: ZAmountString,
  balance: ZAmountString,
  /** EIP-712 typed data for eth_signTypedData_v4 (USDC's domain: name "USD Coin", version "2"). */
  typedData: z.object({
    domain: z.object({
      name: z.string(),
      version: z.string(),
      chainId: z.number().int(),
      verifyingContract: ZAddress,
    }),
    types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
    primaryType: z.literal('ReceiveWithAuthorization'),
    message: ZReceiveAuthorization,
  }),
});
export type TGaslessClaimPrepareResponse = z.infer<typeof ZGaslessClaimPrepareResponse>;

export const ZGaslessClaimSubmitRequest = z.object({
  wallet: ZWalletInput,
  authorization: ZReceiveAuthorization,
  signature: z
    .string()
    .trim()
    .regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte 0x-prefixed hex signature'),
});
export type TGaslessClaimSubmitRequest = z.infer<typeof ZGaslessClaimSubmitRequest>;

/** 202 while the relayer works on it; 200 with the claim once recorded. Same nonce again: same answer. */
export const ZGaslessClaimSubmitResponse = z.object({
  intentId: z.string().uuid(),
  status: z.enum(['PENDING', 'PROCESSING', 'CONFIRMED', 'FAILED']),
  nonce: ZBytes32,
  reason: z.string().nullable(),
  txHash: z.string().nullable(),
  claim: ZClaimView.nullable(),
});
export type TGaslessClaimSubmitResponse = z.infer<typeof ZGaslessClaimSubmitResponse>;
