import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { adminClient } from '../../api/money-clients';
import { ActionResult, runAction, type TActionResult } from '../../components/admin/action-result';
import { formatMicroUsd } from '../../components/affiliate/money';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_REFRESH_INTERVAL_MS } from '../../limits';

/** /admin: programs (list, create, pause / resume). */
export function ProgramsPage() {
  const queryClient = useQueryClient();
  const programs = useQuery({
    queryKey: ['admin', 'programs'],
    queryFn: ({ signal }) => adminClient.programs({ signal }),
    refetchInterval: ADMIN_REFRESH_INTERVAL_MS,
  });
  const [result, setResult] = useState<TActionResult>(null);
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['admin', 'programs'] });

  const create = (event: FormEvent) => {
    event.preventDefault();
    void runAction(setResult, async () => {
      const program = await adminClient.createProgram({ slug: slug.trim(), name: name.trim() });
      setSlug('');
      setName('');
      await refresh();
      return `Program ${program.slug} created.`;
    });
  };

  return (
    <section aria-labelledby="programs-heading">
      <h2 id="programs-heading">Programs</h2>
      <ActionResult result={result} />
      {programs.error && <ApiErrorAlert error={programs.error} lastGoodAtMs={null} retryNote="" />}
      <div className="table-scroll">
        <table className="data-table" data-testid="programs">
          <thead>
            <tr>
              <th scope="col">Program</th>
              <th scope="col">Status</th>
              <th scope="col">Levels (bps)</th>
              <th scope="col">Hold</th>
              <th scope="col">Min payout</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {programs.data?.items.map((program) => (
              <tr key={program.id} data-testid="program-row" data-slug={program.slug}>
                <td>
                  {program.name} <span className="muted">({program.slug})</span>
                </td>
                <td data-testid="program-status">{program.status}</td>
                <td>{program.commissionLevelsBps.join(' / ')}</td>
                <td>{program.holdPeriodSeconds} s</td>
                <td className="amount">{formatMicroUsd(program.minPayoutMicroUsd)} USD</td>
                <td>
                  {program.status !== 'ARCHIVED' && (
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() =>
                        runAction(setResult, async () => {
                          const paused = program.status === 'ACTIVE';
                          await adminClient.setProgramPaused(program.id, paused);
                          await refresh();
                          return `Program ${program.slug} ${paused ? 'paused' : 'resumed'}.`;
                        })
                      }
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
      <form className="card" noValidate onSubmit={create} aria-labelledby="create-program-heading">
        <h3 id="create-program-heading" className="card__title">
          New program
        </h3>
        <div className="admin-filters">
          <div className="field">
            <label htmlFor="program-slug" className="field__label">
              Slug
            </label>
            <input
              id="program-slug"
              className="field__input"
              value={slug}
              onChange={(event) => setSlug(event.target.value)}
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
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          <button type="submit" className="button button--primary">
            Create program
          </button>
        </div>
      </form>
    </section>
  );
}
