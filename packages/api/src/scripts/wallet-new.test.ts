import { spawnSync } from 'node:child_process';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { adminKeyWeakness } from '../config/admin-key-strength';

const parseAdminKeyList = (list: string) =>
  list.split(',').map((entry) => ({ name: entry.split(':')[0]!, key: entry.split(':')[1]! }));

describe('wallet:new', () => {
  it('prints three fresh keys whose addresses match, different on every run', () => {
    const run = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'packages/api/src/scripts/wallet-new.ts'], {
        encoding: 'utf8',
      }).stdout;
    const first = run();
    const key = (name: string, text: string) =>
      new RegExp(`^#? ?${name}=(0x[0-9a-f]{64})$`, 'm').exec(text)?.[1] as `0x${string}`;
    const address = (name: string, text: string) =>
      new RegExp(`^#? ?${name}=(0x[0-9a-fA-F]{40})$`, 'm').exec(text)?.[1];
    for (const role of ['DEPLOYER', 'RELAYER']) {
      expect(privateKeyToAccount(key(`${role}_PRIVATE_KEY`, first)).address).toBe(
        address(`${role}_ADDRESS`, first),
      );
    }
    expect(privateKeyToAccount(key('TREASURY_PRIVATE_KEY', first)).address).toBe(
      address('TREASURY_ADDRESS', first),
    );
    expect(key('RELAYER_PRIVATE_KEY', run())).not.toBe(key('RELAYER_PRIVATE_KEY', first));
  });

  it('prints admin keys that Real and Production accept, different on every run', () => {
    const run = () =>
      spawnSync(process.execPath, ['--import', 'tsx', 'packages/api/src/scripts/wallet-new.ts'], {
        encoding: 'utf8',
      }).stdout;
    const adminKeys = (text: string) => /^ADMIN_API_KEYS=(.+)$/m.exec(text)?.[1] ?? '';
    const first = adminKeys(run());
    expect(first).toMatch(/^alice:[A-Za-z0-9_-]{43},bob:[A-Za-z0-9_-]{43}$/);
    const keys = parseAdminKeyList(first);
    for (const { key } of keys) expect(adminKeyWeakness(key)).toBeNull();
    expect(adminKeys(run())).not.toBe(first);
  });
});
