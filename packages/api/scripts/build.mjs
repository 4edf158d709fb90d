// Bundles the API's entry points into dist/ for `npm run start:api` / `start:workers`: the workspace
// packages (@sge/*, TypeScript sources) are compiled in; every npm dependency stays external and is
// loaded from node_modules at run time.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(packageDir, 'dist'), { recursive: true, force: true });

const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@sge/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

await build({
  entryPoints: {
    main: join(packageDir, 'src/main.ts'),
    'db-cli': join(packageDir, 'src/db/cli.ts'),
    archive: join(packageDir, 'src/scripts/archive.ts'),
    'backup-drill': join(packageDir, 'src/scripts/backup-drill.ts'),
  },
  outdir: join(packageDir, 'dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  plugins: [externalNpmPackages],
  logLevel: 'warning',
});
process.stdout.write('built packages/api/dist (main.js, db-cli.js, archive.js, backup-drill.js)\n');
