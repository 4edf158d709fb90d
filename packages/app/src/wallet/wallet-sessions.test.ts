import { ANVIL_PRIVATE_KEYS, startAnvil, type TAnvil } from '@sge/contracts';
import {
  createPublicClient,
  type Hex,
  http,
  parseEther,
  type TypedDataDefinition,
  verifyMessage,
  verifyTypedData,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevWalletSession, devRpcUrl } from './dev-wallet';
import type { TEip1193Provider, TEip1193RequestArguments } from './eip1193';
import { connectInjectedWallet } from './injected-wallet';
import { toWalletError } from './wallet-error';
import { platformChain, type TSessionEvent } from './wallet-session';

/**
 * Both connectors' sessions against a real local chain (anvil): signatures verify, transactions are mined
 * and their receipts arrive, and a send on the wrong chain is refused before anything is signed.
 */

let anvil: TAnvil;
const RECIPIENT = privateKeyToAccount(ANVIL_PRIVATE_KEYS[5]).address;

/** EIP-712 typed data shaped like a payout batch approval (what /admin asks an admin's wallet to sign). */
function approvalTypedData(chainId: number): TypedDataDefinition {
  return {
    domain: { name: 'SGEPayout', version: '1', chainId, verifyingContract: RECIPIENT },
    types: {
      PayoutBatch: [
        { name: 'batchId', type: 'uint256' },
        { name: 'token', type: 'address' },
        { name: 'total', type: 'uint256' },
      ],
    },
    primaryType: 'PayoutBatch',
    message: { batchId: 7n, token: RECIPIENT, total: 5_000_000n },
  };
}

beforeAll(async () => {
  anvil = await startAnvil();
});

afterAll(async () => {
  await anvil?.stop();
});

async function balanceOf(address: Hex): Promise<bigint> {
  return await createPublicClient({ transport: http(anvil.rpcUrl) }).getBalance({ address });
}

async function rpc(method: string, params: unknown = []): Promise<unknown> {
  const response = await fetch(anvil.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
  if (body.error !== undefined) throw Object.assign(new Error(body.error.message), { code: body.error.code });
  return body.result;
}

describe('devRpcUrl', () => {
  it("is the API's /api/dev/rpc, absolute, on the app's origin or the API's", () => {
    expect(devRpcUrl('', 'http://localhost:5173')).toBe('http://localhost:5173/api/dev/rpc');
    expect(devRpcUrl('https://api.example.com', 'http://localhost:5173')).toBe(
      'https://api.example.com/api/dev/rpc',
    );
    expect(devRpcUrl('https://example.com/sge', 'http://x')).toBe('https://example.com/sge/api/dev/rpc');
  });
});

describe('the dev wallet session', () => {
  const key = ANVIL_PRIVATE_KEYS[1];
  const address = privateKeyToAccount(key).address;

  it('signs messages that verify for its address', async () => {
    const session = createDevWalletSession({
      devWallet: { address, privateKey: key, chainId: anvil.chainId },
      rpcUrl: anvil.rpcUrl,
    });
    expect(session.address).toBe(address);
    const signature = await session.signMessage('Sign in to SGE');
    expect(await verifyMessage({ address, message: 'Sign in to SGE', signature })).toBe(true);
  });

  it('signs EIP-712 typed data that verifies for its address', async () => {
    const session = createDevWalletSession({
      devWallet: { address, privateKey: key, chainId: anvil.chainId },
      rpcUrl: anvil.rpcUrl,
    });
    const typedData = approvalTypedData(anvil.chainId);
    const signature = await session.signTypedData(typedData);
    expect(await verifyTypedData({ ...typedData, address, signature })).toBe(true);
  });

  it('sends a transaction and waits for its receipt', async () => {
    const session = createDevWalletSession({
      devWallet: { address, privateKey: key, chainId: anvil.chainId },
      rpcUrl: anvil.rpcUrl,
    });
    const before = await balanceOf(RECIPIENT);
    const hash = await session.sendTransaction(
      { to: RECIPIENT, value: 12_345n },
      platformChain(anvil.chainId),
    );
    const receipt = await session.waitForReceipt(hash);
    expect(receipt.status).toBe('success');
    expect(receipt.from.toLowerCase()).toBe(address.toLowerCase());
    expect(await balanceOf(RECIPIENT)).toBe(before + 12_345n);
  });

  it('refuses to send for another chain than the one it is on', async () => {
    const session = createDevWalletSession({
      devWallet: { address, privateKey: key, chainId: anvil.chainId },
      rpcUrl: anvil.rpcUrl,
    });
    const error = await session
      .sendTransaction({ to: RECIPIENT, value: 1n }, platformChain(1))
      .catch((e) => e);
    expect(toWalletError(error).code).toBe('WRONG_NETWORK');
  });

  it('refuses a dev wallet whose key does not belong to the address the API reported', () => {
    expect(() =>
      createDevWalletSession({
        devWallet: { address: RECIPIENT, privateKey: key, chainId: anvil.chainId },
        rpcUrl: anvil.rpcUrl,
      }),
    ).toThrow(/belongs to/);
  });
});

/**
 * An EIP-1193 provider as a wallet extension exposes it, over anvil's unlocked accounts: it authorises the
 * site on eth_requestAccounts, can pretend to be on another chain until asked to switch, and emits events.
 */
function anvilWallet(options: { startOnChainId?: number } = {}) {
  let authorised = false;
  let reportedChainId: number | null = options.startOnChainId ?? null;
  const listeners = new Map<string, Set<(...args: never[]) => void>>();
  const requests: TEip1193RequestArguments[] = [];
  const provider: TEip1193Provider = {
    async request(args) {
      requests.push(args);
      switch (args.method) {
        case 'eth_requestAccounts':
          authorised = true;
          return await rpc('eth_accounts');
        case 'eth_accounts':
          return authorised ? await rpc('eth_accounts') : [];
        case 'eth_chainId':
          return reportedChainId === null ? await rpc('eth_chainId') : `0x${reportedChainId.toString(16)}`;
        case 'wallet_switchEthereumChain': {
          const [{ chainId }] = args.params as [{ chainId: string }];
          if (Number.parseInt(chainId, 16) !== anvil.chainId) {
            throw Object.assign(new Error('Unrecognized chain ID'), { code: 4902 });
          }
          reportedChainId = null;
          return null;
        }
        default:
          return await rpc(args.method, args.params ?? []);
      }
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
    },
    removeListener(event, listener) {
      listeners.get(event)?.delete(listener);
    },
  };
  const emit = (event: string, value: unknown) => {
    for (const listener of listeners.get(event) ?? []) (listener as (value: unknown) => void)(value);
  };
  const listenerCount = () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0);
  return { provider, emit, requests, listenerCount };
}

