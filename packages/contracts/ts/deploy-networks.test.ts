import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { networkByName, OP_GAS_PRICE_ORACLE_ADDRESS } from '@sge/shared';
import { type Address, createPublicClient, type Hex, http, type PublicClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type TAnvil } from './anvil';
import { parseCliArguments, resolveCliConfig } from './deploy-cli';
import { readDeploymentFile } from './deployment-file';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = resolve(packageDir, '..', '..');
const cliPath = join(packageDir, 'ts', 'deploy-cli.ts');
const SEPOLIA_CHAIN_ID = 11_155_111;
const sepolia = networkByName('sepolia')!;

type TRunResult = { code: number | null; stdout: string; stderr: string };

/** Runs a command with only the given variables (plus PATH/HOME) set. */
async function run(command: string, args: string[], env: Record<string, string>, cwd = packageDir) {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
  return { code, stdout, stderr } satisfies TRunResult;
}

const runCli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', cliPath, ...args], env);

const randomAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address;

async function setCode(publicClient: PublicClient, address: Address): Promise<void> {
  // Any code passes the CLI's "is a contract" check; the claim contract only stores the addresses.
  await publicClient.request({ method: 'anvil_setCode' as never, params: [address, '0x00'] as never });
}

async function fund(publicClient: PublicClient, address: Address): Promise<void> {
  await publicClient.request({
    method: 'anvil_setBalance' as never,
    params: [address, `0x${(10n ** 19n).toString(16)}`] as never,
  });
}

describe('the deploy CLI on public networks, against an anvil reporting Sepolia’s chain id', () => {
  let anvil: TAnvil;
  let publicClient: PublicClient;
  let deploymentsDir: string;
  let env: Record<string, string>;
  let deployer: Address;
  const tokens = { usdc: randomAddress(), usdt: randomAddress(), sge: randomAddress() };

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: SEPOLIA_CHAIN_ID });
    publicClient = createPublicClient({ transport: http(anvil.rpcUrl) });
    deploymentsDir = mkdtempSync(join(tmpdir(), 'sge-deployments-'));
    for (const address of Object.values(tokens)) await setCode(publicClient, address);
    const deployerKey = generatePrivateKey();
    deployer = privateKeyToAccount(deployerKey).address;
    await fund(publicClient, deployer);
    env = {
      RPC_URL: anvil.rpcUrl,
      DEPLOYMENTS_DIR: deploymentsDir,
      DEPLOYER_PRIVATE_KEY: deployerKey,
      RELAYER_ADDRESS: randomAddress(),
      TREASURY_ADDRESS: randomAddress(),
    };
  });

  afterAll(async () => {
    await anvil?.stop();
    if (deploymentsDir) rmSync(deploymentsDir, { recursive: true, force: true });
  });

  const nonce = () => publicClient.getTransactionCount({ address: deployer });

  it('refuses without token addresses: Sepolia’s canonical USDC has no code on this chain', async () => {
    const result = await runCli(['--network', 'sepolia', '--yes'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `usdc token ${sepolia.tokens.usdc} has no code on chain ${SEPOLIA_CHAIN_ID} (Sepolia's canonical USDC`,
    );
    expect(result.stdout).toBe('');
    expect(await nonce()).toBe(0);
  });

  it('refuses a chain id that does not match the network, and CHAIN_ID contradicting it', async () => {
    const base = await runCli(['--network', 'base-sepolia', '--yes'], env);
    expect(base.code).toBe(1);
    expect(base.stderr).toMatch(
      /reports chain id 11155111, but deploy:base-sepolia expects chain id 84532; refusing to deploy/,
    );
    const contradicting = await runCli(['--network', 'sepolia', '--yes'], { ...env, CHAIN_ID: '1' });
    expect(contradicting.code).toBe(1);
    expect(contradicting.stderr).toMatch(/CHAIN_ID=1 contradicts deploy:sepolia/);
    expect(await nonce()).toBe(0);
  });

  it('asks for confirmation and sends nothing without it', async () => {
    const result = await runCli(['--network', 'sepolia'], {
      ...env,
      USDC_ADDRESS: tokens.usdc,
      USDT_ADDRESS: tokens.usdt,
      SGE_TOKEN_ADDRESS: tokens.sge,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/about to deploy to SEPOLIA \(chain 11155111\)/);
    expect(result.stderr).toMatch(/Sepolia deployment not confirmed: pass --yes/);
    expect(await nonce()).toBe(0);
  });

  it('deploy:local refuses to deploy mintable test tokens on a public chain id', async () => {
    const result = await runCli(['local'], { RPC_URL: anvil.rpcUrl, CHAIN_ID: String(SEPOLIA_CHAIN_ID) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /chain id 11155111 is Sepolia, a public network: deploy:local will not deploy TestUSDC, which anyone can mint; set USDC_ADDRESS or use npm run deploy -- --network sepolia/,
    );
  });

  it('deploys no test token when the addresses are given', async () => {
    const result = await runCli(['--network', 'sepolia', '--yes'], {
      ...env,
      USDC_ADDRESS: tokens.usdc,
      USDT_ADDRESS: tokens.usdt,
      SGE_TOKEN_ADDRESS: tokens.sge,
    });
    expect(result.code, result.stderr).toBe(0);
    const deployment = readDeploymentFile(SEPOLIA_CHAIN_ID, deploymentsDir);
    expect(deployment.testTokens).toBe(false);
    expect(deployment.contracts.usdc).toBe(tokens.usdc);
    expect(deployment.contracts.usdt).toBe(tokens.usdt);
    expect(deployment.contracts.sgeToken).toBe(tokens.sge);
    // SGEID, SGEClaim, SGEPayout, AffiliateRegistry: four transactions, no token deployed.
    expect(await nonce()).toBe(4);
    expect(result.stderr).toMatch(/fund the claim vault by transferring SGE to SGEClaim/);
  });

  it('uses Circle’s USDC where it is, and deploys test tokens only for what Sepolia has no canonical token for', async () => {
    await setCode(publicClient, sepolia.tokens.usdc as Address);
    const before = await nonce();
    const result = await runCli(['sepolia', '--yes'], env);
    expect(result.code, result.stderr).toBe(0);
    const deployment = readDeploymentFile(SEPOLIA_CHAIN_ID, deploymentsDir);
    expect(deployment.contracts.usdc).toBe(sepolia.tokens.usdc);
    expect(deployment.testTokens).toBe(true);
    expect(result.stderr).toMatch(
      /tokens: USDC 0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238 \(canonical\), USDT a new TestUSDT, SGE a new SGEToken/,
    );
    // TestUSDT, SGEToken, the four platform contracts and the vault funding.
    expect((await nonce()) - before).toBe(7);
  });
});

describe('the deploy CLI on a local chain', () => {
  let anvil: TAnvil;
  let deploymentsDir: string;

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    deploymentsDir = mkdtempSync(join(tmpdir(), 'sge-deployments-'));
  });

  afterAll(async () => {
    await anvil?.stop();
    if (deploymentsDir) rmSync(deploymentsDir, { recursive: true, force: true });
  });

  it('deploy:local honours USDC_ADDRESS, USDT_ADDRESS and SGE_TOKEN_ADDRESS', async () => {
    const publicClient = createPublicClient({ transport: http(anvil.rpcUrl) });
    const usdc = randomAddress();
    await setCode(publicClient, usdc);
    const result = await runCli(['local'], {
      RPC_URL: anvil.rpcUrl,
      DEPLOYMENTS_DIR: deploymentsDir,
      USDC_ADDRESS: usdc,
    });
    expect(result.code, result.stderr).toBe(0);
    const deployment = readDeploymentFile(31337, deploymentsDir);
    expect(deployment.contracts.usdc).toBe(usdc);
    expect(deployment.testTokens).toBe(true);
    expect(result.stderr).toMatch(
      /USDC 0x[0-9a-fA-F]{40} \(override\), USDT a new TestUSDT, SGE a new SGEToken/,
    );

    const noCode = await runCli(['local'], {
      RPC_URL: anvil.rpcUrl,
      DEPLOYMENTS_DIR: deploymentsDir,
      USDT_ADDRESS: randomAddress(),
    });
    expect(noCode.code).toBe(1);
    expect(noCode.stderr).toMatch(/usdt token 0x[0-9a-fA-F]{40} has no code on chain 31337 \(USDT_ADDRESS\)/);
  });
});

