import type { TClaimToken, TOnchainPayment } from '@sge/shared';
import { getAddress } from 'viem';
import { readTreasuryAt } from '../../chain/claim-contract';
import { AppError } from '../app-error';
import { chainRead, programClaimTerms, type TClaimEnvironment } from '../claims/claim-context';
import { assertProgramAcceptsIntents } from '../programs/assert-program-accepts-intents';
import { getProgram } from '../programs/get-program';
import { hasPaid } from './has-paid';
import { onchainPaymentView } from './onchain-payment-view';

/**
 * POST /api/payments/onchain (issue 19): asks `wallet` to pay the program's fee directly to its treasury in
 * USDC or USDT — no third party. The amount is the fee in the token's smallest unit (6 decimals, at par with
 * micro-USD), the token the program's claim contract takes (the chain's canonical one), the treasury the
 * program's (else the claim contract's); the request counts transfers from the next block on and stays
 * payable for ONCHAIN_PAYMENT_TTL_SECONDS.
 *
 * @throws AppError PAYMENT_PROVIDER_MISMATCH (the program takes another provider), PROGRAM_PAUSED, CONFLICT
 *   (paid already), INVALID_STATE (no fee), DEPENDENCY_UNAVAILABLE (the chain did not answer).
 * @example
 * const request = await createOnchainPayment(env, { programId, wallet, token: 'USDC', ttlMs: 3_600_000 });
 * await wallet.sendTransaction(request.transaction);
 */
export async function createOnchainPayment(
  env: TClaimEnvironment,
  input: { programId: string; wallet: string; token: TClaimToken; ttlMs: number },
): Promise<TOnchainPayment> {
  const program = await getProgram(env.db, input.programId);
  assertProgramAcceptsIntents(program);
  if (program.payment_provider !== 'onchain') {
    throw new AppError(
      'PAYMENT_PROVIDER_MISMATCH',
      `program "${program.slug}" is paid through ${program.payment_provider}, not on-chain: POST /api/commerce/charge`,
      { details: { programId: program.id, paymentProvider: program.payment_provider } },
    );
  }
  const wallet = getAddress(input.wallet);
  if (await hasPaid(env.db, program.id, wallet)) {
    throw new AppError('CONFLICT', `wallet ${wallet} has already paid in program "${program.slug}"`, {
      details: { field: 'body.wallet', programId: program.id },
    });
  }
  if (program.fee_micro_usd <= 0n) {
    throw new AppError('INVALID_STATE', `program "${program.slug}" has no fee to pay`, {
      details: { programId: program.id },
    });
  }
  const terms = await programClaimTerms(program, env);
  const head = await chainRead('the block number', () => env.client.getBlockNumber({ cacheTime: 0 }));
  const treasury = program.treasury_address
    ? getAddress(program.treasury_address)
    : await chainRead('the treasury', () => readTreasuryAt(env.client, terms.address, head));
  const row = await env.db
    .insertInto('onchain_payment_requests')
    .values({
      program_id: program.id,
      wallet,
      chain_id: env.chainId,
      token: input.token,
      token_address: input.token === 'USDC' ? terms.usdc : terms.usdt,
      treasury,
      amount: program.fee_micro_usd,
      from_block: Number(head) + 1,
      referrer_affiliate_id: null,
      expires_at: new Date(Date.now() + input.ttlMs),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return await onchainPaymentView(env.db, row);
}
