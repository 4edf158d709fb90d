import { HttpRequestError, TimeoutError, type Transport, WebSocketRequestError } from 'viem';

/**
 * A circuit breaker around one RPC endpoint's transport. After `failureThreshold` consecutive failures of
 * the endpoint itself (unreachable, timed out, HTTP error — not a JSON-RPC error such as "nonce too low"),
 * it opens: requests fail at once for `cooldownMs`, so viem's fallback goes straight to the next endpoint
 * instead of waiting out a timeout on every call. Then one request is let through (half-open); success
 * closes it again.
 */
export type TCircuitBreakerOptions = { failureThreshold: number; cooldownMs: number };

export class CircuitOpenError extends Error {
  constructor(readonly endpoint: string) {
    super(`circuit open for RPC endpoint ${endpoint}: skipping it until it recovers`);
    this.name = 'CircuitOpenError';
  }
}

export type TCircuitState = { state: 'closed' | 'open' | 'half-open'; consecutiveFailures: number };

function isEndpointFailure(error: unknown): boolean {
  return (
    error instanceof HttpRequestError ||
    error instanceof TimeoutError ||
    error instanceof WebSocketRequestError
  );
}

export function withCircuitBreaker(
  inner: Transport,
  endpoint: string,
  options: TCircuitBreakerOptions,
): { transport: Transport; state(): TCircuitState } {
  let consecutiveFailures = 0;
  let openedAt: number | null = null;
  let probing = false;

  const current = (): TCircuitState['state'] => {
    if (openedAt === null) return 'closed';
    return Date.now() - openedAt >= options.cooldownMs ? 'half-open' : 'open';
  };

  const transport: Transport = (parameters) => {
    const built = inner(parameters);
    return {
      ...built,
      async request(args, requestOptions) {
        const state = current();
        if (state === 'open' || (state === 'half-open' && probing)) throw new CircuitOpenError(endpoint);
        if (state === 'half-open') probing = true;
        try {
          const result = await built.request(args, requestOptions);
          consecutiveFailures = 0;
          openedAt = null;
          return result;
        } catch (error) {
          if (isEndpointFailure(error)) {
            consecutiveFailures += 1;
            if (state === 'half-open' || consecutiveFailures >= options.failureThreshold)
              openedAt = Date.now();
          }
          throw error;
        } finally {
          if (state === 'half-open') probing = false;
        }
      },
    } as ReturnType<Transport>;
  };
  return { transport, state: () => ({ state: current(), consecutiveFailures }) };
}
