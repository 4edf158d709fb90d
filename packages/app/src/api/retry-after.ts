/**
 * The wait a `Retry-After` header asks for, in ms from `nowMs`: either delay-seconds (`120`) or an HTTP
 * date (`Wed, 21 Oct 2026 07:28:00 GMT`), as RFC 9110 §10.2.3 allows. Null when the header is missing or
 * unreadable; a date in the past is a wait of 0.
 *
 * @example parseRetryAfterMs('30', Date.now()) // 30000
 * @example parseRetryAfterMs(null, Date.now()) // null
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  // Only something that looks like an HTTP date: Date.parse also accepts "1" or "2026" as years.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return null;
  const atMs = Date.parse(value);
  if (Number.isNaN(atMs)) return null;
  return Math.max(0, atMs - nowMs);
}
