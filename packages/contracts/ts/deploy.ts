import { NETWORKS } from '@sge/shared';
import {
  type Account,
  type Address,
  type Chain,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  getContractAddress,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  zeroAddress,
} from 'viem';
import { estimateL1Fee } from 'viem/op-stack';
import {
  affiliateRegistryAbi,
  affiliateRegistryBytecode,
  sgeClaimAbi,
  sgeClaimBytecode,
  sgeIdAbi,
  sgeIdBytecode,
  sgePayoutAbi,
  sgePayoutBytecode,
  sgeTokenAbi,
  sgeTokenBytecode,
  testUsdcAbi,
  testUsdcBytecode,
  testUsdtAbi,
  testUsdtBytecode,
} from '../generated/artifacts';

/** Claim fee: 100 USD in the 6-decimal stablecoins' smallest unit. */
export const DEFAULT_FEE_MICRO_USD = 100_000_000n;
/** SGE per claim: 1,000 SGE in wei (18 decimals). */
export const DEFAULT_CLAIM_AMOUNT_WEI = 1_000n * 10n ** 18n;
/** SGE minted into the claim vault when the test SGE token is deployed: 1,000 default claims. */
export const DEFAULT_FUND_CLAIM_VAULT_WEI = 1_000n * DEFAULT_CLAIM_AMOUNT_WEI;
/**
 * Gas assumed for each post-deploy call (vault funding, approvers, ownership transfers) when estimating
 * the cost before anything is deployed: those calls cannot be simulated against contracts that do not
 * exist yet. Measured: about 70,000 for the SGE mint, 50,000 per approver and 50,000 per ownership
 * transfer (Ownable2Step stores the pending owner).
 */
export const CALL_STEP_GAS_ESTIMATE = 100_000n;

/** Ethereum mainnet's USDC and USDT (from the network registry, `@sge/shared` networks.ts). */
export const MAINNET_USDC_ADDRESS: Address = NETWORKS.find((network) => network.chainId === 1)!.tokens.usdc!;
export const MAINNET_USDT_ADDRESS: Address = NETWORKS.find((network) => network.chainId === 1)!.tokens.usdt!;

export type TDeployedContracts = {
  sgeId: Address;
  sgeClaim: Address;
  payout: Address;
  affiliateRegistry: Address;
  usdc: Address;
  usdt: Address;
  sgeToken: Address;
};

/** The result of a deployment; `deployments/<chainId>.json` holds the same fields. */
export type TDeployment = {
  chainId: number;
  deployer: Address;
  relayer: Address;
  treasury: Address;
  /**
   * Owner the contracts were handed to (SGEID, SGEClaim, SGEPayout, AffiliateRegistry and the test SGE
   * token): the deployer, or the `owner` parameter. Ownership is 2-step (Ownable2Step): when it differs
   * from the deployer, it is each contract's `pendingOwner` and becomes `owner()` only once it calls
   * `acceptOwnership()` on each; until then the deployer stays owner.
   */
  owner: Address;
  /** Approvers enabled on SGEPayout at deployment (the owner manages the set afterwards). */
  approvers: Address[];
  /** Block of the first deployment transaction: where event scans of these contracts start. */
  blockNumber: bigint;
  feeMicroUsd: bigint;
  claimAmountWei: bigint;
  requireSgeId: boolean;
  /** True when this deployment deployed a test token (TestUSDC, TestUSDT or SGEToken) for a missing one. */
  testTokens: boolean;
  contracts: TDeployedContracts;
};

export type TExistingTokens = { usdc: Address; usdt: Address; sge: Address };

