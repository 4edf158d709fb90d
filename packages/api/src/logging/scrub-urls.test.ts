import { describe, expect, it } from 'vitest';
import { scrubDeep, scrubUrls } from './scrub-urls';

const ALCHEMY_KEY = 'Xk8rT2vQ6xL0mN4pW7kC1sH9dF3jB5gY';
const INFURA_KEY = '9aa3d95b3bc440fa88ea12eaa4456161';

describe('scrubUrls', () => {
  it('removes path keys of RPC providers and keeps scheme, host and short path words', () => {
    expect(scrubUrls(`URL: https://eth-mainnet.g.alchemy.com/v2/${ALCHEMY_KEY}`)).toBe(
      'URL: https://eth-mainnet.g.alchemy.com/v2/[redacted]',
    );
    expect(scrubUrls(`wss://mainnet.infura.io/ws/v3/${INFURA_KEY}.`)).toBe(
      'wss://mainnet.infura.io/ws/v3/[redacted].',
    );
    expect(scrubUrls('https://example.quiknode.pro/a1b2c3d4e5f6/')).toBe(
      'https://example.quiknode.pro/[redacted]/',
    );
  });

  it('removes user info and every query value', () => {
    expect(scrubUrls('redis://default:hunter2@cache:6379/0')).toBe('redis://[redacted]@cache:6379/0');
    expect(scrubUrls('postgresql://sge:s3cret@db.internal:5432/sge')).toBe(
      'postgresql://[redacted]@db.internal:5432/sge',
    );
    expect(scrubUrls('"https://rpc.example/?apikey=abc&network=main#frag"')).toBe(
      '"https://rpc.example/?apikey=[redacted]&network=[redacted]"',
    );
  });

  it('leaves text without URLs and harmless URLs as they are', () => {
    expect(scrubUrls('nonce too low')).toBe('nonce too low');
    expect(scrubUrls('http://127.0.0.1:8545 refused')).toBe('http://127.0.0.1:8545 refused');
  });

  it('scrubs every string of a serialized error, causes included', () => {
    const serialized = {
      type: 'HttpRequestError',
      message: `HTTP request failed.\n\nURL: https://eth-mainnet.g.alchemy.com/v2/${ALCHEMY_KEY}`,
      url: `https://eth-mainnet.g.alchemy.com/v2/${ALCHEMY_KEY}`,
      cause: { message: `fetch https://u:p@x.example/v3/${INFURA_KEY}`, status: 401 },
    };
    const text = JSON.stringify(scrubDeep(serialized));
    expect(text).not.toContain(ALCHEMY_KEY);
    expect(text).not.toContain(INFURA_KEY);
    expect(text).not.toContain('u:p@');
    expect(text).toContain('"status":401');
  });
});
