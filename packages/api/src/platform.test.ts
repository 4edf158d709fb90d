import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../test/support/platform';

describe('Mock mode persistence', () => {
  it('keeps database rows and chain state across a restart on the same DATA_DIR', async () => {
    const dataDir = tempDir();
    try {
      const first = await startTestPlatform({ DATA_DIR: dataDir.path });
      await first.runtime.database.db
        .insertInto('programs')
        .values({ slug: 'kept-across-restarts', name: 'Kept' })
        .execute();
      const { chain } = first.runtime;
      const firstContracts = first.runtime.contracts;
      expect(await chain.publicClient.getCode({ address: firstContracts.sgeId! })).toMatch(
        /^0x[0-9a-f]{100,}/,
      );
      const hash = await chain.walletClient.sendTransaction({ to: `0x${'42'.repeat(20)}`, value: 12_345n });
      await chain.publicClient.waitForTransactionReceipt({ hash });
      await first.stop();

      const second = await startTestPlatform({ DATA_DIR: dataDir.path });
      try {
        const program = await second.runtime.database.db
          .selectFrom('programs')
          .select('name')
          .where('slug', '=', 'kept-across-restarts')
          .executeTakeFirst();
        expect(program?.name).toBe('Kept');
        const balance = await second.runtime.chain.publicClient.getBalance({
          address: `0x${'42'.repeat(20)}`,
        });
        expect(balance).toBe(12_345n);
        // The contracts deployed at the first start are reused, not deployed again.
        expect(second.runtime.contracts).toEqual(firstContracts);
      } finally {
        await second.stop();
      }
    } finally {
      dataDir.remove();
    }
  });

  it('refuses a second process on the same DATA_DIR instead of corrupting the embedded database', async () => {
    const dataDir = tempDir();
    const first = await startTestPlatform({ DATA_DIR: dataDir.path });
    try {
      // The lock names the holding process; a second platform in this same process would share its pid,
      // so a child process stands in for "another process" here.
      const { spawnSync } = await import('node:child_process');
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'packages/api/src/main.ts'], {
        env: { ...process.env, DATA_DIR: dataDir.path, PORT: '0' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/DATA_DIR .* is in use by process \d+/);
      const count = await sql<{ n: number }>`select count(*)::int8 as n from programs`.execute(
        first.runtime.database.db,
      );
      expect(count.rows[0]!.n).toBe(1);
    } finally {
      await first.stop();
      dataDir.remove();
    }
  });
});
