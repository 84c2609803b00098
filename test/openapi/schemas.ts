import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type Schema = Record<string, unknown>;
export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}
export interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
export interface OpenApiOperation {
  operationId: string;
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

export const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export function operations(doc: OpenApiDoc): { method: string; path: string; op: OpenApiOperation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })));
}

/**
 * Strict copies of the document's schemas: an object that lists its properties admits no others
 * (the document says every field a body has), and every $ref points into one registered root.
 */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'example' || k === 'examples') continue;
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace(/^#\//, 'openapi#/') : strict(v);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** Validators of values against the document's schemas (OpenAPI 3.0: `nullable`, formats). */
export function schemaValidator(doc: OpenApiDoc) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: { schemas: strict(doc.components.schemas) } });
  const cache = new Map<string, ValidateFunction>();
  return (schema: Schema, value: unknown): string | undefined => {
    const key = JSON.stringify(schema);
    let validate = cache.get(key);
    if (!validate) cache.set(key, (validate = ajv.compile(strict(schema) as Schema)));
    if (validate(value)) return undefined;
    // The field's path, what is wrong, and the field it names (an undocumented property, a missing one).
    return (validate.errors ?? []).map((e) => `${e.instancePath || '$'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`).join('; ');
  };
}
