import {
  affiliateRegistryAbi,
  sgeClaimAbi,
  sgeIdAbi,
  sgePayoutAbi,
  sgeTokenAbi,
  testUsdcAbi,
  testUsdtAbi,
} from '@sge/contracts';
import { type Abi, BaseError, decodeErrorResult, type Hex } from 'viem';

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