describe('the injected wallet session', () => {
  it('reconnects silently only when the site is already authorised', async () => {
    const wallet = anvilWallet();
    expect(await connectInjectedWallet({ provider: wallet.provider, silent: true })).toBeNull();
    expect(wallet.requests.map((request) => request.method)).toEqual(['eth_accounts']);

    const session = await connectInjectedWallet({ provider: wallet.provider, silent: false });
    expect(session?.address).toBe(privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]).address);
    expect(session?.chainId).toBe(anvil.chainId);
    session?.close();
    expect((await connectInjectedWallet({ provider: wallet.provider, silent: true }))?.address).toBe(
      session?.address,
    );
  });

  it('signs with personal_sign and sends a transaction whose receipt it waits for', async () => {
    const wallet = anvilWallet();
    const session = await connectInjectedWallet({ provider: wallet.provider, silent: false });
    if (session === null) throw new Error('expected a session');
    const signature = await session.signMessage('SGE affiliate terms');
    expect(await verifyMessage({ address: session.address, message: 'SGE affiliate terms', signature })).toBe(
      true,
    );

    const before = await balanceOf(RECIPIENT);
    const hash = await session.sendTransaction(
      { to: RECIPIENT, value: parseEther('0.001') },
      platformChain(anvil.chainId),
    );
    expect((await session.waitForReceipt(hash)).status).toBe('success');
    expect(await balanceOf(RECIPIENT)).toBe(before + parseEther('0.001'));
    expect(wallet.requests.some((request) => request.method === 'eth_sendTransaction')).toBe(true);
    session.close();
  });

  it('signs EIP-712 typed data with eth_signTypedData_v4', async () => {
    const wallet = anvilWallet();
    const session = await connectInjectedWallet({ provider: wallet.provider, silent: false });
    if (session === null) throw new Error('expected a session');
    const typedData = approvalTypedData(anvil.chainId);
    const signature = await session.signTypedData(typedData);
    expect(await verifyTypedData({ ...typedData, address: session.address, signature })).toBe(true);
    expect(wallet.requests.at(-1)?.method).toBe('eth_signTypedData_v4');
    session.close();
  });

  it('refuses to send while the wallet is on another chain, and switches when asked', async () => {
    const wallet = anvilWallet({ startOnChainId: 1 });
    const session = await connectInjectedWallet({ provider: wallet.provider, silent: false });
    if (session === null || session.switchChain === null) throw new Error('expected a switchable session');
    expect(session.chainId).toBe(1);

    const refused = await session
      .sendTransaction({ to: RECIPIENT, value: 1n }, platformChain(anvil.chainId))
      .catch((error) => error);
    expect(toWalletError(refused).code).toBe('WRONG_NETWORK');
    expect(wallet.requests.some((request) => request.method === 'eth_sendTransaction')).toBe(false);

    const events: TSessionEvent[] = [];
    session.subscribe((event) => events.push(event));
    await session.switchChain(anvil.chainId);
    expect(wallet.requests.at(-2)).toEqual({
      method: 'wallet_switchEthereumChain',
      params: [{ chainId: `0x${anvil.chainId.toString(16)}` }],
    });
    expect(events).toEqual([{ type: 'chain-changed', chainId: anvil.chainId }]);

    const unknown = await session.switchChain(424242).catch((error) => error);
    expect(toWalletError(unknown).code).toBe('CHAIN_NOT_ADDED');
    session.close();
  });

  it('reports account and chain changes and a lost authorisation, and stops listening when closed', async () => {
    const wallet = anvilWallet();
    const session = await connectInjectedWallet({ provider: wallet.provider, silent: false });
    if (session === null) throw new Error('expected a session');
    const events: TSessionEvent[] = [];
    session.subscribe((event) => events.push(event));

    const other = privateKeyToAccount(ANVIL_PRIVATE_KEYS[2]).address;
    wallet.emit('accountsChanged', [other.toLowerCase()]);
    wallet.emit('chainChanged', '0x1');
    wallet.emit('chainChanged', 'garbage');
    wallet.emit('accountsChanged', []);
    expect(events).toEqual([
      { type: 'account-changed', address: other },
      { type: 'chain-changed', chainId: 1 },
      { type: 'disconnected' },
    ]);

    expect(wallet.listenerCount()).toBe(3);
    session.close();
    expect(wallet.listenerCount()).toBe(0);
  });
});
