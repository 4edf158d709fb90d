// The layer order of the API (ARCHITECTURE.md, "Layers"), checked by `npm run lint` (`npm run lint:layers`; test: packages/api/test/ops/layer-check.test.ts):
//
//   main / platform / runtime (composition root)
//     → http, worker (delivery: routes, job processors, schedules)
//       → domain (use cases; each takes its ports as a deps object)
//         → db, chain, queue, providers, config, logging, metrics, monitoring (infrastructure)
//           → @sge/shared, @sge/contracts
//
// An import against this order is an error. Tests are outside the rules: they may reach any layer.
const API = '^packages/api/src/';
const ROOT = `${API}(main|platform|runtime)\\.ts$`;
const INFRA = `${API}(db|chain|queue|providers|commerce|config|logging|metrics|monitoring)/`;
const TEST = '\\.test\\.ts$|/test/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-below-delivery',
      comment: 'domain/ is called by routes and workers; it never imports them or the composition root.',
      severity: 'error',
      from: { path: `${API}domain/`, pathNot: TEST },
      to: { path: [`${API}(http|worker|scripts)/`, ROOT] },
    },
    {
      name: 'infrastructure-below-domain',
      comment:
        'db, chain, queue, providers, config, logging and metrics know nothing of use cases or delivery.',
      severity: 'error',
      from: { path: INFRA, pathNot: TEST },
      to: { path: [`${API}(domain|http|worker|scripts)/`, ROOT] },
    },
    {
      name: 'routes-not-workers',
      comment: 'Routes and workers are side by side: what both need lives below them (domain, queue).',
      severity: 'error',
      from: { path: `${API}http/`, pathNot: TEST },
      to: { path: `${API}worker/` },
    },
    {
      name: 'delivery-takes-the-runtime-as-a-type',
      comment:
        'Routes and workers are handed the runtime by the composition root; they may name its type only.',
      severity: 'error',
      from: { path: `${API}(http|worker)/`, pathNot: TEST },
      to: { path: ROOT, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workers-not-routes',
      severity: 'error',
      from: { path: `${API}worker/`, pathNot: TEST },
      to: { path: [`${API}http/`, `${API}(main|platform)\\.ts$`] },
    },
    {
      name: 'migrations-only-from-db',
      comment: 'A migration is history; shared constants live in the layer below both (e.g. @sge/shared).',
      severity: 'error',
      from: { path: '^packages/', pathNot: [`${API}db/`, ROOT, TEST] },
      to: { path: `${API}db/migrations/` },
    },
    {
      name: 'routes-use-use-cases',
      comment: 'Routes call use cases; queries belong to domain/ (types from db/schema are fine).',
      severity: 'error',
      from: { path: `${API}http/routes/`, pathNot: TEST },
      to: { path: ['^node_modules/kysely/', `${API}db/client\\.ts$`], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-depends-on-nothing-of-ours',
      severity: 'error',
      from: { path: '^packages/shared/src/' },
      to: { path: '^packages/(api|app|contracts)/' },
    },
    {
      name: 'app-not-server',
      severity: 'error',
      from: { path: '^packages/app/src/', pathNot: TEST },
      to: { path: '^packages/(api|contracts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules is not followed, but not excluded either: excluding it would drop the imports of kysely
    // that routes-use-use-cases looks for.
    exclude: { path: ['^packages/[^/]+/(dist|out|cache)/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
