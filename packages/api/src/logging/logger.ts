import pino, { type Logger } from 'pino';
import { scrubDeep, scrubUrls } from './scrub-urls';

/**
 * Structured JSON logs. Secrets never reach a log line: request headers that carry credentials and any
 * field named like a key or secret are censored here, once, for every logger in the process.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-admin-key"]',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'req.headers["x-cc-webhook-signature"]',
  'res.headers["set-cookie"]',
  '*.privateKey',
  '*.relayerPrivateKey',
  '*.deployerPrivateKey',
  '*.apiKey',
  '*.webhookSecret',
  '*.password',
  '*.secret',
  '*.key',
  '*.rpcUrl',
  '*.rpcBackupUrl',
  '*.databaseUrl',
  '*.redisUrl',
];

export type { Logger };

/**
 * Serializers of the fields errors are logged under: the error as plain data (message, stack, its causes and
 * viem's fields such as `url`), with every string passed through scrubUrls, so that an RPC provider's key or
 * a password in a connection URL never reaches a log line, whoever logged the error and however.
 */
const scrubbingErrorSerializer = (value: unknown): unknown =>
  value instanceof Error ? scrubDeep(pino.stdSerializers.errWithCause(value)) : scrubDeep(value);
export const LOG_SERIALIZERS = {
  err: scrubbingErrorSerializer,
  error: scrubbingErrorSerializer,
  cause: scrubbingErrorSerializer,
  reason: scrubbingErrorSerializer,
};

export function createLogger(options: {
  level: string;
  name?: string;
  base?: Record<string, unknown>;
  /** Where lines go; stdout by default (tests pass a stream to read them). */
  destination?: pino.DestinationStream;
}): Logger {
  const loggerOptions: pino.LoggerOptions = {
    level: options.level,
    name: options.name ?? 'sge',
    base: { pid: process.pid, ...options.base },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: LOG_SERIALIZERS,
    // Messages too (`logger.warn(\`… \${error.message}\`)`): a string argument holding a URL is scrubbed.
    hooks: {
      logMethod(args, method) {
        for (let index = 0; index < args.length; index += 1) {
          const arg = args[index];
          if (typeof arg === 'string' && arg.includes('://')) (args as unknown[])[index] = scrubUrls(arg);
        }
        method.apply(this, args);
      },
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
}
