// SWC instead of ts-jest: an order of magnitude faster, and it keeps decorator metadata for
// Nest and TypeORM. Type checking is `npm run typecheck`, part of `npm test`.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2021',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@nimbus/simulation/testing$': '<rootDir>/libs/simulation/src/testing/index.ts',
  '^@nimbus/(hypervisor|scheduler|metering|simulation)$': '<rootDir>/libs/$1/src/index.ts',
};
// @fastify/static (Swagger UI's files under Fastify) requires content-disposition 2, an ES module,
// which Node loads through require() and Jest's module system does not: that one is compiled.
// (Each node_modules/ segment of a path is tried: the nested one must not match either.)
// One fast-check seed per run, from FC_SEED (test/support/fast-check-setup.ts): set in every test
// file, printed once by the global setup with how to replay.
const common = {
  transform: { '^.+\\.ts$': swc, '/@fastify/static/node_modules/content-disposition/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }] },
  transformIgnorePatterns: ['/node_modules/(?!(@fastify/static/node_modules/)?content-disposition/)'],
  moduleNameMapper,
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/fast-check-setup.ts'],
};

module.exports = {
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/fast-check-global-setup.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,migrations,examples}/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // The attack suite (test/fuzz/): `npm run test:fuzz`, a step of its own in CI; `npm test` selects unit and e2e only.
    { ...common, displayName: 'fuzz', testMatch: ['<rootDir>/test/fuzz/**/*.fuzz-spec.ts'] },
  ],
};
