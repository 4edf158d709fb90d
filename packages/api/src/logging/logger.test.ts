import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

describe('createLogger', () => {
  it('scrubs URL keys and credentials from logged errors, their causes, error messages and the message text', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: 'info', destination });
    const key = 'AbCdEf1234567890XyZqq';
    const error = new Error(`HTTP request failed. URL: https://eth-mainnet.g.alchemy.com/v2/${key}`, {
      cause: new Error('connect to wss://user:pw-secret@h.example/ws/v3/9aa3d95b3bc440fa88ea12eaa4456161'),
    });
    log.error({ err: error }, 'rpc failed');
    log.warn({ err: error.message }, `monitor failed: ${error.message}`);
    log.info({ reason: error, error }, 'other fields');
    const text = lines.join('');
    expect(lines).toHaveLength(3);
    for (const secret of [key, 'pw-secret', 'user:', '9aa3d95b3bc440fa88ea12eaa4456161'])
      expect(text).not.toContain(secret);
    expect(text).toContain('https://eth-mainnet.g.alchemy.com/v2/[redacted]');
  });
});
