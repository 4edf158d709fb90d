/**
 * Safe{Wallet} 1.4.1 on a local chain, for tests: deploys the singleton, the proxy factory and the
 * CompatibilityFallbackHandler from the artifacts that `@safe-global/safe-contracts` ships, creates Safes,
 * executes Safe transactions signed by their owners, and produces the ERC-1271 signature a Safe gives for an
 * EIP-712 digest.
 *
 * Test support only: it uses the devDependency `@safe-global/safe-contracts` (loaded when the contracts are
 * deployed, not on import) and is exported as `@sge/contracts/safe`, not from the package's index, so that
 * production code never loads it.
 *
 * What Safe 1.4.1 checks (contracts/Safe.sol and contracts/handler/CompatibilityFallbackHandler.sol as
 * published in the package):
 * - A transaction is the EIP-712 struct `SafeTx(address to,uint256 value,bytes data,uint8 operation,
 *   uint256 safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)`
 *   under the domain `EIP712Domain(uint256 chainId,address verifyingContract)` (no name, no version).
 * - `signatures` are 65-byte `r ‖ s ‖ v` entries, one per owner up to the threshold, ordered by strictly
 *   ascending owner address (GS026 otherwise); fewer bytes than threshold × 65 is GS020.
 * - With safeTxGas = 0 and gasPrice = 0 a failing inner call reverts the whole execTransaction (GS013),
 *   so a refused call surfaces as a reverted transaction, not as an `ExecutionFailure` event.
 * - `isValidSignature(bytes32 hash, bytes signature)` reaches the fallback handler, which checks the
 *   owners' signatures over the EIP-712 `SafeMessage(bytes message)` whose message is the 32 bytes of
 *   `hash`, under the same Safe domain; it reverts (rather than answering a non-magic value) when they do
 *   not verify.
 */
import { createRequire } from 'node:module';
import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  concatHex,
  encodeFunctionData,
  getAddress,
  type Hash,
  type Hex,
  hashTypedData,
  isHex,
  type LocalAccount,
  type PublicClient,
  parseAbi,
  parseEventLogs,
  type TransactionReceipt,
  type Transport,
  type TypedDataDefinition,
  type WalletClient,
  zeroAddress,
} from 'viem';

/** The ERC-1271 magic value `isValidSignature(bytes32,bytes)` answers for a valid signature. */
export const ERC1271_MAGIC_VALUE: Hex = '0x1626ba7e';

/** The calls this module makes on a Safe 1.4.1 proxy (through the singleton or the fallback handler). */
export const safeAbi = parseAbi([
  'function setup(address[] owners, uint256 threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver)',
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool success)',
  'function nonce() view returns (uint256)',
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
  'function domainSeparator() view returns (bytes32)',
  'function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 nonce) view returns (bytes32)',
  'function VERSION() view returns (string)',
  // Answered by the CompatibilityFallbackHandler on the Safe's behalf.
  'function isValidSignature(bytes32 dataHash, bytes signature) view returns (bytes4)',
  'function getMessageHash(bytes message) view returns (bytes32)',
  'event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)',
  'event ExecutionFailure(bytes32 indexed txHash, uint256 payment)',
]);

export const safeProxyFactoryAbi = parseAbi([
  'function createProxyWithNonce(address singleton, bytes initializer, uint256 saltNonce) returns (address proxy)',
  'event ProxyCreation(address indexed proxy, address singleton)',
]);

type TWalletClient = WalletClient<Transport, Chain | undefined, Account>;

export type TSafeClients = {
  publicClient: PublicClient;
  /** Sends the deployments and every execTransaction (it pays the gas; it need not be an owner). */
  walletClient: TWalletClient;
};

export type TSafeContracts = {
  singleton: Address;
  proxyFactory: Address;
  fallbackHandler: Address;
};

/** A deployed Safe proxy and the clients that talk to it. */
export type TSafe = TSafeClients & {
  address: Address;
  chainId: number;
};

