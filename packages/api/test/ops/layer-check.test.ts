import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

/**
 * Runs the layer check of `npm run lint` (`.dependency-cruiser.cjs`) on one file of the tree; the rules
 * match paths relative to the repository root, so the probe files are written where a real module would be.
 */
async function checkLayers(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(
      DEPCRUISE,
      [file, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: ROOT },
    );
    return { ok: true, output: stdout };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the layer check (npm run lint)', () => {
  const probes: string[] = [];
  const probe = (dir: string, source: string) => {
    const file = `packages/api/src/${dir}/layer-probe-${randomUUID().slice(0, 8)}.ts`;
    writeFileSync(join(ROOT, file), source);
    probes.push(file);
    return file;
  };
  afterEach(() => {
    for (const file of probes.splice(0)) rmSync(join(ROOT, file), { force: true });
  });

  it('fails on a domain module that imports a worker', async () => {
    const file = probe(
      'domain',
      "import { registerProcessor } from '../worker/processors/register';\nexport const probe = registerProcessor;\n",
    );
    const result = await checkLayers(file);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('domain-below-delivery');
  });

  it('fails on a route that runs a Kysely query itself', async () => {
    const file = probe('http/routes', "import { sql } from 'kysely';\nexport const probe = sql`SELECT 1`;\n");
    const result = await checkLayers(file);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('routes-use-use-cases');
  });

  it('passes a domain module that imports only the layers below it', async () => {
    const file = probe(
      'domain',
      "import { JOB_ATTEMPTS_MAX } from '../queue/job-queue';\nexport const probe = JOB_ATTEMPTS_MAX;\n",
    );
    const result = await checkLayers(file);
    expect(result.output).not.toContain('error');
    expect(result.ok).toBe(true);
  }, 120_000);
});
