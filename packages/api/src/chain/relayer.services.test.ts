import { spawn } from 'node:child_process';
import { startAnvil, type TAnvil } from '@sge/contracts';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgres } from '../../test/support/postgres';
import { createTestRelayer } from '../../test/support/relayer';
import { devPrivateKey } from '../config';
import { openDatabase, type TDatabase } from '../db/client';
import { migrateToLatest } from '../db/migrate';

function runSender(
  env: Record<string, string>,
): Promise<{ prefix: string; statuses: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/api/test/support/relayer-sender-process.ts'],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`sender exited ${code}`)),
    );
  });
}

describe('relayer across processes on PostgreSQL', () => {
  let anvil: TAnvil;
  let postgres: Awaited<ReturnType<typeof createTestPostgres>>;
  let database: TDatabase;
  const key = devPrivateKey(4);

  beforeAll(async () => {
    anvil = await startAnvil();
    postgres = await createTestPostgres();
    database = await openDatabase({ kind: 'postgres', url: postgres.url });
    await migrateToLatest(database.db);
  });
  afterAll(async () => {
    await database.close();
    await anvil.stop();
    await postgres.drop();
  });

  it('two worker processes sending 500 transactions from one key: 500 mined, nonces contiguous, none twice', async () => {
    const common = {
      DATABASE_URL: postgres.url,
      RPC_URL: anvil.rpcUrl,
      RELAYER_PRIVATE_KEY: key,
      COUNT: '250',
    };
    const results = await Promise.all([
      runSender({ ...common, PREFIX: 'worker-a', RECIPIENT_BASE: String(0x10000) }),
      runSender({ ...common, PREFIX: 'worker-b', RECIPIENT_BASE: String(0x20000) }),
    ]);
    expect(results.map((r) => r.statuses)).toEqual([{ CONFIRMED: 250 }, { CONFIRMED: 250 }]);

    const { chain } = await createTestRelayer({ db: database.db, rpcUrl: anvil.rpcUrl, privateKey: key });
    const address = privateKeyToAccount(key).address;
    // On chain: exactly 500 transactions from the relayer, so nonces 0..499 were each used once.
    expect(await chain.publicClient.getTransactionCount({ address })).toBe(500);
    expect(await chain.publicClient.getTransactionCount({ address, blockTag: 'pending' })).toBe(500);
    // In the database: one row per nonce, 0..499, each CONFIRMED with the hash the chain mined.
    const rows = await database.db
      .selectFrom('relayer_transactions')
      .select(['nonce', 'status', 'mined_hash'])
      .orderBy('nonce')
      .execute();
    expect(rows.map((r) => r.nonce)).toEqual([...Array(500).keys()]);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['CONFIRMED']));
    for (const row of rows.filter((_, i) => i % 50 === 0)) {
      const tx = await chain.publicClient.getTransaction({ hash: row.mined_hash as `0x${string}` });
      expect(tx.nonce).toBe(row.nonce);
    }
    // Every recipient got exactly one transfer.
    for (const base of [0x10000, 0x20000]) {
      for (const i of [0, 125, 249]) {
        const to = `0x${(base + i).toString(16).padStart(40, '0')}` as const;
        expect(await chain.publicClient.getBalance({ address: to })).toBe(1n);
      }
    }
  });
});
