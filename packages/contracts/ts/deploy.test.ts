import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  getAddress,
  type Hex,
  hashTypedData,
  http,
  type PublicClient,
  zeroAddress,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  affiliateRegistryAbi,
  sgeClaimAbi,
  sgeIdAbi,
  sgePayoutAbi,
  sgeTokenAbi,
  testUsdcAbi,
  testUsdtAbi,
} from '../generated/artifacts';
import { ANVIL_PRIVATE_KEYS, startAnvil, type TAnvil } from './anvil';
import {
  DEFAULT_CLAIM_AMOUNT_WEI,
  DEFAULT_FEE_MICRO_USD,
  DEFAULT_FUND_CLAIM_VAULT_WEI,
  deployContracts,
  estimateDeploymentCost,
  MAINNET_USDC_ADDRESS,
  MAINNET_USDT_ADDRESS,
  type TDeployment,
} from './deploy';
import { resolveCliConfig } from './deploy-cli';
import {
  ENV_VARIABLE_BY_CONTRACT,
  parseDeployment,
  readDeploymentFile,
  serializeDeployment,
  toEnvLines,
} from './deployment-file';
import { payoutBatchTypedData } from './payout-approval';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cliPath = join(packageDir, 'ts', 'deploy-cli.ts');
const ENV_NAMES = Object.values(ENV_VARIABLE_BY_CONTRACT);
const [deployerKey, relayerKey, treasuryKey, ownerKey, userKey, otherUserKey] = ANVIL_PRIVATE_KEYS;
const [approverKeyA, approverKeyB] = [ANVIL_PRIVATE_KEYS[7], ANVIL_PRIVATE_KEYS[8]];

type TCliResult = { code: number | null; stdout: string; stderr: string };

/** Runs the deploy CLI as a child process with only the given variables (plus PATH/HOME) set. */
async function runCli(args: string[], env: Record<string, string>): Promise<TCliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    cwd: packageDir,
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
  return { code, stdout, stderr };
}

/** The custom error name of a reverted simulation, e.g. `SGEIDAlreadyMinted`. */
async function revertErrorName(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BaseError) {
      const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError) return reverted.data?.errorName;
    }
    throw error;
  }
  throw new Error('expected the call to revert');
}

async function expectCode(publicClient: PublicClient, address: Address): Promise<void> {
  const code = await publicClient.getCode({ address });
  expect(code && code.length > 2, `code at ${address}`).toBe(true);
}

