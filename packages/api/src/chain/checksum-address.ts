import { createKeccak, type IHasher } from 'hash-wasm';
import { type Address, getAddress } from 'viem';

/**
 * EIP-55 checksummed addresses for hot request paths. viem's `getAddress` hashes with a JavaScript keccak
 * (~27 µs an address on this project's 2-core machines, the largest single cost of accepting a registration);
 * hash-wasm's WebAssembly keccak gives the same result in ~7 µs. Until `initChecksumAddress()` has resolved
 * (it is awaited once at startup) viem's implementation is used, so the function is always correct.
 *
 * @example
 * await initChecksumAddress();
 * checksumAddress('0xab5801a7d398351b8be11c439e05c5b3259aec9b'); // '0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B'
 */
let hasher: IHasher | null = null;
let initializing: Promise<void> | null = null;

export function initChecksumAddress(): Promise<void> {
  initializing ??= createKeccak(256).then((created) => {
    hasher = created;
  });
  return initializing;
}

/** The checksummed form of a 0x-prefixed 40-hex-digit address (the caller has checked the shape). */
export function checksumAddress(address: string): Address {
  if (!hasher) return getAddress(address);
  const lower = address.slice(2).toLowerCase();
  hasher.init();
  hasher.update(lower);
  const hash = hasher.digest('hex');
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const char = lower[i]!;
    // A hex digit of the hash ≥ 8 upper-cases the address character at the same position (EIP-55).
    out += char > '9' && hash.charCodeAt(i) >= 56 /* '8' */ ? char.toUpperCase() : char;
  }
  return out as Address;
}