describe('npm run deploy:mainnet -- --yes from the repository root', () => {
  let anvil: TAnvil;
  let deploymentsDir: string;

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 1 });
    deploymentsDir = mkdtempSync(join(tmpdir(), 'sge-deployments-'));
  });

  afterAll(async () => {
    await anvil?.stop();
    if (deploymentsDir) rmSync(deploymentsDir, { recursive: true, force: true });
  });

  it('passes --yes through both npm scripts to the CLI and deploys', async () => {
    const publicClient = createPublicClient({ transport: http(anvil.rpcUrl) });
    const ethereum = networkByName('ethereum')!;
    const [sge, safe] = [randomAddress(), randomAddress()];
    for (const address of [ethereum.tokens.usdc!, ethereum.tokens.usdt!, sge, safe]) {
      await setCode(publicClient, address as Address);
    }
    const deployerKey = generatePrivateKey();
    await fund(publicClient, privateKeyToAccount(deployerKey).address);
    const result = await run(
      'npm',
      ['run', 'deploy:mainnet', '--silent', '--', '--yes'],
      {
        RPC_URL: anvil.rpcUrl,
        DEPLOYMENTS_DIR: deploymentsDir,
        DEPLOYER_PRIVATE_KEY: deployerKey,
        RELAYER_ADDRESS: randomAddress(),
        TREASURY_ADDRESS: randomAddress(),
        OWNER_ADDRESS: safe,
        SGE_TOKEN_ADDRESS: sge,
      },
      rootDir,
    );
    expect(result.stderr).not.toMatch(/not confirmed/);
    expect(result.code, result.stderr).toBe(0);
    expect(readDeploymentFile(1, deploymentsDir).contracts.usdc).toBe(ethereum.tokens.usdc);
  });
});

