import { assert, BPS_DENOMINATOR } from '@sge/shared';

export type TChainLink = { affiliateId: string; status: 'PENDING' | 'ACTIVE' | 'SUSPENDED' | 'TERMINATED' };

export type TCommissionShare = { level: number; affiliateId: string; rateBps: number; amount: bigint };

export type TCommissionSplit = {
  /** One per tree level with a non-zero rate, an ACTIVE affiliate and a non-zero amount. */
  commissions: TCommissionShare[];
  /** Shares of levels whose affiliate is not ACTIVE: kept by the platform (see below). */
  forfeited: TCommissionShare[];
  /** What the platform keeps: base − Σ commissions. Never negative. */
  platformRemainder: bigint;
};

/**
 * Splits a revenue base (micro-USD) between the referring chain and the platform. Pure.
 *
 * - `chain[0]` is the user's referrer (level 1), `chain[1]` its parent (level 2), and so on; level i is
 *   paid `floor(base × levelsBps[i−1] / 10000)` in integer bigint arithmetic.
 * - The platform's remainder is `base − Σ commissions`, so the parts always add up to the base exactly; the
 *   rounding (at most 1 micro-USD per level) stays with the platform.
 * - An affiliate that is not ACTIVE (PENDING, SUSPENDED, TERMINATED) earns nothing, and its level is
 *   **forfeited to the platform**: the share does not pass up to the next affiliate, whose level (and rate)
 *   follows from its position in the tree, not from who above it is active. A suspended affiliate's
 *   parent thus earns exactly what it would have earned anyway, and suspending someone never raises
 *   anyone else's commission.
 * - A level with a zero rate, beyond the chain, or whose amount rounds to zero yields no commission.
 *
 * @example
 * splitCommissions(100_000_000n, [1000, 500], [{ affiliateId: a, status: 'ACTIVE' }, { affiliateId: b, status: 'ACTIVE' }])
 * // commissions: 10_000_000n to a (level 1), 5_000_000n to b (level 2); platformRemainder: 85_000_000n
 */
export function splitCommissions(
  base: bigint,
  levelsBps: readonly number[],
  chain: readonly TChainLink[],
): TCommissionSplit {
  assert(base >= 0n, `commission base must not be negative (got ${base})`);
  const total = levelsBps.reduce((sum, bps) => sum + bps, 0);
  assert(
    total <= BPS_DENOMINATOR && levelsBps.every((bps) => Number.isInteger(bps) && bps >= 0),
    `commission levels ${JSON.stringify(levelsBps)} must be whole bps adding up to at most 10000`,
  );
  const commissions: TCommissionShare[] = [];
  const forfeited: TCommissionShare[] = [];
  const levels = Math.min(levelsBps.length, chain.length);
  for (let index = 0; index < levels; index++) {
    const rateBps = levelsBps[index]!;
    const link = chain[index]!;
    if (rateBps === 0) continue;
    const amount = (base * BigInt(rateBps)) / BigInt(BPS_DENOMINATOR);
    if (amount === 0n) continue;
    const share = { level: index + 1, affiliateId: link.affiliateId, rateBps, amount };
    if (link.status === 'ACTIVE') commissions.push(share);
    else forfeited.push(share);
  }
  const paid = commissions.reduce((sum, share) => sum + share.amount, 0n);
  const platformRemainder = base - paid;
  // Σ floor(base × r_i / 10000) ≤ floor(base × Σ r_i / 10000) ≤ base because Σ r_i ≤ 10000.
  assert(platformRemainder >= 0n, 'commissions exceed their base');
  return { commissions, forfeited, platformRemainder };
}
