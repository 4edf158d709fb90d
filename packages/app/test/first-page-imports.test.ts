import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The first page's bundle stays its size only while page code takes viem's utilities from `viem/utils` (or
 * `viem/siwe`): a value import from the `viem` root entry makes Rolldown put what the lazily loaded wallet
 * layer uses of viem's clients in chunks the first page loads (measured: 629 KB → 907 KB). The wallet layer
 * itself (src/wallet/, loaded after the first render) may import `viem`; type imports are erased anyway.
 */

const SRC_DIR = fileURLToPath(new URL('../src', import.meta.url));
/** Loaded with a dynamic import after the first render (wallet-provider.tsx), so free to use `viem`. */
const LAZY_DIRS = ['wallet'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** `import { a, type B } from 'viem'` with at least one value import (not `import type`, not only `type` names). */
function importsViemValues(source: string): boolean {
  for (const match of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'viem'/g)) {
    if (match[1] !== undefined) continue;
    const names = (match[2] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (names.some((name) => !name.startsWith('type '))) return true;
  }
  return /import\s+\*\s+as\s+\w+\s+from\s+'viem'/.test(source);
}

describe('page code and the viem root entry', () => {
  it('imports only types from `viem` outside the lazily loaded wallet layer', () => {
    const offenders = sourceFiles(SRC_DIR)
      .filter((path) => !LAZY_DIRS.some((dir) => relative(SRC_DIR, path).startsWith(`${dir}/`)))
      .filter((path) => importsViemValues(readFileSync(path, 'utf8')))
      .map((path) => relative(SRC_DIR, path));
    expect(offenders, "import these from 'viem/utils' instead").toEqual([]);
  });

  it('recognises value imports and lets type imports through', () => {
    expect(importsViemValues("import { getAddress } from 'viem';")).toBe(true);
    expect(importsViemValues("import { type Address, isAddress } from 'viem';")).toBe(true);
    expect(importsViemValues("import type { Address, Hex } from 'viem';")).toBe(false);
    expect(importsViemValues("import { type Address } from 'viem';")).toBe(false);
    expect(importsViemValues("import { getAddress } from 'viem/utils';")).toBe(false);
  });
});
