import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  ARBITRUM_NODE_INTERFACE_ADDRESS,
  feeModelOf,
  isPublicChainId,
  NETWORKS,
  networkByChainId,
  networkByName,
  OP_GAS_PRICE_ORACLE_ADDRESS,
} from './networks';

describe('the network registry', () => {
  it("lists each network's canonical USDC (Circle's) and USDT where it exists", () => {
    const usdc = Object.fromEntries(NETWORKS.map((network) => [network.key, network.tokens.usdc]));
    expect(usdc).toEqual({
      ethereum: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
      sepolia: '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238',
      base: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913',
      'base-sepolia': '0x036CbD53842c5426634e7929541eC2318f3dCF7e',
      arbitrum: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831',
      optimism: '0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85',
      local: null,
    });
    const usdt = Object.fromEntries(NETWORKS.map((network) => [network.key, network.tokens.usdt]));
    expect(usdt).toEqual({
      ethereum: '0xdAC17F958D2ee523a2206206994597C13D831ec7',
      sepolia: null,
      base: '0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2',
      'base-sepolia': null,
      arbitrum: '0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9',
      optimism: '0x94b008aA00579c1307B0EF2c499aD98a8ce58e58',
      local: null,
    });
  });

  it('writes every address with its EIP-55 checksum', () => {
    const addresses = [
      OP_GAS_PRICE_ORACLE_ADDRESS,
      ARBITRUM_NODE_INTERFACE_ADDRESS,
      ...NETWORKS.flatMap((network) => [network.tokens.usdc, network.tokens.usdt]),
    ].filter((address) => address !== null);
    for (const address of addresses) expect(getAddress(address)).toBe(address);
  });

  it('has one entry per chain id, key and alias, each mainnet with a canonical USDC and an explorer', () => {
    const chainIds = NETWORKS.map((network) => network.chainId);
    expect(new Set(chainIds).size).toBe(chainIds.length);
    const names = NETWORKS.flatMap((network) => [network.key, ...network.aliases]);
    expect(new Set(names).size).toBe(names.length);
    for (const network of NETWORKS.filter((entry) => entry.kind !== 'local')) {
      expect(network.tokens.usdc, network.key).not.toBeNull();
      expect(network.explorerUrl, network.key).toMatch(/^https:\/\/[^/]+$/);
      expect(network.confirmations, network.key).toBeGreaterThanOrEqual(1);
    }
  });

  it('finds networks by chain id, key or alias and names their fee model', () => {
    expect(networkByChainId(8453)?.key).toBe('base');
    expect(networkByChainId(424242)).toBeUndefined();
    expect(networkByName('mainnet')?.chainId).toBe(1);
    expect(networkByName(' Base-Sepolia ')?.chainId).toBe(84532);
    expect(networkByName('polygon')).toBeUndefined();
    expect(NETWORKS.map((network) => [network.key, feeModelOf(network)])).toEqual([
      ['ethereum', 'ethereum'],
      ['sepolia', 'ethereum'],
      ['base', 'op-stack'],
      ['base-sepolia', 'op-stack'],
      ['arbitrum', 'arbitrum'],
      ['optimism', 'op-stack'],
      ['local', 'ethereum'],
    ]);
    expect(isPublicChainId(11155111)).toBe(true);
    expect(isPublicChainId(31337)).toBe(false);
    expect(isPublicChainId(424242)).toBe(false);
  });
});
