import type { TSystemStatus } from '@sge/shared';
import { contractLabel } from '../../lib/format';
import { Address } from '../address';
import { Fact, Facts, StatusSection } from './status-section';

/** The contract addresses the platform is configured with, linked to the block explorer when there is one. */
export function ContractsSection({ status }: { status: TSystemStatus }) {
  const entries = Object.entries(status.contracts);
  return (
    <StatusSection id="contracts" title="Contracts" wide>
      {entries.length === 0 ? (
        <p className="muted">No contracts are configured.</p>
      ) : (
        <Facts>
          {entries.map(([key, address]) => {
            const label = contractLabel(key);
            return (
              <Fact key={key} label={label}>
                {address === null ? (
                  <span className="muted" data-testid={`contract-${key}`}>
                    Not configured
                  </span>
                ) : (
                  <Address
                    address={address}
                    explorerUrl={status.explorerUrl}
                    name={`${label} contract`}
                    testId={`contract-${key}`}
                  />
                )}
              </Fact>
            );
          })}
        </Facts>
      )}
      {status.explorerUrl === null && entries.length > 0 && (
        <p className="facts__note">No block explorer is configured for this chain (EXPLORER_URL).</p>
      )}
    </StatusSection>
  );
}
