import { RECONCILIATION_FINDINGS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import { DEFAULT_MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD } from '../../config/load-config';
import { FindingList, type TReconciliationCheck } from './check-context';

type TManualRevenueRow = {
  id: string;
  program_id: string;
  amount: bigint;
  currency: string;
  wallet: string | null;
  reference: string | null;
  entered_by: string | null;
  approval_change_id: string | null;
  approved: boolean;
  has_reference: boolean;
  total: number;
};

/**
 * Manual revenue (issue 17 §7): revenue an admin typed in is where fabrication is cheapest, so every manual
 * revenue settlement — a COMMERCE_PAYMENT settlement from manual entry, recognised by its details
 * (`source: manual`), its provider_ref (`manual:<reference>`) or its intent key (`manual-payment:…`) — is
 * checked for:
 * - MANUAL_REVENUE_UNAPPROVED (FAIL): above MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD, or claiming an
 *   approval, without an APPLIED MANUAL_PAYMENT change of the same program, amount, wallet and reference
 *   decided by someone other than its proposer (change_requests, 0008-custody-approvals);
 * - MANUAL_REVENUE_NO_REFERENCE (FAIL): no external reference (the bank transfer or invoice it stands for).
 * Rows written past the API (a direct INSERT, a restored backup) are what it exists to catch.
 */
export const checkManualRevenue: TReconciliationCheck = {
  name: 'manual_revenue',
  async run({ readDb: db, manualPaymentApprovalThresholdMicroUsd }) {
    const threshold =
      manualPaymentApprovalThresholdMicroUsd ?? DEFAULT_MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD;
    const findings = new FindingList();
    const rows = await sql<TManualRevenueRow>`
      WITH manual AS (
        SELECT s.id, s.program_id, s.amount, s.currency, s.wallet,
               nullif(btrim(s.details->>'reference'), '') AS reference,
               s.details->>'enteredBy' AS entered_by,
               s.details->'approval'->>'changeId' AS approval_change_id,
               s.created_at
          FROM settlements s
          LEFT JOIN intents i ON i.id = s.intent_id
         WHERE s.kind = 'COMMERCE_PAYMENT'
           AND (s.details->>'source' = 'manual'
                OR s.provider_ref LIKE 'manual:%'
                OR i.idempotency_key LIKE 'manual-payment:%')
      ), judged AS (
        SELECT m.*,
               EXISTS (
                 SELECT 1 FROM change_requests c
                  WHERE c.id::text = m.approval_change_id
                    AND c.kind = 'MANUAL_PAYMENT'
                    AND c.status = 'APPLIED'
                    AND c.program_id = m.program_id
                    AND c.decided_by IS NOT NULL
                    AND c.decided_by <> c.proposed_by
                    AND c.payload->>'amount' = m.amount::text
                    AND lower(c.payload->>'wallet') = lower(m.wallet)
                    AND c.payload->>'reference' = m.reference
               ) AS approved,
               m.reference IS NOT NULL AS has_reference
          FROM manual m
      )
      SELECT j.id, j.program_id, j.amount, j.currency, j.wallet, j.reference, j.entered_by,
             j.approval_change_id, j.approved, j.has_reference, count(*) OVER ()::int8 AS total
        FROM judged j
       WHERE NOT j.has_reference
          OR (NOT j.approved AND (j.amount > ${threshold.toString()}::numeric OR j.approval_change_id IS NOT NULL))
       ORDER BY j.created_at DESC, j.id
       LIMIT ${RECONCILIATION_FINDINGS_MAX}`.execute(db);
    const counted = await sql<{ n: number }>`
      SELECT count(*)::int8 AS n FROM settlements s LEFT JOIN intents i ON i.id = s.intent_id
       WHERE s.kind = 'COMMERCE_PAYMENT'
         AND (s.details->>'source' = 'manual' OR s.provider_ref LIKE 'manual:%'
              OR i.idempotency_key LIKE 'manual-payment:%')`.execute(db);
    for (const row of rows.rows) {
      const details = {
        settlementId: row.id,
        programId: row.program_id,
        amount: BigInt(row.amount),
        currency: row.currency,
        wallet: row.wallet,
        reference: row.reference,
        enteredBy: row.entered_by,
        approvalChangeId: row.approval_change_id,
        thresholdMicroUsd: threshold,
      };
      if (!row.has_reference) {
        findings.add({
          kind: 'MANUAL_REVENUE_NO_REFERENCE',
          severity: 'FAIL',
          subject: `settlement:${row.id}`,
          message: `manual revenue settlement ${row.id} of ${row.amount} ${row.currency} has no external reference`,
          details,
        });
      }
      if (!row.approved && (BigInt(row.amount) > threshold || row.approval_change_id !== null)) {
        findings.add({
          kind: 'MANUAL_REVENUE_UNAPPROVED',
          severity: 'FAIL',
          subject: `settlement:${row.id}`,
          message: row.approval_change_id
            ? `manual revenue settlement ${row.id} of ${row.amount} ${row.currency} names approval ${row.approval_change_id}, which is not an applied second-admin approval of this payment`
            : `manual revenue settlement ${row.id} of ${row.amount} ${row.currency} is above the approval threshold (${threshold}) and was never approved by a second admin`,
          details,
        });
      }
    }
    const total = rows.rows[0]?.total ?? 0;
    findings.count = Math.max(findings.count, total);
    return {
      summary:
        total === 0
          ? 'every manual revenue settlement has a reference and, above the threshold, a second admin’s approval'
          : `${total} manual revenue settlement(s) without a reference or a second admin’s approval`,
      figures: { manualSettlements: counted.rows[0]?.n ?? 0, reported: total, thresholdMicroUsd: threshold },
      findings,
    };
  },
};
