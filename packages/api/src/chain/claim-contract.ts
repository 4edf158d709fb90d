import { sgeClaimAbi, testUsdcAbi } from '@sge/contracts';
import {
  type Address,
  type Chain,
  decodeEventLog,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type Hex,
  type Log,
  type PublicClient,
  parseAbi,
  type Transport,
  zeroAddress,
} from 'viem';
import { readBlacklisted } from './token-blacklist';

/**
 * Reads of an SGEClaim contract (or any contract with its interface, SPEC §5): its immutable terms (cached
 * per address: they can never change), the per-wallet state a claim depends on, and its Claimed events.
 * Writes are never sent from here: the claimant's wallet signs them (see domain/claims/prepare-claim.ts).
 */

/** The terms of a claim contract that are fixed at deployment. */
export type TClaimContractTerms = {
  address: Address;
  usdc: Address;
  usdt: Address;
  sge: Address;
  /** Zero address when the contract requires no SGE-ID. */
  sgeId: Address;
  /** Fee per claim in the stablecoins' smallest unit (6 decimals). */
  fee: bigint;
  /** SGE wei per claim. */
  claimAmount: bigint;
};

/** A Claimed event of a claim contract, decoded. */
export type TClaimedLog = {
  contract: Address;
  account: Address;
  paymentToken: Address;
  fee: bigint;
  amount: bigint;
  txHash: Hex;
  blockNumber: bigint;
  blockHash: Hex;
  logIndex: number;
};

type TClient = PublicClient<Transport, Chain>;

/** Only approve is used from ERC-20 for writes: USDT's returns nothing, so no return value is decoded. */
const APPROVE_ABI = parseAbi(['function approve(address spender, uint256 value)']);

/** Per client (one per chain connection), so that two chains with the same id never share an entry. */
const termsCaches = new WeakMap<TClient, Map<string, Promise<TClaimContractTerms>>>();

/** The immutable terms of the claim contract at `address`, read once per chain connection. */
export function readClaimTerms(client: TClient, address: Address): Promise<TClaimContractTerms> {
  let termsCache = termsCaches.get(client);
  if (!termsCache) {
    termsCache = new Map();
    termsCaches.set(client, termsCache);
  }
  const cache = termsCache;
  const key = address.toLowerCase();
  let terms = cache.get(key);
  if (!terms) {
    const read = <T>(functionName: 'usdc' | 'usdt' | 'sge' | 'sgeId' | 'fee' | 'claimAmount') =>
      client.readContract({ address, abi: sgeClaimAbi, functionName }) as Promise<T>;
    terms = Promise.all([
      read<Address>('usdc'),
      read<Address>('usdt'),
      read<Address>('sge'),
      read<Address>('sgeId'),
      read<bigint>('fee'),
      read<bigint>('claimAmount'),
    ]).then(([usdc, usdt, sge, sgeId, fee, claimAmount]) => ({
      address: getAddress(address),
      usdc: getAddress(usdc),
      usdt: getAddress(usdt),
      sge: getAddress(sge),
      sgeId: getAddress(sgeId),
      fee,
      claimAmount,
    }));
    // A failed read (RPC down, no contract there yet) is not remembered.
    terms.catch(() => cache.delete(key));
    cache.set(key, terms);
  }
  return terms;
}

