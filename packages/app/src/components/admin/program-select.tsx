import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { adminClient } from '../../api/money-clients';
import { useAdmin } from './admin-context';

/** The program the admin pages filter by (all programs by default). */
export function ProgramSelect() {
  const { programId, setProgramId } = useAdmin();
  const programs = useQuery({
    queryKey: ['admin', 'programs'],
    queryFn: ({ signal }) => adminClient.programs({ signal }),
  });
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        Program
      </label>
      <select
        id={id}
        className="field__input"
        value={programId ?? ''}
        onChange={(event) => setProgramId(event.target.value === '' ? null : event.target.value)}
      >
        <option value="">All programs</option>
        {programs.data?.items.map((program) => (
          <option key={program.id} value={program.id}>
            {program.name} ({program.slug})
          </option>
        ))}
      </select>
    </div>
  );
}
