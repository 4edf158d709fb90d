import type { TProgram } from '@sge/shared';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { generatePath, Link } from 'react-router';
import { adminClient } from '../../api/money-clients';
import { ActionResult, latestResult, useAdminAction } from '../../components/admin/action-result';
import { formatBpsPercent, formatDuration } from '../../components/admin/units';
import { formatMicroUsd } from '../../components/affiliate/money';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';
import { ADMIN_SCREENS } from './admin-operations';

/** /admin: programs (list, create, pause / resume; each links to its settings). */
export function ProgramsPage() {
  const programs = useQuery({
    queryKey: ['admin', 'programs'],
    queryFn: ({ signal }) => adminClient.programs({ signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const toggle = useAdminAction(async (program: TProgram) => {
    const paused = program.status === 'ACTIVE';
    await adminClient.setProgramPaused(program.id, paused);
    return `Program ${program.slug} ${paused ? 'paused' : 'resumed'}.`;
  });

  return (
    <section aria-labelledby="programs-heading">
      <h2 id="programs-heading">{ADMIN_SCREENS.programs.label}</h2>
      <ActionResult result={latestResult([toggle])} />
      {programs.error && <ApiErrorAlert error={programs.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="programs">
          <thead>
            <tr>
              <th scope="col">Program</th>
              <th scope="col">Status</th>
              <th scope="col">Commission levels</th>
              <th scope="col">Hold</th>
              <th scope="col">Min payout</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {programs.data?.items.map((program) => (
              <tr key={program.id} data-testid="program-row" data-slug={program.slug}>
                <td>
                  <Link to={generatePath(ADMIN_SCREENS.program.path, { programId: program.id })}>
                    {program.name}
                  </Link>{' '}
                  <span className="muted">({program.slug})</span>
                </td>
                <td data-testid="program-status">{program.status}</td>
                <td data-testid="program-levels">
                  {program.commissionLevelsBps.map((bps) => `${formatBpsPercent(bps)}%`).join(' / ') ||
                    'none'}
                </td>
                <td data-testid="program-hold">{formatDuration(program.holdPeriodSeconds)}</td>
                <td className="amount">{formatMicroUsd(program.minPayoutMicroUsd)} USD</td>
                <td>
                  {program.status !== 'ARCHIVED' && (
                    <button
                      type="button"
                      className="button button--small"
                      disabled={toggle.isPending}
                      onClick={() => toggle.mutate(program)}
                    >
                      {program.status === 'ACTIVE' ? `Pause ${program.slug}` : `Resume ${program.slug}`}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CreateProgramForm />
    </section>
  );
}

/** New program: slug and name; its settings are edited on its own page afterwards. */
function CreateProgramForm() {
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const create = useAdminAction(async (body: { slug: string; name: string }) => {
    const program = await adminClient.createProgram(body);
    setSlug('');
    setName('');
    return `Program ${program.slug} created.`;
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ slug: slug.trim(), name: name.trim() });
  };
  return (
    <form className="card" noValidate onSubmit={submit} aria-labelledby="create-program-heading">
      <h3 id="create-program-heading" className="card__title">
        New program
      </h3>
      <ActionResult result={latestResult([create])} />
      <div className="admin-filters">
        <div className="field">
          <label htmlFor="program-slug" className="field__label">
            Slug
          </label>
          <input
            id="program-slug"
            className="field__input"
            value={slug}
            onChange={(e) => setSlug(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="program-name" className="field__label">
            Name
          </label>
          <input
            id="program-name"
            className="field__input"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create program'}
        </button>
      </div>
    </form>
  );
}
