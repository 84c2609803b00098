import http from 'node:http';
import fc from 'fast-check';
import { ADMIN_KEY, LINUX_AMI, startApp, TestApp } from '../support/app';

/**
 * A suite that attacks the API (issue 14, item 6): every operation of the OpenAPI document gets
 * seeded bad input (wrong types for every field its schema names, huge/negative/fractional numbers,
 * 100 KB strings, NUL and invalid UTF-8, `__proto__`/`constructor` keys, deep nesting, a 5 MB body,
 * malformed JSON, wrong content types, junk path and query parameters), without a key, with a
 * tenant's key and with the admin key. Nothing may answer ≥ 500, every 4xx is in the error shape,
 * nothing takes over 2 s, the server stays ready and the tenants' resources do not change.
 * Then object-level authorization: tenant B's resource, used with tenant A's key, answers exactly
 * as a missing one does on every route that takes an id or a name.
 *
 * Seeded from FC_SEED (test/support/fast-check-setup.ts): replay with `FC_SEED=<n> npm run test:fuzz`.
 * Its own Jest project (`fuzz`, jest.config.js), run by `npm run test:fuzz`, not by `npm test`.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Operation {
  method: Method;
  path: string; // OpenAPI template: /v1/instances/{id}
  params: string[];
  bodyFields: string[];
  /** The request body's example in the document, if any: the valid body that mutations start from. */
  example?: Record<string, unknown>;
  queryParams: string[];
}
interface Answer {
  status: number;
  body: unknown;
  ms: number;
  stream: boolean;
}
interface Sent {
  op: string;
  label: string;
  who: string;
  /** The start of the body sent, to show what a write that was accepted said. */
  sentBody?: string;
  answer: Answer;
}

const SLOW_MS = 2000;
const JSON_TYPE = 'application/json';
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** One raw HTTP request: the path goes out byte for byte (no URL normalisation of `..` or `%ZZ`). */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, agent }, (res) => {
      // A server-sent event stream answers with its headers and then stays open: its status is the answer.
      if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode ?? 0, body: undefined, ms: performance.now() - started, stream: true });
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          /* not JSON: kept as text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - started, stream: false });
      });
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const isErrorShape = (body: unknown): boolean => {
  const e = (body as { error?: Record<string, unknown> } | undefined)?.error;
  return typeof e === 'object' && e !== null && ['code', 'message', 'requestId'].every((k) => typeof e[k] === 'string' && (e[k] as string).length > 0);
};

/** The operations of the OpenAPI document, with the body fields and query parameters each names. */
function operations(doc: { paths: Record<string, Record<string, OpenApiOp>>; components?: { schemas?: Record<string, Schema> } }): Operation[] {
  const schemas = doc.components?.schemas ?? {};
  const resolve = (s: Schema | undefined): Schema | undefined => (s?.$ref ? schemas[s.$ref.split('/').pop()!] : s);
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      const method = m.toUpperCase() as Method;
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
      const params = [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
      const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const content = op.requestBody?.content?.[JSON_TYPE];
      const body = resolve(content?.schema);
      const ex = content?.example ?? body?.example;
      const example = ex !== null && typeof ex === 'object' && !Array.isArray(ex) ? (ex as Record<string, unknown>) : undefined;
      // The fields the schema names, and those its example shows (some bodies are described by an example only).
      const bodyFields = [...new Set([...Object.keys(body?.properties ?? {}), ...Object.keys(example ?? {})])];
      ops.push({ method, path, params, bodyFields, example, queryParams });
    }
  }
  return ops;
}
interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  example?: unknown;
}
interface OpenApiOp {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
}

/** Values of the wrong type (or a right type at its limits) for one field. */
const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, -0.5, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, '', ' ', 'NaN', 'Infinity', '-1', '1e309', [], {}, [null], ['x'], { a: 1 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('x'.repeat(100 * 1024), 'a\u0000b', '\u0000', '\ud800', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '%00', '\u202e\u0000'),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 1 }), { maxKeys: 4 }),
);

