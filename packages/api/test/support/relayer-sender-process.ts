/**
 * A worker-like process for the multi-process relayer test: sends COUNT transfers through the relayer
 * (PostgreSQL at DATABASE_URL, chain at RPC_URL, key RELAYER_PRIVATE_KEY), CONCURRENCY at a time, waits
 * until each is final, and prints a JSON summary on stdout.
 */
import type { Hex } from 'viem';
import { openDatabase } from '../../src/db/client';
import { createTestRelayer } from './relayer';

const count = Number(process.env.COUNT);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const prefix = process.env.PREFIX!;
const database = await openDatabase({
  kind: 'postgres',
  url: process.env.DATABASE_URL!,
  poolMax: concurrency + 2,
});
const { relayer } = await createTestRelayer({
  db: database.db,
  rpcUrl: process.env.RPC_URL!,
  privateKey: process.env.RELAYER_PRIVATE_KEY as Hex,
});

const statuses: Record<string, number> = {};
let next = 0;
async function lane() {
  for (;;) {
    const i = next++;
    if (i >= count) return;
    const to = `0x${(Number(process.env.RECIPIENT_BASE) + i).toString(16).padStart(40, '0')}` as const;
    const tx = await relayer.send({
      purpose: 'mint_batch',
      reference: `${prefix}:${i}`,
      to,
      valueWei: 1n,
      gasLimit: 21_000n,
    });
    const final = await relayer.waitForFinal(tx.id, 120_000);
    statuses[final.status] = (statuses[final.status] ?? 0) + 1;
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
await database.close();
process.stdout.write(`${JSON.stringify({ prefix, statuses })}\n`);
