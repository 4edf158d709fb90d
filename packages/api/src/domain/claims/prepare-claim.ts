import type { TClaimPrepareResponse, TClaimToken, TClaimTransaction } from '@sge/shared';
import type { Address } from 'viem';
import { encodeApprove, encodeClaim } from '../../chain/claim-contract';
import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';
import type { TClaimEnvironment } from './claim-context';
import { checkClaimEligibility, type TClaimEligibility } from './get-claim-info';

/** AppError WALLET_BLACKLISTED naming the token (403): the token's issuer refuses this wallet's payments. */
export function walletBlacklisted(wallet: Address, token: TClaimToken, tokenAddress: Address): AppError {
  return new AppError(
    'WALLET_BLACKLISTED',
    `${wallet} is blacklisted by ${token} (${tokenAddress}): the token refuses its payments, so a claim in ${token} would revert`,
    { details: { field: 'body.token', token, tokenAddress, wallet } },
  );
}

/**
 * Refuses a claim paid with `token` that would revert (the ineligibility reasons below, a blacklist holding the
 * wallet, a balance short of `needed`); returns the wallet's position in the token.
 */
export function assertCanPay(
  { state, reason, message }: TClaimEligibility,
  wallet: Address,
  token: TClaimToken,
  needed: bigint,
  neededLabel = 'the fee of',
) {
  if (reason === 'ALREADY_CLAIMED') throw new AppError('ALREADY_CLAIMED', message!, { details: { reason } });
  if (reason === 'PAYMENT_REQUIRED')
    throw new AppError('PAYMENT_REQUIRED', message!, { details: { reason } });
  // WALLET_BLACKLISTED (by both tokens) is answered below, naming the token asked for.
  if (reason !== null && reason !== 'WALLET_BLACKLISTED') {
    throw new AppError('CLAIM_NOT_ELIGIBLE', message!, { details: { reason } });
  }
  const position = state.tokens[token];
  if (position.blacklisted) throw walletBlacklisted(wallet, token, position.address);
  if (position.balance < needed) {
    throw new AppError(
      'INSUFFICIENT_BALANCE',
      `${wallet} holds ${position.balance} ${token} units, less than ${neededLabel} ${needed}`,
      {
        details: {
          field: 'body.token',
          token,
          balance: position.balance.toString(),
          needed: needed.toString(),
        },
      },
    );
  }
  return position;
}

/**
 * The transactions `wallet` must sign, in order, to claim with `token` (SPEC §5):
 * 1. `approve(claim, 0)` when the current allowance is non-zero but short of the fee: USDT refuses to change
 *    a non-zero allowance to another non-zero value (harmless for USDC, so both get the same steps);
 * 2. `approve(claim, fee)` when the allowance is short of the fee;
 * 3. `claimWithUSDC()` / `claimWithUSDT()`.
 *
 * Refuses what would revert: ALREADY_CLAIMED (409), PAYMENT_REQUIRED (402), CLAIM_NOT_ELIGIBLE (409, with
 * details.reason: NO_SGE_ID, CLAIMS_PAUSED, VAULT_SHORT), WALLET_BLACKLISTED (403, naming the token whose
 * blacklist holds the wallet: its approve or payment would revert), INSUFFICIENT_BALANCE (409, naming the
 * token).
 *
 * @example
 * const { transactions } = await prepareClaim(env, program, wallet, 'USDT');
 */
export async function prepareClaim(
  env: TClaimEnvironment,
  program: TProgram,
  wallet: Address,
  token: TClaimToken,
): Promise<TClaimPrepareResponse> {
  const eligibility = await checkClaimEligibility(env, program, wallet);
  const { terms } = eligibility;
  const { address: tokenAddress, balance, allowance } = assertCanPay(eligibility, wallet, token, terms.fee);
  const base = { value: '0', chainId: env.chainId };
  const transactions: TClaimTransaction[] = [];
  if (allowance > 0n && allowance < terms.fee) {
    transactions.push({
      ...base,
      step: 'reset',
      to: tokenAddress,
      data: encodeApprove(terms.address, 0n),
      description: `Reset the ${token} allowance of the claim contract from ${allowance} to 0 (required before a new allowance)`,
    });
  }
  if (allowance < terms.fee) {
    transactions.push({
      ...base,
      step: 'approve',
      to: tokenAddress,
      data: encodeApprove(terms.address, terms.fee),
      description: `Allow the claim contract to take the fee of ${terms.fee} ${token} units`,
    });
  }
  transactions.push({
    ...base,
    step: 'claim',
    to: terms.address,
    data: encodeClaim(token),
    description: `Claim ${terms.claimAmount} SGE wei, paying the fee in ${token}`,
  });
  return {
    wallet,
    programId: program.id,
    token,
    tokenAddress,
    claimContract: terms.address,
    fee: terms.fee.toString(),
    amountWei: terms.claimAmount.toString(),
    allowance: allowance.toString(),
    balance: balance.toString(),
    transactions,
  };
}
