import { execFileSync } from 'node:child_process';

/** The dependency rule of ARCHITECTURE.md is enforced by lint; this proves the lint still enforces it. */
// ESLint loads its flat config with a dynamic import, which Jest's module VM cannot run, so every
// case is linted by ESLint's own API in one child process.
const LINT_ALL = `
  const { ESLint } = require('eslint');
  const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  (async () => {
    const eslint = new ESLint();
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

describe('libs dependency rule (eslint.config.mjs)', () => {
  const forbidden = ([
    ["import { Injectable } from '@nestjs/common';", 'no-restricted-imports'],
    ["import { DataSource } from 'typeorm';", 'no-restricted-imports'],
    ["import { Queue } from 'bullmq';", 'no-restricted-imports'],
    ["import Redis from 'ioredis';", 'no-restricted-imports'],
    ['export const port = process.env.PORT;', 'no-restricted-syntax'],
    ['export const t = Date.now();', 'no-restricted-syntax'],
    ['export const t = new Date();', 'no-restricted-syntax'],
    ['setTimeout(() => undefined, 1);', 'no-restricted-syntax'],
    ['export const r = Math.random();', 'no-restricted-syntax'],
  ] as const).map(([code, rule]) => ({ code, rule, perLib: ['hypervisor', 'scheduler', 'metering'].map((lib) => lint(`libs/${lib}/src/bad.ts`, code)) }));
  const schedulerUsesHypervisor = lint('libs/scheduler/src/ok.ts', "export { Fleet } from '@nimbus/hypervisor';");
  const meteringUsesHypervisor = lint('libs/metering/src/bad.ts', "export { Fleet } from '@nimbus/hypervisor';");
  const hypervisorUsesScheduler = lint('libs/hypervisor/src/bad.ts', "export { Scheduler } from '@nimbus/scheduler';");
  const libDateFromMs = lint('libs/metering/src/ok.ts', 'export const d = (ms: number) => new Date(ms);');
  const appWallClock = lint('apps/api/src/ok.ts', 'export const t = Date.now();');

  beforeAll(() => {
    const out = execFileSync(process.execPath, ['-e', LINT_ALL], { cwd: `${__dirname}/..`, input: JSON.stringify(cases) });
    results = JSON.parse(out.toString());
  }, 60_000);

  it.each(forbidden)('a lib may not: $code', ({ rule, perLib }) => {
    for (const r of perLib) expect(r()).toContain(rule);
  });

  it('keeps the direction between libs: scheduler may use hypervisor; metering uses neither; hypervisor uses no lib', () => {
    expect(schedulerUsesHypervisor()).toEqual([]);
    expect(meteringUsesHypervisor()).toContain('no-restricted-imports');
    expect(hypervisorUsesScheduler()).toContain('no-restricted-imports');
  });

  it('lets a lib build dates from engine time, and lets apps use the wall clock', () => {
    expect(libDateFromMs()).toEqual([]);
    expect(appWallClock()).toEqual([]);
  });
});
