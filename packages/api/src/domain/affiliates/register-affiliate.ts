import { affiliateTermsMessage } from '@sge/shared';
import type { Selectable } from 'kysely';
import { getAddress, type Hex } from 'viem';
import type { AffiliatesTable } from '../../db/schema';
import { AppError } from '../app-error';
import { writeAudit } from '../audit/write-audit';
import {
  inTransaction,
  SQLSTATE_UNIQUE_VIOLATION,
  sqlState,
  type TDbExecutor,
  violatedConstraint,
} from '../in-transaction';
import { assertProgramAcceptsIntents } from '../programs/assert-program-accepts-intents';
import { getProgram } from '../programs/get-program';

export type TAffiliate = Selectable<AffiliatesTable>;

/** Checks that `signature` is `wallet`'s signature of `message` (EOA or smart-contract wallet). */
export type TVerifyMessage = (input: { address: Hex; message: string; signature: Hex }) => Promise<boolean>;

/** What a terms signature must be bound to: the platform's chain and the app's domains (APP_ORIGIN hosts). */
export type TTermsBinding = { chainId: number; domains: readonly string[] };

export type TRegisterAffiliateInput = {
  programId: string;
  wallet: string;
  code: string;
  parentCode?: string | null;
  signature: Hex;
};

/**
 * Registers a wallet as an affiliate of a program, ACTIVE at once: the wallet's signature of the terms
 * message (affiliateTermsMessage of shared) proves it owns the wallet and binds the program, code and
 * parent it agreed to, on this chain and for one of this deployment's domains (tried in turn: APP_ORIGIN
 * usually has one or two).
 *
 * Rules: the program is ACTIVE; the code is unique per program regardless of case; the parent (by code)
 * exists in the program and is ACTIVE; the new affiliate's depth (parent's + 1) is at most the program's
 * max depth, otherwise a 409 AFFILIATE_DEPTH_EXCEEDED: an affiliate is never silently attached elsewhere.
 * The database refuses a cycle or a parent in another program (trigger) and a second code or wallet
 * (unique indexes) whatever happens concurrently. Registering again with the same code and parent returns
 * the existing affiliate (`created: false`).
 *
 * @example
 * const { affiliate } = await registerAffiliate(db, verify, { chainId: 1, domains: ['app.example.com'] }, {
 *   programId, wallet, code: 'ALPHA', signature,
 * });
 */
export async function registerAffiliate(
  db: TDbExecutor,
  verifyMessage: TVerifyMessage,
  binding: TTermsBinding,
  input: TRegisterAffiliateInput,
): Promise<{ affiliate: TAffiliate; created: boolean }> {
  const wallet = getAddress(input.wallet);
  const parentCode = input.parentCode ?? null;
  let message: string | null = null;
  for (const domain of binding.domains) {
    const candidate = affiliateTermsMessage({
      programId: input.programId,
      wallet,
      code: input.code,
      parentCode,
      chainId: binding.chainId,
      domain,
    });
    const valid = await verifyMessage({
      address: wallet,
      message: candidate,
      signature: input.signature,
    }).catch(() => false);
    if (valid) {
      message = candidate;
      break;
    }
  }
  if (message === null) {
    throw new AppError(
      'SIGNATURE_INVALID',
      `signature is not this wallet’s signature of the affiliate terms for this program, code and parent on chain ${binding.chainId} and ${binding.domains.join(' or ')}`,
      { details: { field: 'signature' } },
    );
  }
  return await insertAffiliate(db, {
    programId: input.programId,
    wallet,
    code: input.code,
    parentCode,
    terms: { message, signature: input.signature },
  });
}

/**
 * The checks and the insert of registerAffiliate, for a signature already verified (or produced by the
 * platform itself, as Mock mode's demo affiliates are).
 */