describe('the deploy CLI on an OP-stack chain (anvil --network optimism, OP Mainnet chain id)', () => {
  let anvil: TAnvil;

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 10, network: 'optimism' });
    // Anvil 1.7 has no L2 predeploys: a GasPriceOracle stand-in pricing each byte of getL1Fee's call at
    // 1,000 gwei (CALLDATASIZE × price; the API's test/support/op-stack.ts explains it).
    await createPublicClient({ transport: http(anvil.rpcUrl) }).request({
      method: 'anvil_setCode' as never,
      params: [OP_GAS_PRICE_ORACLE_ADDRESS, '0x3667000000e8d4a510000260005260206000f3'] as never,
    });
  });

  afterAll(async () => {
    await anvil?.stop();
  });

  it('counts the L1 data fee in the deployment cost the deployer must hold', async () => {
    const publicClient = createPublicClient({ transport: http(anvil.rpcUrl) });
    const optimism = networkByName('optimism')!;
    const [sge, safe] = [randomAddress(), randomAddress()];
    for (const address of [optimism.tokens.usdc!, optimism.tokens.usdt!, sge, safe]) {
      await setCode(publicClient, address as Address);
    }
    const deployerKey = generatePrivateKey();
    // 0.02 ETH pays the L2 gas of the deployment at anvil's fees (~6 M gas × 2 gwei max fee), not also the
    // stand-in's L1 data fee (~30 KB of bytecode at 1,000 gwei a byte: ~0.03 ETH).
    await publicClient.request({
      method: 'anvil_setBalance' as never,
      params: [privateKeyToAccount(deployerKey).address, `0x${(2n * 10n ** 16n).toString(16)}`] as never,
    });
    const result = await runCli(['--network', 'optimism', '--yes'], {
      RPC_URL: anvil.rpcUrl,
      DEPLOYER_PRIVATE_KEY: deployerKey,
      RELAYER_ADDRESS: randomAddress(),
      TREASURY_ADDRESS: randomAddress(),
      OWNER_ADDRESS: safe,
      SGE_TOKEN_ADDRESS: sge,
    });
    expect(result.code).toBe(1);
    const l1FeeWei = BigInt(result.stderr.match(/\+ (\d+) wei L1 data fee/)?.[1] ?? '0');
    const [, gas, maxFee] = result.stderr.match(/= (\d+) gas × (\d+) wei max fee/) ?? [];
    expect(result.stderr).toMatch(
      /balance 0\.02 ETH \(20000000000000000 wei\) is below the estimated deployment cost/,
    );
    expect(l1FeeWei).toBeGreaterThan(10n ** 16n);
    expect(BigInt(gas!) * BigInt(maxFee!)).toBeLessThan(2n * 10n ** 16n);
    expect(result.stderr).toMatch(/deploy:optimism on chain 10 \(OP Mainnet\).*L1 data fee 0\.0\d+ ETH/);
  });
});

describe('the deploy CLI’s arguments and configuration', () => {
  it('takes the network as `--network <name>`, `--network=<name>` or the first word', () => {
    expect(parseCliArguments(['--network', 'base-sepolia', '--yes'])).toEqual({
      label: 'base-sepolia',
      flags: ['--yes'],
    });
    expect(parseCliArguments(['--network=optimism'])).toEqual({ label: 'optimism', flags: [] });
    expect(parseCliArguments(['mainnet', '--yes'])).toEqual({ label: 'mainnet', flags: ['--yes'] });
    expect(parseCliArguments(['--yes'])).toEqual({ label: null, flags: ['--yes'] });
  });

  it('needs the SGE token and the owner Safe on a mainnet, and refuses an unknown network', () => {
    const env = {
      RPC_URL: 'http://127.0.0.1:1',
      DEPLOYER_PRIVATE_KEY: generatePrivateKey() as Hex,
      RELAYER_ADDRESS: randomAddress(),
      TREASURY_ADDRESS: randomAddress(),
      OWNER_ADDRESS: randomAddress(),
    };
    expect(() => resolveCliConfig('base', [], env)).toThrow(/SGE_TOKEN_ADDRESS is required for deploy:base/);
    const config = resolveCliConfig('arbitrum', ['--yes'], { ...env, SGE_TOKEN_ADDRESS: randomAddress() });
    expect(config.network.chainId).toBe(42161);
    expect(config.confirmed).toBe(true);
    expect(config.tokens.usdc).toEqual({
      kind: 'existing',
      address: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831',
      from: 'canonical',
    });
    const { OWNER_ADDRESS: _owner, ...withoutOwner } = env;
    expect(() => resolveCliConfig('optimism', [], withoutOwner)).toThrow(
      /OWNER_ADDRESS is required for deploy:optimism/,
    );
    expect(() => resolveCliConfig('polygon', [], env)).toThrow(
      /unknown network "polygon"; known networks: ethereum\|mainnet, sepolia/,
    );
  });
});
