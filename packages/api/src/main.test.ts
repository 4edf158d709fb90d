import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

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
});
