import {
  RECONCILIATION_MESSAGE_LENGTH_MAX,
  type TReconciliationCheckName,
  type TReconciliationFinding,
  type TReconciliationStatus,
} from '@sge/shared';
import type { Address, PublicClient } from 'viem';
import type { TDb } from '../../db/client';
import type { TReadDb } from '../../db/read-db';
import type { JobQueue } from '../../queue';
import { toAuditJson } from '../audit/write-audit';
import { FINDING_DETAILS_JSON_MAX, RECONCILIATION_FINDINGS_MAX } from './reconciliation-limits';

/** What a check reads: the database, the chain, the queue, and the settings that define "stuck" and "late". */
export type TReconciliationContext = {
  db: TDb;
  /**
   * Reads of history (ledger, commissions, payouts, the affiliate tree, manual revenue): the read replica when
   * DATABASE_READ_URL is set, else the primary. Checks of the present state (stuck intents, queue, heartbeats)
   * and anything that writes use `db`.
   */
  readDb: TReadDb;
  /** Reads of the chain (receipts, blocks). */
  publicClient: Pick<
    PublicClient,
    | 'getTransactionReceipt'
    | 'getBlock'
    | 'getBlockNumber'
    | 'getTransaction'
    | 'verifyTypedData'
    | 'getChainId'
    | 'getContractEvents'
  >;
  /** The platform's contracts (a program's own addresses, when set, take precedence). */
  contracts: {
    sgeId: Address | null;
    sgeClaim: Address | null;
    payout: Address | null;
    usdc: Address | null;
    usdt: Address | null;
  };
  /** The platform treasury (TREASURY_ADDRESS), for programs without their own. */
  treasuryAddress: Address | null;
  queue: Pick<JobQueue, 'depth' | 'isPaused'>;
  queueNames: readonly string[];
  intentTimeoutMinutes: number;
  /**
   * MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD: manual revenue above it needs a second admin's approval
   * (check-manual-revenue.ts); the configuration's default when absent.
   */
  manualPaymentApprovalThresholdMicroUsd?: bigint;
  now: () => Date;
};

/** What a check returns; the runner adds its name, duration and (from the findings) its status. */
export type TCheckOutcome = {
  summary: string;
  figures: Record<string, unknown>;
  findings: FindingList;
  /** Overrides the status derived from the findings (e.g. WARN for an informational figure). */
  status?: TReconciliationStatus;
};

export type TReconciliationCheck = {
  name: TReconciliationCheckName;
  run(context: TReconciliationContext): Promise<TCheckOutcome>;
};

type TFindingInput = Omit<TReconciliationFinding, 'details' | 'action' | 'subject'> & {
  subject?: string | null;
  details?: Record<string, unknown>;
  action?: TReconciliationFinding['action'];
};

/**
 * The findings of one check: all are counted, the first RECONCILIATION_FINDINGS_MAX are kept (messages and
 * details cut to their limits, bigint amounts as decimal strings), so a run's stored size is bounded.
 */
export class FindingList {
  readonly items: TReconciliationFinding[] = [];
  count = 0;
  #worst: 'OK' | 'WARN' | 'FAIL' = 'OK';

  add(finding: TFindingInput): void {
    this.count++;
    if (finding.severity === 'FAIL') this.#worst = 'FAIL';
    else if (this.#worst === 'OK') this.#worst = 'WARN';
    if (this.items.length >= RECONCILIATION_FINDINGS_MAX) return;
    let details = (toAuditJson(finding.details ?? {}) as Record<string, unknown>) ?? {};
    const json = JSON.stringify(details);
    if (json.length > FINDING_DETAILS_JSON_MAX) {
      details = { note: `details omitted: ${json.length} characters of JSON` };
    }
    this.items.push({
      kind: finding.kind,
      severity: finding.severity,
      message: finding.message.slice(0, RECONCILIATION_MESSAGE_LENGTH_MAX),
      subject: finding.subject ?? null,
      details,
      action: finding.action ?? null,
    });
  }

  /** OK when empty, else the worst severity found. */
  status(): 'OK' | 'WARN' | 'FAIL' {
    return this.#worst;
  }
}

/** Runs `work` over `items` with at most `concurrency` promises in flight, results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}
