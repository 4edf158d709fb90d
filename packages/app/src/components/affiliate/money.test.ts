import { describe, expect, it } from 'vitest';
import { formatMicroUsd, parseMicroUsd } from './money';

describe('money formatting', () => {
  it('formats micro-USD exactly with at least two decimals', () => {
    expect(formatMicroUsd('10000000')).toBe('10.00');
    expect(formatMicroUsd('12345678')).toBe('12.345678');
    expect(formatMicroUsd('1')).toBe('0.000001');
    expect(formatMicroUsd('1234567890000000')).toBe('1,234,567,890.00');
    expect(formatMicroUsd('-2500000')).toBe('-2.50');
  });

  it('parses typed amounts into micro-units, refusing anything else', () => {
    expect(parseMicroUsd('12.5')).toBe('12500000');
    expect(parseMicroUsd('100')).toBe('100000000');
    expect(parseMicroUsd('0.000001')).toBe('1');
    for (const bad of ['0', '0.0', '-1', '1.2345678', 'abc', '', '1e3', '1,5'])
      expect(parseMicroUsd(bad)).toBeNull();
  });
});
