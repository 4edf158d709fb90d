import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * A request's logger that creates its pino child (with the request id bound) only when a line is actually
 * written at an enabled level. Fastify makes one child per request; with redaction configured, pino's
 * child() costs a few percent of a cheap request (POST /api/register) that, at the production level, logs
 * nothing. Lines and bindings are exactly those of `parent.child(bindings, options)`.
 *
 * @example
 * app.setChildLoggerFactory((logger, bindings, options) => lazyChildLogger(logger as Logger, bindings, options));
 */
export function lazyChildLogger(parent: Logger, bindings: Bindings, options?: ChildLoggerOptions): Logger {
  let child: Logger | null = null;
  const real = () => {
    child ??= parent.child(bindings, options);
    return child;
  };
  const lazy: Record<string, unknown> = {
    child: (more: Bindings, moreOptions?: ChildLoggerOptions) => real().child(more, moreOptions),
    silent: () => {},
    isLevelEnabled: (level: string) => (child ?? parent).isLevelEnabled(level),
    bindings: () => real().bindings(),
  };
  for (const level of LEVELS) {
    lazy[level] = (...args: unknown[]) => {
      if (!(child ?? parent).isLevelEnabled(level)) return;
      (real()[level] as (...a: unknown[]) => void)(...args);
    };
  }
  Object.defineProperty(lazy, 'level', {
    get: () => (child ?? parent).level,
    set: (value: string) => {
      real().level = value;
    },
    enumerable: true,
  });
  return lazy as unknown as Logger;
}
