/**
 * A payment provider's API failed: not reachable, timed out, answered non-2xx or without the fields the
 * platform needs. Thrown by the provider clients of this folder (a layer below domain/, which turns it into
 * AppError DEPENDENCY_UNAVAILABLE, 503, at one place: domain/payments/provider-call.ts). The message never
 * quotes a credential.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  /** The provider's HTTP status when it answered, else null. */
  readonly status: number | null;

  constructor(message: string, options: { cause?: unknown; status?: number | null } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status ?? null;
  }
}
