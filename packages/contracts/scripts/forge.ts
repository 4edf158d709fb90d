/**
 * Runs forge (the npm-shipped binary) in this package with the compiler wrapper and library paths
 * resolved the way Node resolves them, so tests work whether npm hoisted the libraries to the
 * repository root (the usual case, matching foundry.toml) or installed them under this package.
 *
 * Usage: `tsx scripts/forge.ts [forge arguments]` (default `test`); `npm test -w @sge/contracts`.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { foundryBinPath } from '../ts/foundry-bin';

const require = createRequire(import.meta.url);
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function libraryDir(name: string, subdir = ''): string {
  const dir = join(dirname(require.resolve(`${name}/package.json`)), subdir);
  return `${relative(packageDir, dir)}/`;
}

const remappings = [
  `@openzeppelin/contracts/=${libraryDir('@openzeppelin/contracts')}`,
  `solady/=${libraryDir('solady', 'src')}`,
];
const forgeArgs = process.argv.length > 2 ? process.argv.slice(2) : ['test'];
const remappingArgs = remappings.flatMap((remapping) => ['--remappings', remapping]);

const child = spawn(foundryBinPath('forge'), [...forgeArgs, ...remappingArgs], {
  cwd: packageDir,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
