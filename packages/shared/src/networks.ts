/**
 * The networks the platform deploys to and runs on, in one place: the deploy CLI
 * (`npm run deploy -- --network <key>`), the API's configuration (`CHAIN_ID` picks the entry) and its
 * explorer links all read this table.
 *
 * Token addresses are the issuers' own: USDC from Circle's "USDC Contract Addresses" page
 * (developers.circle.com/stablecoins/usdc-contract-addresses), USDT where Tether (or, on Base, the chain's
 * standard bridge) has one. A network without one has `null`: the deploy CLI then asks for the `*_ADDRESS`
 * variable on a mainnet and deploys a test token only on a testnet or a local chain.
 * `networks.test.ts` checks every address's EIP-55 checksum.
 *
 * Fee models (ARCHITECTURE.md, "Networks and their fees"):
 * - `ethereum`: gas used × effective gas price (EIP-1559);
 * - `op-stack` (Base, Optimism): the same for L2 execution, plus an L1 data fee per transaction, priced by
 *   the GasPriceOracle predeploy and reported in the receipt's `l1Fee`;
 * - `arbitrum`: one gas price, with the L1 component folded into the gas used (`gasUsedForL1` in the
 *   receipt; NodeInterface's `gasEstimateL1Component` estimates it).
 */

/** A 20-byte address as written in the registry (checksummed; `networks.test.ts` checks it). */
export type TNetworkAddress = `0x${string}`;

export type TNetworkKey =
  | 'ethereum'
  | 'sepolia'
  | 'base'
  | 'base-sepolia'
  | 'arbitrum'
  | 'optimism'
  | 'local';

export type TFeeModel = 'ethereum' | 'op-stack' | 'arbitrum';

export type TNetwork = {
  key: TNetworkKey;
  chainId: number;
  name: string;
  /** `mainnet`: real money; `testnet`: public, valueless (faucets); `local`: a developer's own node. */
  kind: 'mainnet' | 'testnet' | 'local';
  nativeCurrency: { name: string; symbol: string; decimals: 18 };
  /** Block explorer base URL (no trailing slash), null on a local chain. */
  explorerUrl: string | null;
  /** Circle's USDC and Tether's USDT on this chain; null where the issuer has none. */
  tokens: { usdc: TNetworkAddress | null; usdt: TNetworkAddress | null };
  /**
   * Blocks (the transaction's included) before the relayer and the claim verifier treat a transaction as
   * final, unless RELAYER_CONFIRMATIONS says otherwise. Ethereum: 3 (12 s blocks; reorgs deeper than one or
   * two blocks have not happened since the Merge). OP-stack: 10 (2 s blocks, 20 s: the sequencer's unsafe
   * head is rarely reorged beyond a few blocks). Arbitrum: 20 (0.25 s blocks, 5 s). Local: 1.
   */
  confirmations: number;
  /** Bedrock OP-stack L2: an L1 data fee is charged on top of L2 execution gas. */
  opStack: boolean;
  /** Arbitrum Nitro: the L1 component is charged as extra gas (NodeInterface at 0x…C8). */
  arbitrum: boolean;
  /** Other names the CLI accepts for this network. */
  aliases: readonly string[];
};

const ETHER = { name: 'Ether', symbol: 'ETH', decimals: 18 } as const;

