// The dependency rule of ARCHITECTURE.md, enforced: libs are plain TypeScript (no framework,
// no environment, no wall clock, no I/O), scheduler may use hypervisor, metering uses neither,
// simulation may use all three. libs/dependency-rule.spec.ts proves that each rule fires.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const PURE = 'libs are framework-free and do no I/O (ARCHITECTURE.md, the dependency rule)';
// Frameworks, databases, queues, HTTP, loggers and configuration loaders: the adapters' business.
const frameworks = [
  '@nestjs/*', 'typeorm', 'typeorm/*', 'bullmq', 'bull', 'ioredis', 'redis', 'class-validator', 'class-transformer', 'reflect-metadata',
  'express', 'express/*', 'fastify', 'koa', 'pg', 'pg/*', 'sqlite3', 'better-sqlite3', 'mysql', 'mysql2', 'knex', '@prisma/*', 'mongoose', 'sequelize',
  'rxjs', 'rxjs/*', 'pino', 'pino-*', 'nestjs-pino', 'winston', 'bunyan', 'log4js', 'loglevel', 'debug', 'consola', 'signale',
  'dotenv', 'dotenv/*', 'config', 'axios', 'node-fetch', 'undici', 'ws', 'socket.io', 'prom-client', '@opentelemetry/*', 'supertest',
];
// Every Node built-in, bare and `node:`, by exact name (a pattern such as 'util' would also match a
// relative './util'). One exception: createHash from crypto, a pure function of its input, which a
// lib may need for deterministic ids (e.g. an id derived from a client token, as volumes do today);
// crypto's random functions stay out, since libs are deterministic.
const nodeModules = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`]));
const nodePaths = nodeModules.map((name) =>
  name === 'crypto' || name === 'node:crypto'
    ? { name, allowImportNames: ['createHash'], message: `${PURE}: only createHash (deterministic) may come from crypto.` }
    : { name, message: `${PURE}: no Node built-ins (file system, network, processes, threads, timers, OS).` },
);
// Globals that reach the environment. Banned as globals (not by name), so every spelling is caught:
// process['env'], const { env } = process, globalThis.Date.now(), global.Math.random, console.log …
const impureGlobals = [
  ...['process', 'require', 'module', 'exports', '__dirname', '__filename'].map((name) => ({ name, message: 'libs must not touch the process or load modules: take configuration as arguments.' })),
  ...['globalThis', 'global', 'window', 'self'].map((name) => ({ name, message: 'libs must not reach the environment through the global object.' })),
  { name: 'console', message: 'libs must not log: report through typed events and return values; adapters log.' },
  { name: 'performance', message: 'libs must not read the wall clock: use the engine clock.' },
  { name: 'crypto', message: 'libs must be deterministic: no Web Crypto randomness.' },
  ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'requestAnimationFrame'].map((name) => ({ name, message: 'libs must not use timers: the engine is driven by step()/runUntil().' })),
  ...['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource'].map((name) => ({ name, message: `${PURE}: no network.` })),
];
const WALL_CLOCK = 'libs must not read the wall clock: use the engine clock.';
const RANDOM = 'libs must be deterministic: use a seeded random source.';
const impureSyntax = [
  // Date: now (called, passed around or indexed), `new Date()` and `Date()` read the clock; `new Date(ms)` does not.
  { selector: "MemberExpression[object.name='Date'][property.name='now']:not([computed=true])", message: WALL_CLOCK },
  { selector: "MemberExpression[object.name='Date'][computed=true]", message: WALL_CLOCK },
  { selector: "VariableDeclarator[id.type='ObjectPattern'][init.name='Date']", message: WALL_CLOCK },
  // An alias would hide now/random from the selectors here (`const D = Date; D.now()`).
  { selector: "VariableDeclarator[id.type='Identifier'][init.type='Identifier'][init.name=/^(Date|Math)$/]", message: 'libs must not alias Date or Math: the wall-clock and randomness rules must see every use.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: WALL_CLOCK },
  { selector: "CallExpression[callee.name='Date']", message: WALL_CLOCK },
  { selector: "MemberExpression[object.name='Temporal'][property.name='Now']", message: WALL_CLOCK },
  { selector: "MemberExpression[object.name='Math'][property.name='random']", message: RANDOM },
  { selector: "MemberExpression[object.name='Math'][computed=true][property.type!='Literal']", message: RANDOM },
  { selector: "MemberExpression[object.name='Math'][property.value='random']", message: RANDOM },
  { selector: "VariableDeclarator[init.name='Math'] > ObjectPattern > Property[key.name='random']", message: RANDOM },
  // Module loading at run time: import() and `import x = require()` (require itself is a banned global).
  { selector: 'ImportExpression', message: `${PURE}: no dynamic import(); import statically, and only what the dependency rule allows.` },
  { selector: "TSImportEqualsDeclaration[moduleReference.type='TSExternalModuleReference']", message: `${PURE}: use an ES import, which the dependency rule checks.` },
];
// apps/api's layers (ARCHITECTURE.md): only persistence/ touches TypeORM and the drivers; only
// http/ (and the composition root: main, bootstrap, app.module) knows HTTP.
const LIBS_BY_ALIAS = { group: ['**/libs/*/src/**', '../../libs/**'], message: 'import libs by their alias (@nimbus/…) through index.ts.' };
const NO_DATABASE = { group: ['typeorm', 'typeorm/*', '@nestjs/typeorm', 'pg', 'pg/*', 'better-sqlite3', 'sqlite3'], message: 'only apps/api/src/persistence/ uses TypeORM and the database drivers (ARCHITECTURE.md).' };
const NO_HTTP = {
  group: ['express', 'express/*', 'fastify', '@fastify/*', '@nestjs/platform-express', '@nestjs/platform-fastify', '@nestjs/swagger', 'class-validator', 'class-transformer', 'supertest', '**/http/**'],
  message: 'only apps/api/src/http/ knows HTTP: application methods take command objects and throw domain errors (ARCHITECTURE.md).',
};
const NEST_HTTP = {
  name: '@nestjs/common',
  importNames: [
    'Controller', 'Get', 'Post', 'Put', 'Patch', 'Delete', 'Head', 'Options', 'All', 'Body', 'Param', 'Query', 'Req', 'Res', 'Headers', 'Header', 'HttpCode',
    'Redirect', 'Render', 'Sse', 'UseGuards', 'UseFilters', 'UsePipes', 'UseInterceptors', 'HttpException', 'HttpStatus', 'BadRequestException',
    'UnauthorizedException', 'ForbiddenException', 'NotFoundException', 'ConflictException', 'InternalServerErrorException', 'ExecutionContext',
    'CanActivate', 'createParamDecorator', 'ValidationPipe', 'StreamableFile',
  ],
  message: 'only apps/api/src/http/ knows HTTP (ARCHITECTURE.md).',
};
// BullMQ and its Redis client: only apps/api/src/jobs/ (the queue adapters) and apps/worker.
const NO_QUEUE = { group: ['bullmq', 'ioredis'], message: 'only apps/api/src/jobs/ uses BullMQ and Redis (docs/architecture.md).' };
const appLayer = (patterns, paths = []) => ({ 'no-restricted-imports': ['error', { paths, patterns: [LIBS_BY_ALIAS, ...patterns] }] });

const libRule = (extra) => ({
  'no-restricted-imports': ['error', {
    paths: nodePaths,
    patterns: [{ group: frameworks, message: `${PURE}.` }, ...extra],
  }],
  'no-restricted-globals': ['error', ...impureGlobals],
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
    rules: libRule([{ group: ['@nimbus/*', '**/scheduler/**', '**/metering/**', '**/simulation/**', '**/apps/**'], message: 'hypervisor depends on no other lib.' }]),
  },
  {
    files: ['libs/scheduler/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: libRule([{ group: ['@nimbus/*', '!@nimbus/hypervisor', '**/metering/**', '**/simulation/**', '**/apps/**', '**/hypervisor/src/*'], message: 'scheduler may import only @nimbus/hypervisor (by its alias).' }]),
  },
  {
    files: ['libs/metering/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: libRule([{ group: ['@nimbus/*', '**/hypervisor/**', '**/scheduler/**', '**/simulation/**', '**/apps/**'], message: 'metering imports neither hypervisor nor scheduler.' }]),
  },
  {
    files: ['libs/simulation/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: libRule([{
      group: ['@nimbus/*', '!@nimbus/hypervisor', '!@nimbus/scheduler', '!@nimbus/metering', '**/hypervisor/src/*', '**/scheduler/src/*', '**/metering/src/*', '**/apps/**'],
      message: 'simulation may import only @nimbus/hypervisor, @nimbus/scheduler and @nimbus/metering (by their aliases).',
    }]),
  },
  {
    files: ['apps/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/libs/*/src/**', '../../libs/**'], message: 'import libs by their alias (@nimbus/…) through index.ts.' }] }],
    },
  },
  {
    files: ['apps/api/src/http/**/*.ts'],
    rules: appLayer([NO_DATABASE, NO_QUEUE]),
  },
  {
    files: ['apps/api/src/application/**/*.ts', 'apps/api/src/engine/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: appLayer([NO_DATABASE, NO_HTTP, NO_QUEUE], [NEST_HTTP]),
  },
  {
    files: ['apps/api/src/persistence/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: appLayer([NO_HTTP, NO_QUEUE], [NEST_HTTP]),
  },
  {
    // The queue adapters (BullMQ, in-process): they call application methods; no database, no HTTP.
    files: ['apps/api/src/jobs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: appLayer([NO_DATABASE, NO_HTTP], [NEST_HTTP]),
  },
  {
    // The examples show the libraries alone: a plain Node script, no framework, no database.
    files: ['examples/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: frameworks, message: 'examples use the libraries alone: no framework, database or queue.' },
        { group: ['**/apps/**', '**/libs/*/src/**'], message: 'examples import the libs by their alias (@nimbus/…).' },
      ] }],
    },
  },
  {
    // The throttle is shared by every protocol adapter: plain TypeScript, its clock injected
    // (after the apps block, whose import rule this one replaces for these files).
    files: ['apps/api/src/application/throttling/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: libRule([{ group: ['**/http/**', '**/persistence/**', '**/libs/*/src/**'], message: 'the throttle knows no HTTP or database; libs by their alias.' }]),
  },
);
