import { startAnvil, type TAnvil } from '@sge/contracts';
import { RECONCILIATION_CHECKS } from '@sge/shared';
import { createPublicClient, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgres } from '../../../test/support/postgres';
import { reconciliationContext } from '../../../test/support/reconciliation-fixtures';
import { openDatabase, type TDatabase } from '../../db/client';
import { migrateToLatest } from '../../db/migrate';
import { dueSlot, tickReconciliationSchedule } from './reconciliation-schedule';
import { startReconciliationRun } from './run-reconciliation';

/**
 * The scheduled reconciliation on PostgreSQL with two worker processes' worth of connection pools ticking at
 * the same moments: each slot runs exactly once, and a manual run is refused while a run is in progress.
 */
describe('scheduled reconciliation across workers', () => {
  let anvil: TAnvil;
  let postgres: Awaited<ReturnType<typeof createTestPostgres>>;
  let first: TDatabase;
  let second: TDatabase;

  beforeAll(async () => {
    anvil = await startAnvil();
    postgres = await createTestPostgres();
    first = await openDatabase({ kind: 'postgres', url: postgres.url, poolMax: 4 });
    second = await openDatabase({ kind: 'postgres', url: postgres.url, poolMax: 4 });
    await migrateToLatest(first.db);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await postgres?.drop();
    await anvil?.stop();
  });

  it('computes the due slot of a cron schedule in UTC, and none once its grace period is over', () => {
    expect(dueSlot('0 2 * * *', new Date('2026-12-03T02:00:00.000Z'))?.toISOString()).toBe(
      '2026-12-03T02:00:00.000Z',
    );
    expect(dueSlot('0 2 * * *', new Date('2026-12-03T02:20:00.000Z'))?.toISOString()).toBe(
      '2026-12-03T02:00:00.000Z',
    );
    expect(dueSlot('0 2 * * *', new Date('2026-12-03T01:59:59.000Z'))).toBeNull();
    expect(dueSlot('0 2 * * *', new Date('2026-12-03T03:00:01.000Z'))).toBeNull();
    expect(dueSlot('*/15 * * * *', new Date('2026-12-03T10:31:00.000Z'))?.toISOString()).toBe(
      '2026-12-03T10:30:00.000Z',
    );
  });

  it('runs a slot once when two workers tick at the same time, again and again', async () => {
    const publicClient = createPublicClient({ transport: http(anvil.rpcUrl) });
    const at = (iso: string) => () => new Date(iso);
    const worker = (database: TDatabase, now: () => Date) =>
      reconciliationContext(database.db, null, { publicClient: publicClient as never, now });
    const results: (string | null)[] = [];
    for (const iso of ['2026-12-03T02:00:05.000Z', '2026-12-03T02:00:35.000Z', '2026-12-03T02:01:05.000Z']) {
      const ticks = await Promise.all([
        tickReconciliationSchedule(worker(first, at(iso)), '0 2 * * *'),
        tickReconciliationSchedule(worker(second, at(iso)), '0 2 * * *'),
        tickReconciliationSchedule(worker(second, at(iso)), '0 2 * * *'),
      ]);
      results.push(...ticks.map((tick) => tick?.runId ?? null));
    }
    const performed = results.filter((id) => id !== null);
    expect(performed).toHaveLength(1);
    const runs = await first.db.selectFrom('reconciliation_runs').selectAll().execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      trigger: 'SCHEDULED',
      requested_by: 'system:reconciliation',
      id: performed[0],
    });
    expect(runs[0]!.slot?.toISOString()).toBe('2026-12-03T02:00:00.000Z');
    expect(runs[0]!.status).not.toBe('RUNNING');
    expect((runs[0]!.checks as unknown[]).length).toBe(RECONCILIATION_CHECKS.length);
  });

  it('refuses a manual run while another run is RUNNING, and takes over one abandoned past the run timeout', async () => {
    const context = reconciliationContext(first.db, null, { now: () => new Date() });
    const running = await startReconciliationRun(context, {
      trigger: 'MANUAL',
      slot: null,
      requestedBy: 'alice',
      checks: ['ledger'],
    });
    expect(running).not.toBeNull();
    await expect(
      startReconciliationRun(reconciliationContext(second.db, null), {
        trigger: 'MANUAL',
        slot: null,
        requestedBy: 'bob',
        checks: ['ledger'],
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    // An hour later the first run's process is presumed dead: it is marked ERROR and a new run may start.
    const later = reconciliationContext(second.db, null, { now: () => new Date(Date.now() + 3_600_000) });
    const next = await startReconciliationRun(later, {
      trigger: 'MANUAL',
      slot: null,
      requestedBy: 'bob',
      checks: ['ledger'],
    });
    expect(next).not.toBeNull();
    const abandoned = await first.db
      .selectFrom('reconciliation_runs')
      .selectAll()
      .where('id', '=', running!.id)
      .executeTakeFirstOrThrow();
    expect(abandoned).toMatchObject({ status: 'ERROR' });
    expect(abandoned.error).toMatch(/abandoned/);
  });
});
