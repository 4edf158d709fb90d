import { createTestClient, http, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, tempDir } from '../../../test/support/platform';
import type { TPlatform } from '../../platform';

describe('GET /api/admin/fund-check', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ DATA_DIR: dataDir.path, ADMIN_API_KEYS: 'ops:ops-key-123456789' });
  });
  afterAll(async () => {
    await platform.stop();
    dataDir.remove();
  });

  it('refuses a request without a valid admin key', async () => {
    expect((await fetch(`${platform.url}/api/admin/fund-check`)).status).toBe(401);
    const wrong = await fetch(`${platform.url}/api/admin/fund-check`, {
      headers: { 'x-admin-key': 'nope-nope-nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it('reports the balance, mints remaining at the current base fee, and the warning/critical flags', async () => {
    const get = async () =>
      (
        await fetch(`${platform.url}/api/admin/fund-check`, {
          headers: { 'x-admin-key': 'ops-key-123456789' },
        })
      ).json();
    const rich = await get();
    expect(rich).toMatchObject({
      address: platform.runtime.chain.relayer.address,
      balanceEth: '10000',
      warning: false,
      critical: false,
    });
    expect(BigInt(rich.mintsRemaining)).toBe(BigInt(rich.balanceWei) / BigInt(rich.costPerMintWei));
    // The Mock chain is a local Ethereum-model chain: no L1 component (OP-stack and Arbitrum: chain/l1-fees.test.ts).
    expect(rich).toMatchObject({ feeModel: 'ethereum', l1FeePerMintWei: '0' });
    expect(rich.costPerMintWei).toBe(rich.executionCostPerMintWei);

    const testClient = createTestClient({
      mode: 'anvil',
      transport: http(platform.runtime.mockChain!.rpcUrl),
    });
    await testClient.setBalance({
      address: platform.runtime.chain.relayer.address,
      value: parseEther('0.07'),
    });
    const low = await get();
    expect(low).toMatchObject({ balanceEth: '0.07', warning: true, critical: false });
    await testClient.setBalance({
      address: platform.runtime.chain.relayer.address,
      value: parseEther('0.01'),
    });
    expect(await get()).toMatchObject({ warning: true, critical: true });
  });
});
