import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessRunning } from '@sge/contracts';

/**
 * Mock mode's embedded database is one process's files: two processes on one DATA_DIR would corrupt it.
 * A pid file guards it; a stale file (its process is gone) is taken over.
 */
export function acquireDataDirLock(dataDir: string, purpose: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'sge.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, purpose, at: new Date().toISOString() }), {
        flag: 'wx',
      });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && holder.pid !== process.pid && isProcessRunning(holder.pid)) {
        throw new Error(
          `DATA_DIR ${dataDir} is in use by process ${holder.pid} (${holder.purpose}); stop it first (Ctrl+C in its terminal)`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock DATA_DIR ${dataDir}`);
}

function readHolder(path: string): { pid: number; purpose: string } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}
