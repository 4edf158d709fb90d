const WEI_PER_ETH = 10n ** 18n;

/** wei → ETH as a float, for a gauge only (exact amounts never go through floats elsewhere). */
export function weiToEthFloat(wei: bigint): number {
  return Number(wei / WEI_PER_ETH) + Number(wei % WEI_PER_ETH) / 1e18;
}
