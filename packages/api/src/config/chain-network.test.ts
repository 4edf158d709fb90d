import { describe, expect, it } from 'vitest';
import { explorerUrlOf, networkOfChainId } from './chain-network';
import { ConfigError, loadConfig } from './load-config';

const REAL_ENV = {
  MOCK_MODE: 'false',
  DATABASE_URL: 'postgresql://sge@db:5432/sge',
  REDIS_URL: 'redis://cache:6379',
  RPC_URL: 'https://rpc.example/v2/key',
  RELAYER_PRIVATE_KEY: '0x1111111111111111111111111111111111111111111111111111111111111111',
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('CHAIN_ID picks the network', () => {
  it('takes a registry network with its explorer, confirmations and fee model', () => {
    const base = loadConfig({ ...REAL_ENV, CHAIN_ID: '8453' });
    expect(base.chain.network).toMatchObject({ name: 'Base', feeModel: 'op-stack', source: 'registry' });
    expect(base.relayer.confirmations).toBe(10);
    expect(explorerUrlOf(base.chain.network!, base.chain.explorerUrl)).toBe('https://basescan.org');

    const arbitrum = loadConfig({ ...REAL_ENV, CHAIN_ID: '42161', RELAYER_CONFIRMATIONS: '40' });
    expect(arbitrum.chain.network?.feeModel).toBe('arbitrum');
    expect(arbitrum.relayer.confirmations).toBe(40);

    const sepolia = loadConfig({
      ...REAL_ENV,
      CHAIN_ID: '11155111',
      EXPLORER_URL: 'https://explorer.example/',
    });
    expect(explorerUrlOf(sepolia.chain.network!, sepolia.chain.explorerUrl)).toBe('https://explorer.example');
  });

  it('fails startup on a chain id the registry does not know, naming it and what would describe it', () => {
    const error = configError({ ...REAL_ENV, CHAIN_ID: '137' });
    expect(error.problems.map((problem) => problem.variable)).toEqual(['CHAIN_ID']);
    expect(error.message).toMatch(
      /CHAIN_ID: chain id 137 is not in the network registry \(1 \(Ethereum\), 11155111 \(Sepolia\), .*\); describe it with CHAIN_NAME, CHAIN_FEE_MODEL, RELAYER_CONFIRMATIONS/,
    );
    const partly = configError({ ...REAL_ENV, CHAIN_ID: '137', CHAIN_NAME: 'Polygon' });
    expect(partly.message).toMatch(/describe it with CHAIN_FEE_MODEL, RELAYER_CONFIRMATIONS/);
    const badModel = configError({
      ...REAL_ENV,
      CHAIN_ID: '137',
      CHAIN_NAME: 'Polygon',
      CHAIN_FEE_MODEL: 'zk',
      RELAYER_CONFIRMATIONS: '64',
    });
    expect(badModel.problems.map((problem) => problem.variable)).toEqual(['CHAIN_FEE_MODEL']);
  });

  it('accepts a custom network that is fully described', () => {
    const config = loadConfig({
      ...REAL_ENV,
      CHAIN_ID: '137',
      CHAIN_NAME: 'Polygon PoS',
      CHAIN_FEE_MODEL: 'ethereum',
      RELAYER_CONFIRMATIONS: '64',
      EXPLORER_URL: 'https://polygonscan.com',
    });
    expect(config.chain.network).toMatchObject({ chainId: 137, name: 'Polygon PoS', source: 'custom' });
    expect(config.relayer.confirmations).toBe(64);
    expect(explorerUrlOf(config.chain.network!, config.chain.explorerUrl)).toBe('https://polygonscan.com');
  });

  it('refuses CHAIN_NAME for a network the registry knows', () => {
    const error = configError({ ...REAL_ENV, CHAIN_ID: '10', CHAIN_NAME: 'Optimism' });
    expect(error.message).toMatch(/CHAIN_NAME: chain 10 is OP Mainnet in the network registry/);
  });

  it('without CHAIN_ID, looks up the chain id the RPC reports (no explorer for an unlisted one)', () => {
    expect(loadConfig({ ...REAL_ENV }).chain.network).toBeNull();
    expect(loadConfig({ ...REAL_ENV }).relayer.confirmations).toBe(1);
    expect(networkOfChainId(1).explorerUrl).toBe('https://etherscan.io');
    expect(networkOfChainId(31337)).toMatchObject({
      source: 'registry',
      explorerUrl: null,
      confirmations: 1,
    });
    expect(networkOfChainId(5150)).toMatchObject({
      source: 'unlisted',
      feeModel: 'ethereum',
      explorerUrl: null,
    });
  });
});
