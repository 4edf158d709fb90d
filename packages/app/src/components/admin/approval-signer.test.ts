import { ANVIL_PRIVATE_KEYS } from '@sge/contracts';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import type { TWalletState } from '../../wallet/wallet-context';
import type { TWallet } from '../../wallet/wallet-session';
import { chooseSigner } from './approval-signer';

const ALICE = privateKeyToAccount(ANVIL_PRIVATE_KEYS[4]).address;
const OTHER = privateKeyToAccount(ANVIL_PRIVATE_KEYS[5]).address;
const alice = { name: 'alice', kind: 'admin' as const, wallet: ALICE, programId: null };
const connected = (address: `0x${string}`): TWalletState => ({
  status: 'connected',
  connector: 'injected',
  address,
  chainId: 1,
  wallet: { address } as TWallet,
});
const base = { admin: alice, adminLoading: false, dev: null, devLoading: false, wallet: connected(ALICE) };

describe('chooseSigner', () => {
  it("signs with the connected wallet when it is the admin's configured wallet", () => {
    expect(chooseSigner(base)).toMatchObject({ kind: 'wallet', address: ALICE });
  });

  it("names both addresses when the connected wallet is not the admin's", () => {
    const signer = chooseSigner({ ...base, wallet: connected(OTHER) });
    expect(signer).toMatchObject({ kind: 'unavailable', needsWallet: true });
    expect(signer.kind === 'unavailable' && signer.reason).toBe(
      `The connected wallet ${OTHER} is not alice's admin wallet ${ALICE}: switch the account in your wallet.`,
    );
  });

  it('asks to connect, or to switch network, before anything can sign', () => {
    expect(chooseSigner({ ...base, wallet: { status: 'disconnected' } })).toMatchObject({
      kind: 'unavailable',
      needsWallet: true,
      reason: `Connect your admin wallet (${ALICE}) to sign.`,
    });
    const wrongNetwork: TWalletState = {
      status: 'wrong-network',
      connector: 'injected',
      address: ALICE,
      chainId: 1,
      expectedChainId: 8453,
      canSwitch: true,
    };
    expect(chooseSigner({ ...base, wallet: wrongNetwork })).toMatchObject({
      kind: 'unavailable',
      reason: 'Your wallet is on chain 1: switch it to chain 8453 to sign.',
    });
  });

  it("uses a demo admin's dev wallet in Mock mode, whatever is connected", () => {
    const dev = { address: ALICE, privateKey: ANVIL_PRIVATE_KEYS[4] };
    expect(chooseSigner({ ...base, dev, wallet: { status: 'disconnected' } })).toMatchObject({
      kind: 'dev',
      address: ALICE,
    });
  });

  it('refuses a program key and an admin without a configured wallet, without asking for a wallet', () => {
    const programKey = { name: 'program:x', kind: 'program-key' as const, wallet: null, programId: null };
    expect(chooseSigner({ ...base, admin: programKey })).toMatchObject({
      kind: 'unavailable',
      needsWallet: false,
    });
    const noWallet = chooseSigner({ ...base, admin: { ...alice, wallet: null } });
    expect(noWallet).toMatchObject({ kind: 'unavailable', needsWallet: false });
    expect(noWallet.kind === 'unavailable' && noWallet.reason).toContain('ADMIN_API_KEYS name:key:0xWallet');
  });

  it('waits while who the admin is, or their dev wallet, is still loading', () => {
    expect(chooseSigner({ ...base, adminLoading: true }).kind).toBe('loading');
    expect(chooseSigner({ ...base, devLoading: true }).kind).toBe('loading');
  });
});
