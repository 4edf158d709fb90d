import { z } from 'zod';
import { ZTimestamp } from './pagination';
import { ZManualPaymentCurrency } from './payments';
import { ZProgram, ZProgramMoneySettingsView } from './programs';
import { ZAddress } from './status';

/**
 * Maker-checker (issue 17): a change that moves money takes effect only when a second admin approves it.
 *
 * - PROGRAM_SETTINGS: an admin's change of a program's money settings (PROGRAM_MONEY_SETTINGS), including
 *   those given when creating a program.
 * - MANUAL_PAYMENT: a manual payment above MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD.
 *
 * A change is PENDING until another admin (not its proposer: a different name and a different wallet)
 * APPLIES it, any admin REJECTS it, or it EXPIRES (CHANGE_REQUEST_TTL_SECONDS after it was proposed).
 */
export const CHANGE_KINDS = ['PROGRAM_SETTINGS', 'MANUAL_PAYMENT'] as const;
export const ZChangeKind = z.enum(CHANGE_KINDS);
export type TChangeKind = z.infer<typeof ZChangeKind>;

export const ZChangeStatus = z.enum(['PENDING', 'APPLIED', 'REJECTED', 'EXPIRED']);
export type TChangeStatus = z.infer<typeof ZChangeStatus>;

/** What a MANUAL_PAYMENT change records once approved (the POST /api/admin/payments body, resolved). */
export const ZManualPaymentChangePayload = z.object({
  wallet: ZAddress,
  amount: z.string(),
  currency: ZManualPaymentCurrency,
  reference: z.string(),
  note: z.string(),
});
export type TManualPaymentChangePayload = z.infer<typeof ZManualPaymentChangePayload>;

const changeFields = {
  id: z.uuid(),
  programId: z.uuid(),
  status: ZChangeStatus,
  /** The admin who proposed it, and their wallet when they have one. */
  proposedBy: z.string(),
  proposedByWallet: ZAddress.nullable(),
  proposedAt: ZTimestamp,
  /** After this a PENDING change can no longer be approved (it is EXPIRED). */
  expiresAt: ZTimestamp,
  /** The admin who applied or rejected it (null while PENDING, and when it EXPIRED). */
  decidedBy: z.string().nullable(),
  decidedAt: ZTimestamp.nullable(),
  /** The rejection's reason. */
  reason: z.string().nullable(),
  /** What applying it produced: the program, or the recorded payment (ids, settlement). */
  result: z.record(z.string(), z.unknown()).nullable(),
};

/** One pending (or decided) change. */
export const ZChange = z.discriminatedUnion('kind', [
  z.object({
    ...changeFields,
    kind: z.literal('PROGRAM_SETTINGS'),
    /** The money settings it sets. */
    payload: ZProgramMoneySettingsView,
    /** The same fields' values when it was proposed. */
    before: ZProgramMoneySettingsView,
  }),
  z.object({
    ...changeFields,
    kind: z.literal('MANUAL_PAYMENT'),
    payload: ZManualPaymentChangePayload,
    before: z.null(),
  }),
]);
export type TChange = z.infer<typeof ZChange>;

/** GET /api/admin/changes?status=&kind=&programId= (newest first). */
export const ZChangesQuery = z.object({
  status: ZChangeStatus.optional(),
  kind: ZChangeKind.optional(),
  programId: z.uuid().optional(),
});

/**
 * POST and PATCH /api/admin/programs[/:programId]: the program as it is now, and the pending change holding
 * the money settings the request asked for (null when it asked for none).
 */
export const ZProgramWithPendingChange = ZProgram.extend({ pendingChange: ZChange.nullable() });
export type TProgramWithPendingChange = z.infer<typeof ZProgramWithPendingChange>;
