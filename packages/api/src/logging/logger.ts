import pino, { type Logger } from 'pino';

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

export function createLogger(options: {
  level: string;
  name?: string;
  base?: Record<string, unknown>;
}): Logger {
  return pino({
    level: options.level,
    name: options.name ?? 'sge',
    base: { pid: process.pid, ...options.base },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
