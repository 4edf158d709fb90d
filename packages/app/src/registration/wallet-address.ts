import type { Address } from 'viem';
import { getAddress, isAddress } from 'viem/utils';

/**
 * What the wallet address field holds, checked on every keystroke:
 * - `empty`: nothing typed yet;
 * - `incomplete`: so far so good (0x and hex digits), but not 40 digits yet: a hint, not an error;
 * - `invalid`: cannot become an address by typing more, or has a mistyped checksum: an error, with why;
 * - `valid`: an address, normalised to its EIP-55 checksummed form.
 */
export type TAddressInput =
  | { status: 'empty' }
  | { status: 'incomplete'; hexDigits: number; message: string }
  | { status: 'invalid'; message: string }
  | { status: 'valid'; address: Address };

/** Hex digits in an address after the 0x prefix. */
export const ADDRESS_HEX_DIGITS = 40;

/**
 * Checks a typed or pasted wallet address. Surrounding whitespace is ignored. Any case is accepted: all
 * lowercase, all uppercase, or mixed case that matches the EIP-55 checksum; mixed case that does not match
 * is refused, because that is exactly the typo the checksum exists to catch.
 *
 * @example parseAddressInput('0x70997970c51812dc3a010c7d01b50e0d17dc79c8')
 * // { status: 'valid', address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }
 * @example parseAddressInput('0x7099').status // 'incomplete'
 */
export function parseAddressInput(raw: string): TAddressInput {
  const value = raw.trim();
  if (value === '') return { status: 'empty' };
  if (/\s/.test(value)) return { status: 'invalid', message: 'An address has no spaces in it.' };
  if (/\.[a-z]{2,}$/i.test(value) && !value.startsWith('0x')) {
    return {
      status: 'invalid',
      message: 'Names such as ENS names are not supported here; enter the 0x address they point to.',
    };
  }
  // "0" and "0X" are on their way to "0x": not an error yet.
  if (value === '0') {
    return { status: 'incomplete', hexDigits: 0, message: incompleteMessage(0) };
  }
  if (!/^0[xX]/.test(value)) {
    return {
      status: 'invalid',
      message: /^[0-9a-fA-F]{40}$/.test(value)
        ? 'Add 0x in front: an address is 0x followed by 40 hexadecimal characters.'
        : 'An address starts with 0x, followed by 40 hexadecimal characters (0-9, a-f).',
    };
  }
  const digits = value.slice(2);
  const bad = /[^0-9a-fA-F]/.exec(digits);
  if (bad !== null) {
    return {
      status: 'invalid',
      message: `"${bad[0]}" cannot be in an address: after 0x only 0-9 and a-f are allowed.`,
    };
  }
  if (digits.length > ADDRESS_HEX_DIGITS) {
    return {
      status: 'invalid',
      message: `Too long: an address has 40 hexadecimal characters after 0x, this has ${digits.length}.`,
    };
  }
  if (digits.length < ADDRESS_HEX_DIGITS) {
    return { status: 'incomplete', hexDigits: digits.length, message: incompleteMessage(digits.length) };
  }
  const normalised = `0x${digits}`;
  const mixedCase = /[a-f]/.test(digits) && /[A-F]/.test(digits);
  if (mixedCase && !isAddress(normalised, { strict: true })) {
    return {
      status: 'invalid',
      message:
        'The capital letters do not match this address’s checksum, so it probably has a typo. Check it, or paste it again from your wallet.',
    };
  }
  return { status: 'valid', address: getAddress(normalised) };
}

function incompleteMessage(hexDigits: number): string {
  return `${hexDigits} of 40 characters after 0x.`;
}
