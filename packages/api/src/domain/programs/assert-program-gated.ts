import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';

/**
 * A free program (claim fee 0) that is ACTIVE hands out its vault to anyone who registers, so it must have a
 * gate (issue 18): a payment, an allowlist or a proof-of-work challenge. Checked on the row a change would
 * leave (creation, activation, or a change of fee or gates); a free program without a gate may exist PAUSED.
 */
export function assertProgramGated(program: TProgram): void {
  if (program.status !== 'ACTIVE' || program.fee_micro_usd !== 0n) return;
  if (program.payment_required || program.allowlist_required || program.challenge_required) return;
  throw new AppError(
    'PROGRAM_GATE_REQUIRED',
    `program "${program.slug}" has a claim fee of 0 and no gate; set paymentRequired, allowlistRequired or challengeRequired before it is ACTIVE`,
    { details: { field: 'status', programId: program.id } },
  );
}