describe('deploy CLI against a real anvil (chain 31337)', () => {
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

  it('deploys locally, prints exactly the .env lines and writes deployments/31337.json', async () => {
    const result = await runCli(['local'], { RPC_URL: anvil.rpcUrl, DEPLOYMENTS_DIR: deploymentsDir });
    expect(result.code, result.stderr).toBe(0);

    const lines = result.stdout.trim().split('\n');
    expect(lines.map((line) => line.split('=')[0])).toEqual(ENV_NAMES);
    for (const line of lines) expect(line).toMatch(/^[A-Z_]+=0x[0-9a-fA-F]{40}$/);

    const deployment = readDeploymentFile(31337, deploymentsDir);
    expect(toEnvLines(deployment)).toEqual(lines);
    expect(deployment.chainId).toBe(31337);
    expect(deployment.deployer).toBe(privateKeyToAccount(deployerKey).address);
    expect(deployment.relayer).toBe(privateKeyToAccount(relayerKey).address);
    expect(deployment.treasury).toBe(privateKeyToAccount(treasuryKey).address);
    expect(deployment.feeMicroUsd).toBe(DEFAULT_FEE_MICRO_USD);
    expect(deployment.claimAmountWei).toBe(DEFAULT_CLAIM_AMOUNT_WEI);
    expect(deployment.owner).toBe(deployment.deployer);
    // The Mock demo admins' wallets (anvil #7 and #8) approve payouts by default.
    const approvers = [approverKeyA, approverKeyB].map((key) => privateKeyToAccount(key).address);
    expect(deployment.approvers).toEqual(approvers);

    const publicClient = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
    for (const address of Object.values(deployment.contracts)) await expectCode(publicClient, address);
    for (const approver of approvers) {
      expect(
        await publicClient.readContract({
          address: deployment.contracts.payout,
          abi: sgePayoutAbi,
          functionName: 'isApprover',
          args: [approver],
        }),
      ).toBe(true);
    }
    const { sgeId, sgeClaim, sgeToken, usdc } = deployment.contracts;
    expect(
      await publicClient.readContract({
        address: sgeId,
        abi: sgeIdAbi,
        functionName: 'isRelayer',
        args: [deployment.relayer],
      }),
    ).toBe(true);
    expect(
      await publicClient.readContract({ address: sgeClaim, abi: sgeClaimAbi, functionName: 'usdc' }),
    ).toBe(usdc);
    expect(
      await publicClient.readContract({
        address: sgeToken,
        abi: sgeTokenAbi,
        functionName: 'balanceOf',
        args: [sgeClaim],
      }),
    ).toBe(DEFAULT_FUND_CLAIM_VAULT_WEI);
  });

  it('deploy:mainnet exits non-zero naming the chain id mismatch and deploys nothing', async () => {
    const result = await runCli(['mainnet', '--yes'], {
      RPC_URL: anvil.rpcUrl,
      DEPLOYMENTS_DIR: deploymentsDir,
      DEPLOYER_PRIVATE_KEY: generatePrivateKey(),
      RELAYER_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
      TREASURY_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
      OWNER_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
      SGE_TOKEN_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/chain id mismatch/);
    expect(result.stderr).toContain('31337');
    expect(result.stderr).toContain('expects chain id 1');
    expect(result.stdout).toBe('');
    expect(existsSync(join(deploymentsDir, '1.json'))).toBe(false);
  });

  it('deploy:local refuses a deployer whose balance is below the estimated cost', async () => {
    const result = await runCli(['local'], {
      RPC_URL: anvil.rpcUrl,
      DEPLOYMENTS_DIR: deploymentsDir,
      DEPLOYER_PRIVATE_KEY: generatePrivateKey(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/balance 0 ETH \(0 wei\) is below the estimated deployment cost/);
    expect(result.stdout).toBe('');
  });

  it('deploy:local refuses when CHAIN_ID differs from the RPC chain id', async () => {
    const result = await runCli(['local'], {
      RPC_URL: anvil.rpcUrl,
      DEPLOYMENTS_DIR: deploymentsDir,
      CHAIN_ID: '5',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/reports chain id 31337, but deploy:local expects chain id 5/);
  });
});

describe('deploy:mainnet safeguards on an anvil that reports chain id 1', () => {
  let anvil: TAnvil;
  let deploymentsDir: string;
  let mainnetEnv: Record<string, string>;
  let publicClient: PublicClient;
  const deployerKeyMainnet = generatePrivateKey();

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 1 });
    deploymentsDir = mkdtempSync(join(tmpdir(), 'sge-deployments-'));
    publicClient = createPublicClient({ transport: http(anvil.rpcUrl) });
    // Stand-ins for mainnet USDC, USDT and SGE: any code at those addresses passes the code check.
    const sge = privateKeyToAccount(generatePrivateKey()).address;
    // The owner stands in for the treasury Safe: any code passes the "is a contract" check.
    const safe = privateKeyToAccount(generatePrivateKey()).address;
    for (const address of [MAINNET_USDC_ADDRESS, MAINNET_USDT_ADDRESS, sge, safe]) {
      await publicClient.request({ method: 'anvil_setCode' as never, params: [address, '0x00'] as never });
    }
    const deployer = privateKeyToAccount(deployerKeyMainnet).address;
    await publicClient.request({
      method: 'anvil_setBalance' as never,
      params: [deployer, `0x${(10n ** 18n).toString(16)}`] as never,
    });
    mainnetEnv = {
      RPC_URL: anvil.rpcUrl,
      DEPLOYMENTS_DIR: deploymentsDir,
      DEPLOYER_PRIVATE_KEY: deployerKeyMainnet,
      RELAYER_PRIVATE_KEY: generatePrivateKey(),
      TREASURY_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
      OWNER_ADDRESS: safe,
      APPROVER_ADDRESSES: [generatePrivateKey(), generatePrivateKey()]
        .map((key) => privateKeyToAccount(key).address)
        .join(','),
      SGE_TOKEN_ADDRESS: sge,
    };
  });

  afterAll(async () => {
    await anvil?.stop();
    if (deploymentsDir) rmSync(deploymentsDir, { recursive: true, force: true });
  });

  it('requires explicit confirmation and sends nothing without it', async () => {
    const result = await runCli(['mainnet'], mainnetEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not confirmed: pass --yes or set CONFIRM_MAINNET=yes/);
    const nonce = await publicClient.getTransactionCount({
      address: privateKeyToAccount(deployerKeyMainnet).address,
    });
    expect(nonce).toBe(0);
  });

  it('refuses to run without OWNER_ADDRESS, which must be the treasury Safe', async () => {
    const { OWNER_ADDRESS: _omitted, ...withoutOwner } = mainnetEnv;
    const missing = await runCli(['mainnet', '--yes'], withoutOwner);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /OWNER_ADDRESS is required for deploy:mainnet: it must be the treasury Safe/,
    );

    const key = await runCli(['mainnet', '--yes'], {
      ...mainnetEnv,
      OWNER_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
    });
    expect(key.code).toBe(1);
    expect(key.stderr).toMatch(
      /OWNER_ADDRESS 0x[0-9a-fA-F]{40} has no code on chain 1: it must be the treasury Safe/,
    );
    const nonce = await publicClient.getTransactionCount({
      address: privateKeyToAccount(deployerKeyMainnet).address,
    });
    expect(nonce).toBe(0);
  });

  it('refuses the public anvil keys', async () => {
    const result = await runCli(['mainnet', '--yes'], { ...mainnetEnv, DEPLOYER_PRIVATE_KEY: deployerKey });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/public anvil development key/);
    const approver = await runCli(['mainnet', '--yes'], {
      ...mainnetEnv,
      APPROVER_ADDRESSES: privateKeyToAccount(approverKeyA).address,
    });
    expect(approver.code).toBe(1);
    expect(approver.stderr).toMatch(
      /APPROVER_ADDRESSES 0x[0-9a-fA-F]{40} is a public anvil development account/,
    );
  });

  it('requires SGE_TOKEN_ADDRESS and refuses tokens without code', async () => {
    const { SGE_TOKEN_ADDRESS: _omitted, ...withoutSge } = mainnetEnv;
    const missing = await runCli(['mainnet', '--yes'], withoutSge);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/SGE_TOKEN_ADDRESS is required/);

    const noCode = await runCli(['mainnet', '--yes'], {
      ...mainnetEnv,
      SGE_TOKEN_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
    });
    expect(noCode.code).toBe(1);
    expect(noCode.stderr).toMatch(/sge token 0x[0-9a-fA-F]{40} has no code on chain 1/);
  });

  it('deploys with CONFIRM_MAINNET=yes against the existing tokens', async () => {
    const result = await runCli(['mainnet'], { ...mainnetEnv, CONFIRM_MAINNET: 'yes' });
    expect(result.code, result.stderr).toBe(0);
    const deployment = readDeploymentFile(1, deploymentsDir);
    expect(result.stdout.trim().split('\n')).toEqual(toEnvLines(deployment));
    expect(deployment.contracts.usdc).toBe(MAINNET_USDC_ADDRESS);
    expect(deployment.contracts.usdt).toBe(MAINNET_USDT_ADDRESS);
    expect(deployment.contracts.sgeToken).toBe(mainnetEnv.SGE_TOKEN_ADDRESS);
    expect(deployment.testTokens).toBe(false);
    expect(deployment.owner).toBe(mainnetEnv.OWNER_ADDRESS);
    expect(deployment.approvers.join(',')).toBe(mainnetEnv.APPROVER_ADDRESSES);
    expect(deployment.relayer).toBe(privateKeyToAccount(mainnetEnv.RELAYER_PRIVATE_KEY as Hex).address);
    expect(result.stderr).toMatch(/must call acceptOwnership\(\)/);
    const { sgeId, sgeClaim, payout, affiliateRegistry } = deployment.contracts;
    for (const address of [sgeId, sgeClaim, payout, affiliateRegistry]) {
      // 2-step: the Safe is pending owner until it accepts; the deployer owns meanwhile.
      expect(
        await publicClient.readContract({ address, abi: sgePayoutAbi, functionName: 'pendingOwner' }),
      ).toBe(mainnetEnv.OWNER_ADDRESS);
      expect(await publicClient.readContract({ address, abi: sgePayoutAbi, functionName: 'owner' })).toBe(
        deployment.deployer,
      );
    }
    for (const approver of deployment.approvers) {
      expect(
        await publicClient.readContract({
          address: payout,
          abi: sgePayoutAbi,
          functionName: 'isApprover',
          args: [approver],
        }),
      ).toBe(true);
    }
  });
});

