/**
 * Pure formatting helpers for operator-facing values. Money is never formatted here from floats: ETH
 * amounts arrive as exact decimal strings from the API and are shown as they are.
 */

/**
 * An RPC or API latency for display.
 *
 * @example formatLatencyMs(12.6) // '13 ms'
 * @example formatLatencyMs(null) // 'unknown'
 */
export function formatLatencyMs(latencyMs: number | null): string {
  if (latencyMs === null || !Number.isFinite(latencyMs) || latencyMs < 0) return 'unknown';
  if (latencyMs > 0 && latencyMs < 1) return '<1 ms';
  return `${Math.round(latencyMs)} ms`;
}

/**
 * How long ago something happened, coarse enough to read at a glance.
 *
 * @example formatAge(4_200) // '4 s ago'
 * @example formatAge(125_000) // '2 min ago'
 */
export function formatAge(ageMs: number): string {
  // Clocks and timers jitter; anything under a second (or slightly negative) is "just now".
  if (!Number.isFinite(ageMs) || ageMs < 1_000) return 'just now';
  const seconds = Math.floor(ageMs / 1_000);
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/**
 * A wall-clock time with seconds in the viewer's locale (or the one given).
 *
 * @example formatClockTime(new Date('2025-01-01T13:04:05'), 'en-GB') // '13:04:05'
 */
export function formatClockTime(date: Date, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(
    date,
  );
}

/** Names of the chains this platform is expected to run on. Other ids are shown as numbers only. */
const CHAIN_NAMES: Readonly<Record<number, string>> = {
  1: 'Ethereum mainnet',
  10: 'OP Mainnet',
  8453: 'Base',
  17000: 'Holesky testnet',
  84532: 'Base Sepolia testnet',
  11155111: 'Sepolia testnet',
  31337: 'Local development chain',
};

/**
 * A human name for a chain id, or null when the id is not a well-known one.
 *
 * @example chainName(1) // 'Ethereum mainnet'
 */
export function chainName(chainId: number): string | null {
  return CHAIN_NAMES[chainId] ?? null;
}

/** Labels of the contract keys the API reports (packages/api config `contracts`). */
const CONTRACT_LABELS: Readonly<Record<string, string>> = {
  sgeId: 'SGE-ID (ERC-721)',
  sgeClaim: 'Claim',
  sgeToken: 'SGE token',
  payout: 'Payouts',
  affiliateRegistry: 'Affiliate registry',
  usdc: 'USDC',
  usdt: 'USDT',
};

/**
 * A label for a contract key; keys the app does not know yet are spelled out from camelCase so that a
 * newly added contract still shows up sensibly.
 *
 * @example contractLabel('sgeClaim') // 'Claim'
 * @example contractLabel('stakingVault') // 'Staking vault'
 */
export function contractLabel(key: string): string {
  const known = CONTRACT_LABELS[key];
  if (known !== undefined) return known;
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words === '' ? key : words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * `url` when it is an absolute http(s) URL, else null: explorer links come from the API's configuration, and
 * a misconfigured value must not become a `javascript:` link.
 *
 * @example safeHttpUrl('https://etherscan.io/tx/0xabc') // 'https://etherscan.io/tx/0xabc'
 * @example safeHttpUrl('javascript:alert(1)') // null
 */
export function safeHttpUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * The block explorer page of an address, or null when there is no explorer or its URL is not http(s).
 * The protocol check keeps a misconfigured explorer URL from turning into a `javascript:` link.
 *
 * @example explorerAddressUrl('https://etherscan.io/', '0xabc…') // 'https://etherscan.io/address/0xabc…'
 */
export function explorerAddressUrl(explorerUrl: string | null, address: string): string | null {
  if (explorerUrl === null || explorerUrl.trim() === '') return null;
  let base: URL;
  try {
    base = new URL(explorerUrl.trim());
  } catch {
    return null;
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') return null;
  return `${base.href.replace(/\/+$/, '')}/address/${address}`;
}
