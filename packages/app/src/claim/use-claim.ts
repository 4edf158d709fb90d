import type { TClaimRecordResponse, TClaimToken, TClaimTransaction } from '@sge/shared';
import { useCallback, useRef, useState } from 'react';
import type { Hash, Hex } from 'viem';
import { getAddress } from 'viem/utils';
import { apiErrorCode } from '../api/api-error';
import type { TWallet } from '../wallet/wallet-session';
import { claimApi } from './claim-api';
import { describeClaimError, type TClaimProblem, TransactionRevertedError } from './claim-errors';

/** POST /api/claim/record answers CLAIM_TX_PENDING until the claim is final; asked again this often… */
export const RECORD_RETRY_INTERVAL_MS = 1_500;
/** …at most this many times (then the page offers "Record again"; the chain watcher records it anyway). */
export const RECORD_ATTEMPTS_MAX = 20;

export type TClaimStepStatus = 'upcoming' | 'signing' | 'mining' | 'done' | 'failed';

export type TClaimStep = {
  step: TClaimTransaction['step'];
  description: string;
  status: TClaimStepStatus;
  txHash: Hash | null;
};

/** Where a claim is. A tagged union: each state carries exactly what the page shows in it. */
export type TClaimFlow =
  | { status: 'idle' }
  | { status: 'preparing'; token: TClaimToken }
  | { status: 'sending'; token: TClaimToken; steps: TClaimStep[] }
  | { status: 'recording'; token: TClaimToken; steps: TClaimStep[]; claimTxHash: Hash }
  | { status: 'claimed'; token: TClaimToken; steps: TClaimStep[]; result: TClaimRecordResponse }
  | {
      status: 'failed';
      token: TClaimToken;
      steps: TClaimStep[];
      problem: TClaimProblem;
      /** Set when the claim transaction succeeded but recording it failed: recording can be retried alone. */
      claimTxHash: Hash | null;
    };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The claim flow of the /claim page: POST /api/claim/prepare, then each transaction (reset, approve, claim)
 * sent by the connected wallet, each only after the previous one's receipt, then POST /api/claim/record
 * (retried while the API says the claim is not final yet). `onSettled` runs when the flow ends either way,
 * e.g. to re-read eligibility and balances.
 */
export function useClaim(onSettled: () => void) {
  const [flow, setFlow] = useState<TClaimFlow>({ status: 'idle' });
  const running = useRef(false);

  const record = useCallback(
    async (wallet: TWallet, token: TClaimToken, steps: TClaimStep[], claimTxHash: Hash) => {
      setFlow({ status: 'recording', token, steps, claimTxHash });
      for (let attempt = 1; ; attempt += 1) {
        try {
          const result = await claimApi.record(wallet.address, claimTxHash);
          setFlow({ status: 'claimed', token, steps, result });
          return;
        } catch (error) {
          if (apiErrorCode(error) !== 'CLAIM_TX_PENDING' || attempt >= RECORD_ATTEMPTS_MAX) {
            setFlow({ status: 'failed', token, steps, problem: describeClaimError(error), claimTxHash });
            return;
          }
          await sleep(RECORD_RETRY_INTERVAL_MS);
        }
      }
    },
    [],
  );

  const start = useCallback(
    async (wallet: TWallet, token: TClaimToken) => {
      if (running.current) return;
      running.current = true;
      let steps: TClaimStep[] = [];
      const update = (index: number, change: Partial<TClaimStep>) => {
        steps = steps.map((step, i) => (i === index ? { ...step, ...change } : step));
        setFlow({ status: 'sending', token, steps });
      };
      try {
        setFlow({ status: 'preparing', token });
        const prepared = await claimApi.prepare(wallet.address, token);
        steps = prepared.transactions.map((transaction) => ({
          step: transaction.step,
          description: transaction.description,
          status: 'upcoming',
          txHash: null,
        }));
        let claimTxHash: Hash | null = null;
        for (const [index, transaction] of prepared.transactions.entries()) {
          update(index, { status: 'signing' });
          let hash: Hash;
          try {
            hash = await wallet.sendTransaction({
              to: getAddress(transaction.to),
              data: transaction.data as Hex,
              value: BigInt(transaction.value),
            });
          } catch (error) {
            update(index, { status: 'failed' });
            throw error;
          }
          update(index, { status: 'mining', txHash: hash });
          const receipt = await wallet.waitForReceipt(hash);
          if (receipt.status !== 'success') {
            update(index, { status: 'failed' });
            throw new TransactionRevertedError(transaction.step, hash);
          }
          update(index, { status: 'done' });
          if (transaction.step === 'claim') claimTxHash = hash;
        }
        if (claimTxHash === null) throw new Error('the prepared transactions hold no claim');
        await record(wallet, token, steps, claimTxHash);
      } catch (error) {
        setFlow({ status: 'failed', token, steps, problem: describeClaimError(error), claimTxHash: null });
      } finally {
        running.current = false;
        onSettled();
      }
    },
    [onSettled, record],
  );

  const retryRecord = useCallback(
    async (wallet: TWallet) => {
      if (flow.status !== 'failed' || flow.claimTxHash === null || running.current) return;
      running.current = true;
      try {
        await record(wallet, flow.token, flow.steps, flow.claimTxHash);
      } finally {
        running.current = false;
        onSettled();
      }
    },
    [flow, onSettled, record],
  );

  const reset = useCallback(() => setFlow({ status: 'idle' }), []);

  return { flow, start, retryRecord, reset };
}
