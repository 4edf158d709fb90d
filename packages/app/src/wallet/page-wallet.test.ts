import { ANVIL_PRIVATE_KEYS, startAnvil, type TAnvil } from '@sge/contracts';
import {
  createPublicClient,
  type EIP1193Provider,
  http,
  parseEther,
  type TypedDataDefinition,
  verifyMessage,
  verifyTypedData,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Config, type CreateConnectorFn, createConfig, injected, http as wagmiHttp } from 'wagmi';
import { connect, disconnect, reconnect } from 'wagmi/actions';
import { createDevWalletSession, devRpcUrl, devWalletConnector } from './dev-connector';
import { pageWallet } from './page-wallet';
import { walletChain } from './wallet-chains';
import { hasErrorCode, toSwitchChainError, toWalletError } from './wallet-error';

/**
 * The wallet pages get (pageWallet) over wagmi, for the dev wallet's custom connector and for a browser
 * wallet (wagmi's injected connector over an EIP-1193 provider backed by anvil), against a real local chain:
 * signatures verify, transactions are mined and their receipts arrive, a send on the wrong chain is refused
 * before anything is signed, and a browser wallet reconnects silently only while it authorises the site.
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
  // wagmi's injected connector looks for a browser window before it uses its provider.
  vi.stubGlobal('window', {});
  anvil = await startAnvil();
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await anvil?.stop();
});

async function balanceOf(address: `0x${string}`): Promise<bigint> {
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

/** A wagmi config on anvil's chain with `connectors`, without EIP-6963 discovery or storage (no browser here). */
function testConfig(connectors: CreateConnectorFn[]): Config {
  const chain = walletChain(anvil.chainId, anvil.rpcUrl);
  return createConfig({
    chains: [chain],
    connectors,
    transports: { [chain.id]: wagmiHttp(anvil.rpcUrl) },
    multiInjectedProviderDiscovery: false,
    storage: null,
  }) as unknown as Config;
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

describe('the dev wallet through wagmi', () => {
  const key = ANVIL_PRIVATE_KEYS[1];
  const address = privateKeyToAccount(key).address;

  async function connectDev(expectedChainId: () => number | null = () => anvil.chainId) {
    const session = createDevWalletSession({
      devWallet: { address, privateKey: key, chainId: anvil.chainId },
      rpcUrl: anvil.rpcUrl,
    });
    const config = testConfig([
      devWalletConnector({ loadSession: async () => session }) as CreateConnectorFn,
    ]);
    const [connector] = config.connectors;
    if (connector === undefined) throw new Error('expected the dev connector');
    const connected = await connect(config, { connector });
    expect(connected).toEqual({ accounts: [address], chainId: anvil.chainId });
    return pageWallet({ config, connector, address, chainId: anvil.chainId, expectedChainId });
  }

  it('signs messages and EIP-712 typed data that verify for its address, without a prompt', async () => {
    const wallet = await connectDev();
    expect(wallet.connector).toBe('dev');
    const signature = await wallet.signMessage('Sign in to SGE');
    expect(await verifyMessage({ address, message: 'Sign in to SGE', signature })).toBe(true);
    const typedData = approvalTypedData(anvil.chainId);
    const typedSignature = await wallet.signTypedData(typedData);
    expect(await verifyTypedData({ ...typedData, address, signature: typedSignature })).toBe(true);
  });

  it('sends a transaction and waits for its receipt', async () => {
    const wallet = await connectDev();
    const before = await balanceOf(RECIPIENT);
    const hash = await wallet.sendTransaction({ to: RECIPIENT, value: 12_345n });
    const receipt = await wallet.waitForReceipt(hash);
    expect(receipt.status).toBe('success');
    expect(receipt.from.toLowerCase()).toBe(address.toLowerCase());
    expect(await balanceOf(RECIPIENT)).toBe(before + 12_345n);
  });

  it('refuses to send for another chain than the one it is on, and while the chain is unknown', async () => {
    const onMainnet = await connectDev(() => 1);
    expect(
      toWalletError(await onMainnet.sendTransaction({ to: RECIPIENT, value: 1n }).catch((e) => e)).code,
    ).toBe('WRONG_NETWORK');
    const unknown = await connectDev(() => null);
    const error = await unknown.sendTransaction({ to: RECIPIENT, value: 1n }).catch((e) => e);
    expect(error).toMatchObject({ code: 'WRONG_NETWORK', message: expect.stringContaining('not known yet') });
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
 * site on eth_requestAccounts, can pretend to be on another chain until asked to switch, and records requests.
 */
function anvilWallet(options: { startOnChainId?: number; knowsChain?: boolean } = {}) {
  let authorised = false;
  let reportedChainId: number | null = options.startOnChainId ?? null;
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const requests: { method: string; params?: unknown }[] = [];
  const emit = (event: string, value: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(value);
  };
  const provider = {
    async request(args: { method: string; params?: unknown }) {
      requests.push(args);
      switch (args.method) {
        case 'wallet_requestPermissions':
          throw Object.assign(new Error('unsupported'), { code: 4200 });
        case 'eth_requestAccounts':
          authorised = true;
          return await rpc('eth_accounts');
        case 'eth_accounts':
          return authorised ? await rpc('eth_accounts') : [];
        case 'eth_chainId':
          return reportedChainId === null ? await rpc('eth_chainId') : `0x${reportedChainId.toString(16)}`;
        case 'wallet_switchEthereumChain': {
          const [{ chainId }] = args.params as [{ chainId: string }];
          if (Number.parseInt(chainId, 16) !== anvil.chainId || options.knowsChain === false) {
            throw Object.assign(new Error('Unrecognized chain ID'), { code: 4902 });
          }
          reportedChainId = null;
          emit('chainChanged', chainId);
          return null;
        }
        case 'wallet_addEthereumChain':
          throw Object.assign(new Error('This wallet cannot add networks'), { code: -32601 });
        case 'wallet_revokePermissions':
          authorised = false;
          return null;
        default:
          return await rpc(args.method, args.params ?? []);
      }
    },
    on(event: string, listener: (...args: unknown[]) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
    },
    removeListener(event: string, listener: (...args: unknown[]) => void) {
      listeners.get(event)?.delete(listener);
    },
  };
  return { provider: provider as unknown as EIP1193Provider, requests };
}

describe('a browser wallet through wagmi', () => {
  function browserWallet(options: { startOnChainId?: number } = {}) {
    const wallet = anvilWallet(options);
    const config = testConfig([
      injected({ target: { id: 'io.example.wallet', name: 'Example Wallet', provider: wallet.provider } }),
    ]);
    const [connector] = config.connectors;
    if (connector === undefined) throw new Error('expected the injected connector');
    return { ...wallet, config, connector };
  }

  it('reconnects silently only while the wallet authorises the site', async () => {
    const { provider, config, connector, requests } = browserWallet();
    expect(await reconnect(config, { connectors: [connector] })).toEqual([]);
    expect(requests.map((request) => request.method)).toContain('eth_accounts');
    expect(requests.map((request) => request.method)).not.toContain('eth_requestAccounts');

    const { accounts } = await connect(config, { connector });
    const address = privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]).address;
    expect(accounts[0]).toBe(address);

    // A reload: a new config over the same wallet, which still authorises the site.
    const reloaded = () => {
      const next = testConfig([
        injected({ target: { id: 'io.example.wallet', name: 'Example Wallet', provider } }),
      ]);
      return { next, nextConnector: next.connectors[0] as (typeof next.connectors)[number] };
    };
    const first = reloaded();
    const [restored] = await reconnect(first.next, { connectors: [first.nextConnector] });
    expect(restored?.accounts[0]).toBe(address);

    // Disconnecting asks the wallet to revoke the site's permission (wallet_revokePermissions): no reconnect.
    await disconnect(first.next);
    expect(requests.at(-1)?.method).toBe('wallet_revokePermissions');
    const second = reloaded();
    expect(await reconnect(second.next, { connectors: [second.nextConnector] })).toEqual([]);
  });

  it('signs with personal_sign and eth_signTypedData_v4, and sends a transaction whose receipt it waits for', async () => {
    const { config, connector, requests } = browserWallet();
    const { accounts } = await connect(config, { connector });
    const address = accounts[0];
    if (address === undefined) throw new Error('expected an account');
    const wallet = pageWallet({
      config,
      connector,
      address,
      chainId: anvil.chainId,
      expectedChainId: () => anvil.chainId,
    });

    const signature = await wallet.signMessage('SGE affiliate terms');
    expect(await verifyMessage({ address, message: 'SGE affiliate terms', signature })).toBe(true);
    expect(requests.at(-1)?.method).toBe('personal_sign');

    const typedData = approvalTypedData(anvil.chainId);
    const typedSignature = await wallet.signTypedData(typedData);
    expect(await verifyTypedData({ ...typedData, address, signature: typedSignature })).toBe(true);
    expect(requests.at(-1)?.method).toBe('eth_signTypedData_v4');

    const before = await balanceOf(RECIPIENT);
    const hash = await wallet.sendTransaction({ to: RECIPIENT, value: parseEther('0.001') });
    expect((await wallet.waitForReceipt(hash)).status).toBe('success');
    expect(await balanceOf(RECIPIENT)).toBe(before + parseEther('0.001'));
    expect(requests.some((request) => request.method === 'eth_sendTransaction')).toBe(true);
  });

  it('refuses to send while the wallet is on another chain, and sends once it has switched', async () => {
    const { config, connector, requests } = browserWallet({ startOnChainId: 1 });
    const { accounts, chainId } = await connect(config, { connector });
    expect(chainId).toBe(1);
    const address = accounts[0];
    if (address === undefined) throw new Error('expected an account');
    const wallet = pageWallet({ config, connector, address, chainId, expectedChainId: () => anvil.chainId });
    const refused = await wallet.sendTransaction({ to: RECIPIENT, value: 1n }).catch((error) => error);
    expect(toWalletError(refused).code).toBe('WRONG_NETWORK');
    expect(requests.some((request) => request.method === 'eth_sendTransaction')).toBe(false);

    const switched = await connector.switchChain?.({ chainId: anvil.chainId });
    expect(switched?.id).toBe(anvil.chainId);
    expect(requests.some((request) => request.method === 'wallet_switchEthereumChain')).toBe(true);
    const hash = await wallet.sendTransaction({ to: RECIPIENT, value: 1n });
    expect((await wallet.waitForReceipt(hash)).status).toBe('success');

    // The chain is known to wagmi, so switching back to it again is a no-op for the wallet.
    expect(toSwitchChainError(Object.assign(new Error('x'), { code: 4001 })).code).toBe('USER_REJECTED');
  });
});

describe('a browser wallet that does not know the platform chain', () => {
  it('says CHAIN_NOT_ADDED when switching fails and adding the chain fails too', async () => {
    const wallet = anvilWallet({ startOnChainId: 1, knowsChain: false });
    const config = testConfig([
      injected({ target: { id: 'io.example.wallet', name: 'Example Wallet', provider: wallet.provider } }),
    ]);
    const [connector] = config.connectors;
    if (connector === undefined) throw new Error('expected the injected connector');
    await connect(config, { connector });
    const error = await connector.switchChain?.({ chainId: anvil.chainId }).catch((e: unknown) => e);
    // wagmi reports a 4001 whose cause is the failed wallet_addEthereumChain.
    expect((error as { code?: unknown }).code).toBe(4001);
    expect(wallet.requests.map((request) => request.method)).toContain('wallet_addEthereumChain');
    expect(toSwitchChainError(error).code).toBe('CHAIN_NOT_ADDED');
  });
});

describe('wagmi errors as WalletErrors', () => {
  it('reads a code anywhere along the cause chain', () => {
    expect(hasErrorCode({ code: 4001, cause: { code: 4902 } }, 4902)).toBe(true);
    expect(hasErrorCode({ code: 4001 }, 4902)).toBe(false);
  });

  it("turns wagmi's connector errors into typed ones", () => {
    const named = (name: string) => Object.assign(new Error(name), { name });
    expect(toWalletError(named('ConnectorChainMismatchError')).code).toBe('WRONG_NETWORK');
    expect(toWalletError(named('ProviderNotFoundError')).code).toBe('NO_INJECTED_WALLET');
    expect(toWalletError(named('ConnectorNotConnectedError')).code).toBe('NO_ACCOUNT');
  });
});
