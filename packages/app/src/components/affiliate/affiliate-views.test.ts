import type { TAffiliateStats, TDownline } from '@sge/shared';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DownlineTree } from './downline-tree';
import { PayoutsTable } from './payouts-table';
import { StatsChart } from './stats-chart';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('affiliate views', () => {
  it('nests the downline by parent: children inside their parent’s item, in the order sent', () => {
    const node = (n: number, parent: number, code: string, level: number) => ({
      id: id(n),
      parentId: id(parent),
      code,
      status: 'ACTIVE' as const,
      level,
      referrals: 0,
      createdAt: '2025-01-01T00:00:00Z',
    });
    const downline: TDownline = {
      rootId: id(1),
      nodes: [node(2, 1, 'KID', 1), node(3, 2, 'GRANDKID', 2), node(4, 1, 'SECOND', 1)],
      truncated: false,
    };
    const html = renderToStaticMarkup(createElement(DownlineTree, { downline, code: 'ROOT' }));
    // KID's item contains a nested list with GRANDKID, and closes before SECOND starts.
    expect(html).toMatch(
      /KID<\/span>.*<ul class="tree"><li[^>]*><span class="tree__code">GRANDKID.*<\/li><\/ul><\/li><li/,
    );
    expect(html.indexOf('KID')).toBeLessThan(html.indexOf('SECOND'));
  });

  it('draws one bar per day, proportional to the largest day, with an accessible title', () => {
    const stats: TAffiliateStats = {
      from: '2025-01-01',
      to: '2025-01-03',
      days: [
        { day: '2025-01-01', referrals: 0, commissionCount: 0, commissionsMicroUsd: '0' },
        { day: '2025-01-02', referrals: 1, commissionCount: 1, commissionsMicroUsd: '5000000' },
        { day: '2025-01-03', referrals: 1, commissionCount: 2, commissionsMicroUsd: '10000000' },
      ],
      totals: { referrals: 2, commissionCount: 3, commissionsMicroUsd: '15000000' },
    };
    const html = renderToStaticMarkup(createElement(StatsChart, { stats }));
    const heights = [...html.matchAll(/<rect[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(3);
    expect(heights[0]).toBe(0);
    expect(heights[2]).toBeGreaterThan(0);
    expect(heights[1]).toBeCloseTo(heights[2]! / 2, 5);
    expect(html).toContain('role="img"');
    expect(html).toContain('15.00');
  });

  it('shows a SKIPPED payout with the reason the payout contract could not pay it', () => {
    const payout = {
      id: id(9),
      batchId: id(8),
      wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      amount: '5000000',
      currency: 'USDC',
      status: 'SKIPPED' as const,
      skipReason: 'the token refused the transfer: Blacklistable: account is blacklisted',
      txHash: null,
      txUrl: null,
      paidAt: null,
      createdAt: '2025-01-02T00:00:00Z',
    };
    const html = renderToStaticMarkup(createElement(PayoutsTable, { payouts: [payout] }));
    expect(html).toContain('data-status="SKIPPED"');
    expect(html).toContain('Blacklistable: account is blacklisted');
    expect(html).toContain('payable again');
  });
});
