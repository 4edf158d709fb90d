import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitCommissions, type TChainLink } from './split-commissions';

const active = (id: string): TChainLink => ({ affiliateId: id, status: 'ACTIVE' });

describe('splitCommissions', () => {
  it('pays 10% to the referrer and 5% to its parent by default, the rest to the platform', () => {
    const split = splitCommissions(100_000_000n, [1000, 500], [active('a'), active('b'), active('c')]);
    expect(split.commissions).toEqual([
      { level: 1, affiliateId: 'a', rateBps: 1000, amount: 10_000_000n },
      { level: 2, affiliateId: 'b', rateBps: 500, amount: 5_000_000n },
    ]);
    expect(split.platformRemainder).toBe(85_000_000n);
  });

  it('rounds each share down and leaves the rounding with the platform', () => {
    const split = splitCommissions(19n, [1000, 500], [active('a'), active('b')]);
    expect(split.commissions.map((c) => c.amount)).toEqual([1n]); // 1.9 → 1; 0.95 → 0 (no commission)
    expect(split.platformRemainder).toBe(18n);
  });

  it('forfeits a suspended affiliate’s level to the platform without passing it up', () => {
    const split = splitCommissions(
      1_000n,
      [1000, 500],
      [{ affiliateId: 'a', status: 'SUSPENDED' }, active('b')],
    );
    expect(split.commissions).toEqual([{ level: 2, affiliateId: 'b', rateBps: 500, amount: 50n }]);
    expect(split.forfeited).toEqual([{ level: 1, affiliateId: 'a', rateBps: 1000, amount: 100n }]);
    expect(split.platformRemainder).toBe(950n);
  });

  it('always adds up exactly to the base, never pays more than a level’s rate, never goes negative', () => {
    const levels = fc
      .array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 10 })
      .filter((bps) => bps.reduce((a, b) => a + b, 0) <= 10_000);
    const statuses = fc.constantFrom<TChainLink['status']>(
      'ACTIVE',
      'ACTIVE',
      'ACTIVE',
      'SUSPENDED',
      'TERMINATED',
      'PENDING',
    );
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 128n }),
        levels,
        fc.array(statuses, { maxLength: 12 }),
        (base, bps, chainStatuses) => {
          const chain = chainStatuses.map((status, index) => ({ affiliateId: `a${index}`, status }));
          const split = splitCommissions(base, bps, chain);
          const paid = split.commissions.reduce((sum, share) => sum + share.amount, 0n);
          expect(paid + split.platformRemainder).toBe(base);
          expect(split.platformRemainder >= 0n).toBe(true);
          for (const share of [...split.commissions, ...split.forfeited]) {
            expect(share.amount).toBe((base * BigInt(bps[share.level - 1]!)) / 10_000n);
            expect(share.amount > 0n).toBe(true);
          }
          for (const share of split.commissions) expect(chain[share.level - 1]!.status).toBe('ACTIVE');
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('refuses levels that add up to more than 100%', () => {
    expect(() => splitCommissions(1n, [6000, 5000], [])).toThrow(/at most 10000/);
  });
});