export async function insertAffiliate(
  db: TDbExecutor,
  input: {
    programId: string;
    wallet: string;
    code: string;
    parentCode: string | null;
    terms: { message: string; signature: string };
    /** False for Mock mode's demo affiliates, seeded at startup whatever the program's status. */
    requireActiveProgram?: boolean;
  },
): Promise<{ affiliate: TAffiliate; created: boolean }> {
  const wallet = getAddress(input.wallet);
  try {
    return await inTransaction(db, async (tx) => {
      const program = await getProgram(tx, input.programId);
      const existing = await tx
        .selectFrom('affiliates')
        .selectAll()
        .where('program_id', '=', program.id)
        .where('wallet', '=', wallet)
        .executeTakeFirst();
      let parent: TAffiliate | null = null;
      if (input.parentCode !== null) {
        parent =
          (await tx
            .selectFrom('affiliates')
            .selectAll()
            .where('program_id', '=', program.id)
            .where((eb) => eb(eb.fn('lower', ['code']), '=', input.parentCode!.toLowerCase()))
            // The parent's status and depth must hold until this affiliate is committed.
            .forShare()
            .executeTakeFirst()) ?? null;
        if (!parent) {
          throw new AppError(
            'VALIDATION_FAILED',
            `parentCode: no affiliate has the code "${input.parentCode}"`,
            {
              details: { field: 'parentCode' },
            },
          );
        }
      }
      if (existing) {
        const same =
          existing.code.toLowerCase() === input.code.toLowerCase() &&
          existing.parent_id === (parent?.id ?? null);
        if (same) return { affiliate: existing, created: false };
        throw new AppError(
          'AFFILIATE_EXISTS',
          `wallet ${wallet} is already an affiliate of this program with the code "${existing.code}"`,
          { details: { field: 'wallet', affiliateId: existing.id } },
        );
      }
      if (input.requireActiveProgram !== false) assertProgramAcceptsIntents(program);
      if (parent) {
        if (parent.wallet === wallet) {
          throw new AppError('VALIDATION_FAILED', 'parentCode: an affiliate cannot be its own parent', {
            details: { field: 'parentCode' },
          });
        }
        if (parent.status !== 'ACTIVE') {
          throw new AppError(
            'INVALID_STATE',
            `parent affiliate "${parent.code}" is ${parent.status.toLowerCase()} and cannot take new affiliates`,
            { details: { field: 'parentCode' } },
          );
        }
        const depth = parent.depth + 1;
        if (depth > program.max_affiliate_depth) {
          throw new AppError(
            'AFFILIATE_DEPTH_EXCEEDED',
            `under "${parent.code}" (depth ${parent.depth}) the new affiliate would be at depth ${depth}, ` +
              `beyond this program's maximum of ${program.max_affiliate_depth}; choose a parent higher in the tree`,
            { details: { field: 'parentCode', depth, maxDepth: program.max_affiliate_depth } },
          );
        }
      }
      const taken = await tx
        .selectFrom('affiliates')
        .select('id')
        .where('program_id', '=', program.id)
        .where((eb) => eb(eb.fn('lower', ['code']), '=', input.code.toLowerCase()))
        .executeTakeFirst();
      if (taken) throw codeTaken(input.code);
      const now = new Date();
      const affiliate = await tx
        .insertInto('affiliates')
        .values({
          program_id: program.id,
          wallet,
          code: input.code,
          parent_id: parent?.id ?? null,
          status: 'ACTIVE',
          terms_message: input.terms.message,
          terms_signature: input.terms.signature,
          terms_signed_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await writeAudit(
        tx,
        { actor: `wallet:${wallet}`, requestId: null },
        {
          action: 'affiliate.register',
          programId: program.id,
          subjectType: 'affiliate',
          subjectId: affiliate.id,
          after: { wallet, code: affiliate.code, parentId: affiliate.parent_id, depth: affiliate.depth },
        },
      );
      return { affiliate, created: true };
    });
  } catch (error) {
    if (sqlState(error) === SQLSTATE_UNIQUE_VIOLATION) {
      // A concurrent registration won the race for the code or the wallet.
      if (violatedConstraint(error) === 'affiliates_program_code_key') throw codeTaken(input.code, error);
      throw new AppError('AFFILIATE_EXISTS', `wallet ${wallet} is already an affiliate of this program`, {
        details: { field: 'wallet' },
        cause: error,
      });
    }
    throw error;
  }
}

function codeTaken(code: string, cause?: unknown): AppError {
  return new AppError('AFFILIATE_CODE_TAKEN', `the referral code "${code}" is taken in this program`, {
    details: { field: 'code' },
    cause,
  });
}
