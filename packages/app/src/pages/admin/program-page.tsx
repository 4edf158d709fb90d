import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { adminClient } from '../../api/money-clients';
import { AllowlistForm } from '../../components/admin/program/allowlist-form';
import { ApiKeysPanel } from '../../components/admin/program/api-keys-panel';
import { GeneralSettingsForm } from '../../components/admin/program/general-settings-form';
import { MoneySettingsForm } from '../../components/admin/program/money-settings-form';
import { ProgramSummary } from '../../components/admin/program/program-summary';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { ADMIN_SCREENS } from './admin-operations';

/**
 * /admin/programs/:programId: one program's numbers and every setting. Money settings are proposed here and
 * applied by a second admin on "Changes to approve"; gates and limits apply at once; the allowlist and the
 * program's API keys are managed here too.
 */
export function ProgramPage() {
  const { programId = '' } = useParams();
  const program = useQuery({
    queryKey: ['admin', 'program', programId],
    queryFn: ({ signal }) => adminClient.program(programId, { signal }),
  });
  return (
    <section aria-labelledby="program-heading">
      <p>
        <Link to={ADMIN_SCREENS.programs.path}>← {ADMIN_SCREENS.programs.label}</Link>
      </p>
      <h2 id="program-heading">
        {ADMIN_SCREENS.program.label}
        {program.data ? `: ${program.data.name}` : ''}
      </h2>
      {program.error && <ApiErrorAlert error={program.error} lastGoodAtMs={null} retryNote="" />}
      {program.data && (
        // Keyed by updatedAt: the forms start again from the program as it is after an applied change.
        <div key={program.data.updatedAt}>
          <ProgramSummary program={program.data} />
          <MoneySettingsForm program={program.data} />
          <GeneralSettingsForm program={program.data} />
          <AllowlistForm programId={program.data.id} />
          <ApiKeysPanel programId={program.data.id} />
        </div>
      )}
    </section>
  );
}
