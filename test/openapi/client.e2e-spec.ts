import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { ADMIN_KEY, startApp, TestApp } from '../support/app';

const ROOT = join(__dirname, '..', '..');
const MODULES = join(ROOT, 'node_modules');

/** Type-checks files with the repository's TypeScript, strict, resolving packages from its node_modules. */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: ['node'], typeRoots: [join(MODULES, '@types')], skipLibCheck: true, esModuleInterop: true,
    baseUrl: dirname(files[0]), paths: { 'openapi-fetch': [join(MODULES, 'openapi-fetch')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/**
 * A client generated from /docs-json by a standard generator (issue 14, item 4): openapi-typescript
 * writes the `paths` types, a program (test/openapi/client/calls.ts) makes real calls with
 * openapi-fetch — launch and describe an instance, list tenants, usage, an invoice, the billing
 * summary — and must type-check against them; then it runs against this app, and its answers are
 * checked. A schema that disagrees with what the program reads fails the type-check.
 */
describe('a client generated from the OpenAPI document', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await startApp();
    dir = mkdtempSync(join(tmpdir(), 'nimbus-client-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify((await t.anonymous().get('/docs-json').expect(200)).body));
    // A field with a default may be left out of a request (the server fills it in): not required in the types.
    const generator = join(MODULES, 'openapi-typescript', 'bin', 'cli.js');
    execFileSync(process.execPath, [generator, join(dir, 'openapi.json'), '-o', join(dir, 'nimbus-api.d.ts'), '--default-non-nullable=false'], { stdio: 'pipe' });
    copyFileSync(join(__dirname, 'client', 'calls.ts'), join(dir, 'calls.ts'));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('type-checks real calls against the generated types, and the types are not vacuous', () => {
    expect(typeCheck([join(dir, 'calls.ts')])).toEqual([]);
    // A field the document does not have, or of another type, is an error (the types hold something).
    writeFileSync(join(dir, 'wrong.ts'), [
      "import type { components } from './nimbus-api';",
      "declare const i: components['schemas']['InstanceResponseDto'];",
      'export const a: number = i.instanceId;',
      'export const b: string = i.noSuchField;',
      "declare const e: components['schemas']['ErrorBody'];",
      'export const c: number = e.error.code;',
    ].join('\n'));
    const errors = typeCheck([join(dir, 'wrong.ts')]);
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/noSuchField/);
  }, 60_000);

  it('runs against the app: each call answers what the types promise', async () => {
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    // Asynchronously: the app answers from this process.
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', require.resolve('@swc-node/register'), join(dir, 'calls.ts')], {
      cwd: ROOT, env: { ...process.env, NIMBUS_URL: `http://127.0.0.1:${port}`, NIMBUS_ADMIN_KEY: ADMIN_KEY, NODE_PATH: MODULES },
    });
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({
      tenantNames: ['client'], quota: 32, linuxHourly: '0.0104', launchState: 'pending', state: 'running', stateCode: 16,
      listed: [r.instanceId], workloadInstance: r.instanceId, vcpusUsed: 2, missingCode: 'InvalidInstanceID.NotFound', missingStatus: 404,
      invoiceStatus: 'estimate', summaryStatus: 'estimate', hostInstances: 1, terminatedTo: 'shutting-down',
    });
    expect(r.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(r.hostIds).toHaveLength(2);
    // An hour of a t3.micro at $0.0104: the usage and the invoice agree.
    expect(Number(r.instanceHours)).toBeCloseTo(1, 1);
    expect(r.lineAmounts.length).toBeGreaterThan(0);
    expect(r.summaryTotal).toBe(r.invoiceTotal);
  }, 60_000);
});
