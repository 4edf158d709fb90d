import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The archive file format (see archive-intents.ts). */
export const ARCHIVE_FORMAT = 'sge-intent-archive/1';
/** The kinds of record lines before the trailer (archive-intents.ts describes each). */
const ARCHIVE_RECORD_KINDS: readonly string[] = ['intent', 'events', 'pair'];

/**
 * Reads an archive file back and checks it: gzip intact, every line JSON, the records' intent ids in the
 * expected order (when given), the trailer's count and SHA-256 equal to what precedes it (and to `sha256`
 * when given). Returns the records.
 */
export async function verifyArchiveFile(
  file: string,
  expected: { sha256?: string; ids?: string[] } = {},
): Promise<{ records: number; sha256: string; ids: string[] }> {
  return await verifyArchiveStream(createReadStream(file), expected);
}

/**
 * verifyArchiveFile over any stream of the gzip file's bytes: an object read back from a bucket, say.
 */
export async function verifyArchiveStream(
  input: Readable,
  expected: { sha256?: string; ids?: string[] } = {},
): Promise<{ records: number; sha256: string; ids: string[] }> {
  const digest = createHash('sha256');
  const ids: string[] = [];
  let trailer: Record<string, unknown> | null = null;
  let pending = '';
  const take = (line: string) => {
    if (trailer) throw new Error('data after the trailer line');
    const record = JSON.parse(line) as { kind?: string; intent?: { id?: unknown } };
    if (record.kind === 'trailer') {
      trailer = record as Record<string, unknown>;
      return;
    }
    if (!ARCHIVE_RECORD_KINDS.includes(record.kind ?? '') || typeof record.intent?.id !== 'string') {
      throw new Error(`record ${ids.length + 1} is not an intent record`);
    }
    digest.update(`${line}\n`, 'utf8');
    ids.push(record.intent.id);
  };
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      pending += (chunk as Buffer).toString('utf8');
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        take(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    }
  } finally {
    // A record that does not verify stops the read: release the file or the connection behind the stream.
    input.destroy();
  }
  if (pending.length > 0) throw new Error('the last line is incomplete');
  const found = trailer as Record<string, unknown> | null;
  if (!found) throw new Error('no trailer line: the file is truncated');
  const sha256 = digest.digest('hex');
  if (found.format !== ARCHIVE_FORMAT) throw new Error(`unknown format ${String(found.format)}`);
  if (found.records !== ids.length)
    throw new Error(`trailer says ${found.records} records, file has ${ids.length}`);
  if (found.sha256 !== sha256) throw new Error('checksum mismatch with the trailer');
  if (expected.sha256 !== undefined && expected.sha256 !== sha256) {
    throw new Error('checksum mismatch with what was written');
  }
  if (expected.ids) {
    if (expected.ids.length !== ids.length) {
      throw new Error(`expected ${expected.ids.length} records, file has ${ids.length}`);
    }
    const at = expected.ids.findIndex((id, index) => ids[index] !== id);
    if (at >= 0) throw new Error(`record ${at + 1} is intent ${ids[at]}, expected ${expected.ids[at]}`);
  }
  return { records: ids.length, sha256, ids };
}
