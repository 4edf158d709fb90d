import type { TBatchApproval } from '../../api/payout-approval';

/**
 * Who signed a batch's approval, in the order the payout contract receives them (its creator first): the admin
 * and the address that signed, and how many signatures it still needs.
 */
export function BatchSignatures({ approval }: { approval: TBatchApproval | null | undefined }) {
  if (approval === undefined) return <span className="muted">…</span>;
  if (approval === null) return <span className="muted">unsigned (created before signed approvals)</span>;
  const missing = approval.required - approval.signatures.length;
  return (
    <div data-testid="batch-signatures" data-count={approval.signatures.length}>
      <ul className="plain-list">
        {approval.signatures.map((signature) => (
          <li key={signature.signer} data-testid="batch-signature" data-admin={signature.admin}>
            {signature.admin} <code className="mono">{signature.signer}</code>
          </li>
        ))}
      </ul>
      {missing > 0 && (
        <span className="muted">
          {approval.signatures.length} of {approval.required} signatures
        </span>
      )}
    </div>
  );
}
