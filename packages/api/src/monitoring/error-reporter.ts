import * as Sentry from '@sentry/node';
import type { TConfig } from '../config';
import { scrubUrls } from '../logging/scrub-urls';

/** What an error report says about where it happened; every field is optional and none is a secret. */
export type TErrorContext = {
  /** The HTTP request id (`x-request-id`), quoted to the user in every 500 answer. */
  requestId?: string;
  /** The intent a request or job was working on. */
  intentId?: string;
  /** The route pattern (`/api/admin/audit-log`) or the queue a job came from. */
  route?: string;
  queue?: string;
  /** A worker job's name (the queue it was added under), id (`<kind>-<id>`, no secret) and attempt (1, 2, ...). */
  jobName?: string;
  jobId?: string;
  attempt?: number;
};

/**
 * Where unexpected errors go besides the log: Sentry when SENTRY_DSN is set, nowhere otherwise. The API reports
 * 5xx answers, the workers report failed jobs, and Sentry's own handlers report uncaught exceptions and unhandled
 * rejections. Nothing else is collected: no request headers or bodies, no breadcrumbs, no tracing.
 */
export type TErrorReporter = {
  readonly enabled: boolean;
  report(error: unknown, context: TErrorContext): void;
  /** Sends what is queued (at shutdown); resolves false when the time ran out. */
  flush(timeoutMs: number): Promise<boolean>;
};

const FILTERED = '[Filtered]';
/** A 65-byte ECDSA signature (wallet signatures, EIP-712 approvals): never leaves the process. */
const SIGNATURE_PATTERN = /0x[0-9a-fA-F]{130}\b/g;
/** Keys whose values are secret wherever they appear in an event. */
const SECRET_KEY_PATTERN =
  /authorization|cookie|secret|password|passphrase|private.?key|api.?key|admin.?key|signature|mnemonic|token/i;
/** Values shorter than this are not scrubbed by value (they would blank ordinary words). */
const SECRET_VALUE_MIN_LENGTH = 8;

/** The secret values of a configuration: scrubbed from every report by value, wherever they appear. */
export function secretValuesOf(config: TConfig): string[] {
  const values = [
    config.chain.relayerPrivateKey,
    config.chain.deployerPrivateKey,
    config.altchaHmacKey,
    config.commerce.apiKey,
    config.commerce.webhookSecret,
    ...config.admin.keys.map((admin) => admin.key),
  ];
  return values.filter(
    (value): value is string => typeof value === 'string' && value.length >= SECRET_VALUE_MIN_LENGTH,
  );
}

/**
 * Scrubs an event (or any JSON-like value) in place of a copy: secret-named keys are replaced, configured secret
 * values and signatures are cut out of every string, and credentials in URLs are removed (scrubUrls).
 */
export function scrubEvent<T>(value: T, secrets: readonly string[]): T {
  const scrubString = (text: string): string => {
    let out = scrubUrls(text).replace(SIGNATURE_PATTERN, '[signature]');
    for (const secret of secrets) out = out.split(secret).join(FILTERED);
    return out;
  };
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return scrubString(node);
    if (depth > 12 || node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      out[key] =
        SECRET_KEY_PATTERN.test(key) && typeof child !== 'object' ? FILTERED : walk(child, depth + 1);
    }
    return out;
  };
  return walk(value, 0) as T;
}

const DISABLED: TErrorReporter = {
  enabled: false,
  report() {},
  flush: async () => true,
};

/**
 * Starts Sentry for this process when SENTRY_DSN is set. Sentry's client is process-wide: the last call wins,
 * which is what a process with one configuration wants.
 */
export function createErrorReporter(config: TConfig): TErrorReporter {
  if (!config.sentryDsn) return DISABLED;
  const secrets = secretValuesOf(config);
  Sentry.init({
    dsn: config.sentryDsn,
    release: config.release,
    environment: config.mode.toLowerCase(),
    serverName: config.role,
    // Belt and braces: no integration that collects request data is loaded, and collection is off as well.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
    },
    // Only error reporting: no OpenTelemetry tracing, no request data (headers carry admin keys), no breadcrumbs.
    enableOpenTelemetrySetup: false,
    defaultIntegrations: false,
    integrations: [
      Sentry.onUncaughtExceptionIntegration(),
      Sentry.onUnhandledRejectionIntegration(),
      Sentry.linkedErrorsIntegration(),
      Sentry.dedupeIntegration(),
    ],
    maxBreadcrumbs: 0,
    beforeSend: (event) => scrubEvent(event, secrets),
  });
  return {
    enabled: true,
    report(error, context) {
      Sentry.withScope((scope) => {
        if (context.requestId) scope.setTag('request_id', context.requestId);
        if (context.intentId) scope.setTag('intent_id', context.intentId);
        if (context.route) scope.setTag('route', context.route);
        if (context.queue) scope.setTag('queue', context.queue);
        if (context.jobName) scope.setTag('job_name', context.jobName);
        if (context.jobId) scope.setTag('job_id', context.jobId);
        if (context.attempt !== undefined) scope.setTag('job_attempt', context.attempt);
        Sentry.captureException(error);
      });
    },
    flush: (timeoutMs) => Sentry.flush(timeoutMs),
  };
}
