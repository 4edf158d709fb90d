import type { TSystemStatus } from '@sge/shared';
import { Address } from '../address';
import { Fact, Facts, StatusSection, Unknown } from './status-section';

/**
 * The relayer hot wallet that pays gas for mints and payouts: address, exact ETH balance, and a warning
 * when the balance is under the configured thresholds (RELAYER_BALANCE_WARNING_ETH / _CRITICAL_ETH).
 */
export function RelayerSection({ status }: { status: TSystemStatus }) {
  const { relayer, explorerUrl } = status;
  return (
    <StatusSection id="relayer" title="Relayer">
      {relayer.low && (
        <div
          className={relayer.critical ? 'notice notice--critical' : 'notice notice--warning'}
          role="alert"
          data-testid="relayer-balance-warning"
          data-severity={relayer.critical ? 'critical' : 'warning'}
        >
          <p className="notice__title">
            {relayer.critical ? 'Relayer balance critically low' : 'Relayer balance low'}
          </p>
          <p>
            {relayer.critical
              ? `Below ${relayer.criticalEth} ETH. Fund the relayer now: mints and payouts stop when it cannot pay gas.`
              : `Below ${relayer.warningEth} ETH. Fund the relayer soon.`}
          </p>
        </div>
      )}
      <Facts>
        <Fact label="Address">
          {relayer.address === null ? (
            <Unknown reason="no relayer configured" />
          ) : (
            <Address
              address={relayer.address}
              explorerUrl={explorerUrl}
              name="relayer"
              testId="relayer-address"
            />
          )}
        </Fact>
        <Fact label="Balance">
          {relayer.balanceEth === null ? (
            <Unknown reason="no answer from the RPC" />
          ) : (
            <span
              className={
                relayer.critical
                  ? 'amount amount--critical'
                  : relayer.low
                    ? 'amount amount--warning'
                    : 'amount'
              }
              data-testid="relayer-balance"
            >
              {relayer.balanceEth} ETH
            </span>
          )}
        </Fact>
        <Fact label="Thresholds">
          <span className="facts__note">
            warning below <span className="mono">{relayer.warningEth} ETH</span>, critical below{' '}
            <span className="mono">{relayer.criticalEth} ETH</span>
          </span>
        </Fact>
      </Facts>
    </StatusSection>
  );
}