/** Junk for a path segment (already percent-encoded where it must be, or deliberately not). */
const JUNK_SEGMENTS = ['%ZZ', '..', '%2e%2e', '%2F', '%00', 'x'.repeat(2000), 'i-' + 'f'.repeat(400), '-1', '1.5', 'null', '%E2%80%AE', '%C3%28', encodeURIComponent('<>"\''), '%20', "'%20OR%201=1"];
const junkSegment: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...JUNK_SEGMENTS), fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent));

/** Junk for a query string, as raw text after `?`. */
const junkQuery = (names: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...names, 'maxResults', 'nextToken', 'from', 'to', 'period', 'tag:x'), fc.constantFrom('-1', '0', '1.5', '1e309', '99999999999999999999', 'abc', '%ZZ', '%00', 'x'.repeat(10_000), '', '[]', '{}', '2026-13-45T99:99:99Z', 'null')).map(([k, v]) => `${encodeURIComponent(k)}=${v}`),
    fc.constantFrom('a=1&a=2&a=3', 'a[b][c]=1', '__proto__[x]=1', 'constructor[prototype][x]=1', '%ZZ=1', '&&&=', 'maxResults=1&maxResults=2', '=' + 'x'.repeat(5000)),
  );

/** A body as bytes, with the content type it is sent under. */
interface RawBody {
  label: string;
  type: string;
  bytes: Buffer | string;
}
const deep = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
function bodyMutations(fields: string[], example: Record<string, unknown> | undefined, rnd: (a: fc.Arbitrary<unknown>) => unknown): RawBody[] {
  const j = (label: string, v: unknown): RawBody => ({ label, type: JSON_TYPE, bytes: JSON.stringify(v) });
  const out: RawBody[] = [];
  for (const f of fields) out.push(j(`field ${f}: wrong type`, { [f]: rnd(badValue) }));
  // The document's example with one field wrong, so that the rest of the body is valid.
  if (example) for (const f of fields) out.push(j(`example, ${f} wrong`, { ...example, [f]: rnd(badValue) }));
  if (fields.length > 0) out.push(j('every field wrong', Object.fromEntries(fields.map((f) => [f, rnd(badValue)]))));
  out.push(
    j('array body', [1, 2, 3]),
    j('scalar body', 42),
    j('string body', 'x'),
    { label: 'null body', type: JSON_TYPE, bytes: 'null' },
    { label: '__proto__ key', type: JSON_TYPE, bytes: '{"__proto__":{"polluted":1},"x":1}' },
    { label: 'constructor key', type: JSON_TYPE, bytes: '{"constructor":{"prototype":{"polluted":1}}}' },
    { label: 'constructor key (plain)', type: JSON_TYPE, bytes: '{"constructor":1}' },
    { label: 'nested 33 deep', type: JSON_TYPE, bytes: deep(33) },
    { label: 'nested 20000 deep', type: JSON_TYPE, bytes: deep(20_000) },
    { label: 'malformed JSON', type: JSON_TYPE, bytes: '{"a":' },
    { label: 'malformed JSON (trailing)', type: JSON_TYPE, bytes: '{"a":1}}' },
    { label: 'NUL in a value', type: JSON_TYPE, bytes: JSON.stringify({ [fields[0] ?? 'x']: 'a\u0000b' }) },
    { label: 'NUL in a key', type: JSON_TYPE, bytes: '{"a\\u0000":1}' },
    { label: 'invalid UTF-8', type: JSON_TYPE, bytes: Buffer.concat([Buffer.from(`{"${fields[0] ?? 'x'}":"`), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]) },
    { label: 'raw binary', type: JSON_TYPE, bytes: Buffer.from([0x00, 0xff, 0x7b, 0x80]) },
    { label: 'text/plain', type: 'text/plain', bytes: 'a=1' },
    { label: 'form', type: 'application/x-www-form-urlencoded', bytes: 'imageId=x&minCount=1' },
    { label: 'multipart', type: 'multipart/form-data; boundary=x', bytes: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--' },
    { label: 'json; charset=latin1', type: 'application/json; charset=latin1', bytes: '{"a":1}' },
    { label: 'xml', type: 'application/xml', bytes: '<a>1</a>' },
    { label: 'empty content type', type: '', bytes: '{}' },
  );
  return out;
}
const FIVE_MB: RawBody = { label: '5 MB body', type: JSON_TYPE, bytes: JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024) }) };