export type TDeployContractsParams = {
  publicClient: PublicClient;
  /** Signs and pays for every transaction: the deployer. */
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  /** Hot wallet granted the relayer role on SGEID, SGEPayout and AffiliateRegistry. */
  relayer: Address;
  /** Receiver of claim fees. */
  treasury: Address;
  /**
   * Owner of the contracts (the treasury Safe in production); default the deployer. The contracts are
   * deployed owned by the deployer, set up, then handed over with `transferOwnership(owner)`, which is
   * 2-step: `owner` must call `acceptOwnership()` on each contract before it owns it.
   */
  owner?: Address;
  /**
   * SGEPayout approvers (people's wallets or Safes whose EIP-712 signatures a payout batch needs, two
   * distinct ones per batch), enabled while the deployer still owns the contract. Default none.
   */
  approvers?: Address[];
  /** Claim fee in 6-decimal units; default 100 USD. */
  feeMicroUsd?: bigint;
  /** SGE per claim in wei; default 1,000 SGE. */
  claimAmountWei?: bigint;
  /**
   * Existing tokens (a public chain's USDC/USDT, the operator's SGE). Each one absent is deployed as its test
   * token (TestUSDC, TestUSDT, SGEToken): the callers decide where that is allowed (deploy-cli.ts).
   */
  tokens?: Partial<TExistingTokens>;
  /** SGE wei minted into the claim vault; only when the test SGE token is deployed. Default 1,000 claims. */
  fundClaimVaultWei?: bigint;
  /** Whether claiming requires an SGE-ID; default true. */
  requireSgeId?: boolean;
  /** SGE-ID base URI (token id in decimal is appended); default empty. */
  sgeIdBaseUri?: string;
  /**
   * The chain is an OP-stack L2: every transaction also pays an L1 data fee, which the cost estimate adds
   * (GasPriceOracle predeploy's `getL1Fee`, through viem's `estimateL1Fee`).
   */
  opStack?: boolean;
  /** Progress messages (one per transaction), e.g. to stderr. */
  onProgress?: (message: string) => void;
};

type TStep =
  | { kind: 'deploy'; label: string; data: Hex; address: Address }
  | { kind: 'call'; label: string; to: Address; data: Hex };

type TPlan = {
  steps: TStep[];
  deployment: Omit<TDeployment, 'blockNumber' | 'chainId'>;
};

/**
 * Lays out every transaction of a deployment with the contract addresses it will produce, computed from
 * the deployer's address and nonces (CREATE addresses), so that later constructors can reference earlier
 * contracts before anything is mined.
 */
