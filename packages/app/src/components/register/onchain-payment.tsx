import { type TOnchainPayment, ZOnchainPayment } from '@sge/shared';
import { useMutation } from '@tanstack/react-query';
import type { Address, Hex } from 'viem';
import { api } from '../../api/api';
import { describeApiError } from '../../api/api-error';
import { formatTokenAmount } from '../../claim/format-amount';
import { useWallet } from '../../wallet/wallet-context';
import { toWalletError } from '../../wallet/wallet-error';

/** Sending, mining and recording a transfer waits on the chain: longer than an ordinary API call. */
const RECORD_TIMEOUT_MS = 60_000;
/** USDC and USDT have 6 decimals on every network the platform runs on. */
const STABLECOIN_DECIMALS = 6;

/**
 * The program takes its fee directly on-chain (issue 19): the API hands the exact `transfer(treasury, amount)`,
 * the connected wallet sends it, and the page reports the mined transaction (the chain watcher records it too,
 * whichever comes first). Once recorded, `onPaid` lets the page register the wallet.
 */
export function OnchainPayment({
  wallet,
  referral,
  onPaid,
}: {
  wallet: string;
  referral?: string;
  onPaid?: () => void;
}) {
  const { state: walletState } = useWallet();
  const signer = walletState.status === 'connected' ? walletState.wallet : null;
  const canPay = signer !== null && signer.address.toLowerCase() === wallet.toLowerCase();

  const pay = useMutation({
    mutationFn: async (): Promise<TOnchainPayment> => {
      if (signer === null) throw new Error('connect the wallet that pays');
      const request = await api.send('POST', '/api/payments/onchain', ZOnchainPayment, {
        body: { wallet, token: 'USDC', ...(referral === undefined ? {} : { ref: referral }) },
      });
      let hash: Hex;
      try {
        hash = await signer.sendTransaction({
          to: request.transaction.to as Address,
          data: request.transaction.data as Hex,
        });
        const receipt = await signer.waitForReceipt(hash);
        if (receipt.status !== 'success') throw new Error('the payment transaction reverted');
      } catch (error) {
        throw toWalletError(error);
      }
      return await api.send('POST', `/api/payments/onchain/${request.id}/record`, ZOnchainPayment, {
        body: { txHash: hash },
        timeoutMs: RECORD_TIMEOUT_MS,
      });
    },
    onSuccess: () => onPaid?.(),
  });

  const amount = pay.data ? formatTokenAmount(pay.data.amount, STABLECOIN_DECIMALS) : null;
  return (
    <div data-slot="onchain-payment" data-wallet={wallet}>
      <p>
        <button
          type="button"
          className="button button--primary"
          onClick={() => pay.mutate()}
          disabled={!canPay || pay.isPending || pay.isSuccess}
          data-testid="onchain-pay-button"
        >
          {pay.isPending ? 'Paying…' : 'Pay in USDC from this wallet'}
        </button>
      </p>
      <p className="notice__detail">
        {canPay
          ? 'Your wallet sends the fee in USDC straight to the program’s treasury; no third party is involved.'
          : 'Connect this wallet to pay from it.'}
      </p>
      {pay.isSuccess && (
        <p className="notice__detail" data-testid="onchain-paid">
          Paid {amount} USDC. Registering…
        </p>
      )}
      {pay.isError && (
        <p className="notice__detail" data-testid="onchain-pay-error">
          Could not pay: {describeApiError(pay.error).detail}
        </p>
      )}
    </div>
  );
}