describe('deployContracts and the deployed contracts through viem', () => {
  let anvil: TAnvil;
  let publicClient: PublicClient;
  let deployment: TDeployment;
  const wallet = (key: Hex) =>
    createWalletClient({ account: privateKeyToAccount(key), chain: foundry, transport: http(anvil.rpcUrl) });
  const owner = privateKeyToAccount(ownerKey).address;
  const approverA = privateKeyToAccount(approverKeyA);
  const approverB = privateKeyToAccount(approverKeyB);

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    publicClient = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
    const params = {
      publicClient,
      walletClient: wallet(deployerKey),
      relayer: privateKeyToAccount(relayerKey).address,
      treasury: privateKeyToAccount(treasuryKey).address,
      owner,
      approvers: [approverA.address, approverB.address],
    };
    // 7 deployments, vault funding, 2 approvers, 5 ownership transfers (SGEID, SGEClaim, SGEPayout,
    // AffiliateRegistry, SGEToken).
    const estimate = await estimateDeploymentCost(params);
    expect(estimate.transactionCount).toBe(15);
    expect(estimate.costWei).toBeGreaterThan(0n);
    deployment = await deployContracts(params);
  });

  afterAll(async () => {
    await anvil?.stop();
  });

  it('returns checksummed addresses and hands every contract to the owner in two steps', async () => {
    for (const address of Object.values(deployment.contracts)) {
      expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
      await expectCode(publicClient, address);
    }
    expect(deployment.owner).toBe(owner);
    expect(deployment.approvers).toEqual([approverA.address, approverB.address]);
    const { sgeId, sgeClaim, payout, affiliateRegistry, sgeToken, usdc } = deployment.contracts;
    const ownerClient = wallet(ownerKey);
    for (const address of [sgeId, sgeClaim, payout, affiliateRegistry, sgeToken]) {
      expect(await publicClient.readContract({ address, abi: sgeClaimAbi, functionName: 'owner' })).toBe(
        deployment.deployer,
      );
      expect(
        await publicClient.readContract({ address, abi: sgeClaimAbi, functionName: 'pendingOwner' }),
      ).toBe(owner);
      expect(
        await revertErrorName(
          // renounceOwnership is pure: it always reverts, whoever calls.
          publicClient.readContract({ address, abi: sgeClaimAbi, functionName: 'renounceOwnership' }),
        ),
      ).toBe('SGEOwnableRenounceDisabled');
      await publicClient.waitForTransactionReceipt({
        hash: await ownerClient.writeContract({ address, abi: sgeClaimAbi, functionName: 'acceptOwnership' }),
      });
      expect(await publicClient.readContract({ address, abi: sgeClaimAbi, functionName: 'owner' })).toBe(
        owner,
      );
    }
    // The test stablecoin stays with the deployer, its blacklister.
    expect(await publicClient.readContract({ address: usdc, abi: testUsdcAbi, functionName: 'owner' })).toBe(
      deployment.deployer,
    );
    for (const approver of [approverA, approverB]) {
      expect(
        await publicClient.readContract({
          address: payout,
          abi: sgePayoutAbi,
          functionName: 'isApprover',
          args: [approver.address],
        }),
      ).toBe(true);
    }
    for (const address of [sgeId, payout, affiliateRegistry]) {
      expect(
        await publicClient.readContract({
          address,
          abi: affiliateRegistryAbi,
          functionName: 'isRelayer',
          args: [deployment.relayer],
        }),
      ).toBe(true);
    }
    expect(
      await publicClient.readContract({ address: sgeClaim, abi: sgeClaimAbi, functionName: 'sgeId' }),
    ).toBe(sgeId);
  });

  it('mintBatch skips wallets that already hold an SGE-ID instead of reverting', async () => {
    const relayer = wallet(relayerKey);
    const [a, b, c] = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()].map(
      (key) => privateKeyToAccount(key).address,
    ) as [Address, Address, Address];
    const { sgeId } = deployment.contracts;
    const supplyBefore = await publicClient.readContract({
      address: sgeId,
      abi: sgeIdAbi,
      functionName: 'totalSupply',
    });

    const first = await publicClient.simulateContract({
      account: relayer.account,
      address: sgeId,
      abi: sgeIdAbi,
      functionName: 'mintBatch',
      args: [[a, b, a]],
    });
    expect(first.result).toBe(2n);
    await publicClient.waitForTransactionReceipt({ hash: await relayer.writeContract(first.request) });

    const retry = await publicClient.simulateContract({
      account: relayer.account,
      address: sgeId,
      abi: sgeIdAbi,
      functionName: 'mintBatch',
      args: [[a, b, c]],
    });
    expect(retry.result).toBe(1n);
    const receipt = await publicClient.waitForTransactionReceipt({
      hash: await relayer.writeContract(retry.request),
    });
    expect(receipt.status).toBe('success');

    expect(
      await publicClient.readContract({ address: sgeId, abi: sgeIdAbi, functionName: 'totalSupply' }),
    ).toBe(supplyBefore + 3n);
    for (const account of [a, b, c]) {
      expect(
        await publicClient.readContract({
          address: sgeId,
          abi: sgeIdAbi,
          functionName: 'balanceOf',
          args: [account],
        }),
      ).toBe(1n);
    }
    expect(
      await revertErrorName(
        publicClient.simulateContract({
          account: relayer.account,
          address: sgeId,
          abi: sgeIdAbi,
          functionName: 'mint',
          args: [a],
        }),
      ),
    ).toBe('SGEIDAlreadyMinted');
  });

  it('TestUSDT rejects changing a non-zero allowance to another non-zero value', async () => {
    const user = wallet(otherUserKey);
    const { usdt, sgeClaim } = deployment.contracts;
    const approve = async (amount: bigint) =>
      publicClient.waitForTransactionReceipt({
        hash: await user.writeContract({
          address: usdt,
          abi: testUsdtAbi,
          functionName: 'approve',
          args: [sgeClaim, amount],
        }),
      });
    await approve(10_000_000n);
    expect(
      await revertErrorName(
        publicClient.simulateContract({
          account: user.account,
          address: usdt,
          abi: testUsdtAbi,
          functionName: 'approve',
          args: [sgeClaim, 20_000_000n],
        }),
      ),
    ).toBe('TestUSDTAllowanceNotZero');
    await approve(0n);
    await approve(20_000_000n);
    expect(
      await publicClient.readContract({
        address: usdt,
        abi: testUsdtAbi,
        functionName: 'allowance',
        args: [user.account.address, sgeClaim],
      }),
    ).toBe(20_000_000n);
  });

  it('a registered wallet claims once with USDC: the fee goes to the treasury, SGE to the wallet', async () => {
    const relayer = wallet(relayerKey);
    const user = wallet(userKey);
    const { sgeId, sgeClaim, usdc, sgeToken } = deployment.contracts;
    const fee = deployment.feeMicroUsd;
    const send = async (hash: Promise<Hex>) => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
      expect(receipt.status).toBe('success');
    };
    const balance = (token: Address, abi: typeof testUsdcAbi, account: Address) =>
      publicClient.readContract({ address: token, abi, functionName: 'balanceOf', args: [account] });

    expect(
      await revertErrorName(
        publicClient.simulateContract({
          account: user.account,
          address: sgeClaim,
          abi: sgeClaimAbi,
          functionName: 'claimWithUSDC',
        }),
      ),
    ).toBe('SGEClaimSGEIDRequired');

    await send(
      relayer.writeContract({
        address: sgeId,
        abi: sgeIdAbi,
        functionName: 'mint',
        args: [user.account.address],
      }),
    );
    await send(
      user.writeContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'mint',
        args: [user.account.address, fee],
      }),
    );
    await send(
      user.writeContract({ address: usdc, abi: testUsdcAbi, functionName: 'approve', args: [sgeClaim, fee] }),
    );
    const treasuryBefore = await balance(usdc, testUsdcAbi, deployment.treasury);
    await send(user.writeContract({ address: sgeClaim, abi: sgeClaimAbi, functionName: 'claimWithUSDC' }));

    expect(await balance(usdc, testUsdcAbi, deployment.treasury)).toBe(treasuryBefore + fee);
    expect(await balance(usdc, testUsdcAbi, user.account.address)).toBe(0n);
    expect(await balance(sgeToken, testUsdcAbi, user.account.address)).toBe(deployment.claimAmountWei);
    expect(
      await publicClient.readContract({
        address: sgeClaim,
        abi: sgeClaimAbi,
        functionName: 'hasClaimed',
        args: [user.account.address],
      }),
    ).toBe(true);
    expect(
      await revertErrorName(
        publicClient.simulateContract({
          account: user.account,
          address: sgeClaim,
          abi: sgeClaimAbi,
          functionName: 'claimWithUSDT',
        }),
      ),
    ).toBe('SGEClaimAlreadyClaimed');
  });

  it('payBatch pays a batch two approvers signed once, and the relayer alone moves nothing', async () => {
    const relayer = wallet(relayerKey);
    const { payout, usdc } = deployment.contracts;
    const recipients = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()].map(
      (key) => privateKeyToAccount(key).address,
    );
    const amounts = [1_500_000n, 2_500_000n, 3_000_000n];
    const send = async (hash: Promise<Hex>) => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
      expect(receipt.status).toBe('success');
      return receipt;
    };
    const balanceOf = (account: Address) =>
      publicClient.readContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'balanceOf',
        args: [account],
      });
    await send(
      relayer.writeContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'mint',
        args: [payout, 10_000_000n],
      }),
    );
    // The third recipient is blacklisted by the token (the deployer is TestUSDC's blacklister).
    await send(
      wallet(deployerKey).writeContract({
        address: usdc,
        abi: testUsdcAbi,
        functionName: 'blacklist',
        args: [recipients[2] as Address],
      }),
    );

    const deadline = (await publicClient.getBlock()).timestamp + 3_600n;
    const typedData = payoutBatchTypedData({
      chainId: foundry.id,
      payoutContract: payout,
      batchId: 77n,
      token: usdc,
      recipients,
      amounts,
      deadline,
    });
    expect(hashTypedData(typedData)).toBe(
      await publicClient.readContract({
        address: payout,
        abi: sgePayoutAbi,
        functionName: 'payBatchDigest',
        args: [77n, usdc, recipients, amounts, deadline],
      }),
    );
    const approvals = [
      { approver: approverA.address, signature: await approverA.signTypedData(typedData) },
      { approver: approverB.address, signature: await approverB.signTypedData(typedData) },
    ];
    const simulate = (args: { approvals: typeof approvals; batchId?: bigint }) =>
      publicClient.simulateContract({
        account: relayer.account,
        address: payout,
        abi: sgePayoutAbi,
        functionName: 'payBatch',
        args: [args.batchId ?? 77n, usdc, recipients, amounts, deadline, args.approvals],
      });

    expect(await revertErrorName(simulate({ approvals: [] }))).toBe('SGEPayoutNotEnoughApprovals');
    const [first] = approvals as [(typeof approvals)[0]];
    expect(await revertErrorName(simulate({ approvals: [first, first] }))).toBe('SGEPayoutDuplicateApprover');
    expect(await revertErrorName(simulate({ approvals, batchId: 78n }))).toBe('SGEPayoutInvalidSignature');

    const { request } = await simulate({ approvals });
    const receipt = await send(relayer.writeContract(request));
    expect(receipt.logs.length).toBeGreaterThan(0);
    expect(await balanceOf(recipients[0] as Address)).toBe(amounts[0]);
    expect(await balanceOf(recipients[1] as Address)).toBe(amounts[1]);
    expect(await balanceOf(recipients[2] as Address)).toBe(0n);
    // The skipped 3 USDC stay in the contract.
    expect(await balanceOf(payout)).toBe(10_000_000n - 4_000_000n);
    expect(
      await publicClient.readContract({
        address: payout,
        abi: sgePayoutAbi,
        functionName: 'batchPaid',
        args: [77n],
      }),
    ).toBe(true);
    const skipped = await publicClient.getContractEvents({
      address: payout,
      abi: sgePayoutAbi,
      eventName: 'PaymentSkipped',
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    expect(skipped.map((event) => event.args)).toEqual([
      { batchId: 77n, index: 2n, recipient: recipients[2], amount: amounts[2] },
    ]);
    const paid = await publicClient.getContractEvents({
      address: payout,
      abi: sgePayoutAbi,
      eventName: 'BatchPaid',
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    expect(paid.map((event) => event.args)).toEqual([
      { batchId: 77n, token: usdc, recipientCount: 2n, total: 4_000_000n },
    ]);
    expect(await revertErrorName(simulate({ approvals }))).toBe('SGEPayoutBatchAlreadyPaid');
  });
});

