import { execFileSync } from 'node:child_process';

/** The dependency rule of ARCHITECTURE.md is enforced by lint; this proves the lint still enforces it. */
// ESLint loads its flat config with a dynamic import, which Jest's module VM cannot run, so every
// case is linted by ESLint's own API in one child process.
const LINT_ALL = `
  const { ESLint } = require('eslint');
  const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  (async () => {
    const eslint = new ESLint({ overrideConfigFile: 'eslint.config.mjs' });
    const out = [];
    for (const [filePath, code] of cases) out.push((await eslint.lintText(code, { filePath }))[0].messages.map((m) => m.ruleId));
    process.stdout.write(JSON.stringify(out));
  })();`;

const cases: [string, string][] = [];
let results: (string | null)[][] = [];

/** Registers a case now; its rule ids are available after beforeAll has linted everything. */
function lint(filePath: string, code: string): () => (string | null)[] {
  const i = cases.push([filePath, code]) - 1;
  return () => results[i];
}

const LIBS = ['hypervisor', 'scheduler', 'metering', 'simulation'];
const IMPORTS = 'no-restricted-imports';
const GLOBALS = 'no-restricted-globals';
const SYNTAX = 'no-restricted-syntax';

describe('libs dependency rule (eslint.config.mjs)', () => {
  const forbidden = ([
    // frameworks, databases, queues, reactive streams, loggers
    ["import { Injectable } from '@nestjs/common';", IMPORTS],
    ["import type { Type } from '@nestjs/common';", IMPORTS],
    ["import { DataSource } from 'typeorm';", IMPORTS],
    ["import { Queue } from 'bullmq';", IMPORTS],
    ["import Redis from 'ioredis';", IMPORTS],
    ["import { Observable } from 'rxjs';", IMPORTS],
    ["import { map } from 'rxjs/operators';", IMPORTS],
    ["import pino from 'pino';", IMPORTS],
    ["import { Logger } from 'nestjs-pino';", IMPORTS],
    ["import { createLogger } from 'winston';", IMPORTS],
    ["export { Repository } from 'typeorm';", IMPORTS],
    // Node I/O, bare and node:
    ...['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'http2',
      'child_process', 'node:child_process', 'worker_threads', 'node:worker_threads', 'cluster', 'dgram', 'dns', 'tls', 'os', 'node:os',
      'perf_hooks', 'node:perf_hooks', 'timers', 'node:timers/promises', 'process', 'node:process', 'module', 'node:v8', 'node:vm', 'node:readline']
      .map((m) => [`import * as m from '${m}'; export const x = m;`, IMPORTS] as const),
    ["export * from 'node:fs';", IMPORTS],
    // crypto: createHash only
    ["import { randomUUID } from 'node:crypto'; export const id = randomUUID();", IMPORTS],
    ["import { randomBytes } from 'crypto'; export const b = randomBytes(8);", IMPORTS],
    ["import * as crypto from 'node:crypto'; export const c = crypto;", IMPORTS],
    ['export const id = crypto.randomUUID();', GLOBALS],
    // loading modules at run time
    ["export const m = import('@nestjs/common');", SYNTAX],
    ["export const m = import('node:fs');", SYNTAX],
    ["export const load = (name: string) => import(name);", SYNTAX],
    ["import fs = require('fs'); export const f = fs;", SYNTAX],
    ["export const m = require('@nestjs/common');", GLOBALS],
    ["export const fs = require('node:fs');", GLOBALS],
    // the environment
    ['export const port = process.env.PORT;', GLOBALS],
    ["export const port = process['env'].PORT;", GLOBALS],
    ['const { env } = process; export const port = env.PORT;', GLOBALS],
    ['export const t = process.hrtime.bigint();', GLOBALS],
    ['export const dir = __dirname;', GLOBALS],
    ["console.log('placed');", GLOBALS],
    ["export const warn = (m: string) => console.warn(m);", GLOBALS],
    ["export const f = fetch('http://example.com');", GLOBALS],
    // the wall clock, every spelling
    ['export const t = Date.now();', SYNTAX],
    ['export const clock = Date.now;', SYNTAX],
    ["export const t = Date['now']();", SYNTAX],
    ['const { now } = Date; export const t = now();', SYNTAX],
    ['const D = Date; export const t = D.now();', SYNTAX],
    ['const M = Math; export const r = M.random();', SYNTAX],
    ['export const t = new Date();', SYNTAX],
    ['export const t = new Date;', SYNTAX],
    ['export const s = Date();', SYNTAX],
    ['export const t = globalThis.Date.now();', GLOBALS],
    ['export const t = global.Date.now();', GLOBALS],
    ['export const t = performance.now();', GLOBALS],
    ['export const t = globalThis.performance.now();', GLOBALS],
    // timers
    ['setTimeout(() => undefined, 1);', GLOBALS],
    ['setInterval(() => undefined, 1);', GLOBALS],
    ['setImmediate(() => undefined);', GLOBALS],
    ['queueMicrotask(() => undefined);', GLOBALS],
    // randomness
    ['export const r = Math.random();', SYNTAX],
    ["export const r = Math['random']();", SYNTAX],
    ['const { random } = Math; export const r = random();', SYNTAX],
    ['export const r = globalThis.Math.random();', GLOBALS],
  ] as const).map(([code, rule]) => ({ code, rule, perLib: LIBS.map((lib) => lint(`libs/${lib}/src/bad.ts`, code)) }));

  const allowed = [
    "import { createHash } from 'node:crypto'; export const id = (token: string) => createHash('sha256').update(token).digest('hex');",
    "import { createHash } from 'crypto'; export const h = createHash('sha1');",
    'export const d = (ms: number) => new Date(ms);',
    'export const t = Date.UTC(2026, 0, 1);',
    'export const iso = (ms: number) => new Date(ms).toISOString();',
    'const { floor, max } = Math; export const f = (x: number) => max(0, floor(x));',
    // a parameter named like a global is not the global
    'export function port(process: { env: Record<string, string> }) { return process.env.PORT; }',
    'export const log = (console: { log(m: string): void }) => console.log("x");',
    // a relative module that happens to share a built-in's name
    "export { x } from './util'; export { y } from './events';",
    // a type position is not a run-time import
    "export type Events = import('./events').Events;",
  ].map((code) => ({ code, perLib: LIBS.map((lib) => lint(`libs/${lib}/src/ok.ts`, code)) }));

  const direction = {
    schedulerUsesHypervisor: lint('libs/scheduler/src/ok.ts', "export { Fleet } from '@nimbus/hypervisor';"),
    schedulerUsesMetering: lint('libs/scheduler/src/bad.ts', "export { Money } from '@nimbus/metering';"),
    schedulerUsesSimulation: lint('libs/scheduler/src/bad.ts', "export { World } from '@nimbus/simulation';"),
    schedulerReachesIntoHypervisor: lint('libs/scheduler/src/bad.ts', "export { Host } from '../../hypervisor/src/fleet/host';"),
    meteringUsesHypervisor: lint('libs/metering/src/bad.ts', "export { Fleet } from '@nimbus/hypervisor';"),
    meteringUsesSimulation: lint('libs/metering/src/bad.ts', "export { World } from '@nimbus/simulation';"),
    hypervisorUsesScheduler: lint('libs/hypervisor/src/bad.ts', "export { Scheduler } from '@nimbus/scheduler';"),
    hypervisorUsesSimulation: lint('libs/hypervisor/src/bad.ts', "export { World } from '@nimbus/simulation';"),
    simulationUsesAllThree: lint('libs/simulation/src/ok.ts', "export { Fleet } from '@nimbus/hypervisor';\nexport { Scheduler } from '@nimbus/scheduler';\nexport { rate } from '@nimbus/metering';"),
    simulationReachesIntoHypervisor: lint('libs/simulation/src/bad.ts', "export { Host } from '../../hypervisor/src/fleet/host';"),
    simulationReachesIntoScheduler: lint('libs/simulation/src/world/bad.ts', "export { HostPool } from '../../../scheduler/src/placement/host-pool';"),
    simulationReachesIntoMeteringByAlias: lint('libs/simulation/src/bad.ts', "export { rate } from '@nimbus/metering/src/rating/rate';"),
    simulationUsesApps: lint('libs/simulation/src/bad.ts', "export { AppModule } from '../../../apps/api/src/app.module';"),
    simulationUsesAnotherAlias: lint('libs/simulation/src/bad.ts', "export { x } from '@nimbus/api';"),
  };
  const libDateFromMs = lint('libs/metering/src/ok.ts', 'export const d = (ms: number) => new Date(ms);');
  const appWallClock = lint('apps/api/src/ok.ts', "import { readFileSync } from 'node:fs';\nexport const t = Date.now();\nconsole.log(process.env.PORT, readFileSync);");
  // apps/api's layers: only persistence/ uses TypeORM; only http/ knows HTTP.
  const layers = {
    applicationUsesTypeorm: lint('apps/api/src/application/x/x.service.ts', "import { EntityManager } from 'typeorm';\nexport type T = EntityManager;"),
    engineUsesNestTypeorm: lint('apps/api/src/engine/x.ts', "import { InjectDataSource } from '@nestjs/typeorm';\nexport const d = InjectDataSource;"),
    httpUsesTypeorm: lint('apps/api/src/http/rest/x/x.controller.ts', "import { DataSource } from 'typeorm';\nexport type T = DataSource;"),
    applicationUsesExpress: lint('apps/api/src/application/x/x.service.ts', "import { Request } from 'express';\nexport type T = Request;"),
    applicationUsesFastify: lint('apps/api/src/application/x/x.service.ts', "import { FastifyRequest } from 'fastify';\nexport type T = FastifyRequest;"),
    engineUsesNestFastify: lint('apps/api/src/engine/x.ts', "import { FastifyAdapter } from '@nestjs/platform-fastify';\nexport const a = FastifyAdapter;"),
    applicationUsesNestHttp: lint('apps/api/src/application/x/x.service.ts', "import { NotFoundException } from '@nestjs/common';\nexport const e = NotFoundException;"),
    applicationUsesDto: lint('apps/api/src/application/x/x.service.ts', "import { RunInstancesDto } from '../../http/rest/instances/instance.dto';\nexport type T = RunInstancesDto;"),
    persistenceUsesSwagger: lint('apps/api/src/persistence/x.repository.ts', "import { ApiProperty } from '@nestjs/swagger';\nexport const a = ApiProperty;"),
    // BullMQ and Redis only in jobs/; jobs/ knows neither the database nor HTTP.
    applicationUsesBullmq: lint('apps/api/src/application/x/x.service.ts', "import { Queue } from 'bullmq';\nexport const q = Queue;"),
    httpUsesIoredis: lint('apps/api/src/http/rest/x/x.controller.ts', "import Redis from 'ioredis';\nexport const r = Redis;"),
    persistenceUsesBullmq: lint('apps/api/src/persistence/x.repository.ts', "import { Worker } from 'bullmq';\nexport const w = Worker;"),
    jobsUsesTypeorm: lint('apps/api/src/jobs/x.queue.ts', "import { DataSource } from 'typeorm';\nexport type T = DataSource;"),
    jobsUsesExpress: lint('apps/api/src/jobs/x.queue.ts', "import { Response } from 'express';\nexport type T = Response;"),
  };
  const layersAllowed = {
    persistenceUsesTypeorm: lint('apps/api/src/persistence/x.repository.ts', "import { DataSource } from 'typeorm';\nimport { InjectDataSource } from '@nestjs/typeorm';\nexport const x = [DataSource, InjectDataSource];"),
    applicationUsesNestDi: lint('apps/api/src/application/x/x.service.ts', "import { Injectable } from '@nestjs/common';\nimport { Tx } from '../../persistence/tx';\nexport type T = Tx;\nexport const i = Injectable;"),
    httpUsesHttp: lint('apps/api/src/http/rest/x/x.controller.ts', "import { Controller, Get } from '@nestjs/common';\nimport { ApiProperty } from '@nestjs/swagger';\nexport const x = [Controller, Get, ApiProperty];"),
    jobsUsesBullmq: lint('apps/api/src/jobs/x.queue.ts', "import { Queue } from 'bullmq';\nimport Redis from 'ioredis';\nimport { Tx } from '../persistence/tx';\nexport type T = Tx;\nexport const x = [Queue, Redis];"),
  };
  const libSpecMayUseNode = lint('libs/scheduler/src/thing.spec.ts', "import { execFileSync } from 'node:child_process';\nexport const run = () => execFileSync('true');");

  beforeAll(() => {
    const out = execFileSync(process.execPath, ['-e', LINT_ALL], { cwd: `${__dirname}/..`, input: JSON.stringify(cases) });
    results = JSON.parse(out.toString());
  }, 120_000);

  it.each(forbidden)('a lib may not: $code', ({ rule, perLib }) => {
    perLib.forEach((r, i) => expect({ lib: LIBS[i], rules: r() }).toEqual({ lib: LIBS[i], rules: expect.arrayContaining([rule]) }));
  });

  it.each(allowed)('a lib may: $code', ({ perLib }) => {
    perLib.forEach((r, i) => expect({ lib: LIBS[i], rules: r() }).toEqual({ lib: LIBS[i], rules: [] }));
  });

  it('keeps the direction between libs: scheduler may use hypervisor; metering uses neither; hypervisor uses no lib; simulation uses all three by alias', () => {
    const { schedulerUsesHypervisor, simulationUsesAllThree, ...bad } = direction;
    expect(schedulerUsesHypervisor()).toEqual([]);
    expect(simulationUsesAllThree()).toEqual([]);
    for (const [name, r] of Object.entries(bad)) expect({ name, rules: r() }).toEqual({ name, rules: [IMPORTS] });
  });

  it("keeps apps/api's layers: TypeORM only in persistence/, HTTP only in http/, BullMQ and Redis only in jobs/", () => {
    for (const [name, r] of Object.entries(layers)) expect({ name, rules: r() }).toEqual({ name, rules: [IMPORTS] });
    for (const [name, r] of Object.entries(layersAllowed)) expect({ name, rules: r() }).toEqual({ name, rules: [] });
  });

  it('lets a lib build dates from engine time, apps use the wall clock and I/O, and lib specs use Node', () => {
    expect(libDateFromMs()).toEqual([]);
    expect(appWallClock()).toEqual([]);
    expect(libSpecMayUseNode()).toEqual([]);
  });
});
