import {
  BaseError,
  ExecutionRevertedError,
  FeeCapTooLowError,
  HttpRequestError,
  InsufficientFundsError,
  IntrinsicGasTooLowError,
  NonceTooHighError,
  NonceTooLowError,
  TimeoutError,
  TransactionRejectedRpcError,
  WebSocketRequestError,
} from 'viem';
import { scrubUrls } from '../logging/scrub-urls';

/**
 * Every way a node can refuse or fail a request, as a type the relayer acts on. Raw RPC and node errors
 * are translated here, at one boundary (viem's error classes first, then the message texts nodes use for
 * cases viem does not type: "already known", "replacement transaction underpriced").
 */
export type TRpcErrorKind =
  /** The nonce was already used: our transaction (or another) was mined with it. */
  | 'NONCE_TOO_LOW'
  /** A gap before this nonce: an earlier transaction has not reached the node. */
  | 'NONCE_TOO_HIGH'
  /** The node already has this exact transaction: a rebroadcast, harmless. */
  | 'ALREADY_KNOWN'
  /** A replacement (same nonce) did not raise the fees enough. */
  | 'REPLACEMENT_UNDERPRICED'
  /** maxFeePerGas is below the block's base fee (node refused it outright). */
  | 'FEE_CAP_TOO_LOW'
  | 'INSUFFICIENT_FUNDS'
  /** The call would revert (estimateGas/eth_call). */
  | 'EXECUTION_REVERTED'
  /** The node is unreachable, timed out or answered with an HTTP error: retry, maybe on another endpoint. */
  | 'RPC_UNAVAILABLE'
  /** The node refused the transaction for a reason that will not change by retrying it as it is. */
  | 'REJECTED'
  | 'UNKNOWN';

export class RpcError extends Error {
  readonly kind: TRpcErrorKind;
  constructor(kind: TRpcErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'RpcError';
    this.kind = kind;
  }
  /** Worth sending again as it is (to this or another endpoint). */
  get retryable(): boolean {
    return (
      this.kind === 'RPC_UNAVAILABLE' || this.kind === 'NONCE_TOO_HIGH' || this.kind === 'INSUFFICIENT_FUNDS'
    );
  }
}

const MESSAGE_KINDS: [RegExp, TRpcErrorKind][] = [
  [/already known|already imported|known transaction|transaction already exists/i, 'ALREADY_KNOWN'],
  [/replacement transaction underpriced|replacement fee too low|underpriced/i, 'REPLACEMENT_UNDERPRICED'],
  [/nonce too low|nonce has already been used|oldnonce|invalid nonce.*lower/i, 'NONCE_TOO_LOW'],
  [/nonce too high/i, 'NONCE_TOO_HIGH'],
  [
    /max fee per gas less than block base fee|fee cap less than block base fee|feecap.*below/i,
    'FEE_CAP_TOO_LOW',
  ],
  [/insufficient funds|insufficient balance/i, 'INSUFFICIENT_FUNDS'],
  [/execution reverted|revert/i, 'EXECUTION_REVERTED'],
  [
    /intrinsic gas too low|exceeds block gas limit|gas limit reached|invalid sender|invalid signature|invalid chain id|transaction type not supported|oversized data|max priority fee per gas higher than max fee/i,
    'REJECTED',
  ],
];

/**
 * Translates anything thrown by a viem call into an RpcError, whose message has URLs scrubbed of keys and
 * credentials (scrubUrls). The raw error stays as `cause`; the logger's serializers scrub it when logged.
 */
export function toRpcError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // The message is logged and shown (startup errors, /admin): the provider's key in the URL must not be.
  const firstLine = scrubUrls(message.split('\n')[0] ?? message);
  if (error instanceof BaseError) {
    const matches = (type: new (...args: never[]) => Error) => Boolean(error.walk((e) => e instanceof type));
    // Message texts first: viem maps "already known" and "underpriced" to generic classes.
    for (const [pattern, kind] of MESSAGE_KINDS.slice(0, 2)) {
      if (pattern.test(message)) return new RpcError(kind, firstLine, { cause: error });
    }
    if (matches(NonceTooLowError)) return new RpcError('NONCE_TOO_LOW', firstLine, { cause: error });
    if (matches(NonceTooHighError)) return new RpcError('NONCE_TOO_HIGH', firstLine, { cause: error });
    if (matches(FeeCapTooLowError)) return new RpcError('FEE_CAP_TOO_LOW', firstLine, { cause: error });
    if (matches(InsufficientFundsError))
      return new RpcError('INSUFFICIENT_FUNDS', firstLine, { cause: error });
    if (matches(ExecutionRevertedError))
      return new RpcError('EXECUTION_REVERTED', firstLine, { cause: error });
    if (matches(IntrinsicGasTooLowError)) return new RpcError('REJECTED', firstLine, { cause: error });
    if (matches(HttpRequestError) || matches(TimeoutError) || matches(WebSocketRequestError)) {
      return new RpcError('RPC_UNAVAILABLE', firstLine, { cause: error });
    }
    for (const [pattern, kind] of MESSAGE_KINDS) {
      if (pattern.test(message)) return new RpcError(kind, firstLine, { cause: error });
    }
    if (matches(TransactionRejectedRpcError)) return new RpcError('REJECTED', firstLine, { cause: error });
    return new RpcError('UNKNOWN', firstLine, { cause: error });
  }
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|socket hang up/i.test(message)) {
    return new RpcError('RPC_UNAVAILABLE', firstLine, { cause: error });
  }
  for (const [pattern, kind] of MESSAGE_KINDS) {
    if (pattern.test(message)) return new RpcError(kind, firstLine, { cause: error });
  }
  return new RpcError('UNKNOWN', firstLine, { cause: error });
}
