// ESLint for the whole workspace. The module boundaries are the architecture (CONVENTIONS.md):
//   apps never import apps; domain code never imports gRPC, pino, the clock or the environment;
//   the client never imports server-side libraries; libraries only depend downwards.
// libs/testing/src/__tests__/module-boundaries.test.ts proves each rule fails a forbidden import.
import nx from '@nx/eslint-plugin';

/** Project tags (package.json "nx.tags") and what each may depend on. */
export const depConstraints = [
  // Layers: proto (generated) ← util (common) ← domain ← runtime / client ← app; testing on top.
  { sourceTag: 'type:proto', onlyDependOnLibsWithTags: [] },
  // type:testing is allowed everywhere for tests; production files may not import it (see below).
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:proto', 'type:util', 'type:testing'], bannedExternalImports: ['@grpc/grpc-js', 'pino', 'prom-client'] },
  {
    sourceTag: 'type:domain',
    onlyDependOnLibsWithTags: ['type:proto', 'type:util', 'type:domain', 'type:testing'],
    bannedExternalImports: ['@grpc/grpc-js', '@grpc/*', 'grpc-health-check', 'pino', 'prom-client'],
  },
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:proto', 'type:util', 'type:domain', 'type:runtime', 'type:testing'] },
  { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:proto', 'type:util', 'type:domain', 'type:client', 'type:testing'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:proto', 'type:util', 'type:domain', 'type:runtime', 'type:client', 'type:testing'] },
  { sourceTag: 'type:testing', notDependOnLibsWithTags: ['type:app'] },
  // Scopes: what runs where. The client ships to users and never carries server code.
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:shared', 'scope:client'] },
  { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server'] },
];

const TESTING_ONLY_IN_TESTS = { name: '@samsa/testing', message: 'test harnesses belong in tests (*.test.ts, __tests__/)' };

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/gen/**', '.nx/**', '**/coverage/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allowCircularSelfDependency: false, banTransitiveDependencies: false, depConstraints },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/src/__tests__/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [TESTING_ONLY_IN_TESTS] }] },
  },
  {
    // Domain state machines: pure, deterministic, replayable. Time comes from an injected Clock,
    // configuration from typed objects, logs through the Logger interface.
    files: ['apps/*/src/domain/**/*.ts', 'libs/cluster-metadata/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [TESTING_ONLY_IN_TESTS, { name: 'pino', message: 'domain code logs through the Logger interface from @samsa/common' }],
          patterns: [
            { group: ['@grpc/*', 'grpc-health-check'], message: 'domain code never imports gRPC; the transport lives in grpc/' },
            { group: ['@samsa/service-kit', 'prom-client'], message: 'domain code does not depend on the service runtime' },
            { group: ['**/grpc/**', '**/adapters/**'], message: 'domain code declares ports; grpc/ and adapters/ depend on it, not the reverse' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'take time from an injected Clock' },
        { object: 'process', property: 'env', message: 'configuration arrives as a typed object from main.ts' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'take time from an injected Clock' }],
    },
  },
];
