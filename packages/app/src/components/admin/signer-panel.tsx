import { WalletPanel } from '../wallet-panel';
import type { TApprovalSigner } from './use-approval-signer';

/**
 * Who will sign this admin's payout approvals: the demo admin's dev wallet (Mock mode), the connected wallet,
 * or why nothing can sign, with the wallet card to connect or switch when a wallet is what is missing.
 */
export function SignerPanel({ signer }: { signer: TApprovalSigner }) {
  if (signer.kind === 'loading') return null;
  const name = signer.admin === null ? 'You' : signer.admin.name;
  if (signer.kind === 'dev') {
    return (
      <p className="notice" data-testid="approval-signer" data-signer="dev">
        {name} signs payout approvals with the demo dev wallet <code className="mono">{signer.address}</code>{' '}
        (Mock mode: a published local key, signed in the page without a prompt).
      </p>
    );
  }
  if (signer.kind === 'wallet') {
    return (
      <p className="notice" data-testid="approval-signer" data-signer="wallet">
        {name} signs payout approvals with the connected wallet <code className="mono">{signer.address}</code>
        ; it shows each approval before you sign.
      </p>
    );
  }
  return (
    <>
      <p className="notice notice--warning" role="alert" data-testid="approval-signer" data-signer="none">
        {signer.reason}
      </p>
      {signer.needsWallet && <WalletPanel />}
    </>
  );
}
