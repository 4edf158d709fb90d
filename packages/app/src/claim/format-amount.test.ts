import { describe, expect, it } from 'vitest';
import { formatTokenAmount } from './format-amount';

describe('formatTokenAmount', () => {
  it('shows whole tokens with thousands separators and no trailing zeros', () => {
    expect(formatTokenAmount('1000000000000000000000', 18)).toBe('1,000');
    expect(formatTokenAmount('100000000', 6)).toBe('100');
    expect(formatTokenAmount('100500000', 6)).toBe('100.5');
    expect(formatTokenAmount('1234567890123', 6)).toBe('1,234,567.890123');
    expect(formatTokenAmount('0', 6)).toBe('0');
    expect(formatTokenAmount('1', 18)).toBe('0.000000000000000001');
  });
});
