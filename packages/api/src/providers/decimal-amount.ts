/** 100_000_000n → "100.00"; 1_234_567n → "1.234567" (at least two decimals, never a float). */
export function microUsdToDecimal(amountMicroUsd: bigint): string {
  if (amountMicroUsd < 0n) throw new Error(`negative amount ${amountMicroUsd}`);
  const whole = amountMicroUsd / 1_000_000n;
  const fraction = (amountMicroUsd % 1_000_000n)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

/** "100.00" → 100_000_000n; null when it is not a non-negative decimal with at most 6 decimals. */
export function decimalToMicroUsd(amount: string): bigint | null {
  const match = /^(\d{1,15})(?:\.(\d{1,6}))?$/.exec(amount.trim());
  if (!match) return null;
  return BigInt(match[1]!) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
}
