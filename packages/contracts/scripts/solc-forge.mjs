#!/usr/bin/env node
// A `solc` executable for forge, backed by the npm `solc` package (solcjs, WebAssembly).
//
// forge cannot download native compilers here (no internet), so foundry.toml points `solc` at this
// file. forge only uses two commands of a solc binary, and this wrapper implements both:
//
//   solc --version
//     forge reads the last non-empty line, strips "Version: " and parses the rest as semver
//     (after replacing ".g++" by ".gcc"), so we answer exactly like a native Linux build.
//
//   solc [--base-path P] [--include-path P]... [--allow-paths P,...] --standard-json
//     reads the standard-JSON input on stdin and writes the standard-JSON output on stdout.
//     forge already inlines every source's content; the import callback below is a fallback that
//     resolves an import against the base path, the include paths and the remappings, and only
//     reads files under the allowed roots.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve, sep } from 'node:path';

const require = createRequire(import.meta.url);
const solc = require('solc');

const args = process.argv.slice(2);

/** Value(s) of a `--name value` or `--name=value` option. */
function optionValues(name) {
  const values = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === name && i + 1 < args.length) values.push(args[++i]);
    else if (arg.startsWith(`${name}=`)) values.push(arg.slice(name.length + 1));
  }
  return values;
}

function nativeVersionString() {
  // solcjs reports e.g. "0.8.30+commit.73712a01.Emscripten.clang"; the commit is the real one.
  const [semver, commit] = solc.version().split('+');
  const commitPart = commit ? commit.split('.').slice(0, 2).join('.') : 'commit.00000000';
  return `${semver}+${commitPart}.Linux.g++`;
}

if (args.includes('--version') || args.includes('-v')) {
  process.stdout.write(
    `solc, the solidity compiler commandline interface\nVersion: ${nativeVersionString()}\n`,
  );
  process.exit(0);
}

if (!args.includes('--standard-json')) {
  process.stderr.write(
    'solc-forge.mjs: only `--version` and `--standard-json` are supported (this wraps solcjs for forge)\n',
  );
  process.exit(2);
}

const basePath = resolve(optionValues('--base-path')[0] ?? process.cwd());
const includePaths = optionValues('--include-path').map((path) => resolve(basePath, path));
const allowedRoots = [
  basePath,
  ...includePaths,
  ...optionValues('--allow-paths')
    .flatMap((value) => value.split(','))
    .filter(Boolean)
    .map((path) => resolve(basePath, path)),
];

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const inputText = Buffer.concat(chunks).toString('utf8');
const input = JSON.parse(inputText);

/** Remappings from the input settings, longest prefix first (solc picks the longest match too). */
const remappings = (input.settings?.remappings ?? [])
  .map((entry) => {
    const withoutContext = entry.includes(':') ? entry.slice(entry.indexOf(':') + 1) : entry;
    const [prefix, target] = withoutContext.split('=');
    return { prefix, target };
  })
  .filter((entry) => entry.prefix && entry.target !== undefined)
  .sort((a, b) => b.prefix.length - a.prefix.length);

function isAllowed(path) {
  return allowedRoots.some(
    (root) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep),
  );
}

function findImport(importPath) {
  let path = importPath;
  const remapping = remappings.find((entry) => path.startsWith(entry.prefix));
  if (remapping) path = remapping.target + path.slice(remapping.prefix.length);
  const candidates = isAbsolute(path) ? [path] : [basePath, ...includePaths].map((root) => join(root, path));
  for (const candidate of candidates) {
    const absolute = resolve(candidate);
    if (!isAllowed(absolute)) continue;
    if (existsSync(absolute)) return { contents: readFileSync(absolute, 'utf8') };
  }
  return { error: `File not found: ${importPath} (searched ${candidates.join(', ')})` };
}

const output = solc.compile(inputText, { import: findImport });
process.stdout.write(output);
