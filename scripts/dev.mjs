#!/usr/bin/env node
// `npm run dev`: the API and workers in one process (Mock mode by default: embedded database, in-process
// queue, local chain with the contracts deployed) plus the web app's dev server, with prefixed output.
// Ctrl+C stops both cleanly (the API drains and saves the local chain state).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const children = [];

function start(name, color, command, args, env = {}, cwd = root) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `\x1b[${color}m[${name}]\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
    if (!stopping) stop(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => process.exit(exitCode), 20_000);
  timer.unref();
  Promise.all(
    children.map((child) => (child.exitCode !== null ? null : new Promise((r) => child.once('exit', r)))),
  ).then(() => process.exit(exitCode));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

start('api', '36', process.execPath, ['--import', 'tsx', 'packages/api/src/main.ts', '--role', 'all']);
start(
  'app',
  '35',
  process.execPath,
  [join(root, 'node_modules', 'vite', 'bin', 'vite.js')],
  { API_PROXY_TARGET: process.env.API_PROXY_TARGET ?? `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  join(root, 'packages', 'app'),
);
