import { describe, expect, it } from 'vitest';
import { parseAddressInput } from './wallet-address';

const CHECKSUMMED = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('parseAddressInput', () => {
  it('accepts an address in any case and normalises it to its checksummed form', () => {
    for (const typed of [CHECKSUMMED, CHECKSUMMED.toLowerCase(), `0x${CHECKSUMMED.slice(2).toUpperCase()}`]) {
      expect(parseAddressInput(typed)).toEqual({ status: 'valid', address: CHECKSUMMED });
    }
  });

  it('accepts a capital 0X prefix and ignores surrounding whitespace, as pasted from elsewhere', () => {
    expect(parseAddressInput(`  0X${CHECKSUMMED.slice(2)}\n`)).toEqual({
      status: 'valid',
      address: CHECKSUMMED,
    });
  });

  it('refuses mixed case that does not match the EIP-55 checksum: that is a typo', () => {
    // One capital turned lower case; the rest of the mixed case is as the checksum has it.
    const typo = CHECKSUMMED.replace('C51812', 'c51812');
    const result = parseAddressInput(typo);
    expect(result.status).toBe('invalid');
    expect(result.status === 'invalid' && result.message).toMatch(/checksum/);
  });

  it('treats an empty field as empty, not as an error', () => {
    expect(parseAddressInput('')).toEqual({ status: 'empty' });
    expect(parseAddressInput('   ')).toEqual({ status: 'empty' });
  });

  it('gives a hint, not an error, while a well-formed address is still being typed', () => {
    expect(parseAddressInput('0')).toEqual({
      status: 'incomplete',
      hexDigits: 0,
      message: '0 of 40 characters after 0x.',
    });
    expect(parseAddressInput('0x')).toEqual({
      status: 'incomplete',
      hexDigits: 0,
      message: '0 of 40 characters after 0x.',
    });
    expect(parseAddressInput('0x7099')).toEqual({
      status: 'incomplete',
      hexDigits: 4,
      message: '4 of 40 characters after 0x.',
    });
  });

  it('names the character that cannot be in an address', () => {
    expect(parseAddressInput('0x12345zz')).toEqual({
      status: 'invalid',
      message: '"z" cannot be in an address: after 0x only 0-9 and a-f are allowed.',
    });
  });

  it('refuses addresses that are too long, lack 0x, contain spaces or are names', () => {
    expect(parseAddressInput(`${CHECKSUMMED}0`)).toMatchObject({
      status: 'invalid',
      message: expect.stringMatching(/Too long.*41/),
    });
    expect(parseAddressInput(CHECKSUMMED.slice(2))).toMatchObject({
      status: 'invalid',
      message: expect.stringMatching(/^Add 0x/),
    });
    expect(parseAddressInput('hello')).toMatchObject({
      status: 'invalid',
      message: expect.stringMatching(/starts with 0x/),
    });
    expect(parseAddressInput('0x7099 7970')).toMatchObject({
      status: 'invalid',
      message: expect.stringMatching(/no spaces/),
    });
    expect(parseAddressInput('vitalik.eth')).toMatchObject({
      status: 'invalid',
      message: expect.stringMatching(/ENS/),
    });
  });
});