describe('deploy CLI configuration (no network)', () => {
  const approverA = privateKeyToAccount(approverKeyA).address;
  const approverB = privateKeyToAccount(approverKeyB).address;

  it('defaults local approvers to anvil accounts #7 and #8 and passes APPROVER_ADDRESSES through', () => {
    expect(resolveCliConfig('local', [], {}).approvers).toEqual([approverA, approverB]);
    const other = privateKeyToAccount(generatePrivateKey()).address;
    expect(
      resolveCliConfig('local', [], { APPROVER_ADDRESSES: ` ${other.toLowerCase()} ,${approverA}` })
        .approvers,
    ).toEqual([other, approverA]);
  });

  it('refuses an approver listed twice, the relayer as approver, and a malformed entry', () => {
    expect(() => resolveCliConfig('local', [], { APPROVER_ADDRESSES: `${approverA},${approverA}` })).toThrow(
      /APPROVER_ADDRESSES entry 2 .* is listed twice/,
    );
    expect(() =>
      resolveCliConfig('local', [], { APPROVER_ADDRESSES: privateKeyToAccount(relayerKey).address }),
    ).toThrow(/entry 1 .* is the relayer/);
    expect(() => resolveCliConfig('local', [], { APPROVER_ADDRESSES: `${approverA},0x1234` })).toThrow(
      /APPROVER_ADDRESSES entry 2 is not an address/,
    );
  });

  it('deploy:mainnet refuses a missing OWNER_ADDRESS before anything else is read from the chain', () => {
    const env = {
      RPC_URL: 'http://127.0.0.1:1',
      DEPLOYER_PRIVATE_KEY: generatePrivateKey(),
      RELAYER_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
      TREASURY_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
      SGE_TOKEN_ADDRESS: privateKeyToAccount(generatePrivateKey()).address,
    };
    expect(() => resolveCliConfig('mainnet', [], env)).toThrow(/OWNER_ADDRESS is required .* treasury Safe/);
    expect(resolveCliConfig('mainnet', [], { ...env, OWNER_ADDRESS: approverA }).approvers).toEqual([]);
  });
});

