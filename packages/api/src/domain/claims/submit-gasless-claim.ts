import {
  GASLESS_AUTHORIZATION_MARGIN_SECONDS,
  type TGaslessClaimSubmitRequest,
  type TGaslessClaimSubmitResponse,
} from '@sge/shared';
import { type Address, getAddress, type Hex, recoverTypedDataAddress } from 'viem';
import { describeRevert } from '../../chain/decode-revert';
import {
  authorizationMessage,
  encodeGaslessClaims,
  readAuthorizationUsed,
  receiveAuthorizationTypedData,
} from '../../chain/gasless-claim';
import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';
import { chainRead, type TClaimEnvironment } from './claim-context';
import { gaslessClaimState, insertGaslessClaimIntent } from './gasless-claim-intents';
import { checkClaimEligibility } from './get-claim-info';
import { assertCanPay, walletBlacklisted } from './prepare-claim';

/** What submitting needs beyond the claim environment: who will send (for the simulation) and a wake-up. */
export type TGaslessSubmitDeps = TClaimEnvironment & {
  relayerAddress: Address;
  /** Tells the relay workers there is work (best effort: the sweeper finds PENDING intents anyway). */
  wake: () => Promise<void>;
};

function invalid(field: string, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('CLAIM_AUTHORIZATION_INVALID', `${field}: ${message}`, {
    details: { field, ...details },
  });
}

/**
 * POST /api/claim/gasless/submit: accepts a signed EIP-3009 authorization for the relayer, exactly once per
 * authorization (the key `<usdc>:<from>:<nonce>` is unique; a repeat returns the same intent, whatever its state).
 * Before anything is written it checks, so that the relayer never pays gas for a claim that reverts:
 * - the message is the program's: `from` is the wallet, `to` the claim contract, `value` the fee plus the
 *   program's relay fee, valid now and for GASLESS_AUTHORIZATION_MARGIN_SECONDS more (CLAIM_AUTHORIZATION_INVALID
 *   naming the field; prepare again after a fee change);
 * - the signature is the wallet's (an EOA's recovery; a contract wallet is left to the token's EIP-1271 check,
 *   which the simulation runs);
 * - the wallet may claim and pay (prepare's refusals, WALLET_BLACKLISTED naming USDC), and the nonce is unused;
 * - the claim, simulated from the relayer's address, does not revert (CLAIM_WOULD_REVERT with the decoded
 *   reason in details.revert).
 *
 * @example
 * const { intentId, status } = await submitGaslessClaim(deps, program, body);
 */
export async function submitGaslessClaim(
  deps: TGaslessSubmitDeps,
  program: TProgram,
  request: TGaslessClaimSubmitRequest,
  now: Date = new Date(),
): Promise<TGaslessClaimSubmitResponse> {
  const wallet = getAddress(request.wallet);
  const authorization = request.authorization;
  const signature = request.signature as Hex;
  const eligibility = await checkClaimEligibility(deps, program, wallet);
  const { terms } = eligibility;
  const usdc = terms.usdc;
  const key = `${usdc}:${authorization.from}:${authorization.nonce}`.toLowerCase();

  const existing = await gaslessClaimState(deps, key);
  if (existing) return existing;

  const message = authorizationMessage(authorization);
  if (message.from !== wallet) invalidFrom(wallet, message.from);
  if (message.to !== terms.address) {
    throw invalid('body.authorization.to', `must be the program's claim contract ${terms.address}`);
  }
  const relayFee = program.claim_relay_fee_micro_usd;
  if (message.value !== terms.fee + relayFee) {
    throw invalid(
      'body.authorization.value',
      `must be the fee ${terms.fee} plus the relay fee ${relayFee} (= ${terms.fee + relayFee}); prepare again`,
      { fee: terms.fee.toString(), relayFee: relayFee.toString() },
    );
  }
  const nowSeconds = BigInt(Math.floor(now.getTime() / 1000));
  if (message.validAfter >= nowSeconds) {
    throw invalid('body.authorization.validAfter', 'the authorization is not valid yet');
  }
  if (message.validBefore < nowSeconds + BigInt(GASLESS_AUTHORIZATION_MARGIN_SECONDS)) {
    throw invalid(
      'body.authorization.validBefore',
      'the authorization expires too soon to be relayed; prepare again',
    );
  }
  const typedData = receiveAuthorizationTypedData(deps.chainId, usdc, authorization);
  const signer = await recoverTypedDataAddress({ ...typedData, message, signature }).catch(() => null);
  if (signer !== wallet) {
    const code = await chainRead('the wallet code', () => deps.client.getCode({ address: wallet }));
    if (!code || code === '0x') throw invalid('body.signature', `not signed by ${wallet}`);
  }
  assertCanPay(eligibility, wallet, 'USDC', message.value, 'the fee plus relay fee of');
  const used = await chainRead('the authorization state', () =>
    readAuthorizationUsed(deps.client, usdc, wallet, message.nonce),
  );
  if (used) throw invalid('body.authorization.nonce', 'this authorization was already used or cancelled');

  const data = encodeGaslessClaims([{ authorization, signature }]);
  try {
    await deps.client.call({ account: deps.relayerAddress, to: terms.address, data });
  } catch (error) {
    const revert = describeRevert(error);
    if (!revert) return await chainRead('the claim simulation', () => Promise.reject(error));
    if (revert.code === 'WALLET_BLACKLISTED') throw walletBlacklisted(wallet, 'USDC', usdc);
    throw new AppError('CLAIM_WOULD_REVERT', `the claim would revert: ${revert.message}`, {
      details: { revert },
    });
  }

  const state = await insertGaslessClaimIntent(deps, program, {
    wallet,
    key,
    authorization,
    signature,
    fee: terms.fee,
    relayFee,
  });
  await deps.wake().catch(() => {});
  return state;
}

function invalidFrom(wallet: Address, from: Address): never {
  throw invalid('body.authorization.from', `is ${from}, not the wallet ${wallet}`);
}
