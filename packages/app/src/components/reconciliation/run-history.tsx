import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { StatusBadge } from './check-card';
import { RECONCILIATION_REFRESH_INTERVAL_MS, reconciliationClient } from './reconciliation-client';
import { RunResults } from './run-results';

/** The last runs, newest first; choosing one shows its results. */
export function RunHistory() {
  const [selected, setSelected] = useState<string | null>(null);
  const runs = useQuery({
    queryKey: ['admin', 'reconciliation', 'runs'],
    queryFn: ({ signal }) => reconciliationClient.runs({ signal }),
    refetchInterval: RECONCILIATION_REFRESH_INTERVAL_MS,
  });
  const run = useQuery({
    queryKey: ['admin', 'reconciliation', 'run', selected],
    queryFn: ({ signal }) => reconciliationClient.run(selected!, { signal }),
    enabled: selected !== null,
  });
  return (
    <>
      <h3>History</h3>
      <div className="table-scroll">
        <table className="data-table" data-testid="runs">
          <thead>
            <tr>
              <th scope="col">Started (UTC)</th>
              <th scope="col">Trigger</th>
              <th scope="col">By</th>
              <th scope="col">Status</th>
              <th scope="col">Findings</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.items.map((item) => (
              <tr key={item.id}>
                <td>
                  <button type="button" className="button button--small" onClick={() => setSelected(item.id)}>
                    {item.startedAt.slice(0, 19).replace('T', ' ')}
                  </button>
                </td>
                <td>{item.trigger}</td>
                <td>{item.requestedBy}</td>
                <td>
                  <StatusBadge status={item.status} />
                </td>
                <td>{item.findingCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {selected !== null && run.data && (
        <section aria-label="Run results" data-testid="run-detail">
          <h4>
            Run {run.data.id} ({run.data.mode.toLowerCase()}) <StatusBadge status={run.data.status} />
          </h4>
          <RunResults run={run.data} />
        </section>
      )}
    </>
  );
}
