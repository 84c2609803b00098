// The dependency rule of ARCHITECTURE.md, enforced: libs are plain TypeScript (no framework,
// no environment, no wall clock), scheduler may use hypervisor, metering uses neither.
import tseslint from 'typescript-eslint';

const frameworks = ['@nestjs/*', 'typeorm', 'typeorm/*', 'bullmq', 'ioredis', 'class-validator', 'class-transformer', 'express', 'pg', 'sqlite3'];
const impureSyntax = [
  { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'libs must not read process.env: take configuration as arguments.' },
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'libs must not read the wall clock: use the engine clock.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'libs must not read the wall clock: use the engine clock.' },
  { selector: "CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'libs must not use timers: the engine is driven by step()/runUntil().' },
  { selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']", message: 'libs must not read the wall clock.' },
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'libs must be deterministic: use a seeded random source.' },
];
const libRule = (extra) => ({
  'no-restricted-imports': ['error', { patterns: [
    { group: frameworks, message: 'libs are framework-free (ARCHITECTURE.md, the dependency rule).' },
    ...extra,
  ] }],
  'no-restricted-syntax': ['error', ...impureSyntax],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['libs/hypervisor/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: libRule([{ group: ['@nimbus/scheduler', '@nimbus/metering', '**/scheduler/**', '**/metering/**', '**/apps/**'], message: 'hypervisor depends on no other lib.' }]),
  },
  {
    files: ['libs/scheduler/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: libRule([{ group: ['@nimbus/metering', '**/metering/**', '**/apps/**', '**/hypervisor/src/*'], message: 'scheduler may import only @nimbus/hypervisor (by its alias).' }]),
  },
  {
    files: ['libs/metering/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: libRule([{ group: ['@nimbus/hypervisor', '@nimbus/scheduler', '**/hypervisor/**', '**/scheduler/**', '**/apps/**'], message: 'metering imports neither hypervisor nor scheduler.' }]),
  },
  {
    files: ['apps/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/libs/*/src/**', '../../libs/**'], message: 'import libs by their alias (@nimbus/…) through index.ts.' }] }],
    },
  },
  {
    // The throttle is shared by every protocol adapter: plain TypeScript, its clock injected
    // (after the apps block, whose import rule this one replaces for these files).
    files: ['apps/api/src/application/throttling/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: libRule([{ group: ['**/auth/**', '**/database/**', '**/common/**', '**/libs/*/src/**'], message: 'the throttle knows no HTTP or database; libs by their alias.' }]),
  },
);
