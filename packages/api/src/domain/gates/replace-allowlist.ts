import { getAddress, isAddress } from 'viem';
import { AppError } from '../app-error';
import type { TActor } from '../audit/write-audit';
import { writeAudit } from '../audit/write-audit';
import { inTransaction, type TDbExecutor } from '../in-transaction';
import { getProgram } from '../programs/get-program';

/** Most wallets on one program's allowlist (one upload replaces the list). */
export const ALLOWLIST_SIZE_MAX = 100_000;
/** Rows per INSERT statement when an allowlist is written. */
const ALLOWLIST_INSERT_CHUNK = 5_000;

/**
 * Parses an allowlist upload: CSV text (one address per line, or the first column; a header line without an
 * address and blank lines are skipped) or a JSON list of addresses. Any other cell is refused, naming its
 * line, so a typo never silently shrinks the list.
 */
export function parseAllowlist(body: unknown): string[] {
  const cells: { value: string; where: string }[] = [];
  if (typeof body === 'string') {
    body.split(/\r?\n/).forEach((line, index) => {
      const cell = line.split(',')[0]!.trim().replace(/^"|"$/g, '');
      if (cell === '' || (index === 0 && !cell.startsWith('0x'))) return;
      cells.push({ value: cell, where: `line ${index + 1}` });
    });
  } else {
    const list = Array.isArray(body) ? body : (body as { wallets?: unknown })?.wallets;
    if (!Array.isArray(list))
      throw new AppError('VALIDATION_FAILED', 'body must be CSV text or a JSON list of wallets', {
        details: { field: 'body' },
      });
    for (const [index, value] of list.entries()) cells.push({ value: String(value), where: `item ${index}` });
  }
  const wallets = new Set<string>();
  for (const cell of cells) {
    if (!isAddress(cell.value, { strict: false })) {
      throw new AppError(
        'VALIDATION_FAILED',
        `body ${cell.where}: "${cell.value.slice(0, 64)}" is not a wallet`,
        {
          details: { field: 'body', where: cell.where },
        },
      );
    }
    wallets.add(getAddress(cell.value));
  }
  if (wallets.size > ALLOWLIST_SIZE_MAX) {
    throw new AppError('VALIDATION_FAILED', `body: at most ${ALLOWLIST_SIZE_MAX} wallets per allowlist`, {
      details: { field: 'body' },
    });
  }
  return [...wallets];
}

/** Replaces a program's allowlist (audited with the counts before and after). */
export async function replaceAllowlist(
  db: TDbExecutor,
  who: TActor,
  programId: string,
  wallets: readonly string[],
): Promise<{ count: number }> {
  return await inTransaction(db, async (tx) => {
    await getProgram(tx, programId, { forUpdate: true });
    const removed = await tx
      .deleteFrom('program_allowlist')
      .where('program_id', '=', programId)
      .executeTakeFirst();
    for (let index = 0; index < wallets.length; index += ALLOWLIST_INSERT_CHUNK) {
      await tx
        .insertInto('program_allowlist')
        .values(
          wallets
            .slice(index, index + ALLOWLIST_INSERT_CHUNK)
            .map((wallet) => ({ program_id: programId, wallet })),
        )
        .execute();
    }
    await writeAudit(tx, who, {
      action: 'program.allowlist.replace',
      programId,
      subjectType: 'program',
      subjectId: programId,
      before: { count: Number(removed.numDeletedRows) },
      after: { count: wallets.length },
    });
    return { count: wallets.length };
  });
}
