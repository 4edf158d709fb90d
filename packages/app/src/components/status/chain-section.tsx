import type { TSystemStatus } from '@sge/shared';
import { chainName, formatLatencyMs } from '../../lib/format';
import { Fact, Facts, StatusSection, Unknown } from './status-section';

/** Chain id, latest block and the health of the RPC endpoint the API is using. */
export function ChainSection({ status }: { status: TSystemStatus }) {
  const { chainId, blockNumber, rpc } = status;
  const name = chainId === null ? null : chainName(chainId);
  return (
    <StatusSection id="chain" title="Chain">
      <Facts>
        <Fact label="Chain ID">
          {chainId === null ? (
            <Unknown reason="no answer from the RPC" />
          ) : (
            <>
              <span className="mono" data-testid="chain-id">
                {chainId}
              </span>
              {name !== null && <span className="facts__note"> {name}</span>}
            </>
          )}
        </Fact>
        <Fact label="Latest block">
          {blockNumber === null ? (
            <Unknown reason="no answer from the RPC" />
          ) : (
            <span className="mono" data-testid="block-number">
              {blockNumber}
            </span>
          )}
        </Fact>
        <Fact label="RPC">
          <span
            className={rpc.healthy ? 'badge badge--ok' : 'badge badge--bad'}
            data-testid="rpc-status"
            data-healthy={rpc.healthy}
          >
            {rpc.healthy ? 'Healthy' : 'Unhealthy'}
          </span>
          {rpc.latencyMs !== null && (
            <>
              {' '}
              <span className="mono" data-testid="rpc-latency">
                {formatLatencyMs(rpc.latencyMs)}
              </span>
            </>
          )}
        </Fact>
        <Fact label="Endpoint">
          {rpc.endpoint === null ? (
            <Unknown reason="no endpoint answered" />
          ) : rpc.endpoint === 'primary' ? (
            <span data-testid="rpc-endpoint">
              Primary <span className="facts__note">(RPC_URL)</span>
            </span>
          ) : (
            <span data-testid="rpc-endpoint">
              <span className="badge badge--warn">Backup</span>{' '}
              <span className="facts__note">(RPC_BACKUP_URL: the primary endpoint is failing)</span>
            </span>
          )}
        </Fact>
      </Facts>
    </StatusSection>
  );
}
