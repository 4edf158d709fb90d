import type { TClaimIneligibleReason, TClaimInfo } from '@sge/shared';
import { sql } from 'kysely';
import type { Address } from 'viem';
import { readClaimState, type TClaimContractTerms, type TClaimState } from '../../chain/claim-contract';
import type { TProgram } from '../../db/schema';
import { hasPaid } from '../payments/has-paid';
import { chainRead, programClaimTerms, sgeIdContractOf, type TClaimEnvironment } from './claim-context';
import { listClaimHistory } from './claim-views';
import { claimIntentKey } from './record-claim';

export type TClaimEligibility = {
  terms: TClaimContractTerms;
  state: TClaimState;
  reason: TClaimIneligibleReason | null;
  message: string | null;
};

/**
 * Whether `wallet` can claim in `program` now, read from the chain (the claim contract and the SGE-ID
 * contract are the truth) and the database (a recorded claim, the payment gate). The first reason that
 * applies wins, in the order of ZClaimIneligibleReason.
 */
export async function checkClaimEligibility(
  env: TClaimEnvironment,
  program: TProgram,
  wallet: Address,
): Promise<TClaimEligibility> {
  const terms = await programClaimTerms(program, env);
  const [state, recorded, paid] = await Promise.all([
    chainRead('the claim state', () =>
      readClaimState(env.client, terms, wallet, { sgeIdAddress: sgeIdContractOf(program, env) }),
    ),
    env.db
      .selectFrom('settlements')
      .select('tx_hash')
      .where('program_id', '=', program.id)
      .where('wallet', '=', wallet)
      .where('kind', '=', 'CLAIM')
      .executeTakeFirst(),
    program.payment_required ? hasPaid(env.db, program.id, wallet) : Promise.resolve(true),
  ]);
  const result = (reason: TClaimIneligibleReason | null, message: string | null) => ({
    terms,
    state,
    reason,
    message,
  });
  if (state.hasClaimed || recorded) {
    return result(
      'ALREADY_CLAIMED',
      recorded
        ? `${wallet} has already claimed (transaction ${recorded.tx_hash})`
        : `${wallet} has already claimed on the claim contract`,
    );
  }
  if (state.holdsSgeId === false) {
    return result('NO_SGE_ID', `${wallet} holds no SGE-ID: register first`);
  }
  if (!paid) {
    return result('PAYMENT_REQUIRED', `program "${program.slug}" requires a payment before claiming`);
  }
  if (program.status !== 'ACTIVE' || state.paused) {
    return result(
      'CLAIMS_PAUSED',
      program.status !== 'ACTIVE'
        ? `program "${program.slug}" is ${program.status.toLowerCase()}`
        : 'claims are paused on the claim contract',
    );
  }
  if (state.tokens.USDC.blacklisted === true && state.tokens.USDT.blacklisted === true) {
    return result(
      'WALLET_BLACKLISTED',
      `${wallet} is blacklisted by both USDC (${terms.usdc}) and USDT (${terms.usdt}): any fee payment would revert`,
    );
  }
  if (state.vaultBalance < terms.claimAmount) {
    return result(
      'VAULT_SHORT',
      `the claim contract holds ${state.vaultBalance} SGE wei, less than one claim (${terms.claimAmount})`,
    );
  }
  return result(null, null);
}

/** GET /api/claim/info: eligibility with its reason, the terms, and the wallet's balances and allowances. */
export async function getClaimInfo(
  env: TClaimEnvironment,
  program: TProgram,
  wallet: Address,
): Promise<TClaimInfo> {
  const [{ terms, state, reason, message }, history, gasless] = await Promise.all([
    checkClaimEligibility(env, program, wallet),
    listClaimHistory(env.db, program.id, wallet, env.explorerUrl),
    env.db
      .selectFrom('intents')
      .select(['id', 'status', 'status_reason'])
      .where('idempotency_key', '=', claimIntentKey(program.id, wallet))
      .where(sql<boolean>`payload ? 'authorizationKey'`)
      .executeTakeFirst(),
  ]);
  const token = (symbol: 'USDC' | 'USDT') => ({
    symbol,
    address: state.tokens[symbol].address,
    balance: state.tokens[symbol].balance.toString(),
    allowance: state.tokens[symbol].allowance.toString(),
    blacklisted: state.tokens[symbol].blacklisted,
    gasless: symbol === 'USDC',
  });
  return {
    wallet,
    programId: program.id,
    eligible: reason === null,
    reason,
    message,
    chainId: env.chainId,
    claimContract: terms.address,
    treasury: state.treasury,
    fee: terms.fee.toString(),
    amountWei: terms.claimAmount.toString(),
    sgeToken: terms.sge,
    vaultBalanceWei: state.vaultBalance.toString(),
    tokens: { USDC: token('USDC'), USDT: token('USDT') },
    claim: history[0] ?? null,
    relayFee: program.claim_relay_fee_micro_usd.toString(),
    gaslessClaim: gasless
      ? { intentId: gasless.id, status: gasless.status, reason: gasless.status_reason }
      : null,
  };
}