/** Fields that vary with time and are not "a change" of a resource. */
const TIME_VARYING = new Set(['launchTime', 'updatedAt', 'now', 'usage', 'metrics', 'creditBalance', 'surplusCredits', 'uptimeSeconds']);
const stable = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(stable) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !TIME_VARYING.has(k)).map(([k, x]) => [k, stable(x)])) : v;

/** A well-formed id of the same kind that names nothing: the last four characters changed. */
const missingLike = (id: string): string => id.slice(0, -4) + (id.endsWith('0000') ? '1111' : '0000');

describe('attack suite: every operation of the OpenAPI document', () => {
  let t: TestApp;
  let port: number;
  let ops: Operation[];
  let a: { tenantId: string; key: string };
  let b: { tenantId: string; key: string };
  let c: { tenantId: string; key: string };
  const resources: Record<'a' | 'b', Record<string, string>> = { a: {}, b: {} };
  const sent: Sent[] = [];
  let before: Record<string, Record<string, unknown>>;

  const auth = (key?: string): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
  /**
   * The tenants' resources, by id, without time-varying fields. B's key is never used to write, so
   * all of B is compared; A's key sends the mutations, and one the API accepts may create something
   * (a placement group named by a random string, say): A's resources that existed before are compared.
   */
  const snapshot = async (): Promise<Record<string, Record<string, unknown>>> => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [who, key] of [['a', a.key], ['b', b.key]] as const)
      for (const path of ['/v1/instances', '/v1/volumes', '/v1/placement-groups', '/v1/license-configurations', '/v1/dedicated-hosts', '/v1/access-keys'].filter((p) => ops.some((o) => o.method === 'GET' && o.path === p))) {
        const res = await send(port, 'GET', path, auth(key));
        expect(res.status).toBe(200);
        const list = (Array.isArray(res.body) ? res.body : Object.values(res.body as object).find(Array.isArray)) as Record<string, unknown>[];
        for (const [i, item] of list.entries()) {
          const id = (Object.entries(item).find(([k, v]) => typeof v === 'string' && /(Id|Name|^name)$/.test(k))?.[1] as string | undefined) ?? `#${i}`;
          out[`${who} ${path} ${id}`] = stable(item) as Record<string, unknown>;
        }
      }
    out['b quotas'] = stable((await send(port, 'GET', '/v1/quotas', auth(b.key))).body) as Record<string, unknown>;
    for (const [who, tenantId] of [['a', a.tenantId], ['b', b.tenantId]] as const)
      out[`${who} tenant`] = stable((await send(port, 'GET', `/v1/admin/tenants/${tenantId}`, auth(ADMIN_KEY))).body) as Record<string, unknown>;
    return out;
  };

  beforeAll(async () => {
    t = await startApp();
    port = (t.app.getHttpServer().address() as { port: number }).port;
    await t.hosts('m5-host', 'us-east-1a', 4);
    a = await t.tenant('alpha');
    b = await t.tenant('bravo');
    c = await t.tenant('charlie');
    for (const [who, tn] of [['a', a], ['b', b]] as const) {
      const r = resources[who];
      const inst = await t.as(tn.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', tags: { owner: who } }).expect(201);
      r.instance = inst.body.instances[0].instanceId;
      const vol = await t.as(tn.key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 8, type: 'gp3' });
      if (vol.status === 201) r.volume = vol.body.volumeId ?? vol.body.volume?.volumeId;
      await t.as(tn.key).post('/v1/placement-groups', { groupName: `pg-${who}-0000`, strategy: 'spread' }).expect(201);
      r.placementGroup = `pg-${who}-0000`;
      const dh = await t.as(tn.key).post('/v1/dedicated-hosts', { instanceType: 'm5.large', availabilityZone: 'us-east-1a', quantity: 1 });
      if (dh.status === 201) r.dedicatedHost = dh.body.hostIds?.[0] ?? dh.body.hosts?.[0]?.hostId;
      else process.stdout.write(`attack suite: no dedicated host for ${who}: ${dh.status} ${JSON.stringify(dh.body)}\n`);
      const lic = await t.as(tn.key).post('/v1/license-configurations', { name: `lic-${who}`, countingType: 'vCPU', limit: 10, hardLimit: false });
      if (lic.status === 201) r.licenseConfiguration = lic.body.licenseConfigurationId ?? lic.body.licenseConfiguration?.licenseConfigurationId;
      const ak = await t.as(tn.key).post('/v1/access-keys');
      if (ak.status === 201) r.accessKey = ak.body.accessKeyId ?? ak.body.accessKey?.accessKeyId;
    }
    await t.advance(120); // pending → running, so nothing of theirs moves on its own
    const doc = await send(port, 'GET', '/docs-json', {});
    expect(doc.status).toBe(200);
    ops = operations(doc.body as Parameters<typeof operations>[0]);
    before = await snapshot();
    if (process.env.FUZZ_DEBUG) process.stdout.write(ops.map((o) => `${o.method} ${o.path} body=${o.bodyFields.join(',')} query=${o.queryParams.join(',')}`).join('\n') + '\n' + JSON.stringify(resources) + '\n' + Object.keys(before).join('\n') + '\n');
  });
  afterAll(async () => {
    agent.destroy();
    await t?.close();
  });

  /** The resource a path's parameters name, for tenant `who`, if it has one. */
  const targetOf = (op: Operation, who: 'a' | 'b'): Record<string, string> | undefined => {
    const r = resources[who];
    const kind = [
      ['/v1/instances/', 'instance'],
      ['/v1/volumes/', 'volume'],
      ['/v1/placement-groups/', 'placementGroup'],
      ['/v1/license-configurations/', 'licenseConfiguration'],
      ['/v1/access-keys/', 'accessKey'],
      ['/v1/dedicated-hosts/', 'dedicatedHost'],
    ].find(([prefix]) => op.path.startsWith(prefix))?.[1];
    if (!kind || !r[kind]) return undefined;
    const [first, ...rest] = op.params;
    return { [first]: r[kind], ...Object.fromEntries(rest.map((p) => [p, 'owner'])) };
  };
  const fill = (op: Operation, values: Record<string, string>): string => op.path.replace(/\{([^}]+)\}/g, (_, p: string) => values[p] ?? 'x');
  /** Well-formed ids that name nothing (for tenant routes, of the right kind). */
  const missing = (op: Operation): Record<string, string> => {
    const own = targetOf(op, 'a');
    return Object.fromEntries(op.params.map((p) => [p, own?.[p] !== undefined && p === op.params[0] ? missingLike(own[p]) : p === 'key' ? 'owner' : 'x-0123456789abcdef0']));
  };

  it('answers every seeded mutation of every operation without a 5xx, in the error shape, within 2 s', async () => {
    const seed = fc.readConfigureGlobal().seed as number;
    const mrng = fc.sample(fc.integer(), { seed, numRuns: 1 })[0];
    let n = mrng;
    const rnd = <T>(arb: fc.Arbitrary<T>): T => fc.sample(arb, { seed: n++, numRuns: 1 })[0];
    const callers: [string, string | undefined][] = [
      ['anonymous', undefined],
      ['tenant', c.key],
      ['tenant A', a.key],
      ['admin', ADMIN_KEY],
    ];
    const run = async (op: Operation, label: string, who: string, key: string | undefined, path: string, body?: RawBody) => {
      const headers = { ...auth(key), ...(body && body.type !== '' ? { 'content-type': body.type } : {}) };
      const answer = await send(port, op.method, path, headers, body?.bytes);
      sent.push({ op: `${op.method} ${op.path}`, label, who, sentBody: body ? body.bytes.toString().slice(0, 60) : undefined, answer });
    };
    for (const op of ops) {
      const isAdmin = op.path.startsWith('/v1/admin') || op.path === '/metrics';
      const withBody = op.method !== 'GET' && op.method !== 'DELETE';
      // Reads target real resources (the caller's own); writes only ids that name nothing, so that a
      // mutation the API accepts cannot change what the final comparison looks at.
      const ownIds = op.method === 'GET' ? (targetOf(op, 'a') ?? missing(op)) : missing(op);
      const jobs: (() => Promise<void>)[] = [];
      for (const [who, key] of callers) {
        // Anonymous and tenant callers of admin routes stop at the guard; fewer of those suffice.
        const full = who === (isAdmin ? 'admin' : 'tenant A') || who === 'tenant';
        const path = fill(op, who === 'tenant A' ? ownIds : missing(op));
        jobs.push(() => run(op, 'plain', who, key, path, withBody ? { label: 'empty', type: JSON_TYPE, bytes: '{}' } : undefined));
        for (let i = 0; i < (full ? 3 : 1); i++) {
          const q = rnd(junkQuery(op.queryParams));
          jobs.push(() => run(op, `query ${q.slice(0, 40)}`, who, key, `${path}?${q}`, withBody ? { label: 'empty', type: JSON_TYPE, bytes: '{}' } : undefined));
        }
        for (const p of op.params) {
          for (const seg of full ? [...JUNK_SEGMENTS, rnd(junkSegment)] : [rnd(junkSegment)]) {
            const junkPath = fill(op, { ...(who === 'tenant A' ? ownIds : missing(op)), [p]: seg });
            jobs.push(() => run(op, `path ${p}=${seg.slice(0, 20)}`, who, key, junkPath));
          }
        }
        if (withBody) {
          const bodies = bodyMutations(op.bodyFields, op.example, rnd);
          for (const body of full ? bodies : bodies.filter((_, i) => i % 4 === 0)) jobs.push(() => run(op, body.label, who, key, path, body));
          if (full) jobs.push(() => run(op, FIVE_MB.label, who, key, path, FIVE_MB));
        } else {
          // A body where none is expected.
          jobs.push(() => run(op, 'unexpected body', who, key, path, { label: 'unexpected body', type: JSON_TYPE, bytes: deep(20_000) }));
        }
      }
      // A few at a time, as a client with a small pool would.
      for (let i = 0; i < jobs.length; i += 4) await Promise.all(jobs.slice(i, i + 4).map((j) => j()));
    }

    const byClass: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    for (const s of sent) {
      byClass[`${Math.floor(s.answer.status / 100)}xx`] = (byClass[`${Math.floor(s.answer.status / 100)}xx`] ?? 0) + 1;
      byStatus[s.answer.status] = (byStatus[s.answer.status] ?? 0) + 1;
    }
    const perOp = new Map<string, number>();
    for (const s of sent) perOp.set(s.op, (perOp.get(s.op) ?? 0) + 1);
    const counts = [...perOp.values()];
    const slowest = sent.reduce((m, s) => (s.answer.ms > m.answer.ms ? s : m), sent[0]);
    process.stdout.write(
      `\nattack suite (FC_SEED=${seed}): ${sent.length} requests across ${perOp.size} operations ` +
        `(${Math.min(...counts)}–${Math.max(...counts)} each); by class ${JSON.stringify(byClass)}; by status ${JSON.stringify(byStatus)}; ` +
        `slowest ${slowest.answer.ms.toFixed(0)} ms (${slowest.op} ${slowest.label} as ${slowest.who})\n`,
    );

    const accepted = sent.filter((s) => s.answer.status < 300 && !s.op.startsWith('GET'));
    const label = (s: Sent) => `${s.op} [${s.label.slice(0, 40)}${s.sentBody ? ` ${s.sentBody}` : ''}] as ${s.who} → ${s.answer.status}`;
    process.stdout.write(`attack suite: writes accepted (${accepted.length}): ${accepted.map(label).join('; ') || 'none'}\n`);
    const throttled = sent.filter((s) => s.answer.status === 429);
    if (throttled.length > 0) process.stdout.write(`attack suite: throttled (${throttled.length}): ${throttled.slice(0, 5).map(label).join('; ')}\n`);
    const describeSent = (s: Sent) => `${s.op} [${s.label}] as ${s.who}: ${s.answer.status} ${JSON.stringify(s.answer.body)?.slice(0, 200)}`;
    expect(sent.filter((s) => s.answer.status >= 500).map(describeSent)).toEqual([]);
    expect(sent.filter((s) => s.answer.status >= 400 && !isErrorShape(s.answer.body)).map(describeSent)).toEqual([]);
    expect(sent.filter((s) => s.answer.ms > SLOW_MS).map((s) => `${describeSent(s)} in ${s.answer.ms.toFixed(0)} ms`)).toEqual([]);
    expect(perOp.size).toBe(ops.length);
  });

  it('object-level authorization: B\'s resource with A\'s key answers exactly as a missing one, on every route that takes an id or a name', async () => {
    const checked: string[] = [];
    const mismatches: string[] = [];
    // Bodies that would pass validation, so that the lookup is what answers.
    const validBody = (op: Operation): string | undefined => {
      if (op.method === 'GET' || op.method === 'DELETE') return undefined;
      if (op.path.endsWith('/tags')) return JSON.stringify({ tags: { owner: 'mallory' } });
      if (op.path.endsWith('/workload')) return JSON.stringify({ cpu: { model: 'constant', cores: 1 } });
      if (op.path.endsWith('/attach')) return JSON.stringify({ instanceId: resources.a.instance });
      return '{}';
    };
    for (const op of ops.filter((o) => o.params.length > 0 && !o.path.startsWith('/v1/admin'))) {
      const foreign = targetOf(op, 'b');
      if (!foreign) continue;
      const absent = { ...foreign, [op.params[0]]: missingLike(foreign[op.params[0]]) };
      const body = validBody(op);
      const headers = { ...auth(a.key), ...(body !== undefined ? { 'content-type': JSON_TYPE } : {}) };
      const fa = await send(port, op.method, fill(op, foreign), headers, body);
      const code = (x: Answer) => (x.body as { error?: { code?: string } })?.error?.code;
      const ma = await send(port, op.method, fill(op, absent), headers, body);
      checked.push(`${op.method} ${op.path} → ${fa.status} ${code(fa)}`);
      if (fa.status !== ma.status || code(fa) !== code(ma) || !isErrorShape(fa.body))
        mismatches.push(`${op.method} ${op.path}: B's ${fa.status} ${code(fa)} vs missing ${ma.status} ${code(ma)}`);
    }
    // A reference to B's resource in a body: A's volume attached to B's instance.
    if (resources.a.volume && resources.b.instance) {
      const attach = (instanceId: string) =>
        send(port, 'POST', `/v1/volumes/${resources.a.volume}/attach`, { ...auth(a.key), 'content-type': JSON_TYPE }, JSON.stringify({ instanceId }));
      const fa = await attach(resources.b.instance);
      const ma = await attach(missingLike(resources.b.instance));
      const code = (x: Answer) => (x.body as { error?: { code?: string } })?.error?.code;
      checked.push(`POST /v1/volumes/{A's}/attach {instanceId: B's} → ${fa.status} ${code(fa)}`);
      if (fa.status !== ma.status || code(fa) !== code(ma) || !isErrorShape(fa.body)) mismatches.push(`attach to B's instance: ${fa.status} ${code(fa)} vs missing ${ma.status} ${code(ma)}`);
    }
    process.stdout.write(`attack suite: object-level authorization checked on ${checked.length} routes: ${checked.join('; ')}\n`);
    expect(mismatches).toEqual([]);
    expect(checked.length).toBeGreaterThan(10);
  });

  it('afterwards the server is ready and tenant A\'s and B\'s resources are unchanged', async () => {
    expect((await send(port, 'GET', '/health/ready', {})).status).toBe(200);
    const after = await snapshot();
    const created = Object.keys(after).filter((k) => !(k in before));
    process.stdout.write(`attack suite: resources created by accepted mutations: ${created.length ? created.join(', ') : 'none'}\n`);
    expect(created.filter((k) => k.startsWith('b '))).toEqual([]);
    expect(Object.fromEntries(Object.keys(before).map((k) => [k, after[k]]))).toEqual(before);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
