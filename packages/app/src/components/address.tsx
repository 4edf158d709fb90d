import { explorerAddressUrl } from '../lib/format';
import { CopyButton } from './copy-button';

/**
 * A full 0x address (operators compare and fund addresses, so it is never shortened), linked to the block
 * explorer when one is configured, with a copy button.
 */
export function Address({
  address,
  explorerUrl,
  name,
  testId,
}: {
  address: string;
  explorerUrl: string | null;
  /** What the address is, for the link and button labels ("relayer", "Claim contract"). */
  name: string;
  testId?: string;
}) {
  const href = explorerAddressUrl(explorerUrl, address);
  return (
    <span className="address">
      {href === null ? (
        <code className="address__value" data-testid={testId}>
          {address}
        </code>
      ) : (
        <a
          className="address__value"
          href={href}
          target="_blank"
          rel="noopener noreferrer"
          data-testid={testId}
        >
          <code>{address}</code>
          <span className="visually-hidden"> (view {name} on the block explorer, opens in a new tab)</span>
        </a>
      )}
      <CopyButton value={address} label={`Copy ${name} address`} />
    </span>
  );
}
