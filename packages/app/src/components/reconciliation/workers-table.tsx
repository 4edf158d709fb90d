import type { TReconciliationCheckResult } from '@sge/shared';
import { figureList } from './figures';

/** The worker_heartbeats check's workers: who, where, and how long since each last beat. */
export function WorkersTable({ check }: { check: TReconciliationCheckResult }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="workers">
        <thead>
          <tr>
            <th scope="col">Worker</th>
            <th scope="col">Role</th>
            <th scope="col">Host / pid</th>
            <th scope="col">Last heartbeat</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {figureList(check.figures.workers).map((worker) => (
            <tr key={String(worker.workerId)}>
              <td className="mono break">{String(worker.workerId)}</td>
              <td>{String(worker.role)}</td>
              <td>
                {String(worker.host)} / {String(worker.pid)}
              </td>
              <td>{String(worker.ageSeconds)} s ago</td>
              <td>{worker.alive ? 'alive' : 'stale'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
