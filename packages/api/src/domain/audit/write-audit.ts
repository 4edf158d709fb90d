import type { TDbExecutor } from '../in-transaction';

/** Who acts, and the request that carries the action (for correlating the audit log with logs). */
export type TActor = {
  /** Admin name (ADMIN_API_KEYS), `apikey:<name>` for a program-scoped key, or `system:<job>`. */
  actor: string;
  requestId: string | null;
};

export type TAuditEntry = {
  /** Dotted verb: `program.update`, `payout_batch.approve`, ... */
  action: string;
  programId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  before?: unknown;
  after?: unknown;
};

/**
 * Appends one row to the audit log. Call it with the transaction that makes the change, so that the
 * change and its record commit together or not at all. Values are stored as JSON: bigint amounts become
 * decimal strings and dates ISO strings.
 *
 * @example
 * await writeAudit(tx, actor, { action: 'program.pause', programId, subjectType: 'program', subjectId: programId,
 *   before: { status: 'ACTIVE' }, after: { status: 'PAUSED' } });
 */
export async function writeAudit(db: TDbExecutor, who: TActor, entry: TAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: who.actor,
      action: entry.action,
      program_id: entry.programId,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      before: entry.before === undefined ? null : jsonObject(entry.before),
      after: entry.after === undefined ? null : jsonObject(entry.after),
      request_id: who.requestId,
    })
    .execute();
}

/**
 * Both drivers serialise a plain object parameter as JSON but a top-level array as a PostgreSQL array, so
 * arrays are wrapped.
 */
function jsonObject(value: unknown): Record<string, unknown> {
  const json = toAuditJson(value);
  return json !== null && typeof json === 'object' && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : { value: json };
}

/** A JSON-safe copy: bigint → decimal string, Date → ISO string, everything else as is. */
export function toAuditJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toAuditJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toAuditJson(inner)]));
  }
  return value;
}
