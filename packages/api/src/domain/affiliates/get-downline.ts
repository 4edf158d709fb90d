import type { TAffiliateStatus } from '@sge/shared';
import { AFFILIATE_DEPTH_MAX, DOWNLINE_NODES_MAX, type TDownline } from '@sge/shared';
import { sql } from 'kysely';
import type { TDbExecutor } from '../in-transaction';

/**
 * Every affiliate below `rootId` (children, their children, ...), parents before children, with the number
 * of users each referred. At most DOWNLINE_NODES_MAX nodes; `truncated` says when there are more.
 */
export async function getDownline(db: TDbExecutor, rootId: string): Promise<TDownline> {
  const result = await sql<{
    id: string;
    parent_id: string;
    code: string;
    status: TAffiliateStatus;
    level: number;
    created_at: Date;
    referrals: number;
  }>`
    WITH RECURSIVE tree AS (
      SELECT id, parent_id, code, status, 0 AS level, created_at FROM affiliates WHERE id = ${rootId}
      UNION ALL
      SELECT child.id, child.parent_id, child.code, child.status, tree.level + 1, child.created_at
        FROM affiliates child JOIN tree ON child.parent_id = tree.id
       WHERE tree.level < ${AFFILIATE_DEPTH_MAX}
    )
    SELECT tree.id, tree.parent_id, tree.code, tree.status, tree.level, tree.created_at,
           (SELECT count(*) FROM users WHERE users.referred_by_affiliate_id = tree.id)::int8 AS referrals
      FROM tree
     WHERE tree.level > 0
     ORDER BY tree.level, tree.created_at, tree.id
     LIMIT ${DOWNLINE_NODES_MAX + 1}`.execute(db);
  const rows = result.rows.slice(0, DOWNLINE_NODES_MAX);
  return {
    rootId,
    nodes: rows.map((row) => ({
      id: row.id,
      parentId: row.parent_id,
      code: row.code,
      status: row.status,
      level: row.level,
      referrals: row.referrals,
      createdAt: new Date(row.created_at).toISOString(),
    })),
    truncated: result.rows.length > DOWNLINE_NODES_MAX,
  };
}
