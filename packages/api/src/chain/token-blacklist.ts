import {
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  type PublicClient,
  parseAbi,
  type Transport,
} from 'viem';

/**
 * The stablecoins' blacklists, read before a user spends gas on a payment that would revert:
 * - USDC (Circle's FiatTokenV2_2, and TestUSDC): `isBlacklisted(address)`; a blacklisted account can neither
 *   send, receive, approve nor sign a permit or authorization;
 * - USDT (Tether's TetherToken, and TestUSDT): `isBlackListed(address)` (capital L); a blacklisted account
 *   cannot send (`transfer`, or be the `from` of `transferFrom`), and the token reverts without a reason.
 * A token with neither function (another ERC-20 a program may use) has no blacklist: null.
 */
const BLACKLIST_ABI = parseAbi([
  'function isBlacklisted(address account) view returns (bool)',
  'function isBlackListed(address account) view returns (bool)',
]);

/** True when `error` says the call reverted or returned nothing (no such function), not that the node failed. */
function isMissingFunction(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  return Boolean(
    error.walk(
      (cause) =>
        cause instanceof ContractFunctionRevertedError || cause instanceof ContractFunctionZeroDataError,
    ),
  );
}

/**
 * Whether `token` blacklists `account`: true or false from the token's own list, null when the token keeps
 * none. A node failure is thrown (the caller decides whether to retry).
 *
 * @example
 * if (await readBlacklisted(client, usdc, wallet)) throw new AppError('WALLET_BLACKLISTED', ...);
 */
export async function readBlacklisted(
  client: PublicClient<Transport, Chain>,
  token: Address,
  account: Address,
): Promise<boolean | null> {
  const read = async (functionName: 'isBlacklisted' | 'isBlackListed') => {
    try {
      return await client.readContract({ address: token, abi: BLACKLIST_ABI, functionName, args: [account] });
    } catch (error) {
      if (isMissingFunction(error)) return null;
      throw error;
    }
  };
  const [fiatToken, tether] = await Promise.all([read('isBlacklisted'), read('isBlackListed')]);
  if (fiatToken === null && tether === null) return null;
  return fiatToken === true || tether === true;
}