/** Every network the platform knows, in the order the CLI lists them. */
export const NETWORKS: readonly TNetwork[] = [
  {
    key: 'ethereum',
    chainId: 1,
    name: 'Ethereum',
    kind: 'mainnet',
    nativeCurrency: ETHER,
    explorerUrl: 'https://etherscan.io',
    tokens: {
      usdc: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
      usdt: '0xdAC17F958D2ee523a2206206994597C13D831ec7',
    },
    confirmations: 3,
    opStack: false,
    arbitrum: false,
    aliases: ['mainnet'],
  },
  {
    key: 'sepolia',
    chainId: 11_155_111,
    name: 'Sepolia',
    kind: 'testnet',
    nativeCurrency: { name: 'Sepolia Ether', symbol: 'ETH', decimals: 18 },
    explorerUrl: 'https://sepolia.etherscan.io',
    // Tether issues no USDT on Sepolia.
    tokens: { usdc: '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238', usdt: null },
    confirmations: 3,
    opStack: false,
    arbitrum: false,
    aliases: [],
  },
  {
    key: 'base',
    chainId: 8453,
    name: 'Base',
    kind: 'mainnet',
    nativeCurrency: ETHER,
    explorerUrl: 'https://basescan.org',
    tokens: {
      usdc: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
      // Bridged USDT (Base's standard bridge from Ethereum's USDT); Tether issues none natively on Base.
      usdt: '0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2',
    },
    confirmations: 10,
    opStack: true,
    arbitrum: false,
    aliases: [],
  },
  {
    key: 'base-sepolia',
    chainId: 84_532,
    name: 'Base Sepolia',
    kind: 'testnet',
    nativeCurrency: { name: 'Sepolia Ether', symbol: 'ETH', decimals: 18 },
    explorerUrl: 'https://sepolia.basescan.org',
    tokens: { usdc: '0x036CbD53842c5426634e7929541eC2318f3dCF7e', usdt: null },
    confirmations: 10,
    opStack: true,
    arbitrum: false,
    aliases: [],
  },
  {
    key: 'arbitrum',
    chainId: 42_161,
    name: 'Arbitrum One',
    kind: 'mainnet',
    nativeCurrency: ETHER,
    explorerUrl: 'https://arbiscan.io',
    tokens: {
      usdc: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831',
      // USDT0, Tether's USDT on Arbitrum.
      usdt: '0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9',
    },
    confirmations: 20,
    opStack: false,
    arbitrum: true,
    aliases: ['arbitrum-one'],
  },
  {
    key: 'optimism',
    chainId: 10,
    name: 'OP Mainnet',
    kind: 'mainnet',
    nativeCurrency: ETHER,
    explorerUrl: 'https://optimistic.etherscan.io',
    tokens: {
      usdc: '0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85',
      usdt: '0x94b008aA00579c1307B0EF2c499aD98a8ce58e58',
    },
    confirmations: 10,
    opStack: true,
    arbitrum: false,
    aliases: ['op', 'op-mainnet'],
  },
  {
    key: 'local',
    chainId: 31_337,
    name: 'Local (anvil)',
    kind: 'local',
    nativeCurrency: ETHER,
    explorerUrl: null,
    tokens: { usdc: null, usdt: null },
    confirmations: 1,
    opStack: false,
    arbitrum: false,
    aliases: ['anvil'],
  },
];

/** The GasPriceOracle predeploy of every OP-stack chain (`getL1Fee(bytes)`). */
export const OP_GAS_PRICE_ORACLE_ADDRESS: TNetworkAddress = '0x420000000000000000000000000000000000000F';
/** Arbitrum's NodeInterface (a virtual contract answering `eth_call` only: `gasEstimateL1Component`). */
export const ARBITRUM_NODE_INTERFACE_ADDRESS: TNetworkAddress = '0x00000000000000000000000000000000000000C8';

/** The fee model of a network: how a transaction's cost is made up. */
export function feeModelOf(network: Pick<TNetwork, 'opStack' | 'arbitrum'>): TFeeModel {
  if (network.opStack) return 'op-stack';
  if (network.arbitrum) return 'arbitrum';
  return 'ethereum';
}

/**
 * The network with this chain id, or undefined when the registry does not know it.
 *
 * @example networkByChainId(8453)?.name // 'Base'
 */
export function networkByChainId(chainId: number): TNetwork | undefined {
  return NETWORKS.find((network) => network.chainId === chainId);
}

/**
 * The network with this key or alias (case-insensitive), or undefined.
 *
 * @example networkByName('mainnet')?.chainId // 1
 */
export function networkByName(name: string): TNetwork | undefined {
  const wanted = name.trim().toLowerCase();
  return NETWORKS.find((network) => network.key === wanted || network.aliases.includes(wanted));
}

/** Whether a chain id belongs to a public network in the registry (a mainnet or a testnet). */
export function isPublicChainId(chainId: number): boolean {
  const network = networkByChainId(chainId);
  return network !== undefined && network.kind !== 'local';
}
