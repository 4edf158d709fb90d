import {
  affiliateRegistryAbi,
  sgeClaimAbi,
  sgeIdAbi,
  sgePayoutAbi,
  sgeTokenAbi,
  testUsdcAbi,
  testUsdtAbi,
} from '@sge/contracts';
import { type Abi, BaseError, decodeErrorResult, type Hex, parseAbi } from 'viem';

/**
 * Solady's SafeTransferLib errors (SGEClaim and SGEPayout move tokens through it): a token that reverted
 * without a reason, or returned false, surfaces as one of these, e.g. `TransferFromFailed()` (0x7939f424)
 * for a USDT `transferFrom` TetherToken refused (blacklisted sender, fee quirk) or a FiatToken one.
 */
const SOLADY_ERRORS_ABI = parseAbi([
  'error ETHTransferFailed()',
  'error TransferFromFailed()',
  'error TransferFailed()',
  'error ApproveFailed()',
  'error TotalSupplyQueryFailed()',
  'error Permit2Failed()',
  'error Permit2AmountOverflow()',
  'error Permit2ApproveFailed()',
  'error Permit2LockdownFailed()',
]);

/**
 * Every custom error the platform's contracts and test tokens can revert with, in one ABI: a revert's data
 * is decoded against it (viem adds Error(string) and Panic(uint256) itself), so a reason is reported by name
 * with its values — `SGEPayoutInsufficientBalance(token, 5, 10)` — instead of a bare selector.
 */
const ERRORS_ABI: Abi = dedupeErrors([
  sgePayoutAbi,
  sgeClaimAbi,
  sgeIdAbi,
  affiliateRegistryAbi,
  sgeTokenAbi,
  testUsdcAbi,
  testUsdtAbi,
  SOLADY_ERRORS_ABI,
]);

function dedupeErrors(abis: readonly Abi[]): Abi {
  const seen = new Map<string, Abi[number]>();
  for (const abi of abis) {
    for (const item of abi) {
      if (item.type !== 'error') continue;
      const key = `${item.name}(${item.inputs.map((input) => input.type).join(',')})`;
      if (!seen.has(key)) seen.set(key, item);
    }
  }
  return [...seen.values()];
}

/** A revert decoded: the error's name and its arguments (bigints as decimal strings). */
export type TRevert = { name: string; args: string[]; data: Hex };

/** Decodes revert data; null when it matches no known error. */
export function decodeRevertData(data: Hex): TRevert | null {
  try {
    const decoded = decodeErrorResult({ abi: ERRORS_ABI, data });
    return {
      name: decoded.errorName,
      args: (decoded.args ?? []).map((arg) => (typeof arg === 'bigint' ? arg.toString() : String(arg))),
      data,
    };
  } catch {
    return null;
  }
}

/** The revert data carried by anything viem threw for a call that reverted, if any. */
export function revertDataOf(error: unknown): Hex | null {
  if (!(error instanceof BaseError)) return null;
  let found: Hex | null = null;
  error.walk((cause) => {
    const data = (cause as { data?: unknown }).data;
    if (typeof data === 'string' && /^0x[0-9a-fA-F]{8,}$/.test(data)) found = data as Hex;
    else if (data && typeof data === 'object' && typeof (data as { data?: unknown }).data === 'string') {
      const inner = (data as { data: string }).data;
      if (/^0x[0-9a-fA-F]{8,}$/.test(inner)) found = inner as Hex;
    }
    return false;
  });
  return found;
}

/**
 * A person-readable reason for a reverted call: the decoded error (`SGEPayoutNotApprover(0xabc…)`), a
 * revert string, or the raw selector when nothing matches; null when `error` is not a revert.
 */
export function revertReason(error: unknown): string | null {
  const data = revertDataOf(error);
  if (data) {
    const decoded = decodeRevertData(data);
    return decoded ? formatRevert(decoded) : `reverted with unknown error ${data.slice(0, 10)}`;
  }
  if (error instanceof BaseError) {
    const reverted = error.walk((cause) => /revert/i.test((cause as Error).name ?? ''));
    if (reverted) return (reverted as BaseError).shortMessage;
  }
  return null;
}

export function formatRevert(revert: Pick<TRevert, 'name' | 'args'>): string {
  if (revert.name === 'Error' && revert.args.length === 1) return revert.args[0]!;
  return `${revert.name}(${revert.args.join(', ')})`;
}

