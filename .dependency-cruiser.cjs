// The layers of server/ (ARCHITECTURE.md), lowest first: a module imports only from its own layer or
// the ones below it, type-only imports included, and no two modules or folders import each other in a circle.
const LAYERS = [
  ['support', '^server/support/'],
  ['model', '^server/model/'],
  ['state', '^server/(store|clock|scheduler)/'],
  ['domain', '^server/(channels|scenarios|validation|callbacks|transactions)/'],
  ['operations', '^server/operations/'],
  ['surfaces', '^server/(gateway|pages|dashboard|control|http|recording)/'],
  ['top', '^server/([^/]+[.]ts$|conformance/)'],
];

const upward = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-imports-upward`,
  comment: `${name} may import only from ${LAYERS.slice(0, i + 1).map(([n]) => n).join(', ')}`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => p) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      comment: 'modules that import each other (directly or round about) cannot be changed one at a time',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment: 'folders of one layer may use each other, one way only',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'server-only',
      comment: 'server/ is the package: it never imports tests or benchmarks',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
