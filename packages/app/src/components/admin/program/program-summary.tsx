import type { TProgram, TProgramStats } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { adminClient } from '../../../api/money-clients';
import { ADMIN_SCREENS } from '../../../pages/admin/admin-operations';
import { formatMoney } from '../../affiliate/money';
import '../admin.css';
import { describeMoneySetting, MONEY_SETTING_LABELS } from './program-settings-model';

const SHOWN = [
  'feeMicroUsd',
  'claimRelayFeeMicroUsd',
  'commissionLevelsBps',
  'holdPeriodSeconds',
  'minPayoutMicroUsd',
  'paymentProvider',
] as const;

/** A program's status, its current money settings in words, its numbers, and its changes waiting for approval. */
export function ProgramSummary({ program }: { program: TProgram }) {
  const stats = useQuery({
    queryKey: ['admin', 'program-stats', program.id],
    queryFn: ({ signal }) => adminClient.programStats(program.id, { signal }),
  });
  const pending = useQuery({
    queryKey: ['admin', 'changes', { programId: program.id, status: 'PENDING' }],
    queryFn: ({ signal }) => adminClient.changes({ programId: program.id, status: 'PENDING' }, { signal }),
  });
  return (
    <div className="card" data-testid="program-summary">
      <dl className="admin-summary">
        <div className="admin-summary__row">
          <dt>Status</dt>
          <dd>{program.status}</dd>
        </div>
        {SHOWN.map((field) => (
          <div key={field} className="admin-summary__row">
            <dt>{MONEY_SETTING_LABELS[field]}</dt>
            <dd data-testid={`current-${field}`}>{describeMoneySetting(field, program[field])}</dd>
          </div>
        ))}
      </dl>
      {stats.data && <p data-testid="program-stats">{statsLine(stats.data)}</p>}
      {pending.data && pending.data.items.length > 0 && (
        <p className="notice" data-testid="program-pending-changes">
          {pending.data.items.length} change(s) wait for a second admin:{' '}
          <Link to={ADMIN_SCREENS.changes.path}>{ADMIN_SCREENS.changes.label}</Link>.
        </p>
      )}
    </div>
  );
}

/** "3 users, 2 registrations, 1 claims, 2 affiliates; revenue 10.00 USD; commissions payable 2" */
function statsLine(stats: TProgramStats): string {
  const revenue = stats.revenue.map((row) => formatMoney(row.amount, row.currency)).join(', ') || 'none';
  const commissions =
    stats.commissions.map((row) => `${row.status.toLowerCase()} ${row.count}`).join(', ') || 'none';
  return `${stats.users} users, ${stats.registrations} registrations, ${stats.claims} claims, ${stats.affiliates} affiliates; revenue ${revenue}; commissions ${commissions}.`;
}
