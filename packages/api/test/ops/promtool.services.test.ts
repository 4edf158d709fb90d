import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ALERTMANAGER_DIR, PROMETHEUS_DIR } from './ops-paths';

const run = promisify(execFile);

/**
 * promtool (Debian's prometheus package) and amtool (Debian's prometheus-alertmanager; .ci/run installs both)
 * validate the shipped configuration and rules.
 */
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

  it('amtool check-config accepts ops/alertmanager/alertmanager.yml (routes, inhibition, receivers)', async () => {
    const { stdout } = await run('amtool', ['check-config', 'alertmanager.yml'], {
      cwd: ALERTMANAGER_DIR,
      timeout: 60_000,
    });
    expect(stdout).toContain('SUCCESS');
    expect(stdout).toContain('1 inhibit rules');
    expect(stdout).toContain('2 receivers');
  });
});
