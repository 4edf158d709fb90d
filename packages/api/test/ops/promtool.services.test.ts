import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROMETHEUS_DIR } from './ops-paths';

const run = promisify(execFile);

/** promtool (Debian's prometheus package; .ci/run installs it) validates the shipped configuration and rules. */
describe('Prometheus configuration and alert rules (promtool)', () => {
  const promtool = (...args: string[]) => run('promtool', args, { cwd: PROMETHEUS_DIR, timeout: 60_000 });

  it('promtool check config accepts prometheus.yml and the rule files it loads', async () => {
    const { stdout } = await promtool('check', 'config', 'prometheus.yml');
    expect(stdout).toContain('SUCCESS');
  });

  it('promtool check rules accepts alerts.yml', async () => {
    const { stdout } = await promtool('check', 'rules', 'alerts.yml');
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('promtool test rules passes every unit test of alerts.test.yml (firing and not firing)', async () => {
    const { stdout, stderr } = await promtool('test', 'rules', 'alerts.test.yml');
    expect(`${stdout}${stderr}`).toContain('SUCCESS');
  });
});
