import { z } from 'zod';

/** How the platform runs: MOCK (embedded everything), REAL (PostgreSQL + Redis + RPC), PRODUCTION. */
export const ZMode = z.enum(['MOCK', 'REAL', 'PRODUCTION']);
export type TMode = z.infer<typeof ZMode>;

/** A decimal string of an integer amount in the smallest unit (wei, micro-USD, ...). JSON has no bigint. */
export const ZAmountString = z.string().regex(/^-?\d+$/, 'an integer in the smallest unit, as a string');

export const ZAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 20-byte hex address');

/** One dependency check of /healthz. */
export const ZHealthCheck = z.object({
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  error: z.string().optional(),
});
export type THealthCheck = z.infer<typeof ZHealthCheck>;

/** GET /healthz: the seed's shape plus per-dependency checks. */
export const ZHealthResponse = z.object({
  ok: z.boolean(),
  mode: ZMode,
  chainId: z.number().int().nullable(),
  blockNumber: z.number().int().nullable(),
  healthy: z.boolean(),
  checks: z.object({
    db: ZHealthCheck,
    queue: ZHealthCheck,
    rpc: ZHealthCheck,
    relayer: ZHealthCheck,
  }),
});
export type THealthResponse = z.infer<typeof ZHealthResponse>;

/** GET /api/system/status: what the /status page shows. */
export const ZSystemStatus = z.object({
  mode: ZMode,
  chainId: z.number().int().nullable(),
  blockNumber: z.number().int().nullable(),
  explorerUrl: z.string().nullable(),
  rpc: z.object({
    healthy: z.boolean(),
    latencyMs: z.number().nullable(),
    /** Which endpoint answered: the primary RPC_URL or the RPC_BACKUP_URL. */
    endpoint: z.enum(['primary', 'backup']).nullable(),
  }),
  relayer: z.object({
    address: ZAddress.nullable(),
    balanceWei: ZAmountString.nullable(),
    /** The balance in ETH as a decimal string, exact (formatted from balanceWei). */
    balanceEth: z.string().nullable(),
    warningEth: z.string(),
    criticalEth: z.string(),
    low: z.boolean(),
    critical: z.boolean(),
  }),
  contracts: z.record(z.string(), ZAddress.nullable()),
  queue: z.object({ depth: z.number().int().nullable() }),
  database: z.object({
    /**
     * The read replica serving admin lists, stats and exports (DATABASE_READ_URL); null when reads use the
     * primary. `lagSeconds`: how far behind the primary it is (null: it did not answer).
     */
    readReplica: z.object({ lagSeconds: z.number().nonnegative().nullable() }).nullable(),
  }),
  /**
   * Whether every program's ledger sums to zero per currency (from the maintained balance totals, 0013): a
   * yes/no only, never an amount. null when the database did not answer.
   */
  ledger: z.object({ balanced: z.boolean().nullable() }),
  updatedAt: z.string(),
});
export type TSystemStatus = z.infer<typeof ZSystemStatus>;
