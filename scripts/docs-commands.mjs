#!/usr/bin/env node
// Runs every command of docs/upgrade-path.md's Mock and Real sections, in order, on a fresh clone of this
// repository's HEAD, against the local PostgreSQL (a database of its own), Redis (a key prefix of its own) and a
// local anvil. `node scripts/docs-commands.mjs [--keep] [--section mock|real]`; prints one JSON summary line last;
// exit 0 when every command passed.
//
// What it finds: the fenced ```bash blocks between `<!-- docs-commands:<section> -->` and
// `<!-- /docs-commands:<section> -->`. Each block runs as one `bash -euo pipefail` script in the clone, so a
// failing command fails the run. Blocks that are one long-running command are started in the background, waited
// on until ready, and stopped later; the lists below are the only exceptions, and each one is printed when used.
// Plain JavaScript and system tools (git, bash, psql, redis-cli, curl) only: it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Commands the script does not run, with the reason it prints. Keep this list minimal. */
const SKIPPED = [
  {
    pattern: /^npm run db:up$/,
    reason:
      'needs a Docker engine; this run uses the local PostgreSQL and Redis instead (DATABASE_URL, REDIS_URL and REDIS_PREFIX in the environment)',
  },
];

/**
 * Long-running commands: started in the background and waited on. `role` decides what a new one replaces: a new
 * `api` process stops the previous one (the port is the same), `workers` likewise; the chain runs to the end.
 */
const BACKGROUND = [
  { pattern: /^npm run dev$/, role: 'api', ready: 'healthz' },
  { pattern: /^npm run start:api$/, role: 'api', ready: 'healthz' },
  { pattern: /^npm run start:workers$/, role: 'workers', ready: 'started-log' },
  { pattern: /^npx anvil\b/, role: 'chain', ready: 'rpc' },
];

const SECTIONS = [
  { name: 'mock', mode: 'MOCK' },
  { name: 'real', mode: 'REAL' },
];

