import { describe, expect, it } from 'vitest';
import {
  formatBpsPercent,
  formatDuration,
  microUsdInput,
  parseDaysHours,
  parseLevelsPercent,
  parsePercentBps,
  parseUsdMicro,
  toDaysHours,
} from './units';

describe('admin units', () => {
  it('writes a hold period in days and hours, never in seconds', () => {
    expect(formatDuration(1_209_600)).toBe('14 days');
    expect(formatDuration(93_600)).toBe('1 day 2 hours');
    expect(formatDuration(0)).toBe('0 days');
    expect(formatDuration(90)).toBe('1 minute 30 seconds');
    expect(toDaysHours(93_600)).toEqual({ days: '1', hours: '2' });
  });

  it('reads days and hours into seconds, refusing what is not whole or hours past 23', () => {
    expect(parseDaysHours('14', '0')).toBe(1_209_600);
    expect(parseDaysHours('', '6')).toBe(21_600);
    for (const [d, h] of [
      ['1.5', '0'],
      ['1', '24'],
      ['-1', '0'],
      ['x', '0'],
    ])
      expect(parseDaysHours(d!, h!)).toBeNull();
  });

  it('converts basis points and percentages exactly', () => {
    expect(formatBpsPercent(1000)).toBe('10');
    expect(formatBpsPercent(125)).toBe('1.25');
    expect(formatBpsPercent(5)).toBe('0.05');
    expect(parsePercentBps('12.5')).toBe(1250);
    expect(parsePercentBps('0.01')).toBe(1);
    for (const bad of ['100.01', '1.234', '-1', 'ten', '']) expect(parsePercentBps(bad)).toBeNull();
    expect(parseLevelsPercent('12, 6 / 2')).toEqual([1200, 600, 200]);
    expect(parseLevelsPercent('')).toEqual([]);
    expect(parseLevelsPercent('10, x')).toBeNull();
  });

  it('reads USD with cents into micro-USD with bigint math, 0 allowed', () => {
    expect(parseUsdMicro('1.50')).toBe('1500000');
    expect(parseUsdMicro('0')).toBe('0');
    expect(parseUsdMicro('1,000.000001')).toBe('1000000001');
    expect(parseUsdMicro('999999999999999.99')).toBe('999999999999999990000');
    for (const bad of ['-1', '1.2345678', 'abc', '', '1e3']) expect(parseUsdMicro(bad)).toBeNull();
    expect(microUsdInput('1500000')).toBe('1.50');
    expect(microUsdInput('12345678')).toBe('12.345678');
  });
});
