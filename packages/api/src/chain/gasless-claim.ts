import { sgeClaimAbi } from '@sge/contracts';
import type { TReceiveAuthorization } from '@sge/shared';
import {
  type Address,
  type Chain,
  decodeEventLog,
  encodeFunctionData,
  getAddress,
  type Hex,
  type Log,
  type PublicClient,
  parseAbi,
  parseSignature,
  type Transport,
} from 'viem';

/**
 * Gasless claims on the chain (SGEClaim.claimWithAuthorization / claimWithAuthorizations): USDC's EIP-712
 * typed data for an EIP-3009 ReceiveWithAuthorization to the claim contract, the calldata the relayer sends,
 * and the ClaimRelayed / ClaimSkipped events it reads back.
 */

/** USDC's (FiatTokenV2_2's) EIP-712 domain name and version, the same on every chain Circle issues it. */
export const USDC_EIP712_NAME = 'USD Coin';
export const USDC_EIP712_VERSION = '2';

export const RECEIVE_WITH_AUTHORIZATION_TYPES = {
  ReceiveWithAuthorization: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' },
    { name: 'validBefore', type: 'uint256' },
    { name: 'nonce', type: 'bytes32' },
  ],
} as const;

const AUTHORIZATION_STATE_ABI = parseAbi([
  'function authorizationState(address authorizer, bytes32 nonce) view returns (bool)',
]);

/** The typed data a claimant signs (eth_signTypedData_v4) for `message`. */
export function receiveAuthorizationTypedData(
  chainId: number,
  usdc: Address,
  message: TReceiveAuthorization,
) {
  return {
    domain: { name: USDC_EIP712_NAME, version: USDC_EIP712_VERSION, chainId, verifyingContract: usdc },
    types: RECEIVE_WITH_AUTHORIZATION_TYPES,
    primaryType: 'ReceiveWithAuthorization' as const,
    message,
  };
}

/** viem's view of the message (bigints, hex), for verifyTypedData. */
export function authorizationMessage(message: TReceiveAuthorization) {
  return {
    from: getAddress(message.from),
    to: getAddress(message.to),
    value: BigInt(message.value),
    validAfter: BigInt(message.validAfter),
    validBefore: BigInt(message.validBefore),
    nonce: message.nonce as Hex,
  };
}

/** A signed authorization, as the relayer keeps it (intent payload). */
export type TSignedAuthorization = { authorization: TReceiveAuthorization; signature: Hex };

function toClaimAuthorization({ authorization, signature }: TSignedAuthorization) {
  const { r, s, v, yParity } = parseSignature(signature);
  const message = authorizationMessage(authorization);
  return {
    from: message.from,
    value: message.value,
    validAfter: message.validAfter,
    validBefore: message.validBefore,
    nonce: message.nonce,
    v: Number(v ?? BigInt(yParity + 27)),
    r,
    s,
  };
}

/** Calldata: `claimWithAuthorization` for one (reverts with the reason), `claimWithAuthorizations` for more. */
export function encodeGaslessClaims(items: readonly TSignedAuthorization[]): Hex {
  if (items.length === 1) {
    return encodeFunctionData({
      abi: sgeClaimAbi,
      functionName: 'claimWithAuthorization',
      args: [toClaimAuthorization(items[0]!)],
    });
  }
  return encodeFunctionData({
    abi: sgeClaimAbi,
    functionName: 'claimWithAuthorizations',
    args: [items.map(toClaimAuthorization)],
  });
}

/** Whether USDC already used or cancelled `from`'s authorization `nonce`. */
export async function readAuthorizationUsed(
  client: PublicClient<Transport, Chain>,
  usdc: Address,
  from: Address,
  nonce: Hex,
): Promise<boolean> {
  return await client.readContract({
    address: usdc,
    abi: AUTHORIZATION_STATE_ABI,
    functionName: 'authorizationState',
    args: [from, nonce],
  });
}

/** What a gasless claim transaction did per authorization nonce: relayed (with the relay fee) or skipped. */
export type TGaslessOutcomes = {
  relayed: Map<string, { account: Address; relayer: Address; relayFee: bigint }>;
  skipped: Map<string, { account: Address; reason: Hex }>;
};

/** Reads the ClaimRelayed and ClaimSkipped events of `claimContract` from a receipt's logs (nonces lower-case). */
export function decodeGaslessOutcomes(logs: readonly Log[], claimContract: Address): TGaslessOutcomes {
  const outcomes: TGaslessOutcomes = { relayed: new Map(), skipped: new Map() };
  for (const log of logs) {
    if (getAddress(log.address) !== getAddress(claimContract)) continue;
    try {
      const decoded = decodeEventLog({ abi: sgeClaimAbi, data: log.data, topics: log.topics });
      if (decoded.eventName === 'ClaimRelayed') {
        outcomes.relayed.set(decoded.args.nonce.toLowerCase(), {
          account: getAddress(decoded.args.account),
          relayer: getAddress(decoded.args.relayer),
          relayFee: decoded.args.relayFee,
        });
      } else if (decoded.eventName === 'ClaimSkipped') {
        outcomes.skipped.set(decoded.args.nonce.toLowerCase(), {
          account: getAddress(decoded.args.account),
          reason: decoded.args.reason,
        });
      }
    } catch {
      // Another event of the contract (Claimed): not an outcome.
    }
  }
  return outcomes;
}