/**
 * The named reasons a revert the platform can meet is reported with (API `details.revert.code`, shown by the
 * app). The tokens' revert strings are FiatTokenV2_2's (USDC, and TestUSDC which repeats them); TetherToken
 * (USDT) reverts without data, which only a prior read (its blacklist, the balance) can explain.
 */
export const REVERT_CODES = {
  'Blacklistable: account is blacklisted': 'WALLET_BLACKLISTED',
  'FiatTokenV2: authorization is used or canceled': 'AUTHORIZATION_USED',
  'FiatTokenV2: authorization is expired': 'AUTHORIZATION_EXPIRED',
  'FiatTokenV2: authorization is not yet valid': 'AUTHORIZATION_NOT_YET_VALID',
  'FiatTokenV2: invalid signature': 'SIGNATURE_INVALID',
  'EIP2612: invalid signature': 'SIGNATURE_INVALID',
  'FiatTokenV2: caller must be the payee': 'NOT_THE_PAYEE',
  'FiatTokenV2: permit is expired': 'PERMIT_EXPIRED',
  'ERC20: transfer amount exceeds balance': 'INSUFFICIENT_BALANCE',
  'ERC20: transfer amount exceeds allowance': 'INSUFFICIENT_ALLOWANCE',
  'Pausable: paused': 'TOKEN_PAUSED',
  SGEClaimAlreadyClaimed: 'ALREADY_CLAIMED',
  SGEClaimInsufficientVault: 'VAULT_SHORT',
  SGEClaimPaused: 'CLAIMS_PAUSED',
  SGEClaimSGEIDRequired: 'NO_SGE_ID',
  SGEClaimInsufficientAllowance: 'INSUFFICIENT_ALLOWANCE',
  SGEClaimInsufficientBalance: 'INSUFFICIENT_BALANCE',
  SGEClaimAuthorizationBelowFee: 'AUTHORIZATION_BELOW_FEE',
  SGEClaimAuthorizationRefused: 'TOKEN_REFUSED',
  TestUSDTInsufficientBalance: 'INSUFFICIENT_BALANCE',
  TestUSDTInsufficientAllowance: 'INSUFFICIENT_ALLOWANCE',
  TestUSDTAllowanceNotZero: 'ALLOWANCE_NOT_ZERO',
  TransferFromFailed: 'TOKEN_REFUSED',
  TransferFailed: 'TOKEN_REFUSED',
  ApproveFailed: 'TOKEN_REFUSED',
} as const satisfies Record<string, string>;

/** A revert as the API reports it: a named code, the decoded error, and a sentence. */
export type TRevertDescription = {
  /** A REVERT_CODES value, the error's own name when unlisted, REVERTED_WITHOUT_REASON or UNKNOWN_ERROR. */
  code: string;
  /** `Error` for a revert string, the custom error's name, or null when nothing decoded. */
  name: string | null;
  args: string[];
  /** The revert data (a selector and arguments), "0x" when the contract gave none. */
  data: Hex;
  message: string;
};

/**
 * Describes revert data with a named code: `Error("Blacklistable: account is blacklisted")` → WALLET_BLACKLISTED,
 * `TransferFromFailed()` → TOKEN_REFUSED, `0x` → REVERTED_WITHOUT_REASON (TetherToken's way).
 *
 * @example
 * describeRevertData('0x7939f424').code // 'TOKEN_REFUSED'
 */
export function describeRevertData(data: Hex): TRevertDescription {
  if (data === '0x' || data.length < 10) {
    return {
      code: 'REVERTED_WITHOUT_REASON',
      name: null,
      args: [],
      data: '0x',
      message:
        'the call reverted without a reason (USDT does so for a blacklisted sender, a pause or a short balance)',
    };
  }
  const decoded = decodeRevertData(data);
  if (!decoded) {
    return {
      code: 'UNKNOWN_ERROR',
      name: null,
      args: [],
      data,
      message: `reverted with unknown error ${data.slice(0, 10)}`,
    };
  }
  const key = decoded.name === 'Error' ? (decoded.args[0] ?? '') : decoded.name;
  const code = (REVERT_CODES as Record<string, string>)[key] ?? decoded.name;
  return { code, name: decoded.name, args: decoded.args, data, message: formatRevert(decoded) };
}

/** describeRevertData for anything viem threw; null when `error` is no revert (a node failure, a timeout). */
export function describeRevert(error: unknown): TRevertDescription | null {
  const data = revertDataOf(error);
  if (data) return describeRevertData(data);
  if (error instanceof BaseError) {
    const reverted = error.walk((cause) => /revert/i.test((cause as Error).name ?? ''));
    if (reverted) return describeRevertData('0x');
  }
  return null;
}
