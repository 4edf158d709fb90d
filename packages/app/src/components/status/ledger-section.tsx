import type { TSystemStatus } from '@sge/shared';
import { Fact, Facts, StatusSection, Unknown } from './status-section';

/** Whether every program's ledger sums to zero per currency (a yes/no from the API; never an amount). */
export function LedgerSection({ status }: { status: TSystemStatus }) {
  const balanced = status.ledger.balanced;
  return (
    <StatusSection id="ledger" title="Ledger">
      <Facts>
        <Fact label="Ledger balanced">
          {balanced === null ? (
            <Unknown reason="the database did not answer" />
          ) : (
            <span data-testid="ledger-balanced" className={balanced ? '' : 'amount--warning'}>
              {balanced ? 'Yes' : 'No: a currency does not sum to zero'}
            </span>
          )}
        </Fact>
      </Facts>
    </StatusSection>
  );
}