describe('deployment file', () => {
  it('round-trips bigints as strings and checksums addresses', () => {
    const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
    const deployment: TDeployment = {
      chainId: 31337,
      deployer: address(1),
      relayer: address(2),
      treasury: address(3),
      owner: address(4),
      approvers: [address(5), '0xabcdefabcdefabcdefabcdefabcdefabcdefabce'],
      blockNumber: 12_345_678_901_234_567_890n,
      feeMicroUsd: DEFAULT_FEE_MICRO_USD,
      claimAmountWei: DEFAULT_CLAIM_AMOUNT_WEI,
      requireSgeId: true,
      testTokens: true,
      contracts: {
        sgeId: '0xabcdefabcdefabcdefabcdefabcdefabcdefabcd',
        sgeClaim: address(11),
        payout: address(12),
        affiliateRegistry: address(13),
        usdc: address(14),
        usdt: address(15),
        sgeToken: zeroAddress,
      },
    };
    const json = serializeDeployment(deployment);
    expect(JSON.parse(json).blockNumber).toBe('12345678901234567890');
    expect(JSON.parse(json).claimAmountWei).toBe('1000000000000000000000');
    const parsed = parseDeployment(json);
    expect(parsed.blockNumber).toBe(deployment.blockNumber);
    expect(parsed.contracts.sgeId).toBe('0xABcdEFABcdEFabcdEfAbCdefabcdeFABcDEFabCD');
    expect(parsed.approvers).toEqual([address(5), getAddress('0xabcdefabcdefabcdefabcdefabcdefabcdefabce')]);
    // A file written before approvers existed reads as none.
    const { approvers: _omitted, ...withoutApprovers } = JSON.parse(json);
    expect(parseDeployment(JSON.stringify(withoutApprovers)).approvers).toEqual([]);
    expect(toEnvLines(parsed)[0]).toBe('SGE_ID_ADDRESS=0xABcdEFABcdEFabcdEfAbCdefabcdeFABcDEFabCD');
    expect(() => parseDeployment(json.replace('"12345678901234567890"', '"12.5"'))).toThrow(/blockNumber/);
  });
});
