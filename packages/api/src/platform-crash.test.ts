import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessRunning, sgeIdAbi } from '@sge/contracts';
import { ZWalletStatus } from '@sge/shared';
import { createPublicClient, http } from 'viem';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/platform';
import { spawnPlatformProcess } from '../test/support/processes';
import { signRegistration, testWalletAccount } from '../test/support/registration-proof';

const wallet = (n: number) => testWalletAccount(0xf00000 + n).address;

describe('Mock mode after a SIGKILL', () => {
  it('completes the work accepted before the process was killed, once, after a restart on the same DATA_DIR', {
    timeout: 240_000,
  }, async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir.path, SWEEP_INTERVAL_MS: '500', RELAYER_POLL_INTERVAL_MS: '100' };
    try {
      const first = await spawnPlatformProcess({ env, role: 'all' });
      const wallets = Array.from({ length: 40 }, (_, i) => wallet(i));
      const accepted = await Promise.all(
        wallets.map(async (address) => {
          const response = await fetch(`${first.url}/api/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(
              await signRegistration({ account: testWalletAccount(0xf00000 + wallets.indexOf(address)) }),
            ),
          });
          return { status: response.status, body: await response.json() };
        }),
      );
      expect(accepted.every((a) => a.status === 202 || a.status === 200)).toBe(true);
      // Killed at once: no drain, no clean shutdown; the in-process queue is gone with it.
      const firstAnvil = Number(readFileSync(join(dataDir.path, 'anvil-state.json.pid'), 'utf8'));
      await first.kill('SIGKILL');
      // Its anvil does not outlive it (an orphan would keep mining and overwrite the state file).
      const anvilGone = Date.now() + 10_000;
      while (isProcessRunning(firstAnvil)) {
        if (Date.now() > anvilGone) throw new Error(`anvil ${firstAnvil} outlived its killed platform`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      const second = await spawnPlatformProcess({ env, role: 'all' });
      try {
        // A batch in flight at the kill is resumed once its worker's heartbeat is stale (about 30 s).
        const deadline = Date.now() + 120_000;
        for (const [index, address] of wallets.entries()) {
          for (;;) {
            const status = ZWalletStatus.parse(
              await (await fetch(`${second.url}/api/status?wallet=${address}`)).json(),
            );
            if (status.registration.status === 'CONFIRMED') {
              expect(status.registration.intentId).toBe(accepted[index]!.body.intentId);
              break;
            }
            if (Date.now() > deadline) throw new Error(`${address} still ${status.registration.status}`);
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
        const system = await (await fetch(`${second.url}/api/system/status`)).json();
        const rpc = createPublicClient({ transport: http(`${second.url}/api/dev/rpc`) });
        const supply = await rpc.readContract({
          address: system.contracts.sgeId,
          abi: sgeIdAbi,
          functionName: 'totalSupply',
        });
        expect(supply).toBe(BigInt(wallets.length));
      } finally {
        await second.stop();
      }
    } finally {
      dataDir.remove();
    }
  });
});
