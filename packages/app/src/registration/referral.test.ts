import { describe, expect, it } from 'vitest';
import { isLookupableCode, parseReferral, referralToSend } from './referral';

const params = (query: string) => new URLSearchParams(query);

describe('parseReferral', () => {
  it('reads an affiliate code as given; the API matches codes regardless of case', () => {
    expect(parseReferral(params('?ref=alpha'))).toEqual({ kind: 'code', ref: 'alpha' });
    expect(parseReferral(params('?ref=%20BETA-2%20'))).toEqual({ kind: 'code', ref: 'BETA-2' });
  });

  it('reads an affiliate wallet address', () => {
    const wallet = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    expect(parseReferral(params(`?ref=${wallet}`))).toEqual({ kind: 'wallet', ref: wallet });
  });

  it('has no referral without ref or with an empty one', () => {
    expect(parseReferral(params(''))).toEqual({ kind: 'none' });
    expect(parseReferral(params('?ref='))).toEqual({ kind: 'none' });
    expect(parseReferral(params('?other=1'))).toEqual({ kind: 'none' });
  });

  it('marks a referral the API would refuse as malformed, so that it is not sent', () => {
    for (const bad of ['<script>', 'ab', 'x'.repeat(65), 'al pha']) {
      const referral = parseReferral(params(`?ref=${encodeURIComponent(bad)}`));
      expect(referral).toEqual({ kind: 'malformed', raw: bad });
      expect(referralToSend(referral)).toBeUndefined();
    }
  });
});

describe('referralToSend', () => {
  it('sends codes and wallets, nothing else', () => {
    expect(referralToSend({ kind: 'code', ref: 'alpha' })).toBe('alpha');
    expect(referralToSend({ kind: 'none' })).toBeUndefined();
  });
});

describe('isLookupableCode', () => {
  it('accepts the 3-32 character codes the lookup endpoint takes', () => {
    expect(isLookupableCode('alpha')).toBe(true);
    expect(isLookupableCode('x'.repeat(33))).toBe(false);
  });
});
