import { useState } from 'react';
import { claimApi } from '../../claim/claim-api';
import { describeClaimError } from '../../claim/claim-errors';
import { formatTokenAmount, STABLECOIN_DECIMALS } from '../../claim/format-amount';

/** Mock mode only: POST /api/dev/faucet mints test USDC and USDT to the wallet (and ETH for its gas). */
export function FaucetButton({ wallet, onFunded }: { wallet: string; onFunded: () => void }) {
  const [state, setState] = useState<
    | { status: 'idle' }
    | { status: 'sending' }
    | { status: 'done'; text: string }
    | { status: 'failed'; text: string }
  >({ status: 'idle' });
  const fund = () => {
    setState({ status: 'sending' });
    claimApi
      .faucet(wallet)
      .then((funded) => {
        setState({
          status: 'done',
          text: `Sent ${formatTokenAmount(funded.usdc, STABLECOIN_DECIMALS)} test USDC and ${formatTokenAmount(funded.usdt, STABLECOIN_DECIMALS)} test USDT.`,
        });
        onFunded();
      })
      .catch((error: unknown) => setState({ status: 'failed', text: describeClaimError(error).detail }));
  };
  return (
    <div className="form-note" data-testid="faucet">
      <p>
        <button type="button" className="button" onClick={fund} disabled={state.status === 'sending'}>
          {state.status === 'sending' ? 'Sending test tokens…' : 'Get test USDC and USDT'}
        </button>
      </p>
      <p role="status" data-testid="faucet-status">
        {state.status === 'done' || state.status === 'failed' ? state.text : ''}
      </p>
    </div>
  );
}
