import type { TGaslessClaimSubmitResponse, TReceiveAuthorization } from '@sge/shared';
import { sql } from 'kysely';
import type { Address, Hex } from 'viem';
import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';
import { SQLSTATE_UNIQUE_VIOLATION, sqlState } from '../in-transaction';
import type { TClaimEnvironment } from './claim-context';
import { toClaimView } from './claim-views';
import { claimIntentKey } from './record-claim';

/**
 * A gasless claim is the wallet's CLAIM intent (`claim:<program>:<wallet>`) whose payload holds the signed
 * authorization. Payload keys, written down once:
 * - `authorizationKey`: `<usdc>:<from>:<nonce>` lower-case, unique among CLAIM intents (0017-gasless-claims):
 *   the idempotency key of the submit;
 * - `authorization` (the EIP-3009 message, strings), `signature`, `fee` and `relayFee` (decimal strings);
 * - `relayReference`: `claim-gasless:<uuid>`, the relayer transaction (unique reference) carrying it, set when a
 *   worker takes it and kept until the transaction is final, so a worker that died is resumed, never doubled.
 */
export type TGaslessClaimPayload = {
  authorizationKey: string;
  authorization: TReceiveAuthorization;
  signature: Hex;
  fee: string;
  relayFee: string;
  relayReference?: string;
};

const AUTHORIZATION_KEY_INDEX = 'intents_claim_authorization_key';

/** The state of the gasless claim with `authorizationKey`, or null when none was submitted. */
export async function gaslessClaimState(
  env: Pick<TClaimEnvironment, 'db' | 'explorerUrl'>,
  authorizationKey: string,
): Promise<TGaslessClaimSubmitResponse | null> {
  const intent = await env.db
    .selectFrom('intents')
    .select(['id', 'status', 'status_reason', 'payload', 'result'])
    .where('type', '=', 'CLAIM')
    .where(sql<boolean>`payload->>'authorizationKey' = ${authorizationKey}`)
    .executeTakeFirst();
  if (!intent) return null;
  const payload = intent.payload as unknown as TGaslessClaimPayload;
  const settlement = await env.db
    .selectFrom('settlements')
    .selectAll()
    .where('intent_id', '=', intent.id)
    .executeTakeFirst();
  const result = (intent.result ?? {}) as { txHash?: string };
  return {
    intentId: intent.id,
    status: intent.status,
    nonce: payload.authorization.nonce,
    reason: intent.status_reason,
    txHash: settlement?.tx_hash ?? result.txHash ?? null,
    claim: settlement ? toClaimView(settlement, env.explorerUrl) : null,
  };
}

/**
 * Writes the gasless claim as the wallet's PENDING CLAIM intent. A wallet whose earlier claim intent FAILED (an
 * expired or refused authorization) gets it back PENDING with the new authorization; one with a claim recorded
 * is ALREADY_CLAIMED; one with another authorization still in flight is a CONFLICT naming that intent.
 */
export async function insertGaslessClaimIntent(
  env: Pick<TClaimEnvironment, 'db' | 'explorerUrl'>,
  program: TProgram,
  input: {
    wallet: Address;
    key: string;
    authorization: TReceiveAuthorization;
    signature: Hex;
    fee: bigint;
    relayFee: bigint;
  },
): Promise<TGaslessClaimSubmitResponse> {
  const payload: TGaslessClaimPayload = {
    authorizationKey: input.key,
    authorization: input.authorization,
    signature: input.signature,
    fee: input.fee.toString(),
    relayFee: input.relayFee.toString(),
  };
  const idempotencyKey = claimIntentKey(program.id, input.wallet);
  try {
    await env.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('intents')
        .values({
          program_id: program.id,
          type: 'CLAIM',
          idempotency_key: idempotencyKey,
          wallet: input.wallet,
          status: 'PENDING',
          status_reason: 'gasless claim waiting for the relayer',
          payload,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return;
      const existing = await tx
        .selectFrom('intents')
        .select(['id', 'status', 'payload'])
        .where('idempotency_key', '=', idempotencyKey)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const settled = await tx
        .selectFrom('settlements')
        .select('tx_hash')
        .where('intent_id', '=', existing.id)
        .executeTakeFirst();
      if (settled) {
        throw new AppError(
          'ALREADY_CLAIMED',
          `${input.wallet} has already claimed (transaction ${settled.tx_hash})`,
          {
            details: { intentId: existing.id, txHash: settled.tx_hash },
          },
        );
      }
      if ((existing.payload as Partial<TGaslessClaimPayload>).authorizationKey === input.key) return;
      if (existing.status !== 'FAILED') {
        throw new AppError(
          'CONFLICT',
          `a claim of ${input.wallet} is already ${existing.status.toLowerCase()}`,
          {
            details: { intentId: existing.id, status: existing.status },
          },
        );
      }
      await tx
        .updateTable('intents')
        .set({
          status: 'PENDING',
          status_reason: 'gasless claim waiting for the relayer (submitted again)',
          payload,
          attempts: 0,
          last_error: null,
          next_attempt_at: new Date(),
          locked_by: null,
          locked_until: null,
          updated_at: new Date(),
        })
        .where('id', '=', existing.id)
        .execute();
    });
  } catch (error) {
    if (sqlState(error) !== SQLSTATE_UNIQUE_VIOLATION) throw error;
    // The same authorization was submitted concurrently (or to another program sharing the contract).
    if (!String((error as Error).message).includes(AUTHORIZATION_KEY_INDEX)) throw error;
  }
  const state = await gaslessClaimState(env, input.key);
  if (!state) throw new AppError('CONFLICT', 'the gasless claim was taken by another request; submit again');
  return state;
}
