import { ZDevWallet, ZFaucetRequest, ZFaucetResponse } from '@sge/shared';
import { privateKeyToAccount } from 'viem/accounts';
import { z } from 'zod';
import { createMockFaucet } from '../../chain/mock-faucet';
import { devPrivateKey } from '../../config';
import { AppError } from '../../domain/app-error';
import type { TRuntime } from '../../runtime';
import { adminOf, authGuards } from '../plugins/auth';
import type { TApp } from '../server';

/** anvil's published development accounts (0-9). */
const DEV_ACCOUNT_COUNT = 10;

/** Mock mode's browser dev wallet: anvil development account #9 (a published key; local chain only). */
export const DEV_WALLET_ACCOUNT_INDEX = 9;
/** JSON-RPC methods the dev wallet needs; nothing that administers the node (anvil_*, evm_*) passes. */
const DEV_RPC_METHODS = new Set([
  'eth_chainId',
  'eth_blockNumber',
  'eth_getBalance',
  'eth_call',
  'eth_estimateGas',
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_feeHistory',
  'eth_getBlockByNumber',
  'eth_getTransactionCount',
  'eth_getTransactionByHash',
  'eth_getTransactionReceipt',
  'eth_sendRawTransaction',
  'eth_getCode',
  'eth_getLogs',
  'net_version',
]);

const ZRpcRequest = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.number(), z.string(), z.null()]),
  method: z.string().max(64),
  params: z.array(z.unknown()).max(16).optional(),
});

/**
 * Mock mode only (404 otherwise): the dev wallet the web app uses in place of a browser extension, a
 * JSON-RPC proxy to the embedded chain (whose port is random) so the app can sign and send from it, and
 * POST /api/dev/faucet {wallet} (test USDC and USDT, ETH for gas).
 */
export function registerDevRoutes(app: TApp, runtime: TRuntime) {
  if (!runtime.mockChain) return;
  const rpcUrl = runtime.mockChain.rpcUrl;
  const devKey = devPrivateKey(DEV_WALLET_ACCOUNT_INDEX);

  app.get(
    '/api/dev/wallet',
    {
      schema: {
        tags: ['mock'],
        summary: 'Mock mode: the dev wallet (a published anvil key)',
        response: { 200: ZDevWallet },
      },
    },
    async () => ({
      address: privateKeyToAccount(devKey).address,
      privateKey: devKey,
      chainId: runtime.chain.chainId,
    }),
  );

  // The demo admins' wallets (ADMIN_API_KEYS' defaults in Mock mode) are published anvil accounts, so the
  // admin console can sign payout approvals without an extension. Only an admin's own wallet is served.
  const guards = authGuards(runtime);
  const devKeyOf = new Map(
    Array.from({ length: DEV_ACCOUNT_COUNT }, (_, index) => {
      const key = devPrivateKey(index);
      return [privateKeyToAccount(key).address.toLowerCase(), key] as const;
    }),
  );
  app.get(
    '/api/dev/admin-wallet',
    {
      onRequest: guards.admin,
      schema: {
        tags: ['mock'],
        summary: "Mock mode: the calling demo admin's wallet (a published anvil key), for signing approvals",
        security: [{ adminKey: [] }],
        response: { 200: ZDevWallet },
      },
    },
    async (request) => {
      const principal = adminOf(request);
      const wallet = principal.kind === 'admin' ? principal.wallet : null;
      const key = wallet ? devKeyOf.get(wallet.toLowerCase()) : undefined;
      if (!wallet || !key) {
        throw new AppError(
          'NOT_FOUND',
          `admin ${principal.actor} has no development wallet: sign with the admin's own wallet`,
        );
      }
      return { address: wallet, privateKey: key, chainId: runtime.chain.chainId };
    },
  );

  // Test USDC and USDT for any wallet (and a little ETH for its gas), so it can claim from the browser.
  const faucet = createMockFaucet({
    mockChain: runtime.mockChain,
    contracts: runtime.contracts,
    chain: runtime.chain,
    deployerKey: runtime.config.chain.deployerPrivateKey,
  });
  app.post(
    '/api/dev/faucet',
    {
      schema: {
        tags: ['mock'],
        summary: 'Mock mode: mint test USDC and USDT to a wallet and top up its ETH for gas',
        body: ZFaucetRequest,
        response: { 200: ZFaucetResponse },
      },
    },
    async (request) => await faucet(request.body.wallet),
  );

  app.post(
    '/api/dev/rpc',
    {
      schema: {
        tags: ['mock'],
        summary: 'Mock mode: JSON-RPC to the embedded chain (read and send methods only)',
        body: ZRpcRequest,
      },
    },
    async (request) => {
      if (!DEV_RPC_METHODS.has(request.body.method)) {
        throw new AppError(
          'FORBIDDEN',
          `JSON-RPC method ${request.body.method} is not available to the dev wallet`,
        );
      }
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request.body),
      });
      return await response.json();
    },
  );
}
