import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { statusForCode } from '../../error-status';
import { MAX_BODY_BYTES } from '../../server';
import { EXAMPLE_MESSAGES } from './api-errors';
import { ErrorBodyDto } from './error-body.dto';

type Schema = Record<string, unknown> & { $ref?: string };
type MediaType = { schema?: Schema; example?: unknown; examples?: Record<string, { summary?: string; value: unknown }> };
type Response = { description?: string; content?: Record<string, MediaType> };
type Operation = { responses?: Record<string, Response>; requestBody?: unknown };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const WITH_BODY = new Set(['put', 'post', 'delete', 'patch']);
const REQUEST_ID = '8f14e45f-ceea-467a-9575-6f5e2a4b9c1d';
const ERROR_REF = '#/components/schemas/ErrorBody';

/** The errors any route can give, said by the transport rather than by the route (server.ts, error.filter.ts). */
const TRANSPORT_ERRORS: { code: string; message: string; when: (method: string) => boolean }[] = [
  { code: 'InvalidParameterValue', message: 'the request contains a NUL character (\\u0000), which no parameter accepts', when: () => true },
  { code: 'ServiceUnavailable', message: EXAMPLE_MESSAGES.ServiceUnavailable, when: () => true },
];
const BODY_ERRORS: { status: number; code: string; message: string }[] = [
  { status: 400, code: 'ValidationError', message: 'The request body is not valid JSON.' },
  { status: 413, code: 'ValidationError', message: `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.` },
  { status: 415, code: 'ValidationError', message: 'The request body must be application/json.' },
];

/** The OpenAPI document served at /docs-json: Nest's, with the transport's errors and the success examples added. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Nimbus')
    .setDescription('A simulated multi-tenant, EC2-style cloud. Errors: {"error": {"code", "message", "requestId"}} (the ErrorBody schema).')
    .setVersion('1')
    .addBearerAuth()
    .build();
  const doc = SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodyDto] });
  addTransportErrors(doc);
  addSuccessExamples(doc);
  return doc;
}

function addError(op: Operation, status: number, code: string, message: string, description: string): void {
  const responses = (op.responses ??= {});
  const response = (responses[String(status)] ??= { description, content: { 'application/json': { schema: { $ref: ERROR_REF } } } });
  const media = (response.content ??= {})['application/json'] ?? (response.content['application/json'] = { schema: { $ref: ERROR_REF } });
  const examples = (media.examples ??= {});
  if (!examples[code]) examples[code] = { summary: code, value: { error: { code, message, requestId: REQUEST_ID } } };
  if (!response.description?.includes(`\`${code}\``)) response.description = [response.description, `\`${code}\``].filter(Boolean).join(', ');
}

/**
 * Every operation: 400 for a URL that cannot be read or holds a NUL, 503 ServiceUnavailable (the
 * database is unavailable, or the server is stopping; with Retry-After); those that take a body:
 * 400 (not JSON), 413 (over 1 MiB) and 415 (not JSON by its content type).
 */
export function addTransportErrors(doc: OpenAPIObject): void {
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      for (const e of TRANSPORT_ERRORS) if (e.when(method)) addError(op, statusForCode(e.code), e.code, e.message, '');
      if (WITH_BODY.has(method)) for (const e of BODY_ERRORS) addError(op, e.status, e.code, e.message, '');
      // Errors are JSON whatever the route's success is (CSV, text, a stream).
      for (const [status, response] of Object.entries(op.responses ?? {}))
        if (Number(status) >= 400 && response.content) for (const type of Object.keys(response.content)) if (type !== 'application/json') delete response.content[type];
      const unavailable = op.responses?.['503'] as (Response & { headers?: Record<string, unknown> }) | undefined;
      if (unavailable) unavailable.headers = { 'Retry-After': { description: 'Seconds to wait (ServiceUnavailable)', schema: { type: 'integer' } } };
    }
  }
}

const EXAMPLE_TIME = '2025-05-01T12:00:00.000Z';

/**
 * An example of a value of `schema`, built from its properties' examples (then default, first enum
 * value, a date-time), or undefined where a required part has none: `holes` names those parts.
 */
export function exampleOf(schema: Schema | undefined, schemas: Record<string, Schema>, path = '$', holes: string[] = [], seen: string[] = []): unknown {
  if (!schema) return undefined;
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    if (seen.includes(name)) return undefined;
    return exampleOf(schemas[name], schemas, path, holes, [...seen, name]);
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const alternatives = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (alternatives?.length) return exampleOf(alternatives[0], schemas, path, holes, seen);
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...(schema.allOf as Schema[]).map((s) => exampleOf(s, schemas, path, holes, seen) ?? {}));
  if (schema.type === 'string' && schema.format === 'date-time') return EXAMPLE_TIME;
  if (schema.type === 'boolean') return false;
  if (schema.type === 'array') {
    const item = exampleOf(schema.items as Schema, schemas, `${path}[0]`, holes, seen);
    return item === undefined ? undefined : [item];
  }
  if (schema.type === 'object' || schema.properties) {
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const out: Record<string, unknown> = {};
    for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
      const subHoles: string[] = [];
      const v = exampleOf(sub, schemas, `${path}.${key}`, subHoles, seen);
      if (v !== undefined && subHoles.length === 0) out[key] = v;
      else if (required.has(key)) holes.push(...(subHoles.length ? subHoles : [`${path}.${key}`]));
    }
    return out;
  }
  holes.push(path);
  return undefined;
}

/** Each JSON success body without an example gets one built from its schema (when every required part has one). */
export function addSuccessExamples(doc: OpenAPIObject): void {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      for (const [status, response] of Object.entries(op?.responses ?? {})) {
        if (!status.startsWith('2')) continue;
        const media = response.content?.['application/json'];
        if (!media?.schema || media.example !== undefined || media.examples !== undefined) continue;
        const holes: string[] = [];
        const example = exampleOf(media.schema, schemas, '$', holes);
        if (holes.length === 0 && example !== undefined) media.example = example;
      }
    }
  }
}
