/**
 * Admin settings in the units people read and type: USD with cents (from micro-USD decimal strings, bigint
 * math, never a float), percentages (from basis points), days and hours (from seconds). Each parser
 * answers null for anything that is not such a value, so a form can name the field instead of guessing.
 */

const SECONDS_PER_HOUR = 3_600;
const SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR;

/**
 * A duration in words, largest units first.
 *
 * @example formatDuration(1_209_600) // '14 days'
 * @example formatDuration(93_600) // '1 day 2 hours'
 */
export function formatDuration(seconds: number): string {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const hours = Math.floor((seconds % SECONDS_PER_DAY) / SECONDS_PER_HOUR);
  const minutes = Math.floor((seconds % SECONDS_PER_HOUR) / 60);
  const rest = seconds % 60;
  const parts = [
    [days, 'day'],
    [hours, 'hour'],
    [minutes, 'minute'],
    [rest, 'second'],
  ] as const;
  const words = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return words.length === 0 ? '0 days' : words.join(' ');
}

/** Seconds as whole days and the remaining hours, for a days + hours form (minutes are rounded down). */
export function toDaysHours(seconds: number): { days: string; hours: string } {
  return {
    days: String(Math.floor(seconds / SECONDS_PER_DAY)),
    hours: String(Math.floor((seconds % SECONDS_PER_DAY) / SECONDS_PER_HOUR)),
  };
}

/** Days and hours as typed (whole numbers, hours below 24) into seconds, or null. */
export function parseDaysHours(days: string, hours: string): number | null {
  const d = /^\d{1,3}$/.exec(days.trim() || '0');
  const h = /^\d{1,2}$/.exec(hours.trim() || '0');
  if (!d || !h || Number(h[0]) > 23) return null;
  return Number(d[0]) * SECONDS_PER_DAY + Number(h[0]) * SECONDS_PER_HOUR;
}

/**
 * Basis points as a percentage.
 *
 * @example formatBpsPercent(1000) // '10'
 * @example formatBpsPercent(125) // '1.25'
 */
export function formatBpsPercent(bps: number): string {
  const whole = Math.floor(bps / 100);
  const fraction = String(bps % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/** A typed percentage with up to two decimals ("12.5") into basis points (1250), or null. */
export function parsePercentBps(input: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(input.trim());
  if (match === null) return null;
  const bps = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bps <= 10_000 ? bps : null;
}

/** Commission levels as typed: percentages separated by commas or slashes ("10, 5") into bps, or null. */
export function parseLevelsPercent(input: string): number[] | null {
  const parts = input
    .split(/[,/]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const levels = parts.map(parsePercentBps);
  return levels.every((level): level is number => level !== null) ? levels : null;
}

/**
 * A typed USD amount with up to six decimals (cents or finer; 0 allowed) into micro-USD, or null.
 *
 * @example parseUsdMicro('1.50') // '1500000'
 */
export function parseUsdMicro(input: string): string | null {
  const match = /^(\d{1,15})(?:\.(\d{1,6}))?$/.exec(input.trim().replace(/,/g, ''));
  if (match === null) return null;
  return (BigInt(match[1] ?? '0') * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'))).toString();
}

/** Micro-USD as a plain decimal for an input field (no grouping): '1500000' → '1.50'. */
export function microUsdInput(micro: string): string {
  const value = BigInt(micro);
  const fraction = (value % 1_000_000n)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${value / 1_000_000n}.${fraction.padEnd(2, '0')}`;
}
