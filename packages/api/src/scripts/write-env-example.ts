import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvExample } from '../config/env-example';
import { findRepoRoot } from '../config/repo-root';

const path = join(findRepoRoot(), 'packages', 'api', '.env.example');
writeFileSync(path, renderEnvExample());
process.stdout.write(`wrote ${path}\n`);