export function planDeployment(
  params: Omit<TDeployContractsParams, 'publicClient' | 'walletClient' | 'onProgress'>,
  deployer: Address,
  startNonce: number,
): TPlan {
  const owner = getAddress(params.owner ?? deployer);
  const relayer = getAddress(params.relayer);
  const approvers = (params.approvers ?? []).map((approver) => getAddress(approver));
  for (const [index, approver] of approvers.entries()) {
    if (approver === zeroAddress) throw new Error(`approvers[${index}] is the zero address`);
    if (approvers.indexOf(approver) !== index)
      throw new Error(`approvers[${index}] ${approver} is listed twice`);
    // The hot relayer key submitting batches must not also be able to approve them.
    if (approver === relayer) throw new Error(`approvers[${index}] ${approver} is the relayer`);
  }
  const treasury = getAddress(params.treasury);
  const feeMicroUsd = params.feeMicroUsd ?? DEFAULT_FEE_MICRO_USD;
  const claimAmountWei = params.claimAmountWei ?? DEFAULT_CLAIM_AMOUNT_WEI;
  const requireSgeId = params.requireSgeId ?? true;
  const fundClaimVaultWei = params.fundClaimVaultWei ?? DEFAULT_FUND_CLAIM_VAULT_WEI;
  if (feeMicroUsd < 0n) throw new Error(`feeMicroUsd must not be negative (got ${feeMicroUsd})`);
  if (claimAmountWei <= 0n) throw new Error(`claimAmountWei must be positive (got ${claimAmountWei})`);

  const steps: TStep[] = [];
  const nextAddress = () => getContractAddress({ from: deployer, nonce: BigInt(startNonce + steps.length) });
  const deploy = (label: string, data: Hex): Address => {
    const address = nextAddress();
    steps.push({ kind: 'deploy', label, data, address });
    return address;
  };

  const existing = params.tokens ?? {};
  const tokens: TExistingTokens = {
    usdc: existing.usdc
      ? getAddress(existing.usdc)
      : deploy('TestUSDC', encodeDeployData({ abi: testUsdcAbi, bytecode: testUsdcBytecode })),
    usdt: existing.usdt
      ? getAddress(existing.usdt)
      : deploy('TestUSDT', encodeDeployData({ abi: testUsdtAbi, bytecode: testUsdtBytecode })),
    sge: existing.sge
      ? getAddress(existing.sge)
      : deploy(
          'SGEToken',
          encodeDeployData({ abi: sgeTokenAbi, bytecode: sgeTokenBytecode, args: [deployer] }),
        ),
  };
  const testSge = !existing.sge;
  const sgeId = deploy(
    'SGEID',
    encodeDeployData({
      abi: sgeIdAbi,
      bytecode: sgeIdBytecode,
      args: [deployer, relayer, params.sgeIdBaseUri ?? ''],
    }),
  );
  const sgeClaim = deploy(
    'SGEClaim',
    encodeDeployData({
      abi: sgeClaimAbi,
      bytecode: sgeClaimBytecode,
      args: [
        deployer,
        requireSgeId ? sgeId : zeroAddress,
        tokens.usdc,
        tokens.usdt,
        tokens.sge,
        treasury,
        feeMicroUsd,
        claimAmountWei,
      ],
    }),
  );
  const payout = deploy(
    'SGEPayout',
    encodeDeployData({ abi: sgePayoutAbi, bytecode: sgePayoutBytecode, args: [deployer, relayer] }),
  );
  const affiliateRegistry = deploy(
    'AffiliateRegistry',
    encodeDeployData({
      abi: affiliateRegistryAbi,
      bytecode: affiliateRegistryBytecode,
      args: [deployer, relayer],
    }),
  );
  // Setup while the deployer owns everything: fund the claim vault, enable the approvers.
  if (testSge && fundClaimVaultWei > 0n) {
    steps.push({
      kind: 'call',
      label: `SGEToken.mint(SGEClaim, ${fundClaimVaultWei})`,
      to: tokens.sge,
      data: encodeFunctionData({
        abi: sgeTokenAbi,
        functionName: 'mint',
        args: [sgeClaim, fundClaimVaultWei],
      }),
    });
  }
  for (const approver of approvers) {
    steps.push({
      kind: 'call',
      label: `SGEPayout.setApprover(${approver}, true)`,
      to: payout,
      data: encodeFunctionData({ abi: sgePayoutAbi, functionName: 'setApprover', args: [approver, true] }),
    });
  }
  // Then hand over: Ownable2Step records `owner` as pending owner; it takes over by accepting. The test
  // stablecoins stay with the deployer (TestUSDC's blacklister), like Circle's own keys would.
  if (owner !== getAddress(deployer)) {
    const owned: Array<[string, Address]> = [
      ['SGEID', sgeId],
      ['SGEClaim', sgeClaim],
      ['SGEPayout', payout],
      ['AffiliateRegistry', affiliateRegistry],
    ];
    if (testSge) owned.push(['SGEToken', tokens.sge]);
    for (const [label, address] of owned) {
      steps.push({
        kind: 'call',
        label: `${label}.transferOwnership(${owner})`,
        to: address,
        // Every owned contract shares SGEOwnable's transferOwnership.
        data: encodeFunctionData({ abi: sgePayoutAbi, functionName: 'transferOwnership', args: [owner] }),
      });
    }
  }

  return {
    steps,
    deployment: {
      deployer: getAddress(deployer),
      relayer,
      treasury,
      owner,
      approvers,
      feeMicroUsd,
      claimAmountWei,
      requireSgeId,
      testTokens: !existing.usdc || !existing.usdt || !existing.sge,
      contracts: {
        sgeId,
        sgeClaim,
        payout,
        affiliateRegistry,
        usdc: tokens.usdc,
        usdt: tokens.usdt,
        sgeToken: tokens.sge,
      },
    },
  };
}

