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
  queue: Pick<JobQueue, 'depth' | 'isPaused' | 'enqueue'>;
  queueNames: readonly string[];
  intentTimeoutMinutes: number;
  /**
   * MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD: manual revenue above it needs a second admin's approval
   * (check-manual-revenue.ts); the configuration's default when absent.
   */
  manualPaymentApprovalThresholdMicroUsd?: bigint;
  now: () => Date;
  /**
   * Re-check windows of an incremental run (RECONCILIATION_RECHECK_BLOCKS / _MINUTES; the limits' defaults
   * when absent): settlements this many blocks below the head are matched again, and database rows recorded
   * this long before a watermark are read again.
   */
  recheckBlocks?: number;
  recheckMinutes?: number;
  /** The stored run this check is part of; absent for the live checks computed on request. */
  run?: TRunScope;
};

/**
 * A stored run as its checks see it: INCREMENTAL reads what is new since each check's watermark (plus the
 * re-check windows) and moves the watermark; FULL reads everything and moves the watermark to the end.
 */
export type TRunScope = {
  id: string;
  mode: 'INCREMENTAL' | 'FULL';
  /** Records how far the running check got (`total` null when unknown); stored on the run for the page. */
  progress(checked: number, total: number | null): Promise<void>;
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

/**
 * Gives the event loop back every `sliceMs` of CPU work: a check's loops call `maybeYield()` between items,
 * so a run that shares its process with the HTTP server (Mock mode, role `all`) never holds it for longer.
 */
export function createTimeSlicer(sliceMs: number): { maybeYield(): Promise<void> } {
  let since = performance.now();
  return {
    async maybeYield() {
      if (performance.now() - since < sliceMs) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    },
  };
}