/** What a claim by `wallet` depends on right now (one round of reads, in parallel). */
export async function readClaimState(
  client: TClient,
  terms: TClaimContractTerms,
  wallet: Address,
  options: { sgeIdAddress: Address | null },
) {
  const balanceOf = (token: Address, account: Address) =>
    client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [account] });
  const allowance = (token: Address) =>
    client.readContract({
      address: token,
      abi: erc20Abi,
      functionName: 'allowance',
      args: [wallet, terms.address],
    });
  const sgeIdAddress = terms.sgeId !== zeroAddress ? terms.sgeId : options.sgeIdAddress;
  const [
    hasClaimed,
    paused,
    treasury,
    vaultBalance,
    usdcBalance,
    usdcAllowance,
    usdtBalance,
    usdtAllowance,
    sgeIds,
    usdcBlacklisted,
    usdtBlacklisted,
  ] = await Promise.all([
    client.readContract({
      address: terms.address,
      abi: sgeClaimAbi,
      functionName: 'hasClaimed',
      args: [wallet],
    }),
    client.readContract({ address: terms.address, abi: sgeClaimAbi, functionName: 'paused' }),
    client.readContract({ address: terms.address, abi: sgeClaimAbi, functionName: 'treasury' }),
    balanceOf(terms.sge, terms.address),
    balanceOf(terms.usdc, wallet),
    allowance(terms.usdc),
    balanceOf(terms.usdt, wallet),
    allowance(terms.usdt),
    sgeIdAddress ? balanceOf(sgeIdAddress, wallet) : Promise.resolve(null),
    readBlacklisted(client, terms.usdc, wallet),
    readBlacklisted(client, terms.usdt, wallet),
  ]);
  return {
    hasClaimed,
    paused,
    treasury: getAddress(treasury),
    vaultBalance,
    /** Null when no SGE-ID contract is known (then holding one is not checked). */
    holdsSgeId: sgeIds === null ? null : sgeIds > 0n,
    tokens: {
      USDC: {
        address: terms.usdc,
        balance: usdcBalance,
        allowance: usdcAllowance,
        blacklisted: usdcBlacklisted,
      },
      USDT: {
        address: terms.usdt,
        balance: usdtBalance,
        allowance: usdtAllowance,
        blacklisted: usdtBlacklisted,
      },
    },
  };
}
export type TClaimState = Awaited<ReturnType<typeof readClaimState>>;

/** The treasury the contract sent fees to at `blockNumber` (it can be changed by the owner). */
export async function readTreasuryAt(client: TClient, contract: Address, blockNumber: bigint) {
  return getAddress(
    await client.readContract({ address: contract, abi: sgeClaimAbi, functionName: 'treasury', blockNumber }),
  );
}

/** Calldata of `approve(spender, value)` (works for USDT, which returns nothing). */
export function encodeApprove(spender: Address, value: bigint): Hex {
  return encodeFunctionData({ abi: APPROVE_ABI, functionName: 'approve', args: [spender, value] });
}

/** Calldata of `claimWithUSDC()` or `claimWithUSDT()`. */
export function encodeClaim(token: 'USDC' | 'USDT'): Hex {
  return encodeFunctionData({
    abi: sgeClaimAbi,
    functionName: token === 'USDC' ? 'claimWithUSDC' : 'claimWithUSDT',
  });
}

/** Decodes a log as a Claimed event of `contract`, or null when it is anything else. */
export function decodeClaimedLog(log: Log, contract: Address): TClaimedLog | null {
  if (getAddress(log.address) !== getAddress(contract)) return null;
  if (log.transactionHash === null || log.blockNumber === null || log.blockHash === null) return null;
  if (log.logIndex === null) return null;
  try {
    const decoded = decodeEventLog({ abi: sgeClaimAbi, data: log.data, topics: log.topics });
    if (decoded.eventName !== 'Claimed') return null;
    return {
      contract: getAddress(contract),
      account: getAddress(decoded.args.account),
      paymentToken: getAddress(decoded.args.paymentToken),
      fee: decoded.args.fee,
      amount: decoded.args.amount,
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
      logIndex: log.logIndex,
    };
  } catch {
    return null;
  }
}

/** An ERC-20 Transfer in a receipt's logs, decoded, or null. */
export function decodeTransferLog(
  log: Log,
): { token: Address; from: Address; to: Address; value: bigint } | null {
  try {
    const decoded = decodeEventLog({ abi: testUsdcAbi, data: log.data, topics: log.topics });
    if (decoded.eventName !== 'Transfer') return null;
    return {
      token: getAddress(log.address),
      from: getAddress(decoded.args.from),
      to: getAddress(decoded.args.to),
      value: decoded.args.value,
    };
  } catch {
    return null;
  }
}

/** The Claimed events of `contract` in blocks [fromBlock, toBlock] (one eth_getLogs; keep the range bounded). */
export async function getClaimedLogs(
  client: TClient,
  contract: Address,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<TClaimedLog[]> {
  const logs = await client.getContractEvents({
    address: contract,
    abi: sgeClaimAbi,
    eventName: 'Claimed',
    fromBlock,
    toBlock,
    strict: true,
  });
  const claims: TClaimedLog[] = [];
  for (const log of logs) {
    const claim = decodeClaimedLog(log as Log, contract);
    if (claim) claims.push(claim);
  }
  return claims;
}
