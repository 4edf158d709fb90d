import { describe, expect, it } from 'vitest';
import { AssertionFailed, assert } from './assert';

describe('assert', () => {
  it('passes a truthy condition and throws AssertionFailed with the message on a falsy one', () => {
    expect(() => assert(1n, 'unused')).not.toThrow();
    expect(() => assert(0n, 'payouts sum to 0')).toThrow(AssertionFailed);
    expect(() => assert(null, 'payouts sum to 0')).toThrow('payouts sum to 0');
  });

  it('narrows the asserted value for the code after it', () => {
    const found: { id: string } | undefined = [{ id: 'a' }].find((row) => row.id === 'a');
    assert(found, 'row a is missing');
    expect(found.id).toBe('a');
  });
});
