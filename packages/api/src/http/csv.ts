import { Readable } from 'node:stream';

/**
 * CSV (RFC 4180) for exports. Text cells that a spreadsheet would read as a formula (starting with = + - @
 * or a tab / carriage return) are prefixed with a quote, so an export never runs anything when opened;
 * amounts are passed as `bigint` or number and written as they are, signs included.
 */
export type TCsvCell = string | number | bigint | boolean | null;

function cell(value: TCsvCell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly TCsvCell[])[]): string {
  return [header.map(cell).join(','), ...rows.map((row) => row.map(cell).join(','))].join('\r\n') + '\r\n';
}

/** The CSV text of some rows, each ended by CRLF (a chunk of a streamed export). */
function csvLines(rows: readonly (readonly TCsvCell[])[]): string {
  return rows.map((row) => row.map(cell).join(',') + '\r\n').join('');
}

/**
 * Sends a CSV download. A string body with a text content type is sent as is (the route's JSON response
 * schema, which documents the JSON form of the same data, does not apply to it).
 */
export function sendCsv(
  reply: {
    type(contentType: string): unknown;
    header(name: string, value: string): unknown;
    send(payload?: unknown): unknown;
  },
  filename: string,
  csv: string,
): void {
  reply.type('text/csv; charset=utf-8');
  reply.header(
    'content-disposition',
    `attachment; filename="${filename.replaceAll(/[^A-Za-z0-9._-]/g, '_')}"`,
  );
  reply.send(csv);
}

/**
 * Streams a CSV download: the header, then each chunk of rows as `chunks` yields it (one keyset page at a
 * time, so memory holds one page whatever the export's size; the socket's backpressure paces the reads).
 * An error after the first chunk ends the response early: the download is truncated, never silently wrong.
 * Returns the reply, for an async handler to return (Fastify then waits for the stream instead of ending the
 * response when the handler's promise resolves with nothing).
 */
export function sendCsvStream<
  TReply extends {
    type(contentType: string): unknown;
    header(name: string, value: string): unknown;
    send(payload?: unknown): unknown;
  },
>(
  reply: TReply,
  filename: string,
  header: readonly string[],
  chunks: AsyncIterable<readonly (readonly TCsvCell[])[]>,
): TReply {
  async function* lines() {
    yield csvLines([header]);
    for await (const rows of chunks) yield csvLines(rows);
  }
  reply.type('text/csv; charset=utf-8');
  reply.header(
    'content-disposition',
    `attachment; filename="${filename.replaceAll(/[^A-Za-z0-9._-]/g, '_')}"`,
  );
  reply.send(Readable.from(lines(), { objectMode: false }));
  return reply;
}
