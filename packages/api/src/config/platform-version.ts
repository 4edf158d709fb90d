import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from './repo-root';

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(findRepoRoot(), 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

/** The platform's version: the root package.json's, read once at startup ('unknown' when it is not there). */
export const PLATFORM_VERSION: string = readVersion();
