#!/usr/bin/env node
// `npm run setup`: everything a fresh clone needs before `npm run dev` and `npm test`:
// checks Node, installs the npm dependencies (from package-lock.json), compiles the contracts.
// Plain JavaScript on purpose: it runs before any dependency is installed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: the platform needs Node 20.19 or newer.`);
  process.exit(1);
}

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

step('Installing npm dependencies', 'npm', ['install', '--no-audit', '--no-fund']);
step('Compiling the contracts and generating their typed bindings', 'npm', ['run', 'build:contracts']);
console.log('\n✔ Setup done. Start the platform in Mock mode with: npm run dev');
console.log('  API http://localhost:3000/healthz · App http://localhost:5173/status · Tests: npm test');
