import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPI } from 'openapi-types';
import { startApp, TestApp } from '../support/app';
import { Exchange, tour } from './tour';
import { MediaType, OpenApiDoc, operations, schemaValidator } from './schemas';

const ERROR_REF = '#/components/schemas/ErrorBody';

/**
 * The OpenAPI document (/docs-json) against the code (issue 14, item 4): every operation documents
 * its success body (a schema and an example) and the errors it can give (the shared ErrorBody
 * schema, an example each); the document is valid OpenAPI (swagger-parser); and a tour of real
 * calls across every feature answers only documented statuses, each body valid against the
 * document's schema for it, with no field the schema does not name.
 */
describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDoc;
  let validate: ReturnType<typeof schemaValidator>;
  beforeAll(async () => {
    t = await startApp(undefined, { REDIS_URL: 'redis://127.0.0.1:1' });
    doc = (await t.anonymous().get('/docs-json').expect(200)).body;
    validate = schemaValidator(doc);
  });
  afterAll(async () => t?.close());

  it('is valid OpenAPI, by swagger-parser', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as unknown as OpenAPI.Document)).resolves.toBeDefined();
  });

  it('documents every operation: a success body with its schema and example, and its errors in the ErrorBody shape with examples', () => {
    const problems: string[] = [];
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThanOrEqual(87);
    for (const { method, path, op } of ops) {
      const name = `${method.toUpperCase()} ${path}`;
      const statuses = Object.keys(op.responses);
      const success = statuses.filter((s) => s.startsWith('2'));
      if (success.length === 0) problems.push(`${name}: no 2xx response`);
      for (const s of success) {
        if (s === '204') continue;
        const content = op.responses[s].content ?? {};
        if (Object.keys(content).length === 0) problems.push(`${name} ${s}: no content (schema)`);
        for (const [type, media] of Object.entries(content)) {
          if (!media.schema) problems.push(`${name} ${s} ${type}: no schema`);
          const examples = exampleValues(media);
          if (examples.length === 0) problems.push(`${name} ${s} ${type}: no example`);
          if (type === 'application/json' && media.schema)
            for (const ex of examples) {
              const wrong = validate(media.schema, ex);
              if (wrong) problems.push(`${name} ${s}: the example does not fit the schema: ${wrong}`);
            }
        }
      }
      const errors = statuses.filter((s) => /^[45]/.test(s));
      for (const s of errors) {
        const media = op.responses[s].content?.['application/json'];
        if (media?.schema?.$ref !== ERROR_REF) problems.push(`${name} ${s}: not the ErrorBody schema`);
        const examples = media ? exampleValues(media) : [];
        if (examples.length === 0) problems.push(`${name} ${s}: no example`);
        for (const ex of examples) if (validate({ $ref: ERROR_REF }, ex)) problems.push(`${name} ${s}: an example is not in the ErrorBody shape`);
      }
      // What every route of its kind can give.
      const need = ['400', '503'];
      if (op.security?.length) need.push('401', '403');
      if (op.security?.length && !path.startsWith('/v1/admin') && path.startsWith('/v1/')) need.push('429');
      if (op.requestBody) need.push('413', '415');
      if (op.parameters?.some((p) => p.in === 'path')) need.push('404');
      for (const s of need) if (!errors.includes(s)) problems.push(`${name}: no ${s} response`);
    }
    expect(problems).toEqual([]);
  });

  it('a tour of real calls: each answer is a documented status (an error, a documented code), its body valid against the schema the document gives it', async () => {
    const log = await tour(t);
    const problems: string[] = [];
    const byOp = new Map<string, Exchange[]>();
    for (const e of log) {
      const name = `${e.method.toUpperCase()} ${e.path}`;
      byOp.set(name, [...(byOp.get(name) ?? []), e]);
      const op = doc.paths[e.path]?.[e.method];
      if (!op) {
        problems.push(`${name}: not in the document`);
        continue;
      }
      const response = op.responses[String(e.status)];
      if (!response) {
        problems.push(`${name}: answered ${e.status}, which the document does not list (${JSON.stringify(e.body).slice(0, 200)})`);
        continue;
      }
      if (e.status === 204) continue;
      const type = e.contentType.split(';')[0].trim();
      const media = response.content?.[type];
      if (!media) {
        problems.push(`${name} ${e.status}: answered ${type}, which the document does not list`);
        continue;
      }
      if (type === 'application/json' && media.schema) {
        const wrong = validate(media.schema, e.body);
        if (wrong) problems.push(`${name} ${e.status}: ${wrong}`);
      }
      // An error's code is one the document names for that status (an example each).
      const code = (e.body as { error?: { code?: string } } | undefined)?.error?.code;
      if (e.status >= 400 && code && !Object.keys(media.examples ?? {}).includes(code)) problems.push(`${name} ${e.status}: code ${code} is not among the documented ones`);
    }
    // Every operation of the document was called, and answered a success (the event stream: its 404).
    for (const { method, path } of operations(doc)) {
      const name = `${method.toUpperCase()} ${path}`;
      const calls = byOp.get(name) ?? [];
      if (calls.length === 0) problems.push(`${name}: not called by the tour`);
      else if (!path.endsWith('/events') || path.startsWith('/v1/instances')) {
        if (!calls.some((c) => c.status < 300)) problems.push(`${name}: no success in the tour`);
      }
    }
    expect(problems).toEqual([]);
    // The errors the tour met include each kind the contract names.
    const statuses = new Set(log.map((e) => e.status));
    for (const s of [400, 401, 403, 404, 409, 503]) expect(statuses).toContain(s);
  }, 180_000);
});

function exampleValues(media: MediaType): unknown[] {
  return [...(media.example !== undefined ? [media.example] : []), ...Object.values(media.examples ?? {}).map((e) => e.value)];
}
