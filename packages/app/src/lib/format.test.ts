import { describe, expect, it } from 'vitest';
import {
  chainName,
  contractLabel,
  explorerAddressUrl,
  formatAge,
  formatClockTime,
  formatLatencyMs,
  safeHttpUrl,
} from './format';

const ADDRESS = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('formatLatencyMs', () => {
  it('rounds to whole milliseconds', () => {
    expect(formatLatencyMs(12.4)).toBe('12 ms');
    expect(formatLatencyMs(12.6)).toBe('13 ms');
    expect(formatLatencyMs(0)).toBe('0 ms');
  });

  it('shows sub-millisecond latencies as <1 ms rather than 0 ms', () => {
    expect(formatLatencyMs(0.3)).toBe('<1 ms');
  });

  it('says unknown for a missing or nonsensical latency', () => {
    expect(formatLatencyMs(null)).toBe('unknown');
    expect(formatLatencyMs(Number.NaN)).toBe('unknown');
    expect(formatLatencyMs(-5)).toBe('unknown');
  });
});

describe('formatAge', () => {
  it('calls anything under a second, or slightly in the future, just now', () => {
    expect(formatAge(0)).toBe('just now');
    expect(formatAge(999)).toBe('just now');
    expect(formatAge(-250)).toBe('just now');
  });

  it('counts seconds, then minutes, hours and days, rounding down', () => {
    expect(formatAge(1_000)).toBe('1 s ago');
    expect(formatAge(59_999)).toBe('59 s ago');
    expect(formatAge(60_000)).toBe('1 min ago');
    expect(formatAge(3_599_999)).toBe('59 min ago');
    expect(formatAge(3_600_000)).toBe('1 h ago');
    expect(formatAge(86_400_000 * 3 + 5)).toBe('3 d ago');
  });
});

describe('formatClockTime', () => {
  it('shows hours, minutes and seconds in the given locale', () => {
    expect(formatClockTime(new Date(2025, 0, 1, 13, 4, 5), 'en-GB')).toBe('13:04:05');
  });
});

describe('chainName', () => {
  it('names the chains the platform runs on and nothing else', () => {
    expect(chainName(1)).toBe('Ethereum mainnet');
    expect(chainName(31337)).toBe('Local development chain');
    expect(chainName(424242)).toBeNull();
  });
});

describe('contractLabel', () => {
  it('uses the known label for each contract key the API reports', () => {
    expect(contractLabel('sgeId')).toBe('SGE-ID (ERC-721)');
    expect(contractLabel('sgeClaim')).toBe('Claim');
    expect(contractLabel('usdt')).toBe('USDT');
  });

  it('spells out keys it does not know so that new contracts still read sensibly', () => {
    expect(contractLabel('stakingVault')).toBe('Staking vault');
    expect(contractLabel('fee_router')).toBe('Fee router');
    expect(contractLabel('')).toBe('');
  });
});

describe('explorerAddressUrl', () => {
  it('appends /address/<address> to the explorer URL, with or without a trailing slash', () => {
    expect(explorerAddressUrl('https://etherscan.io', ADDRESS)).toBe(
      `https://etherscan.io/address/${ADDRESS}`,
    );
    expect(explorerAddressUrl('https://etherscan.io/', ADDRESS)).toBe(
      `https://etherscan.io/address/${ADDRESS}`,
    );
    expect(explorerAddressUrl('http://localhost:4000/explorer/', ADDRESS)).toBe(
      `http://localhost:4000/explorer/address/${ADDRESS}`,
    );
  });

  it('gives no link without an explorer', () => {
    expect(explorerAddressUrl(null, ADDRESS)).toBeNull();
    expect(explorerAddressUrl('  ', ADDRESS)).toBeNull();
  });

  it('refuses explorer URLs that are not http(s), so a bad value cannot become a script link', () => {
    expect(explorerAddressUrl('javascript:alert(1)', ADDRESS)).toBeNull();
    expect(explorerAddressUrl('data:text/html,hi', ADDRESS)).toBeNull();
    expect(explorerAddressUrl('etherscan.io', ADDRESS)).toBeNull();
  });
});

describe('safeHttpUrl', () => {
  it('passes absolute http(s) URLs', () => {
    expect(safeHttpUrl('https://etherscan.io/tx/0xabc')).toBe('https://etherscan.io/tx/0xabc');
    expect(safeHttpUrl('http://localhost:4000/tx/1')).toBe('http://localhost:4000/tx/1');
  });

  it('drops missing, relative and non-http URLs, so a bad value never becomes a script link', () => {
    expect(safeHttpUrl(null)).toBeNull();
    expect(safeHttpUrl('/tx/0xabc')).toBeNull();
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,hi')).toBeNull();
  });
});
