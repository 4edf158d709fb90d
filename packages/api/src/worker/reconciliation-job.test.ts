import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../test/support/platform';
import { SCHEDULED_RUN_ACTOR } from '../domain/reconciliation/reconciliation-schedule';
import type { TPlatform } from '../platform';
import type { TRuntime } from '../runtime';
import { startReconciliationSchedule } from './reconciliation-job';

/** Ticks of the schedule under test (the platform's own tick every 30 s is not waited for). */
const TICK_MS = 50;

describe('scheduled reconciliation in a worker process', () => {
  const dataDir = tempDir();
  let platform: TPlatform;

  beforeAll(async () => {
    // Every minute: the current minute's slot is due as soon as the workers start.
    platform = await startTestPlatform({ DATA_DIR: dataDir.path, RECONCILIATION_SCHEDULE: '* * * * *' });
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  const runs = () =>
    platform.runtime.database.db
      .selectFrom('reconciliation_runs')
      .select(['trigger', 'slot', 'status', 'requested_by'])
      .execute();

  const waitForFinishedRun = async () => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const found = await runs();
      if (found.length > 0 && found.every((run) => run.status !== 'RUNNING')) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no scheduled reconciliation finished');
  };

  it('runs the due slot once, as the scheduled actor, on a minute boundary', async () => {
    const found = await waitForFinishedRun();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ trigger: 'SCHEDULED', requested_by: SCHEDULED_RUN_ACTOR });
    expect(found[0]!.slot!.getTime() % 60_000).toBe(0);
    expect(Date.now() - found[0]!.slot!.getTime()).toBeLessThan(10 * 60_000);
  });

  it('schedules nothing with RECONCILIATION_SCHEDULE=off, where the same tick with a schedule runs', async () => {
    const { db } = platform.runtime.database;
    const withSchedule = (reconciliationSchedule: string | null): TRuntime => ({
      ...platform.runtime,
      config: {
        ...platform.runtime.config,
        workers: { ...platform.runtime.config.workers, reconciliationSchedule },
      },
    });
    await db.deleteFrom('reconciliation_runs').execute();

    const stopOff = startReconciliationSchedule(withSchedule(null), { tickMs: TICK_MS });
    await new Promise((resolve) => setTimeout(resolve, TICK_MS * 10));
    await stopOff();
    expect(await runs()).toEqual([]);

    const stopOn = startReconciliationSchedule(withSchedule('* * * * *'), { tickMs: TICK_MS });
    try {
      expect(await waitForFinishedRun()).toMatchObject([{ trigger: 'SCHEDULED' }]);
    } finally {
      await stopOn();
    }
  });
});
