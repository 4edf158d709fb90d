import type { TSystemStatus } from '@sge/shared';
import { Fact, Facts, StatusSection, Unknown } from './status-section';

/** Replica lag above this many seconds is flagged: admin lists and stats then show data that old. */
const REPLICA_LAG_WARNING_SECONDS = 30;

/** Where admin lists, stats and exports read from: the read replica and how far behind it is, or the primary. */
export function DatabaseSection({ status }: { status: TSystemStatus }) {
  const replica = status.database.readReplica;
  return (
    <StatusSection id="database" title="Database">
      <Facts>
        <Fact label="Read replica">
          {replica === null ? (
            <span data-testid="replica-lag">none (lists and stats read the primary)</span>
          ) : replica.lagSeconds === null ? (
            <Unknown reason="the replica did not answer" />
          ) : (
            <span
              className={replica.lagSeconds > REPLICA_LAG_WARNING_SECONDS ? 'mono amount--warning' : 'mono'}
              data-testid="replica-lag"
            >
              {replica.lagSeconds.toFixed(1)} s behind
            </span>
          )}
        </Fact>
      </Facts>
    </StatusSection>
  );
}