export type TSafeEnvironment = TSafeClients & {
  contracts: TSafeContracts;
  /**
   * Creates a Safe proxy through the factory with these owners and threshold, and the
   * CompatibilityFallbackHandler set (needed for ERC-1271).
   */
  createSafe(params: { owners: readonly Address[]; threshold: number; saltNonce?: bigint }): Promise<TSafe>;
};

export type TSafeCall = { to: Address; data: Hex; value?: bigint };

export type TSafeArtifact = { abi: Abi; bytecode: Hex };

/** Path of each artifact inside `@safe-global/safe-contracts` 1.4.1. */
const ARTIFACT_PATHS = {
  singleton: '@safe-global/safe-contracts/build/artifacts/contracts/Safe.sol/Safe.json',
  proxyFactory:
    '@safe-global/safe-contracts/build/artifacts/contracts/proxies/SafeProxyFactory.sol/SafeProxyFactory.json',
  fallbackHandler:
    '@safe-global/safe-contracts/build/artifacts/contracts/handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json',
} as const satisfies Record<keyof TSafeContracts, string>;

/** The shipped artifact (ABI and creation bytecode) of one of the three Safe contracts. */
export function loadSafeArtifact(contract: keyof TSafeContracts): TSafeArtifact {
  const path = ARTIFACT_PATHS[contract];
  const artifact = createRequire(import.meta.url)(path) as { abi?: unknown; bytecode?: unknown };
  if (!Array.isArray(artifact.abi) || typeof artifact.bytecode !== 'string' || !isHex(artifact.bytecode)) {
    throw new Error(`${path} is not a contract artifact with an ABI and bytecode`);
  }
  if (artifact.bytecode.length <= 2) throw new Error(`${path} has empty bytecode`);
  return { abi: artifact.abi as Abi, bytecode: artifact.bytecode };
}

async function deployArtifact(
  clients: TSafeClients,
  label: string,
  artifact: TSafeArtifact,
): Promise<Address> {
  const { publicClient, walletClient } = clients;
  const hash = await walletClient.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    account: walletClient.account,
    chain: walletClient.chain ?? null,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new Error(`deploying ${label} failed (transaction ${hash})`);
  }
  return getAddress(receipt.contractAddress);
}

/**
 * Deploys the Safe 1.4.1 singleton, SafeProxyFactory and CompatibilityFallbackHandler with the wallet
 * client's account, and returns them with a `createSafe` bound to them.
 *
 * @example
 * const safes = await deploySafeContracts({ publicClient, walletClient });
 * const treasury = await safes.createSafe({ owners: [a.address, b.address, c.address], threshold: 2 });
 */
