import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findRepoRoot } from '../src/config/repo-root';
import { VARIABLES } from '../src/config/variables';

/**
 * The production deployment files (ops/systemd, ops/pm2, ops/nginx, Dockerfile, docker-compose.prod.yml) cannot
 * run here (no Docker engine, no systemd as PID 1), so this checks what can be checked without them: systemd's own
 * verifier, nginx's own config test, the YAML, the PM2 file loaded by node, and that everything they start exists.
 */
const root = findRepoRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const builtEntryPoints = [
  ...read('packages/api/scripts/build.mjs').matchAll(
    /^\s+'?([\w-]+)'?: join\(packageDir, '(src\/[^']+)'\)/gm,
  ),
].map((m) => ({ name: m[1]!, source: m[2]! }));
const builtFiles = builtEntryPoints.map((e) => `packages/api/dist/${e.name}.js`);
const secretFileVariables = new Set(VARIABLES.filter((v) => v.secret).map((v) => `${v.name}_FILE`));

describe('production deployment files', () => {
  it('the API bundle has an entry point for every command the deployment files run', () => {
    expect(builtFiles).toEqual(
      expect.arrayContaining([
        'packages/api/dist/main.js',
        'packages/api/dist/db-cli.js',
        'packages/api/dist/archive.js',
        'packages/api/dist/backup-drill.js',
      ]),
    );
    for (const entry of builtEntryPoints)
      expect(existsSync(join(root, 'packages/api', entry.source))).toBe(true);
  });

  it('systemd units pass systemd-analyze verify as instances and pass secrets as NAME_FILE credentials', () => {
    const units = ['sge-api@.service', 'sge-workers@.service'];
    for (const unit of units) {
      const text = read(`ops/systemd/${unit}`);
      expect(text).toMatch(/^EnvironmentFile=\/etc\/sge\/sge\.env$/m);
      expect(text).toMatch(/^ExecStart=\/usr\/bin\/node packages\/api\/dist\/main\.js --role (api|worker)$/m);
      for (const [, name] of text.matchAll(/^Environment=(\w+_FILE)=%d\//gm))
        expect(secretFileVariables).toContain(name);
    }
    expect(read('ops/systemd/sge-api@.service')).toMatch(/^Environment=PORT=%i$/m);
    expect(has('systemd-analyze'), 'systemd-analyze (apt-get install systemd) is needed').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'sge-units-'));
    try {
      for (const unit of units) copyFileSync(join(root, 'ops/systemd', unit), join(dir, unit));
      for (const instance of ['sge-api@3001.service', 'sge-workers@1.service']) {
        const verify = spawnSync('systemd-analyze', ['verify', join(dir, instance)], { encoding: 'utf8' });
        // Warnings (unknown keys, bad values) go to stderr without failing: refuse them too.
        expect({ status: verify.status, stderr: verify.stderr.trim() }).toEqual({ status: 0, stderr: '' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const example = read('ops/systemd/sge.env.example');
    const names = new Set(VARIABLES.map((v) => v.name));
    for (const [, name] of example.matchAll(/^(\w+)=/gm))
      expect(names, `${name} in sge.env.example`).toContain(name);
  });

  it('the PM2 file loads with node, runs the built entry point from the repository root, one fork per API port', () => {
    const require = createRequire(import.meta.url);
    const path = join(root, 'ops/pm2/ecosystem.config.cjs');
    delete require.cache[path];
    const previous = process.env.SGE_API_PORTS;
    process.env.SGE_API_PORTS = '4001,4002,4003';
    let config: {
      apps: {
        name: string;
        namespace: string;
        cwd: string;
        script: string;
        args: string;
        env: Record<string, string>;
        instances?: number;
      }[];
    };
    try {
      config = require(path);
    } finally {
      if (previous === undefined) delete process.env.SGE_API_PORTS;
      else process.env.SGE_API_PORTS = previous;
    }
    const apis = config.apps.filter((a) => a.namespace === 'sge-api');
    expect(apis.map((a) => [a.name, a.env.PORT, a.args])).toEqual([
      ['sge-api-4001', '4001', '--role api'],
      ['sge-api-4002', '4002', '--role api'],
      ['sge-api-4003', '4003', '--role api'],
    ]);
    const workers = config.apps.filter((a) => a.namespace === 'sge-workers');
    expect(workers.map((a) => a.args)).toEqual(['--role worker']);
    for (const app of config.apps) {
      expect(app.cwd).toBe(root);
      expect(builtFiles).toContain(app.script);
      expect(app.env.NODE_ENV).toBe('production');
    }
  });

  it('docker-compose.prod.yml: two API replicas health-checked on /healthz behind nginx, workers, PostgreSQL, Redis, migrations first', () => {
    const compose = parse(read('docker-compose.prod.yml'), { merge: true });
    const services = compose.services as Record<
      string,
      Record<string, unknown> & { command?: string[]; environment?: Record<string, string> }
    >;
    expect(Object.keys(services).sort()).toEqual([
      'api-1',
      'api-2',
      'migrate',
      'nginx',
      'postgres',
      'redis',
      'workers',
    ]);
    for (const name of ['api-1', 'api-2']) {
      const api = services[name]!;
      expect(api.command).toEqual(['--role', 'api']);
      expect(JSON.stringify((api.healthcheck as { test: string[] }).test)).toContain('/healthz');
      expect(api.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
    }
    expect(services.workers!.command).toEqual(['--role', 'worker']);
    expect(services.migrate!.entrypoint).toEqual(['node', 'packages/api/dist/db-cli.js']);
    expect(builtFiles).toContain(services.migrate!.entrypoint && 'packages/api/dist/db-cli.js');
    expect(services.nginx!.depends_on).toEqual({
      'api-1': { condition: 'service_healthy' },
      'api-2': { condition: 'service_healthy' },
    });
    const declaredSecrets = Object.keys(compose.secrets);
    for (const service of Object.values(services)) {
      for (const [name, value] of Object.entries(service.environment ?? {})) {
        if (!name.endsWith('_FILE') || ['ENV_FILE', 'POSTGRES_PASSWORD_FILE'].includes(name)) continue;
        expect(secretFileVariables).toContain(name);
        expect(declaredSecrets).toContain(String(value).replace('/run/secrets/', ''));
      }
    }
    // The dev compose file still parses too (npm run db:up).
    expect(Object.keys(parse(read('docker-compose.yml')).services)).toEqual(['postgres', 'redis']);
  });

  it('the Dockerfile builds with npm ci on node:20-slim in stages and runs as a non-root user', () => {
    const dockerfile = read('Dockerfile');
    const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\w+)$/gm)].map((m) => [m[1], m[2]]);
    expect(stages).toEqual([
      ['node:20-slim', 'build'],
      ['node:20-slim', 'runtime'],
      ['nginx:1.27-alpine', 'web'],
    ]);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'), dockerfile.indexOf('AS web'));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain('ENTRYPOINT ["node", "packages/api/dist/main.js"]');
    expect(dockerfile.slice(dockerfile.indexOf('AS web'))).toMatch(/^USER nginx$/m);
    for (const ignored of ['**/node_modules', '.git', '**/.env', 'secrets']) {
      expect(read('.dockerignore').split('\n')).toContain(ignored);
    }
  });

  it('the image keeps only production dependencies: every package the API bundle imports is one', async () => {
    const manifests = [
      'package.json',
      'packages/shared/package.json',
      'packages/contracts/package.json',
      'packages/api/package.json',
    ];
    const production = new Set(manifests.flatMap((m) => Object.keys(JSON.parse(read(m)).dependencies ?? {})));
    const result = await build({
      entryPoints: builtEntryPoints.map((e) => join(root, 'packages/api', e.source)),
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      outdir: join(tmpdir(), 'sge-bundle-check'),
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          name: 'external-npm-packages',
          setup(pluginBuild) {
            pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path.startsWith('@sge/') ? undefined : { path: args.path, external: true },
            );
          },
        },
      ],
    });
    const imported = new Set<string>();
    for (const output of Object.values(result.metafile.outputs)) {
      for (const { path, external } of output.imports) {
        if (!external || isBuiltin(path)) continue;
        const parts = path.split('/');
        imported.add(path.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    for (const name of imported)
      expect(production, `${name} must be a production dependency`).toContain(name);
  });

  it('nginx.conf proxies to the compose API replicas and serves /healthz on 8080', () => {
    // The structure here; nginx itself runs this file (and must be installed: the test fails without it) in
    // test/nginx-replicas.services.test.ts, in front of two real API replicas.
    const conf = read('ops/nginx/nginx.conf');
    const upstreams = [...conf.matchAll(/^\s+server (\S+):(\d+)\b/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstreams).toEqual(['api-1:3000', 'api-2:3000']);
    expect(conf).toMatch(/location = \/healthz/);
    expect(conf).toMatch(/listen 8080;/);
  });
});
