import type { TReconciliationRun } from '@sge/shared';
import { CheckCard, FigureTable } from './check-card';
import { figureRecord } from './figures';

/** A run's checks: the ledger's totals per program and currency first, then every money check's findings. */
export function RunResults({ run, skip = [] }: { run: TReconciliationRun; skip?: readonly string[] }) {
  const ledger = run.checks.find((check) => check.name === 'ledger');
  const moneyChecks = run.checks.filter((check) => check.name !== 'ledger' && !skip.includes(check.name));
  return (
    <div className="recon-checks">
      {ledger && (
        <CheckCard check={ledger}>
          <FigureTable
            caption={
              ledger.figures.mode === 'INCREMENTAL'
                ? 'Sum of the entries checked in this run per program and currency (0 when balanced)'
                : 'Sum of all entries per program and currency (0 when balanced)'
            }
            rows={Object.entries(figureRecord(ledger.figures.totals)).flatMap(([program, totals]) =>
              Object.entries(figureRecord(totals)).map(([currency, sum]): [string, string] => [
                `${program} ${currency}`,
                String(sum),
              ]),
            )}
          />
        </CheckCard>
      )}
      {moneyChecks.map((check) => (
        <CheckCard key={check.name} check={check} />
      ))}
    </div>
  );
}
