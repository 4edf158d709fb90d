import type { TClaimInfo, TGaslessClaimPrepareResponse } from '@sge/shared';
import { useState } from 'react';
import type { Hex } from 'viem';
import { getAddress } from 'viem/utils';
import { claimApi } from '../../claim/claim-api';
import { describeClaimError } from '../../claim/claim-errors';
import { formatTokenAmount, SGE_DECIMALS, STABLECOIN_DECIMALS } from '../../claim/format-amount';
import type { TWallet } from '../../wallet/wallet-session';

/** How often the page asks whether the relayer has settled the claim. */
const GASLESS_POLL_MS = 1_000;
/** Stop asking after this long: the claim stays queued, the page's info shows it later. */
const GASLESS_WAIT_MS_MAX = 180_000;

/** USDC's EIP-3009 type (the API sends the same; written here so viem checks the message against it). */
const RECEIVE_WITH_AUTHORIZATION_TYPES = {
  ReceiveWithAuthorization: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' },
    { name: 'validBefore', type: 'uint256' },
    { name: 'nonce', type: 'bytes32' },
  ],
} as const;

type TGaslessFlow =
  | { status: 'idle' }
  | { status: 'preparing' | 'signing' | 'relaying' }
  | { status: 'done' }
  | { status: 'failed'; title: string; detail: string };

/**
 * The gasless USDC claim (issue 19): the wallet signs one EIP-3009 authorization — no ETH needed — for the fee
 * plus the relay fee, both shown before signing; the platform's relayer submits it and is repaid in USDC.
 * Offered when the token supports it (USDC) and the wallet may claim.
 */
export function GaslessClaim({
  info,
  wallet,
  onSettled,
}: {
  info: TClaimInfo;
  wallet: TWallet | null;
  onSettled: () => void;
}) {
  const [flow, setFlow] = useState<TGaslessFlow>({ status: 'idle' });
  // Stays mounted once started: the refreshed info says ALREADY_CLAIMED, and the outcome must stay visible.
  if (!info.tokens.USDC.gasless || (!info.eligible && flow.status === 'idle')) return null;
  const total = BigInt(info.fee) + BigInt(info.relayFee);
  const busy = flow.status === 'preparing' || flow.status === 'signing' || flow.status === 'relaying';

  const run = async (connected: TWallet) => {
    try {
      setFlow({ status: 'preparing' });
      const plan: TGaslessClaimPrepareResponse = await claimApi.gaslessPrepare(connected.address);
      setFlow({ status: 'signing' });
      const { domain, message } = plan.typedData;
      const signature: Hex = await connected.signTypedData({
        domain: { ...domain, verifyingContract: getAddress(domain.verifyingContract) },
        types: RECEIVE_WITH_AUTHORIZATION_TYPES,
        primaryType: 'ReceiveWithAuthorization',
        message: {
          from: getAddress(message.from),
          to: getAddress(message.to),
          value: BigInt(message.value),
          validAfter: BigInt(message.validAfter),
          validBefore: BigInt(message.validBefore),
          nonce: message.nonce as Hex,
        },
      });
      setFlow({ status: 'relaying' });
      const body = { wallet: connected.address, authorization: message, signature };
      const deadline = Date.now() + GASLESS_WAIT_MS_MAX;
      for (;;) {
        const state = await claimApi.gaslessSubmit(body);
        if (state.status === 'CONFIRMED') break;
        if (state.status === 'FAILED') {
          setFlow({ status: 'failed', title: 'The relayer could not claim', detail: state.reason ?? '' });
          return;
        }
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, GASLESS_POLL_MS));
      }
      setFlow({ status: 'done' });
      onSettled();
    } catch (error) {
      const problem = describeClaimError(error);
      setFlow({ status: 'failed', title: problem.title, detail: problem.detail });
    }
  };

  return (
    <div className="gasless-claim" data-testid="gasless-claim">
      <p className="form-note">
        No ETH? Sign once and the platform sends the claim for you: you pay{' '}
        {formatTokenAmount(info.fee, STABLECOIN_DECIMALS)} USDC fee +{' '}
        {formatTokenAmount(info.relayFee, STABLECOIN_DECIMALS)} USDC relay fee ={' '}
        <strong data-testid="gasless-total">
          {formatTokenAmount(total.toString(), STABLECOIN_DECIMALS)} USDC
        </strong>
        .
      </p>
      <p className="register-card__submit">
        <button
          type="button"
          className="button"
          disabled={wallet === null || busy || flow.status === 'done'}
          onClick={() => wallet && void run(wallet)}
        >
          {busy
            ? 'Claiming without gas…'
            : `Claim ${formatTokenAmount(info.amountWei, SGE_DECIMALS)} SGE without gas`}
        </button>
      </p>
      <p role="status" aria-live="polite" data-testid="gasless-progress">
        {flow.status === 'preparing' && 'Preparing the authorization…'}
        {flow.status === 'signing' && 'Sign the USDC authorization in your wallet.'}
        {flow.status === 'relaying' && 'The relayer is sending your claim…'}
        {flow.status === 'done' && 'Claimed without gas: the SGE is in your wallet.'}
      </p>
      {flow.status === 'failed' && (
        <div className="notice notice--critical" role="alert" data-testid="gasless-problem">
          <p className="notice__title">{flow.title}</p>
          <p className="notice__detail">{flow.detail}</p>
        </div>
      )}
    </div>
  );
}
