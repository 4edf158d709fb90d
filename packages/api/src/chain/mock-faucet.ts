import { testUsdcAbi, testUsdtAbi } from '@sge/contracts';
import type { TFaucetResponse } from '@sge/shared';
import { createWalletClient, getAddress, type Hash, type Hex, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { TContractAddresses } from '../config';
import type { TChainConnection } from './chain-connection';

/** What one faucet call mints of each test stablecoin: 1,000 USDC and 1,000 USDT (ten default claims). */
export const FAUCET_STABLECOIN_UNITS = 1_000n * 1_000_000n;
/** A wallet with less ETH than this gets FAUCET_ETH_TOP_UP_WEI for gas (a claim costs ~0.0002 ETH on anvil). */
export const FAUCET_ETH_MIN_WEI = parseEther('0.05');
export const FAUCET_ETH_TOP_UP_WEI = parseEther('0.1');

/** What the faucet uses: Mock mode's embedded chain, its test tokens and the development deployer's key. */
export type TMockFaucetDeps = {
  mockChain: { rpcUrl: string } | null;
  contracts: Pick<TContractAddresses, 'usdc' | 'usdt'>;
  chain: Pick<TChainConnection, 'chain' | 'publicClient'>;
  deployerKey: Hex | null;
};

/**
 * Mock mode's faucet (POST /api/dev/faucet): the development deployer mints test USDC and USDT to a wallet
 * (their `mint` is open on local chains) and sends it ETH for gas when it has little. Calls are serialised in
 * the process so the deployer's nonces never collide. Never available outside Mock mode (the route is not
 * registered there, and this refuses without the embedded chain).
 */
export function createMockFaucet(deps: TMockFaucetDeps): (wallet: string) => Promise<TFaucetResponse> {
  let tail: Promise<unknown> = Promise.resolve();
  return (input) => {
    const run = async (): Promise<TFaucetResponse> => {
      const { mockChain, contracts, chain, deployerKey } = deps;
      if (!mockChain || !deployerKey || !contracts.usdc || !contracts.usdt) {
        throw new Error('the faucet needs Mock mode with its test tokens deployed');
      }
      const wallet = getAddress(input);
      const client = createWalletClient({
        chain: chain.chain,
        transport: http(mockChain.rpcUrl),
        account: privateKeyToAccount(deployerKey),
      });
      const hashes: Hash[] = [];
      for (const [address, abi] of [
        [contracts.usdc, testUsdcAbi],
        [contracts.usdt, testUsdtAbi],
      ] as const) {
        const hash = await client.writeContract({
          address: getAddress(address),
          abi,
          functionName: 'mint',
          args: [wallet, FAUCET_STABLECOIN_UNITS],
        });
        await chain.publicClient.waitForTransactionReceipt({ hash });
        hashes.push(hash);
      }
      let ethWei = 0n;
      if ((await chain.publicClient.getBalance({ address: wallet })) < FAUCET_ETH_MIN_WEI) {
        const hash = await client.sendTransaction({ to: wallet, value: FAUCET_ETH_TOP_UP_WEI });
        await chain.publicClient.waitForTransactionReceipt({ hash });
        hashes.push(hash);
        ethWei = FAUCET_ETH_TOP_UP_WEI;
      }
      return {
        wallet,
        usdc: FAUCET_STABLECOIN_UNITS.toString(),
        usdt: FAUCET_STABLECOIN_UNITS.toString(),
        ethWei: ethWei.toString(),
        txHashes: hashes,
      };
    };
    const result = tail.then(run, run);
    tail = result.catch(() => {});
    return result;
  };
}
