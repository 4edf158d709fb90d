import type { TSystemStatus } from '@sge/shared';
import { Fact, Facts, StatusSection, Unknown } from './status-section';

/** How much work is waiting for the workers, across all queues. */
export function QueueSection({ status }: { status: TSystemStatus }) {
  const { depth } = status.queue;
  return (
    <StatusSection id="queue" title="Queue">
      <Facts>
        <Fact label="Jobs waiting">
          {depth === null ? (
            <Unknown reason="the queue did not answer" />
          ) : (
            <span className="mono" data-testid="queue-depth">
              {depth}
            </span>
          )}
        </Fact>
      </Facts>
    </StatusSection>
  );
}