const TOTAL_TIMEOUT_MS = 15 * 60_000; // the whole run; ~5 minutes is usual (npm install from the cache, a build)
const BLOCK_TIMEOUT_MS = 6 * 60_000; // one block (npm run setup and npm run build are the longest)
const READY_TIMEOUT_MS = 3 * 60_000; // a background process until it answers
const STOP_TIMEOUT_MS = 30_000; // SIGTERM to SIGKILL

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let options = {};
const started = Date.now();
const deadline = started + TOTAL_TIMEOUT_MS;
const log = (line) =>
  process.stdout.write(`[docs-commands ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);

async function freePort() {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function sh(command, args, extra = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...extra });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

/** The fenced bash blocks of one marked section, in order. */
export function extractBlocks(markdown, section) {
  const start = markdown.indexOf(`<!-- docs-commands:${section} -->`);
  const end = markdown.indexOf(`<!-- /docs-commands:${section} -->`);
  if (start < 0 || end < start)
    throw new Error(`docs/upgrade-path.md has no docs-commands:${section} markers`);
  const blocks = [];
  const fence = /^```bash\n([\s\S]*?)^```$/gm;
  for (const match of markdown.slice(start, end).matchAll(fence)) blocks.push(match[1].trimEnd());
  if (blocks.length === 0) throw new Error(`the ${section} section has no bash blocks`);
  return blocks;
}

/** The docs' ports, mapped to free ones so that the run never collides with anything else on the machine. */
export function mapPorts(text, ports) {
  return text
    .replace(/\b(localhost|127\.0\.0\.1):3000\b/g, `$1:${ports.api}`)
    .replace(/\b(localhost|127\.0\.0\.1):8545\b/g, `$1:${ports.chain}`)
    .replace(/--port 8545\b/g, `--port ${ports.chain}`);
}

/** What the run does with a block: `run` it as a bash script, start it in the `background`, or `skip` it. */
export function classifyBlock(script) {
  const single = script.includes('\n') ? null : script.trim();
  const skip = single && SKIPPED.find((s) => s.pattern.test(single));
  if (skip) return { action: 'skip', command: single, reason: skip.reason };
  const long = single && BACKGROUND.find((b) => b.pattern.test(single));
  if (long) return { action: 'background', command: single, role: long.role, ready: long.ready };
  return { action: 'run', command: script };
}

const background = new Map(); // role -> { child, command, exited }

function startBackground(command, role, cwd, env) {
  const child = spawn('bash', ['-c', `exec ${command}`], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const entry = { child, command, exited, output: () => output };
  background.set(role, entry);
  return entry;
}

async function stopBackground(role) {
  const entry = background.get(role);
  if (!entry) return;
  background.delete(role);
  if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
  log(`stopping "${entry.command}" (process group ${entry.child.pid})`);
  try {
    process.kill(-entry.child.pid, 'SIGTERM');
  } catch {}
  const timer = setTimeout(() => {
    try {
      process.kill(-entry.child.pid, 'SIGKILL');
    } catch {}
  }, STOP_TIMEOUT_MS);
  await entry.exited;
  clearTimeout(timer);
  // Children that outlived the leader (npm → node) are in the same group.
  try {
    process.kill(-entry.child.pid, 'SIGKILL');
  } catch {}
}

async function waitReady(entry, ready, ports, expectedMode) {
  const until = Math.min(Date.now() + READY_TIMEOUT_MS, deadline);
  let exitedWith = null;
  entry.exited.then((code) => {
    exitedWith = code;
  });
  while (Date.now() < until) {
    if (exitedWith !== null) throw new Error(`"${entry.command}" exited (${exitedWith}):\n${entry.output()}`);
    try {
      if (ready === 'healthz') {
        const response = await fetch(`http://127.0.0.1:${ports.api}/healthz`);
        const health = await response.json();
        if (response.ok && health.healthy === true) {
          if (health.mode !== expectedMode)
            throw new Error(`healthz says mode ${health.mode}, expected ${expectedMode}`);
          return `healthz: mode ${health.mode}, chain ${health.chainId}, healthy`;
        }
      } else if (ready === 'rpc') {
        const response = await fetch(`http://127.0.0.1:${ports.chain}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
        });
        if (response.ok) return `rpc: chain ${parseInt((await response.json()).result, 16)}`;
      } else if (ready === 'started-log') {
        if (entry.output().includes('SGE platform started')) return 'logged "SGE platform started"';
      }
    } catch (error) {
      if (/healthz says mode/.test(error.message)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`"${entry.command}" was not ready in time:\n${entry.output()}`);
}

async function runBlock(script, cwd, env) {
  const timeoutMs = Math.min(BLOCK_TIMEOUT_MS, deadline - Date.now());
  if (timeoutMs <= 0) throw new Error('the total time bound is exceeded');
  return await new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(Object.assign(new Error(`exit ${signal ?? code}`), { output }));
    });
  });
}

function indent(text, lines = 15) {
  const all = text.trimEnd().split('\n');
  const shown = all.length > lines ? ['…', ...all.slice(-lines)] : all;
  return shown.map((line) => `    ${line}`).join('\n');
}

async function main() {
  ({ values: options } = parseArgs({
    options: { keep: { type: 'boolean' }, section: { type: 'string' } },
    strict: true,
  }));
  for (const [tool, args] of [
    ['pg_isready', ['-h', '127.0.0.1', '-p', '5432']],
    ['redis-cli', ['-h', '127.0.0.1', 'ping']],
  ]) {
    sh(tool, args);
  }
  const suffix = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'sge-docs-commands-'));
  const clone = join(work, 'main');
  const database = `sge_docs_${suffix}`;
  const redisPrefix = `sge-docs-${suffix}`;
  const pgAdminUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = new URL(pgAdminUrl);
  databaseUrl.pathname = `/${database}`;
  const ports = { api: await freePort(), chain: await freePort() };
  const summary = { ok: false, commit: null, clone, database, redisPrefix, ports, sections: [], skipped: [] };

  try {
    sh('git', ['clone', '--quiet', root, clone]);
    summary.commit = sh('git', ['-C', clone, 'rev-parse', 'HEAD']).trim();
    log(`cloned ${summary.commit} into ${clone}; ports: api ${ports.api}, chain ${ports.chain}`);
    sh('psql', [pgAdminUrl, '-qc', `CREATE DATABASE ${database}`]);
    const markdown = readFileSync(join(clone, 'docs', 'upgrade-path.md'), 'utf8');

    const baseEnv = {
      ...process.env,
      PORT: String(ports.api),
      HOST: '127.0.0.1',
      // Reuse the npm cache: `npm run setup` installs from it without asking the registry for what it has.
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    };
    for (const name of [
      'ENV_FILE',
      'DATA_DIR',
      'MOCK_MODE',
      'DATABASE_URL',
      'REDIS_URL',
      'REDIS_PREFIX',
      'RPC_URL',
    ]) {
      delete baseEnv[name];
    }
    const sections = SECTIONS.filter((s) => !options.section || s.name === options.section);
    for (const section of sections) {
      const env =
        section.name === 'real'
          ? {
              ...baseEnv,
              DATABASE_URL: databaseUrl.toString(),
              REDIS_URL: 'redis://127.0.0.1:6379',
              REDIS_PREFIX: redisPrefix,
            }
          : baseEnv;
      const report = { name: section.name, blocks: [] };
      summary.sections.push(report);
      log(`== section ${section.name} ==`);
      for (const original of extractBlocks(markdown, section.name)) {
        const script = mapPorts(original, ports);
        const plan = classifyBlock(script);
        const blockStarted = Date.now();
        if (plan.action === 'skip') {
          log(`SKIP ${plan.command}: ${plan.reason}`);
          summary.skipped.push({ command: plan.command, reason: plan.reason });
          report.blocks.push({ command: plan.command, action: 'skipped' });
          continue;
        }
        if (plan.action === 'background') {
          await stopBackground(plan.role);
          log(`BACKGROUND ${plan.command}`);
          const entry = startBackground(plan.command, plan.role, clone, env);
          const readiness = await waitReady(entry, plan.ready, ports, section.mode);
          log(`  ready (${readiness}) in ${((Date.now() - blockStarted) / 1000).toFixed(1)}s`);
          report.blocks.push({
            command: plan.command,
            action: 'background',
            readiness,
            ms: Date.now() - blockStarted,
          });
          continue;
        }
        log(`RUN\n${indent(script, 40)}`);
        try {
          const output = await runBlock(script, clone, env);
          log(`  ok in ${((Date.now() - blockStarted) / 1000).toFixed(1)}s\n${indent(output)}`);
          report.blocks.push({ command: script, action: 'ran', ms: Date.now() - blockStarted });
        } catch (error) {
          for (const [role, entry] of background)
            log(`output of ${role} ("${entry.command}"):\n${indent(entry.output(), 40)}`);
          throw new Error(
            `block failed (${error.message}):\n${script}\n--- output ---\n${error.output ?? ''}`,
          );
        }
      }
      for (const role of ['api', 'workers']) await stopBackground(role);
    }
    summary.ok = true;
  } catch (error) {
    summary.error = error.message;
    log(`FAILED: ${error.message}`);
  } finally {
    for (const role of [...background.keys()]) await stopBackground(role);
    spawnSync('psql', [pgAdminUrl, '-qc', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`], {
      encoding: 'utf8',
    });
    spawnSync('bash', [
      '-c',
      `redis-cli -h 127.0.0.1 --scan --pattern '${redisPrefix}:*' | xargs -r redis-cli -h 127.0.0.1 del >/dev/null`,
    ]);
    if (options.keep) log(`kept the clone at ${clone}`);
    else rmSync(work, { recursive: true, force: true });
  }
  summary.durationMs = Date.now() - started;
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(summary.ok ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
}
