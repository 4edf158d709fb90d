import type { TIntentView, TWalletStatus } from '@sge/shared';
import type { Address } from 'viem';
import type { TDb } from '../../db/client';
import type { TProgram } from '../../db/schema';
import { hasPaid } from '../payments/has-paid';
import { registerIntentKey } from './write-registrations';

/** Explorer links, or null on chains without an explorer (local chains). */
export function explorerLinks(explorerUrl: string | null) {
  return {
    tx: (hash: string | null) => (explorerUrl && hash ? `${explorerUrl}/tx/${hash}` : null),
    token: (contract: string | null, tokenId: bigint | null) =>
      explorerUrl && contract && tokenId !== null ? `${explorerUrl}/nft/${contract}/${tokenId}` : null,
  };
}

/** Everything about one wallet in one program: registration, payment gate, claim (SPEC §6 GET /api/status). */
export async function getWalletStatus(
  db: TDb,
  program: TProgram,
  wallet: Address,
  options: { explorerUrl: string | null; sgeIdAddress: string | null },
): Promise<TWalletStatus> {
  const key = registerIntentKey(program.id, wallet);
  const [intent, user] = await Promise.all([
    db
      .selectFrom('intents as i')
      .leftJoin('settlements as s', 's.intent_id', 'i.id')
      .select(['i.id', 'i.status', 'i.last_error', 'i.payload', 's.tx_hash'])
      .where('i.idempotency_key', '=', key)
      .executeTakeFirst(),
    db
      .selectFrom('users as u')
      .leftJoin('affiliates as a', 'a.id', 'u.referred_by_affiliate_id')
      .select(['u.token_id', 'u.claim_status', 'u.claimed_at', 'a.code as referred_by'])
      .where('u.program_id', '=', program.id)
      .where('u.wallet', '=', wallet)
      .executeTakeFirst(),
  ]);
  // Before the mint, the referrer is the one decided at acceptance (kept in the intent).
  let referredBy = user?.referred_by ?? null;
  const pendingAffiliateId = (intent?.payload as { affiliateId?: string | null } | undefined)?.affiliateId;
  if (!user && pendingAffiliateId) {
    const affiliate = await db
      .selectFrom('affiliates')
      .select('code')
      .where('id', '=', pendingAffiliateId)
      .executeTakeFirst();
    referredBy = affiliate?.code ?? null;
  }
  const links = explorerLinks(options.explorerUrl);
  const confirmed = intent?.status === 'CONFIRMED';
  const tokenId = confirmed ? (user?.token_id ?? null) : null;
  const txHash = confirmed ? (intent.tx_hash ?? null) : null;
  return {
    wallet,
    programId: program.id,
    registration: {
      status: intent?.status ?? 'NOT_REGISTERED',
      intentId: intent?.id ?? null,
      tokenId: tokenId === null ? null : tokenId.toString(),
      txHash,
      explorerTxUrl: links.tx(txHash),
      explorerTokenUrl: links.token(program.sge_id_address ?? options.sgeIdAddress, tokenId),
      referredBy,
      reason: intent?.status === 'FAILED' ? intent.last_error : null,
    },
    payment: {
      required: program.payment_required,
      // Whether the wallet has paid, whatever the program requires (issue 19): a paid wallet of a program
      // without the gate (or one that dropped it) is still a paying customer.
      paid: await hasPaid(db, program.id, wallet),
      provider: program.payment_provider,
    },
    claim: {
      status: user?.claim_status ?? 'UNCLAIMED',
      claimedAt: user?.claimed_at ? new Date(user.claimed_at).toISOString() : null,
    },
  };
}

/** One intent as the public sees it (its id is an unguessable UUID handed to the requester). */
export async function getIntentView(
  db: TDb,
  intentId: string,
  explorerUrl: string | null,
): Promise<TIntentView | null> {
  const row = await db
    .selectFrom('intents as i')
    .leftJoin('settlements as s', 's.intent_id', 'i.id')
    .leftJoin('users as u', (join) =>
      join.onRef('u.program_id', '=', 'i.program_id').onRef('u.wallet', '=', 'i.wallet'),
    )
    .select([
      'i.id',
      'i.type',
      'i.program_id',
      'i.wallet',
      'i.status',
      'i.attempts',
      'i.last_error',
      'i.created_at',
      'i.updated_at',
      'i.confirmed_at',
      's.tx_hash',
      'u.token_id',
    ])
    .where('i.id', '=', intentId)
    .executeTakeFirst();
  if (!row) return null;
  const confirmed = row.status === 'CONFIRMED';
  return {
    id: row.id,
    type: row.type,
    programId: row.program_id,
    wallet: row.wallet,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    confirmedAt: row.confirmed_at ? new Date(row.confirmed_at).toISOString() : null,
    txHash: confirmed ? row.tx_hash : null,
    tokenId: confirmed && row.type === 'REGISTER' && row.token_id !== null ? row.token_id.toString() : null,
    explorerTxUrl: confirmed ? explorerLinks(explorerUrl).tx(row.tx_hash) : null,
  };
}