export async function deploySafeContracts(clients: TSafeClients): Promise<TSafeEnvironment> {
  const contracts: TSafeContracts = {
    singleton: await deployArtifact(clients, 'Safe', loadSafeArtifact('singleton')),
    proxyFactory: await deployArtifact(clients, 'SafeProxyFactory', loadSafeArtifact('proxyFactory')),
    fallbackHandler: await deployArtifact(
      clients,
      'CompatibilityFallbackHandler',
      loadSafeArtifact('fallbackHandler'),
    ),
  };
  const chainId = await clients.publicClient.getChainId();
  let nextSaltNonce = 0n;
  return {
    ...clients,
    contracts,
    async createSafe({ owners, threshold, saltNonce }) {
      if (owners.length === 0) throw new Error('a Safe needs at least one owner');
      if (!Number.isInteger(threshold) || threshold < 1 || threshold > owners.length) {
        throw new Error(`threshold must be between 1 and ${owners.length} (got ${threshold})`);
      }
      const initializer = encodeSafeSetup(owners, threshold, contracts.fallbackHandler);
      const { publicClient, walletClient } = clients;
      const hash = await walletClient.writeContract({
        address: contracts.proxyFactory,
        abi: safeProxyFactoryAbi,
        functionName: 'createProxyWithNonce',
        args: [contracts.singleton, initializer, saltNonce ?? nextSaltNonce++],
        account: walletClient.account,
        chain: walletClient.chain ?? null,
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new Error(`creating a Safe failed (transaction ${hash})`);
      const [created] = parseEventLogs({
        abi: safeProxyFactoryAbi,
        eventName: 'ProxyCreation',
        logs: receipt.logs,
      });
      if (!created) throw new Error(`transaction ${hash} created no Safe proxy`);
      return { ...clients, address: getAddress(created.args.proxy), chainId };
    },
  };
}

function encodeSafeSetup(owners: readonly Address[], threshold: number, fallbackHandler: Address): Hex {
  return encodeFunctionData({
    abi: safeAbi,
    functionName: 'setup',
    // No setup delegatecall, no payment to whoever deploys.
    args: [
      owners.map((owner) => getAddress(owner)),
      BigInt(threshold),
      zeroAddress,
      '0x',
      fallbackHandler,
      zeroAddress,
      0n,
      zeroAddress,
    ],
  });
}

/** The EIP-712 domain Safe 1.4.1 signs under: chain id and the Safe's address, nothing else. */
function safeDomain(safe: Pick<TSafe, 'address' | 'chainId'>) {
  return { chainId: safe.chainId, verifyingContract: safe.address } as const;
}

const SAFE_TX_TYPES = {
  SafeTx: [
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'data', type: 'bytes' },
    { name: 'operation', type: 'uint8' },
    { name: 'safeTxGas', type: 'uint256' },
    { name: 'baseGas', type: 'uint256' },
    { name: 'gasPrice', type: 'uint256' },
    { name: 'gasToken', type: 'address' },
    { name: 'refundReceiver', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;

const SAFE_MESSAGE_TYPES = { SafeMessage: [{ name: 'message', type: 'bytes' }] } as const;

/** Operation 0: a plain call (1 would be a delegatecall, which this module never sends). */
const OPERATION_CALL = 0;

/**
 * The SafeTx typed data of a plain call with no gas refund (safeTxGas, baseGas, gasPrice 0; gas token and
 * refund receiver zero) at `nonce`, as the owners sign it.
 */
export function safeTransactionTypedData(
  safe: Pick<TSafe, 'address' | 'chainId'>,
  call: TSafeCall,
  nonce: bigint,
) {
  return {
    domain: safeDomain(safe),
    types: SAFE_TX_TYPES,
    primaryType: 'SafeTx',
    message: {
      to: getAddress(call.to),
      value: call.value ?? 0n,
      data: call.data,
      operation: OPERATION_CALL,
      safeTxGas: 0n,
      baseGas: 0n,
      gasPrice: 0n,
      gasToken: zeroAddress,
      refundReceiver: zeroAddress,
      nonce,
    },
  } as const satisfies TypedDataDefinition<typeof SAFE_TX_TYPES, 'SafeTx'>;
}

/**
 * Has each owner sign (with `sign`) and concatenates the 65-byte signatures in ascending
 * order of owner address, which Safe requires (GS026 otherwise).
 */
async function sortedOwnerSignatures(
  owners: readonly LocalAccount[],
  sign: (owner: LocalAccount) => Promise<Hex>,
): Promise<Hex> {
  const sorted = [...owners].sort((a, b) => {
    const left = BigInt(a.address);
    const right = BigInt(b.address);
    return left < right ? -1 : left > right ? 1 : 0;
  });
  const signatures: Hex[] = [];
  for (const owner of sorted) signatures.push(await sign(owner));
  return signatures.length === 0 ? '0x' : concatHex(signatures);
}

/**
 * Executes `call` from the Safe with the signatures of `owners` (the wallet client sends it and pays the
 * gas). Resolves with the receipt of a successful execution; rejects when the node refuses it, e.g. with
 * "GS020" when fewer owners than the threshold signed, or "GS013" when the call itself reverts.
 *
 * @example
 * await execSafeTransaction(treasury, { to: payout, data: encodeFunctionData({ ... }) }, [alice, bob]);
 */
export async function execSafeTransaction(
  safe: TSafe,
  call: TSafeCall,
  owners: readonly LocalAccount[],
): Promise<TransactionReceipt> {
  const { publicClient, walletClient } = safe;
  const nonce = await publicClient.readContract({
    address: safe.address,
    abi: safeAbi,
    functionName: 'nonce',
  });
  const typedData = safeTransactionTypedData(safe, call, nonce);
  // The Safe's own hash of the same transaction: a mismatch means this module encodes SafeTx wrongly.
  const { message } = typedData;
  const onChainHash = await publicClient.readContract({
    address: safe.address,
    abi: safeAbi,
    functionName: 'getTransactionHash',
    args: [
      message.to,
      message.value,
      message.data,
      message.operation,
      message.safeTxGas,
      message.baseGas,
      message.gasPrice,
      message.gasToken,
      message.refundReceiver,
      message.nonce,
    ],
  });
  const localHash = hashTypedData(typedData);
  if (onChainHash !== localHash) {
    throw new Error(`SafeTx hash mismatch: the Safe computes ${onChainHash}, this module ${localHash}`);
  }
  const signatures = await sortedOwnerSignatures(owners, (owner) => owner.signTypedData(typedData));
  const hash = await walletClient.writeContract({
    address: safe.address,
    abi: safeAbi,
    functionName: 'execTransaction',
    args: [
      message.to,
      message.value,
      message.data,
      message.operation,
      message.safeTxGas,
      message.baseGas,
      message.gasPrice,
      message.gasToken,
      message.refundReceiver,
      signatures,
    ],
    value: 0n,
    account: walletClient.account,
    chain: walletClient.chain ?? null,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  const [executed] = parseEventLogs({ abi: safeAbi, eventName: 'ExecutionSuccess', logs: receipt.logs });
  if (receipt.status !== 'success' || !executed) {
    throw new Error(`Safe ${safe.address} did not execute the transaction (transaction ${hash})`);
  }
  return receipt;
}

/**
 * The hash the Safe's owners sign to approve `digest` on the Safe's behalf: EIP-712
 * `SafeMessage(bytes message)` with the 32 bytes of `digest` as the message, under the Safe's domain
 * (what CompatibilityFallbackHandler.getMessageHash(abi.encode(digest)) answers).
 */
export function safeMessageHash(safe: Pick<TSafe, 'address' | 'chainId'>, digest: Hash): Hash {
  return hashTypedData({
    domain: safeDomain(safe),
    types: SAFE_MESSAGE_TYPES,
    primaryType: 'SafeMessage',
    message: { message: digest },
  });
}

/**
 * The ERC-1271 signature of the Safe for EIP-712 `typedData`: each owner signs the SafeMessage over the
 * typed data's digest, and the signatures are concatenated in ascending owner order. The Safe's
 * `isValidSignature(digest, signature)` answers ERC1271_MAGIC_VALUE when at least `threshold` owners signed.
 *
 * @example
 * const signature = await safeErc1271Signature(approverSafe, payoutBatchTypedData({ ... }), [carol]);
 */
export async function safeErc1271Signature(
  safe: Pick<TSafe, 'address' | 'chainId'>,
  typedData: TypedDataDefinition,
  owners: readonly LocalAccount[],
): Promise<Hex> {
  const digest = hashTypedData(typedData);
  return await sortedOwnerSignatures(owners, (owner) =>
    owner.signTypedData({
      domain: safeDomain(safe),
      types: SAFE_MESSAGE_TYPES,
      primaryType: 'SafeMessage',
      message: { message: digest },
    }),
  );
}

/** Whether the Safe accepts `signature` for `digest` through ERC-1271 (a reverting check counts as no). */
export async function isValidSafeSignature(safe: TSafe, digest: Hash, signature: Hex): Promise<boolean> {
  try {
    const answer = await safe.publicClient.readContract({
      address: safe.address,
      abi: safeAbi,
      functionName: 'isValidSignature',
      args: [digest, signature],
    });
    return answer === ERC1271_MAGIC_VALUE;
  } catch (error) {
    if (error instanceof BaseError && error.walk((cause) => cause instanceof ContractFunctionRevertedError)) {
      return false;
    }
    throw error;
  }
}
