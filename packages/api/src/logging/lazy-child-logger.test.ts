import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChildLogger } from './lazy-child-logger';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const logger = pino({ level, redact: { paths: ['*.secret'], censor: '[redacted]' } }, stream);
  return { logger, lines };
}

describe('lazyChildLogger', () => {
  it('writes the same lines as a pino child, with the bindings and redaction', async () => {
    const { logger, lines } = capture('info');
    const lazy = lazyChildLogger(logger, { reqId: 'req-1' });
    lazy.info({ data: { secret: 'hunter2' } }, 'hello');
    lazy.child({ step: 2 }).warn('nested');
    lazy.debug('not written at info');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ reqId: 'req-1', msg: 'hello', data: { secret: '[redacted]' } });
    expect(lines[1]).toMatchObject({ reqId: 'req-1', step: 2, msg: 'nested' });
    expect(lazy.level).toBe('info');
  });

  it('does not create the child when nothing is logged at an enabled level', () => {
    const { logger } = capture('warn');
    let children = 0;
    const counting = new Proxy(logger, {
      get(target, property, receiver) {
        if (property === 'child') {
          return (...args: Parameters<typeof logger.child>) => {
            children += 1;
            return target.child(...args);
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
    const lazy = lazyChildLogger(counting, { reqId: 'req-2' });
    lazy.info('skipped');
    lazy.debug('skipped');
    expect(children).toBe(0);
    lazy.error('written');
    expect(children).toBe(1);
  });
});
