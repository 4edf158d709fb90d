import { LEDGER_VERIFY_PROBLEMS_MAX } from '@sge/shared';
import { sql } from 'kysely';
import { FindingList, type TReconciliationCheck } from './check-context';
import { AFFILIATE_WALK_DEPTH_MAX } from './reconciliation-limits';

/**
 * The affiliate tree is acyclic. One pass proves it: if every root has depth 1 and every other affiliate's
 * depth is its parent's plus one, depth strictly grows along every parent link, so no chain can come back to
 * where it started. Affiliates that break that rule (or whose parent is in another program) are reported,
 * and the chains above them are walked (at most AFFILIATE_WALK_DEPTH_MAX steps) to name any cycle found.
 * An affiliate deeper than its program's max depth is a WARN (the API refuses such registrations).
 */
export const checkAffiliateTree: TReconciliationCheck = {
  name: 'affiliate_tree',
  async run({ readDb: db }) {
    const findings = new FindingList();
    const limit = LEDGER_VERIFY_PROBLEMS_MAX;
    const totals = await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM affiliates`.execute(db);
    const broken = await sql<{
      id: string;
      program_id: string;
      depth: number;
      parent_id: string | null;
      parent_depth: number | null;
      parent_program_id: string | null;
    }>`
      SELECT a.id, a.program_id, a.depth, a.parent_id, p.depth AS parent_depth, p.program_id AS parent_program_id
        FROM affiliates a LEFT JOIN affiliates p ON p.id = a.parent_id
       WHERE (a.parent_id IS NULL AND a.depth <> 1)
          OR (a.parent_id IS NOT NULL AND (p.id IS NULL OR a.depth <> p.depth + 1 OR p.program_id <> a.program_id))
       LIMIT ${limit}`.execute(db);
    for (const row of broken.rows) {
      findings.add({
        kind:
          row.parent_program_id && row.parent_program_id !== row.program_id
            ? 'PARENT_IN_OTHER_PROGRAM'
            : 'DEPTH_INCONSISTENT',
        severity: 'FAIL',
        subject: `affiliate:${row.id}`,
        message: `affiliate ${row.id} has depth ${row.depth}; its parent ${row.parent_id ?? '(none)'} has depth ${row.parent_depth ?? '-'}${row.parent_program_id && row.parent_program_id !== row.program_id ? ' in another program' : ''}`,
        details: {
          affiliateId: row.id,
          depth: row.depth,
          parentId: row.parent_id,
          parentDepth: row.parent_depth,
        },
      });
    }
    let cycles = 0;
    if (broken.rows.length > 0) {
      const starts = broken.rows.map((row) => row.id);
      const found = await sql<{ start_id: string; path: string[] }>`
        WITH RECURSIVE walk AS (
          SELECT a.id AS start_id, a.parent_id AS next_id, 1 AS steps, ARRAY[a.id] AS path, false AS cycle
            FROM affiliates a WHERE a.id = ANY(${starts}::uuid[]) AND a.parent_id IS NOT NULL
          UNION ALL
          SELECT w.start_id, p.parent_id, w.steps + 1, w.path || p.id, p.id = ANY(w.path)
            FROM walk w JOIN affiliates p ON p.id = w.next_id
           WHERE NOT w.cycle AND w.steps < ${AFFILIATE_WALK_DEPTH_MAX}
        )
        SELECT start_id, path::text[] AS path FROM walk WHERE cycle LIMIT ${limit}`.execute(db);
      for (const row of found.rows) {
        cycles++;
        findings.add({
          kind: 'CYCLE',
          severity: 'FAIL',
          subject: `affiliate:${row.start_id}`,
          message: `the affiliate tree has a cycle through ${row.path.slice(-1)[0]}: ${row.path.join(' → ')}`,
          details: { path: row.path.slice(0, 50) },
        });
      }
    }
    const tooDeep = await sql<{ id: string; depth: number; max_depth: number }>`
      SELECT a.id, a.depth, g.max_affiliate_depth AS max_depth
        FROM affiliates a JOIN programs g ON g.id = a.program_id
       WHERE a.depth > g.max_affiliate_depth
       LIMIT ${limit}`.execute(db);
    for (const row of tooDeep.rows) {
      findings.add({
        kind: 'TOO_DEEP',
        severity: 'WARN',
        subject: `affiliate:${row.id}`,
        message: `affiliate ${row.id} is at depth ${row.depth}, deeper than its program's maximum ${row.max_depth}`,
        details: { affiliateId: row.id, depth: row.depth, maxDepth: row.max_depth },
      });
    }
    return {
      summary:
        findings.count === 0
          ? `${totals.rows[0]!.n} affiliate(s): the tree is acyclic and its depths consistent`
          : `${findings.count} affiliate tree problem(s)${cycles > 0 ? `, ${cycles} cycle(s)` : ''}`,
      figures: { affiliates: totals.rows[0]!.n, inconsistent: broken.rows.length, cycles },
      findings,
    };
  },
};
