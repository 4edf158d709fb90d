import type { TProcessSlot } from './chaos-cluster';

export type TChaosResponse = {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the load driver reads response bodies field by field.
  body: any;
  attempts: number;
  failovers: number;
  /** What the last retried attempt got (for a request given up). */
  lastFailure?: string;
};

/** Per-attempt ceiling: a request that got no answer in this time is retried (same Idempotency-Key). */
const REQUEST_TIMEOUT_MS = 20_000;
/** A request is given up (and counted as not accepted) after retrying this long. */
const GIVE_UP_AFTER_MS = 240_000;

/**
 * The load driver's HTTP client, as a load balancer in front of the API processes would be: each request
 * goes to a live API process (starting with `preferred`); a request that got no response (connection
 * refused or reset, timeout), a 5xx, a 429 or an "Idempotency-Key still running" 409 is retried — with the
 * same Idempotency-Key — on the next live process, with a growing pause, until it gets a final answer.
 */
export function chaosClient(apis: TProcessSlot[], stats: { noResponse: number; retried5xx: number }) {
  return async (
    method: string,
    path: string,
    options: { preferred?: number; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<TChaosResponse> => {
    const started = Date.now();
    let attempts = 0;
    let failovers = 0;
    let index = options.preferred ?? 0;
    let lastFailure = '';
    for (;;) {
      attempts += 1;
      const slot = pickLive(apis, index);
      if (slot) {
        try {
          const response = await fetch(`${slot.current!.url}${path}`, {
            method,
            headers: {
              ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
              ...options.headers,
            },
            body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          const text = await response.text();
          let body: unknown = null;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            body = text;
          }
          const retryable =
            response.status >= 500 ||
            response.status === 429 ||
            (response.status === 409 &&
              (body as { error?: string } | null)?.error === 'IDEMPOTENCY_REQUEST_IN_PROGRESS');
          if (!retryable) return { status: response.status, body, attempts, failovers };
          stats.retried5xx += 1;
          lastFailure = `${slot.name}: ${response.status} ${text.slice(0, 200)}`;
        } catch (error) {
          stats.noResponse += 1;
          lastFailure = `${slot.name}: ${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message ?? ''}`;
        }
      }
      if (Date.now() - started > GIVE_UP_AFTER_MS)
        return { status: 0, body: null, attempts, failovers, lastFailure };
      index += 1;
      failovers += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * attempts)));
    }
  };
}

function pickLive(apis: TProcessSlot[], index: number): TProcessSlot | null {
  for (let k = 0; k < apis.length; k++) {
    const slot = apis[(index + k) % apis.length]!;
    if (slot.current) return slot;
  }
  return null;
}