export type TDeploymentCostEstimate = {
  transactionCount: number;
  gas: bigint;
  maxFeePerGasWei: bigint;
  /** OP-stack chains: the L1 data fee of every transaction at the current L1 fee level; 0 elsewhere. */
  l1FeeWei: bigint;
  /** gas × maxFeePerGas + l1FeeWei: the most the deployment can cost at the current fee level. */
  costWei: bigint;
};

/**
 * Estimates the gas and the worst-case cost of `deployContracts` with the same parameters, without
 * sending anything. Deployments are estimated by the node; later calls use `CALL_STEP_GAS_ESTIMATE`.
 */
export async function estimateDeploymentCost(
  params: Omit<TDeployContractsParams, 'onProgress'>,
): Promise<TDeploymentCostEstimate> {
  const deployer = params.walletClient.account.address;
  const nonce = await params.publicClient.getTransactionCount({ address: deployer, blockTag: 'pending' });
  const { steps } = planDeployment(params, deployer, nonce);
  let gas = 0n;
  let l1FeeWei = 0n;
  for (const step of steps) {
    gas +=
      step.kind === 'deploy'
        ? await params.publicClient.estimateGas({ account: deployer, data: step.data })
        : CALL_STEP_GAS_ESTIMATE;
    if (params.opStack) {
      l1FeeWei += await estimateL1Fee(params.publicClient, {
        account: deployer,
        chain: null,
        data: step.data,
        ...(step.kind === 'call' ? { to: step.to } : {}),
      });
    }
  }
  const fees = await params.publicClient.estimateFeesPerGas();
  const maxFeePerGasWei = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
  return {
    transactionCount: steps.length,
    gas,
    maxFeePerGasWei,
    l1FeeWei,
    costWei: gas * maxFeePerGasWei + l1FeeWei,
  };
}

/**
 * Deploys SGEID, SGEClaim, SGEPayout and AffiliateRegistry (plus TestUSDC, TestUSDT and SGEToken when no
 * `tokens` are given), with the relayer role granted at construction, the claim vault funded with test
 * SGE and the payout approvers enabled, all owned by the deployer; then, when `owner` differs from the
 * deployer, starts the 2-step transfer of every owned contract to `owner` (which must call
 * `acceptOwnership()` on each to take over).
 *
 * Transactions go out one by one with explicit nonces, each waited for, so a failure stops the
 * deployment at the failing step (on an automining anvil every receipt is immediate).
 *
 * @example
 * const deployment = await deployContracts({ publicClient, walletClient, relayer, treasury });
 * console.log(deployment.contracts.sgeId);
 */
export async function deployContracts(params: TDeployContractsParams): Promise<TDeployment> {
  const { publicClient, walletClient } = params;
  const account = walletClient.account;
  const chainId = await publicClient.getChainId();
  let nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' });
  const plan = planDeployment(params, account.address, nonce);

  let firstBlock: bigint | undefined;
  for (const step of plan.steps) {
    const hash = await walletClient.sendTransaction({
      account,
      chain: walletClient.chain ?? null,
      nonce,
      data: step.data,
      ...(step.kind === 'call' ? { to: step.to } : {}),
    });
    nonce += 1;
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') {
      throw new Error(`deployment step "${step.label}" reverted (transaction ${hash})`);
    }
    if (
      step.kind === 'deploy' &&
      receipt.contractAddress &&
      getAddress(receipt.contractAddress) !== step.address
    ) {
      throw new Error(
        `deployment step "${step.label}" created ${receipt.contractAddress}, expected ${step.address} (nonce moved?)`,
      );
    }
    firstBlock ??= receipt.blockNumber;
    params.onProgress?.(
      step.kind === 'deploy'
        ? `deployed ${step.label} at ${step.address} (gas ${receipt.gasUsed})`
        : `called ${step.label} (gas ${receipt.gasUsed})`,
    );
  }

  return { chainId, blockNumber: firstBlock ?? (await publicClient.getBlockNumber()), ...plan.deployment };
}
