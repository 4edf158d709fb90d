import { randomBytes } from 'node:crypto';
import { GASLESS_AUTHORIZATION_TTL_SECONDS, type TGaslessClaimPrepareResponse } from '@sge/shared';
import type { Address, Hex } from 'viem';
import { receiveAuthorizationTypedData } from '../../chain/gasless-claim';
import type { TProgram } from '../../db/schema';
import type { TClaimEnvironment } from './claim-context';
import { checkClaimEligibility } from './get-claim-info';
import { assertCanPay } from './prepare-claim';

/**
 * POST /api/claim/gasless/prepare: the EIP-3009 ReceiveWithAuthorization `wallet` signs to claim without ETH.
 * It lets the program's claim contract take exactly fee + relay fee USDC from the wallet (`value`), from now
 * until GASLESS_AUTHORIZATION_TTL_SECONDS later, under a fresh random 32-byte nonce (EIP-3009 nonces are not
 * sequential). The fee and the relay fee are returned separately so the app shows both before signing.
 *
 * Refuses as prepareClaim does (ALREADY_CLAIMED, PAYMENT_REQUIRED, CLAIM_NOT_ELIGIBLE, WALLET_BLACKLISTED
 * naming USDC, INSUFFICIENT_BALANCE against fee + relay fee): nothing is signed that would revert.
 *
 * @example
 * const { typedData } = await prepareGaslessClaim(env, program, wallet);
 * const signature = await wallet.signTypedData(typedData);
 */
export async function prepareGaslessClaim(
  env: TClaimEnvironment,
  program: TProgram,
  wallet: Address,
  now: Date = new Date(),
): Promise<TGaslessClaimPrepareResponse> {
  const eligibility = await checkClaimEligibility(env, program, wallet);
  const { terms } = eligibility;
  const relayFee = program.claim_relay_fee_micro_usd;
  const total = terms.fee + relayFee;
  const { address: usdc, balance } = assertCanPay(
    eligibility,
    wallet,
    'USDC',
    total,
    'the fee plus relay fee of',
  );
  const message = {
    from: wallet,
    to: terms.address,
    value: total.toString(),
    validAfter: '0',
    validBefore: String(Math.floor(now.getTime() / 1000) + GASLESS_AUTHORIZATION_TTL_SECONDS),
    nonce: `0x${randomBytes(32).toString('hex')}` as Hex,
  };
  const typedData = receiveAuthorizationTypedData(env.chainId, usdc, message);
  return {
    wallet,
    programId: program.id,
    token: 'USDC',
    tokenAddress: usdc,
    claimContract: terms.address,
    fee: terms.fee.toString(),
    relayFee: relayFee.toString(),
    total: total.toString(),
    amountWei: terms.claimAmount.toString(),
    balance: balance.toString(),
    typedData: {
      ...typedData,
      types: {
        ReceiveWithAuthorization: typedData.types.ReceiveWithAuthorization.map((field) => ({ ...field })),
      },
    },
  };
}
