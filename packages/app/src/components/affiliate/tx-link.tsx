import { safeHttpUrl } from '../../lib/format';

/** A transaction hash: a link to the explorer when the chain has one, plain code otherwise (local chain). */
export function TxLink({ hash, url }: { hash: string | null; url: string | null }) {
  if (hash === null) return <span className="muted">not sent yet</span>;
  const safe = url === null ? null : safeHttpUrl(url);
  if (safe === null) {
    return (
      <code className="mono break" data-testid="tx-hash">
        {hash}
      </code>
    );
  }
  return (
    <a href={safe} target="_blank" rel="noreferrer" className="mono break" data-testid="tx-hash">
      {hash}
    </a>
  );
}
