import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../test/support/platform';

const cli = (command: string, env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'packages/api/src/db/cli.ts', command], {
    env: { ...process.env, ENV_FILE: '/nonexistent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('database CLI in Mock mode', () => {
  it('db:reset wipes the Mock data (database and chain state), refusing while the platform runs', async () => {
    const dataDir = tempDir();
    try {
      const platform = await startTestPlatform({ DATA_DIR: dataDir.path });
      await platform.runtime.database.db
        .insertInto('programs')
        .values({ slug: 'to-be-wiped', name: 'Wiped' })
        .execute();
      const refused = cli('reset', { DATA_DIR: dataDir.path });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/in use by process/);
      await platform.stop();
      expect(existsSync(join(dataDir.path, 'pglite'))).toBe(true);

      const reset = cli('reset', { DATA_DIR: dataDir.path });
      expect(reset.status).toBe(0);
      expect(reset.stdout).toContain('Mock data wiped');
      expect(existsSync(join(dataDir.path, 'pglite'))).toBe(false);
      expect(existsSync(join(dataDir.path, 'anvil-state.json'))).toBe(false);

      const migrated = cli('migrate', { DATA_DIR: dataDir.path });
      expect(migrated.status).toBe(0);
      expect(migrated.stdout).toContain('applied 0001-core-schema');
      const again = await startTestPlatform({ DATA_DIR: dataDir.path });
      try {
        const wiped = await again.runtime.database.db
          .selectFrom('programs')
          .select('id')
          .where('slug', '=', 'to-be-wiped')
          .execute();
        expect(wiped).toHaveLength(0);
      } finally {
        await again.stop();
      }
    } finally {
      dataDir.remove();
    }
  });
});
