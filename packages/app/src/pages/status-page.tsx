import { useState } from 'react';
import { useSystemStatus } from '../api/use-system-status';
import { ApiErrorAlert } from '../components/api-error-alert';
import { ActivitySection } from '../components/status/activity-section';
import { ChainSection } from '../components/status/chain-section';
import { ContractsSection } from '../components/status/contracts-section';
import { DatabaseSection } from '../components/status/database-section';
import { LedgerSection } from '../components/status/ledger-section';
import { ModeBanner } from '../components/status/mode-banner';
import { QueueSection } from '../components/status/queue-section';
import { RefreshBar } from '../components/status/refresh-bar';
import { RelayerSection } from '../components/status/relayer-section';
import { useNow } from '../lib/use-now';
import { RELATIVE_TIME_TICK_MS, STATUS_REFRESH_INTERVAL_MS } from '../limits';

/**
 * /status (SPEC §7): the platform's mode, chain, relayer, contracts and queue, refreshed every 5 s.
 * A failed refresh keeps the last good data on screen under an alert that says how old it is.
 *
 * Each card is a section component in `components/status/`; a new section (ledger, charts) is one more
 * component in the grid, fetching its own data if it needs an endpoint other than /api/system/status.
 */
export function StatusPage() {
  const query = useSystemStatus();
  const nowMs = useNow(RELATIVE_TIME_TICK_MS);
  const { data, error, isError, dataUpdatedAt, refetch } = query;
  // Only a refresh the operator asked for shows "Refreshing…"; the background poll every 5 s stays quiet.
  const [refreshingManually, setRefreshingManually] = useState(false);
  const refreshNow = () => {
    setRefreshingManually(true);
    void refetch().finally(() => setRefreshingManually(false));
  };
  const retryNote = `Retrying every ${STATUS_REFRESH_INTERVAL_MS / 1000} s.`;

  return (
    <>
      <title>Status · SGE</title>
      <div className="page-header">
        <h1>Status</h1>
        <RefreshBar
          lastRefreshedAtMs={dataUpdatedAt}
          nowMs={nowMs}
          stale={isError && data !== undefined}
          refreshing={refreshingManually}
          onRefresh={refreshNow}
        />
      </div>

      {isError && (
        <ApiErrorAlert
          error={error}
          lastGoodAtMs={data === undefined ? null : dataUpdatedAt}
          retryNote={retryNote}
        />
      )}

      {data === undefined ? (
        !isError && (
          <p className="muted" role="status">
            Loading status…
          </p>
        )
      ) : (
        <>
          <ModeBanner mode={data.mode} />
          <div className="status-grid">
            <ChainSection status={data} />
            <RelayerSection status={data} />
            <QueueSection status={data} />
            <DatabaseSection status={data} />
            <LedgerSection status={data} />
            <ContractsSection status={data} />
            <ActivitySection />
          </div>
        </>
      )}
    </>
  );
}
