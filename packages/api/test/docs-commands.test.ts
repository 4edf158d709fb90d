import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyBlock, extractBlocks, mapPorts } from '../../../scripts/docs-commands.mjs';
import { findRepoRoot } from '../src/config/repo-root';

/**
 * A fast guard for docs/upgrade-path.md's tested sections (CI runs them for real with `node
 * scripts/docs-commands.mjs`): the markers are there, every block is valid bash, long-running commands are
 * alone in their block, and the only command not run is `npm run db:up`.
 */
const markdown = readFileSync(join(findRepoRoot(), 'docs/upgrade-path.md'), 'utf8');
const ports = { api: 41000, chain: 41001 };

describe('docs/upgrade-path.md commands', () => {
  for (const section of ['mock', 'real']) {
    it(`the ${section} section's blocks are valid bash with the docs' ports mapped`, () => {
      const blocks = extractBlocks(markdown, section).map((block: string) => mapPorts(block, ports));
      expect(blocks.length).toBeGreaterThan(3);
      for (const block of blocks) {
        expect(block).not.toMatch(/:(3000|8545)\b|--port 8545/);
        const syntax = spawnSync('bash', ['-n', '-c', block], { encoding: 'utf8' });
        expect(syntax.stderr, block).toBe('');
        // A long-running command inside a multi-line block would never return.
        if (block.includes('\n'))
          expect(block).not.toMatch(/^(npm run (dev|start:api|start:workers)|npx anvil)\b/m);
      }
    });
  }

  it('skips only npm run db:up, and starts the servers in the background', () => {
    const plans = ['mock', 'real'].flatMap((section) =>
      extractBlocks(markdown, section).map((block: string) => classifyBlock(mapPorts(block, ports))),
    );
    expect(plans.filter((p) => p.action === 'skip').map((p) => p.command)).toEqual(['npm run db:up']);
    expect(plans.filter((p) => p.action === 'background').map((p) => p.command)).toEqual([
      'npm run dev',
      `npx anvil --port ${ports.chain} --chain-id 31337`,
      'npm run dev',
      'npm run start:api',
      'npm run start:workers',
    ]);
    expect(plans[0]).toEqual({ action: 'run', command: 'npm run setup' });
  });
});
