/**
 * Compiles every `src/*.sol` with solcjs (standard JSON) and writes `generated/artifacts.ts`:
 * `export const <name>Abi = [...] as const;` and `export const <name>Bytecode = '0x...' as const;` per
 * deployable contract, so viem infers the types from the ABI literals.
 *
 * The generated file starts with a hash of everything that determines its content (sources, compiler
 * version and settings, library versions, this script); when the hash matches, the build is skipped,
 * which keeps `npm test` fast. `--force` rebuilds anyway.
 *
 * Usage: `npm run build -w @sge/contracts` (or `tsx scripts/build.ts [--force]`).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILER_SETTINGS } from './compiler-settings';

const require = createRequire(import.meta.url);
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(packageDir, 'src');
const generatedDir = join(packageDir, 'generated');
const artifactsPath = join(generatedDir, 'artifacts.ts');
const solcInputPath = join(generatedDir, 'solc-input.json');
const HASH_LINE_PREFIX = '// sources-sha256: ';

/** Export prefixes that the generic camel-casing would get wrong (acronym followed by an acronym). */
const EXPORT_NAME_OVERRIDES: Record<string, string> = { SGEID: 'sgeId' };

/** `SGEClaim` → `sgeClaim`, `TestUSDC` → `testUsdc`, `AffiliateRegistry` → `affiliateRegistry`. */
export function exportPrefix(contractName: string): string {
  const override = EXPORT_NAME_OVERRIDES[contractName];
  if (override) return override;
  const words = contractName.match(/[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+/g) ?? [contractName];
  return words
    .map((word, index) => {
      const lower = word.toLowerCase();
      return index === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

/** Library roots for import resolution: `<import prefix>` → directory on disk (hoisting-proof). */
function libraryRoots(): Array<{ prefix: string; dir: string }> {
  const packageRoot = (name: string) => dirname(require.resolve(`${name}/package.json`));
  return [
    { prefix: '@openzeppelin/contracts/', dir: `${packageRoot('@openzeppelin/contracts')}/` },
    { prefix: 'solady/', dir: join(packageRoot('solady'), 'src/') },
  ];
}

function packageVersion(name: string): string {
  return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version as string;
}

function sourceFiles(): string[] {
  return readdirSync(srcDir)
    .filter((file) => file.endsWith('.sol'))
    .sort();
}

function sourcesHash(files: string[]): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(readFileSync(join(packageDir, 'scripts', 'compiler-settings.ts')));
  hash.update(`solc@${packageVersion('solc')}`);
  hash.update(`@openzeppelin/contracts@${packageVersion('@openzeppelin/contracts')}`);
  hash.update(`solady@${packageVersion('solady')}`);
  for (const file of files) {
    hash.update(`\0${file}\0`);
    hash.update(readFileSync(join(srcDir, file)));
  }
  return hash.digest('hex');
}

type TSolcOutput = {
  errors?: Array<{ severity: 'error' | 'warning' | 'info'; formattedMessage: string }>;
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
};

async function compile(files: string[]): Promise<{ output: TSolcOutput; inputJson: string }> {
  const roots = libraryRoots();
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(
      files.map((file) => [`src/${file}`, { content: readFileSync(join(srcDir, file), 'utf8') }]),
    ),
    settings: {
      ...COMPILER_SETTINGS,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const findImport = (path: string): { contents: string } | { error: string } => {
    const root = roots.find((entry) => path.startsWith(entry.prefix));
    const absolute = root ? join(root.dir, path.slice(root.prefix.length)) : join(packageDir, path);
    if (!existsSync(absolute)) return { error: `File not found: ${path} (looked at ${absolute})` };
    return { contents: readFileSync(absolute, 'utf8') };
  };
  const solc = (await import('solc')).default as {
    compile(input: string, callbacks: { import: typeof findImport }): string;
  };
  const inputJson = JSON.stringify(input);
  const output = JSON.parse(solc.compile(inputJson, { import: findImport })) as TSolcOutput;
  // The input with every imported source inlined: what Etherscan's "standard JSON input" verification
  // needs to reproduce the bytecode.
  const fullSources: Record<string, { content: string }> = { ...input.sources };
  for (const sourceName of Object.keys(output.contracts ?? {})) {
    if (fullSources[sourceName]) continue;
    const found = findImport(sourceName);
    if ('contents' in found) fullSources[sourceName] = { content: found.contents };
  }
  return { output, inputJson: JSON.stringify({ ...input, sources: fullSources }, null, 2) };
}

function render(hash: string, output: TSolcOutput): string {
  const lines = [
    '// Generated by packages/contracts/scripts/build.ts from packages/contracts/src/*.sol. Do not edit:',
    '// run `npm run build -w @sge/contracts`.',
    `${HASH_LINE_PREFIX}${hash}`,
    `// solc ${packageVersion('solc')}, optimizer ${COMPILER_SETTINGS.optimizer.runs} runs, evm ${COMPILER_SETTINGS.evmVersion}`,
    '',
  ];
  const registry: string[] = [];
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    if (!sourceName.startsWith('src/')) continue;
    for (const [contractName, artifact] of Object.entries(contracts)) {
      const bytecode = artifact.evm.bytecode.object;
      if (!bytecode) continue; // interfaces and abstract contracts
      const prefix = exportPrefix(contractName);
      lines.push(`/** ABI of \`${contractName}\` (${sourceName}). */`);
      lines.push(`export const ${prefix}Abi = ${JSON.stringify(artifact.abi, null, 2)} as const;`, '');
      lines.push(`/** Creation bytecode of \`${contractName}\`. */`);
      lines.push(`export const ${prefix}Bytecode = '0x${bytecode}' as const;`, '');
      registry.push(`  ${contractName}: { abi: ${prefix}Abi, bytecode: ${prefix}Bytecode },`);
    }
  }
  lines.push('/** Every deployable contract of src/, by contract name. */');
  lines.push('export const contractArtifacts = {', ...registry, '} as const;', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const files = sourceFiles();
  const hash = sourcesHash(files);
  if (!force && existsSync(artifactsPath)) {
    const header = readFileSync(artifactsPath, 'utf8').slice(0, 1000);
    if (header.includes(`${HASH_LINE_PREFIX}${hash}`)) {
      process.stderr.write(`contracts: artifacts up to date (${relative(process.cwd(), artifactsPath)})\n`);
      return;
    }
  }
  const startedMs = Date.now();
  const { output, inputJson } = await compile(files);
  const errors = (output.errors ?? []).filter((entry) => entry.severity === 'error');
  for (const entry of output.errors ?? []) {
    if (entry.severity !== 'info') process.stderr.write(`${entry.formattedMessage}\n`);
  }
  if (errors.length > 0) {
    process.stderr.write(`contracts: compilation failed with ${errors.length} error(s)\n`);
    process.exit(1);
  }
  mkdirSync(generatedDir, { recursive: true });
  writeFileSync(solcInputPath, `${inputJson}\n`);
  writeFileSync(artifactsPath, render(hash, output));
  process.stderr.write(
    `contracts: compiled ${files.length} source files in ${Date.now() - startedMs} ms → ${relative(process.cwd(), artifactsPath)}\n`,
  );
}

await main();
