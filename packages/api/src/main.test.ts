import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/platform';
import { spawnPlatformProcess } from '../test/support/processes';

const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'packages/api/src/main.ts', '--role', 'api'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ENV_FILE: '/nonexistent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('main.ts startup', () => {
  it('exits at once with status 1 naming DATABASE_URL, REDIS_URL, RPC_URL and the relayer key when only MOCK_MODE=false is set', () => {
    const started = Date.now();
    const result = run({ MOCK_MODE: 'false' });
    expect(result.status).toBe(1);
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'RPC_URL', 'RELAYER_PRIVATE_KEY']) {
      expect(result.stderr).toContain(`${name}: is required when MOCK_MODE=false`);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses an unknown --role', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'packages/api/src/main.ts', '--role', 'boss'],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--role must be api, worker or all');
  });

  it('drains once when one stop arrives twice at once (Ctrl+C to the group and a forwarded SIGTERM, as under npm run dev)', async () => {
    const dataDir = tempDir();
    try {
      const platform = await spawnPlatformProcess({ env: { DATA_DIR: dataDir.path }, role: 'all' });
      let logged = '';
      platform.process.stdout!.on('data', (chunk: Buffer) => {
        logged += chunk.toString();
      });
      platform.process.kill('SIGINT');
      await sleep(50);
      platform.process.kill('SIGTERM');
      expect(await platform.exited).toBe(0);
      expect(logged).toContain('draining before exit');
      expect(logged).toContain('signal while draining: the same stop request');
      expect(logged).toMatch(/"msg":"stopped"/);
      expect(logged).not.toContain('second signal');
    } finally {
      dataDir.remove();
    }
  });
});
