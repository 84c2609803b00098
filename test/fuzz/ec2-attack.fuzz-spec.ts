import http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { Ec2ActionSource } from '../../apps/api/src/http/ec2/ec2-action-source';
import { EC2_ACTION_SOURCES } from '../../apps/api/src/http/ec2/actions';
import { ec2Tenant, Ec2Tenant } from '../ec2/ec2-support';
import { LINUX_AMI, startApp, TestApp } from '../support/app';

/**
 * The attack suite's second half (issue 14, item 6): every EC2 action the Query adapter registers
 * gets seeded bad input through correctly signed requests — wrong types, huge/negative/fractional
 * numbers, 100 KB strings, NUL and invalid UTF-8 (percent-encoded and raw), unknown parameters,
 * malformed list indexes (`InstanceId.0`, `InstanceId.99999999`, `Filter.1.Value.x`), bad ids of
 * every prefix (and another tenant's real ones), a 5 MB body, wrong content types, GET and POST —
 * and unsigned or badly signed requests. Nothing may answer ≥ 500, every 4xx is EC2's error
 * document (`<Response><Errors><Error><Code>`), nothing takes over 2 s, the server stays ready and
 * the tenants' resources do not change.
 *
 * Seeded from FC_SEED (test/support/fast-check-setup.ts): replay with `FC_SEED=<n> npm run test:fuzz`.
 */

const SLOW_MS = 2000;
const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const VERSION = '2016-11-15';
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const xml = new XMLParser({ parseTagValue: false });

interface Answer {
  status: number;
  text: string;
  ms: number;
}
interface Sent {
  action: string;
  label: string;
  answer: Answer;
}
type Pairs = [string, string][];

function send(port: number, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', (err) => resolve({ status: 0, text: `connection error: ${err.message}`, ms: performance.now() - started }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path.slice(0, 100)}: no answer in 10 s`)));
    // A connection the server drops is an answer too (status 0), reported with the others.
    req.on('error', (err) => resolve({ status: 0, text: `connection error: ${err.message}`, ms: performance.now() - started }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** `k=v&…` as a form or query string (RFC 3986: what the SDKs send, and what SigV4 canonicalises). */
const encodeWellFormed = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** A lone surrogate (no UTF-8 for it) goes out as the bytes CESU-8 would use: invalid UTF-8, percent-encoded. */
const encode = (s: string) =>
  s
    .split(/([\ud800-\udfff])/)
    .map((part) => (part.length === 1 && /[\ud800-\udfff]/.test(part) ? `%ED%${(0xa0 + ((part.charCodeAt(0) >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 + (part.charCodeAt(0) & 0x3f)).toString(16).toUpperCase()}` : encodeWellFormed(part)))
    .join('');
const formOf = (pairs: Pairs): string => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');

/** Headers with one replaced, whatever the case of its name. */
const withHeader = (headers: Record<string, string>, name: string, value: string): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name)),
  [name]: value,
});

/** EC2's error document, with a code. */
const errorCode = (text: string): string | undefined => {
  try {
    const code = (xml.parse(text) as { Response?: { Errors?: { Error?: { Code?: unknown } } } }).Response?.Errors?.Error?.Code;
    return typeof code === 'string' && code.length > 0 ? code : undefined;
  } catch {
    return undefined;
  }
};

/** Well-formed ids that name nothing, of every prefix the adapter knows. */
const PREFIXES = ['i', 'vol', 'ami', 'snap', 'vpc', 'subnet', 'sg', 'sgr', 'eni', 'eni-attach', 'h', 'pg', 'key', 'r', 'igw', 'rtb', 'acl', 'lt', 'x'];
const missingIds = PREFIXES.map((p) => `${p}-0123456789abcdef0`);
/** Malformed ids: wrong length, case, characters, an empty or absurd one. */
const badIds = ['i-', 'i-0', 'i-0123456789ABCDEF0', 'i-0123456789abcdef', 'i-0123456789abcdef00', 'i-zzzzzzzzzzzzzzzzz', 'i-' + 'f'.repeat(400), 'I-0123456789abcdef0', 'vol_0123', '-', 'ami-../../etc', 'sg-%00'];

/** Values of the wrong type, or a right type at its limits. */
const BAD_VALUES = ['', ' ', 'abc', '-1', '0', '1.5', '-0.5', '1e309', '1e-300', '99999999999999999999', String(2 ** 53 + 1), 'NaN', 'Infinity', 'true', 'null', '[]', '{}',
  'x'.repeat(100 * 1024), '\u0000', 'a\u0000b', '\ud800', '\ufffd', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '%00', '\u202e', '2026-13-45T99:99:99Z', '10.0.0.0/99', '0.0.0.0/0'];
const badValue: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...BAD_VALUES), fc.string({ maxLength: 30 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map(String), fc.double().map(String));

/** Malformed list and structure members of a parameter. */
const shapes = (p: string): Pairs[] => [
  [[`${p}.0`, 'x']],
  [[`${p}.99999999`, 'x']],
  [[`${p}.-1`, 'x']],
  [[`${p}.x`, 'x']],
  [[`${p}.1.5`, 'x']],
  [[`${p}.1.Value.x`, 'x']],
  [[`${p}.1.Name`, 'x'], [`${p}.1.Value.99999999`, 'x']],
  [[`${p}.`, 'x']],
  [[`${p}..1`, 'x']],
  [[`${p}.1`, 'a'], [`${p}.1.Key`, 'b']],
  [[p, 'x'], [`${p}.1`, 'y']],
  [[`${p}.1e3`, 'x']],
  [[`${p}.0x1`, 'x']],
];

/** A base of valid parameters for the actions whose checks only a valid request reaches: one field is then made wrong. */
const BASE: Record<string, Pairs> = {
  RunInstances: [['ImageId', LINUX_AMI], ['InstanceType', 'm5.large'], ['MinCount', '1'], ['MaxCount', '1'], ['Placement.AvailabilityZone', 'us-east-1a']],
  CreateVolume: [['AvailabilityZone', 'us-east-1a'], ['Size', '8'], ['VolumeType', 'gp3']],
  CreateVpc: [['CidrBlock', '10.9.0.0/16']],
  CreatePlacementGroup: [['GroupName', 'pg-fuzz'], ['Strategy', 'spread']],
  CreateKeyPair: [['KeyName', 'fuzz-key']],
  CreateSecurityGroup: [['GroupName', 'fuzz-sg'], ['GroupDescription', 'fuzz']],
  DescribeInstances: [['MaxResults', '5']],
  ModifyVolume: [['VolumeId', 'vol-0123456789abcdef0'], ['Size', '100']],
};

describe('attack suite: every EC2 action of the Query adapter', () => {
  let t: TestApp;
  let port: number;
  let a: Ec2Tenant;
  let b: Ec2Tenant;
  let actions: Map<string, readonly string[]>;
  const bIds: string[] = [];
  const aIds: string[] = [];
  const sent: Sent[] = [];
  let before: Record<string, string>;

  const signerOf = (who: Pick<Ec2Tenant, 'accessKeyId' | 'secretAccessKey'>, region = 'us-east-1', service = 'ec2') =>
    new SignatureV4({ credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey }, region, service, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false });

  /**
   * A request signed as `who` (SigV4 in the Authorization header): POST with the parameters as a
   * form body (or raw `bytes`, signed over the text the server will read), or GET with them in the
   * query string.
   */
  const signed = async (
    who: Pick<Ec2Tenant, 'accessKeyId' | 'secretAccessKey'>,
    opts: { method?: 'GET' | 'POST'; pairs?: Pairs; bytes?: Buffer; contentType?: string; signer?: SignatureV4; signingDate?: Date; extraHeaders?: Record<string, string> },
  ): Promise<{ method: string; path: string; headers: Record<string, string>; body?: Buffer | string }> => {
    const method = opts.method ?? 'POST';
    const host = `127.0.0.1:${port}`;
    const signer = opts.signer ?? signerOf(who);
    if (method === 'GET') {
      const query: Record<string, string> = {};
      for (const [k, v] of opts.pairs ?? []) query[k] = v;
      const req = await signer.sign(new HttpRequest({ method, protocol: 'http:', hostname: '127.0.0.1', port, path: '/', query, headers: { host, ...(opts.extraHeaders ?? {}) } }), { signingDate: opts.signingDate });
      return { method, path: `/?${formOf(Object.entries(query))}`, headers: req.headers as Record<string, string> };
    }
    const body = opts.bytes ?? Buffer.from(formOf(opts.pairs ?? []));
    const headers = { host, 'content-type': opts.contentType ?? FORM, ...(opts.extraHeaders ?? {}) };
    const req = await signer.sign(new HttpRequest({ method, protocol: 'http:', hostname: '127.0.0.1', port, path: '/', headers, body: body.toString('utf8') }), { signingDate: opts.signingDate });
    return { method, path: '/', headers: req.headers as Record<string, string>, body };
  };

  const call = async (who: Ec2Tenant, action: string, pairs: Pairs): Promise<Answer> => {
    const r = await signed(who, { pairs: [['Action', action], ['Version', VERSION], ...pairs] });
    return send(port, r.method, r.path, r.headers, r.body);
  };

  /** Each Describe action's answer to B (all of B's resources, as EC2 describes them), its request id removed. */
  const snapshot = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const action of [...actions.keys()].filter((n) => n.startsWith('Describe'))) {
      const res = await call(b, action, []);
      out[action] = `${res.status} ${res.text.replace(/<requestId>[^<]*<\/requestId>|<RequestID>[^<]*<\/RequestID>/, '')}`;
    }
    for (const path of ['/v1/instances', '/v1/volumes', '/v1/placement-groups', '/v1/dedicated-hosts', '/v1/quotas']) {
      const res = await t.as(b.key).get(path);
      out[`REST ${path}`] = `${res.status} ${JSON.stringify(res.body)}`;
    }
    const tenantA = await t.admin().get(`/v1/admin/tenants/${a.tenantId}`);
    out['tenant A'] = JSON.stringify(tenantA.body);
    return out;
  };

  beforeAll(async () => {
    t = await startApp();
    port = (t.app.getHttpServer().address() as { port: number }).port;
    // Enough hosts that the mutations the API accepts (AllocateHosts, RunInstances) never run the fleet out of capacity.
    await t.hosts('m5-host', 'us-east-1a', 24);
    a = await ec2Tenant(t, 'alpha');
    b = await ec2Tenant(t, 'bravo');
    actions = new Map();
    for (const source of EC2_ACTION_SOURCES) for (const [name, action] of Object.entries(t.app.get<Ec2ActionSource>(source, { strict: false }).actions)) actions.set(name, action.params);
    // Real resources of every kind, for both: B's are the ids A attacks; A's are read by A's Describe mutations.
    for (const [who, ids] of [[a, aIds], [b, bIds]] as const) {
      const grab = async (action: string, pairs: Pairs, re: RegExp) => {
        const res = await call(who, action, pairs);
        expect({ action, status: res.status }).toEqual({ action, status: 200 });
        const id = re.exec(res.text)?.[1];
        if (id) ids.push(id);
        return id;
      };
      const vpc = await grab('CreateVpc', [['CidrBlock', '10.1.0.0/16']], /<vpcId>([^<]+)</);
      const subnet = await grab('CreateSubnet', [['VpcId', vpc!], ['CidrBlock', '10.1.1.0/24'], ['AvailabilityZone', 'us-east-1a']], /<subnetId>([^<]+)</);
      await grab('CreateSecurityGroup', [['GroupName', 'web'], ['GroupDescription', 'web'], ['VpcId', vpc!]], /<groupId>([^<]+)</);
      await grab('CreateKeyPair', [['KeyName', 'main']], /<keyPairId>([^<]+)</);
      const instance = await grab('RunInstances', [['ImageId', LINUX_AMI], ['InstanceType', 'm5.large'], ['MinCount', '1'], ['MaxCount', '1'], ['SubnetId', subnet!], ['TagSpecification.1.ResourceType', 'instance'], ['TagSpecification.1.Tag.1.Key', 'owner'], ['TagSpecification.1.Tag.1.Value', 'x']], /<instanceId>([^<]+)</);
      await grab('CreateNetworkInterface', [['SubnetId', subnet!]], /<networkInterfaceId>([^<]+)</);
      const volume = await grab('CreateVolume', [['AvailabilityZone', 'us-east-1a'], ['Size', '8'], ['VolumeType', 'gp3']], /<volumeId>([^<]+)</);
      await t.advance(120);
      await grab('CreateSnapshot', [['VolumeId', volume!]], /<snapshotId>([^<]+)</);
      await grab('CreatePlacementGroup', [['GroupName', 'pg-main'], ['Strategy', 'spread']], /<groupId>([^<]+)</);
      await grab('AllocateHosts', [['AvailabilityZone', 'us-east-1a'], ['InstanceType', 'm5.large'], ['Quantity', '1']], /<item>([^<]+)</);
      await grab('CreateImage', [['InstanceId', instance!], ['Name', 'img-main']], /<imageId>([^<]+)</);
      ids.push('pg-main', 'main', 'web');
    }
    await t.advance(120);
    before = await snapshot();
  }, 120_000);
  afterAll(async () => {
    agent.destroy();
    await t?.close();
  });

  it('answers every seeded mutation of every action without a 5xx, in EC2\'s error document, within 2 s', async () => {
    // (A few thousand signed requests: a minute or two on a shared machine.)
    const seed = fc.readConfigureGlobal().seed as number;
    let n = fc.sample(fc.integer(), { seed, numRuns: 1 })[0];
    const rnd = <T>(arb: fc.Arbitrary<T>): T => fc.sample(arb, { seed: n++, numRuns: 1 })[0];
    const pick = <T>(list: readonly T[]): T => list[rnd(fc.nat({ max: list.length - 1 }))];
    const jobs: (() => Promise<void>)[] = [];
    const record = (action: string, label: string) => async (r: { method: string; path: string; headers: Record<string, string>; body?: Buffer | string }): Promise<void> => {
      sent.push({ action, label, answer: await send(port, r.method, r.path, r.headers, r.body) });
    };
    const mutate = (action: string, label: string, pairs: Pairs, opts: Parameters<typeof signed>[1] = {}) =>
      jobs.push(async () => record(action, label)(await signed(a, { ...opts, pairs: [['Action', action], ['Version', VERSION], ...pairs] })));

    for (const [action, params] of actions) {
      const base = BASE[action] ?? [];
      const reads = action.startsWith('Describe') || action.startsWith('Get');
      // Writes name only ids that name nothing or are B's; reads may name A's own too.
      const ids = [...missingIds, ...badIds, ...bIds, ...(reads ? aIds : [])];
      mutate(action, 'plain', []);
      mutate(action, 'base', base);
      mutate(action, 'base, GET', base, { method: 'GET' });
      mutate(action, 'unknown parameter', [...base, ['NoSuchParameter', '1']]);
      mutate(action, 'unknown parameter, lowercase', [...base, [params[0]?.toLowerCase() ?? 'x', '1']]);
      mutate(action, 'DryRun', [...base, ['DryRun', 'true']]);
      mutate(action, 'DryRun wrong type', [...base, ['DryRun', pick(BAD_VALUES)]]);
      mutate(action, 'Action twice', [...base, ['Action', 'DescribeRegions']]);
      for (const p of params) {
        for (let i = 0; i < 2; i++) {
          const v = rnd(badValue);
          mutate(action, `${p}=${JSON.stringify(v.slice(0, 20))}`, [...base.filter(([k]) => k !== p), [p, v]]);
          const w = rnd(badValue);
          mutate(action, `${p}.1=${JSON.stringify(w.slice(0, 20))}`, [...base, [`${p}.1`, w]]);
        }
        mutate(action, `${p}.1.x=bad`, [...base, [`${p}.1.${pick(['Name', 'Key', 'Value', 'Value.1', 'Ebs.VolumeSize', 'DeviceName', 'AvailabilityZone'])}`, rnd(badValue)]]);
        for (const shape of shapes(p)) mutate(action, `shape ${shape.map(([k]) => k).join('&')}`, [...base, ...shape]);
        if (/Id$|Name$|^ResourceId$/.test(p)) {
          for (let i = 0; i < 3; i++) {
            const id = pick(ids);
            mutate(action, `${p}=${id.slice(0, 30)}`, [...base.filter(([k]) => k !== p), [p, id]]);
            mutate(action, `${p}.1=${id.slice(0, 30)}`, [...base, [`${p}.1`, id]]);
          }
          if (p === params.find((x) => /Id$/.test(x))) mutate(action, `${p}.1..1000`, [...base, ...Array.from({ length: 1000 }, (_, i): [string, string] => [`${p}.${i + 1}`, pick(missingIds)])]);
        }
      }
      // Filters, paging, and the numbers every Describe takes.
      if (params.includes('Filter')) {
        mutate(action, 'Filter without Name', [...base, ['Filter.1.Value.1', 'x']]);
        mutate(action, 'Filter, unknown name', [...base, ['Filter.1.Name', rnd(badValue)], ['Filter.1.Value.1', 'x']]);
        mutate(action, 'Filter, 1000 values', [...base, ['Filter.1.Name', 'tag:owner'], ...Array.from({ length: 1000 }, (_, i): [string, string] => [`Filter.1.Value.${i + 1}`, '*?*' + i])]);
        mutate(action, 'Filter, wildcard bomb', [...base, ['Filter.1.Name', 'tag:owner'], ['Filter.1.Value.1', '*'.repeat(5000) + 'x']]);
      }
      for (const p of ['MaxResults', 'NextToken'].filter((x) => params.includes(x)))
        for (const v of ['-1', '0', '1.5', '1e309', '99999999999999999999', 'abc', 'x'.repeat(5000), '', rnd(badValue)]) mutate(action, `${p}=${v.slice(0, 20)}`, [...base, [p, v]]);
      // Bytes and transport.
      mutate(action, 'invalid UTF-8, percent-encoded', [], { bytes: Buffer.from(`Action=${action}&Version=${VERSION}&${params[0] ?? 'X'}=%C3%28%FF%FE%ED%A0%80`) });
      mutate(action, 'invalid UTF-8, raw', [], { bytes: Buffer.concat([Buffer.from(`Action=${action}&Version=${VERSION}&${params[0] ?? 'X'}=`), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80])]) });
      mutate(action, 'NUL, percent-encoded', [], { bytes: Buffer.from(`Action=${action}&Version=${VERSION}&${params[0] ?? 'X'}=a%00b`) });
      mutate(action, 'malformed percent-encoding', [], { bytes: Buffer.from(`Action=${action}&Version=${VERSION}&${params[0] ?? 'X'}=%ZZ%&%=&&=`) });
      mutate(action, 'JSON content type', [], { bytes: Buffer.from(JSON.stringify({ Action: action, Version: VERSION })), contentType: 'application/json' });
      mutate(action, 'text/plain', [], { bytes: Buffer.from(`Action=${action}&Version=${VERSION}`), contentType: 'text/plain' });
      mutate(action, 'multipart', [], { bytes: Buffer.from('--x\r\nContent-Disposition: form-data; name="Action"\r\n\r\nDescribeRegions\r\n--x--'), contentType: 'multipart/form-data; boundary=x' });
      mutate(action, 'xml', [], { bytes: Buffer.from('<Action>x</Action>'), contentType: 'application/xml' });
      mutate(action, '5 MB body', [], { bytes: Buffer.from(`Action=${action}&Version=${VERSION}&${params[0] ?? 'X'}=${'x'.repeat(5 * 1024 * 1024)}`) });
      mutate(action, 'wrong version', [['Version', '2012-01-01']]);
      // Unsigned and badly signed.
      const pairs: Pairs = [['Action', action], ['Version', VERSION], ...base];
      jobs.push(() => record(action, 'unsigned POST')({ method: 'POST', path: '/', headers: { 'content-type': FORM }, body: formOf(pairs) }));
      jobs.push(() => record(action, 'unsigned GET')({ method: 'GET', path: `/?${formOf(pairs)}`, headers: {} }));
      jobs.push(async () => record(action, 'wrong secret')(await signed({ accessKeyId: a.accessKeyId, secretAccessKey: b.secretAccessKey }, { pairs })));
      jobs.push(async () => record(action, 'unknown key')(await signed({ accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: a.secretAccessKey }, { pairs })));
      jobs.push(async () => record(action, 'malformed key id')(await signed({ accessKeyId: 'x'.repeat(500) + '/%00', secretAccessKey: a.secretAccessKey }, { pairs })));
      jobs.push(async () => record(action, 'wrong region')(await signed(a, { pairs, signer: signerOf(a, 'eu-west-1') })));
      jobs.push(async () => record(action, 'wrong service')(await signed(a, { pairs, signer: signerOf(a, 'us-east-1', 's3') })));
      jobs.push(async () => record(action, 'signed an hour ago')(await signed(a, { pairs, signingDate: new Date(Date.now() - 3_600_000) })));
      jobs.push(async () => record(action, 'signed in 10000 AD')(await signed(a, { pairs, signingDate: new Date(Date.UTC(9999, 11, 31)) })));
      jobs.push(async () => record(action, 'security token')(await signed(a, { pairs, extraHeaders: { 'x-amz-security-token': 'x' } })));
      jobs.push(async () => {
        const r = await signed(a, { pairs });
        const auth = Object.entries(r.headers).find(([k]) => k.toLowerCase() === 'authorization')![1];
        for (const [label, value] of [
          ['signature altered', auth.replace(/Signature=([0-9a-f])/, (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`)],
          ['no SignedHeaders', auth.replace(/SignedHeaders=[^,]+,\s*/, '')],
          ['SignedHeaders without host', auth.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-date')],
          ['SignedHeaders naming an absent header', auth.replace(/SignedHeaders=([^,]+)/, 'SignedHeaders=$1;x-absent')],
          ['Credential malformed', auth.replace(/Credential=[^,]+/, 'Credential=%ZZ//x')],
          ['Credential date 99999999', auth.replace(/Credential=([^/]+)\/\d{8}/, 'Credential=$1/99999999')],
          ['Signature long', auth.replace(/Signature=[0-9a-f]+/, 'Signature=' + 'f'.repeat(12_000))],
          // Past Node's 16 KiB limit on headers: 431, in EC2's document, and the connection closed.
          ['Signature huge', auth.replace(/Signature=[0-9a-f]+/, 'Signature=' + 'f'.repeat(100_000))],
          ['Authorization: Bearer', `Bearer ${a.key}`],
          ['Authorization: garbage', 'AWS4-HMAC-SHA256 ,,,==,='],
          ['Authorization: other algorithm', auth.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1')],
        ] as const)
          await record(action, label)({ ...r, headers: withHeader(r.headers, 'authorization', value) });
        await record(action, 'x-amz-date malformed')({ ...r, headers: withHeader(r.headers, 'x-amz-date', '2026-13-45T99:99:99Z') });
      });
      jobs.push(() => {
        const q = (extra: Record<string, string>) => `/?${formOf([...pairs, ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['X-Amz-Credential', `${a.accessKeyId}/20260101/us-east-1/ec2/aws4_request`], ['X-Amz-Date', '20260101T000000Z'], ['X-Amz-SignedHeaders', 'host'], ['X-Amz-Signature', '0'.repeat(64)], ['X-Amz-Expires', '300'], ...Object.entries(extra)])}`;
        return Promise.all([
          record(action, 'presigned, expired')({ method: 'GET', path: q({}), headers: {} }),
          record(action, 'presigned, Expires absurd')({ method: 'GET', path: q({ 'X-Amz-Expires': '99999999999' }), headers: {} }),
          record(action, 'presigned, Expires negative')({ method: 'GET', path: q({ 'X-Amz-Expires': '-1' }), headers: {} }),
          record(action, 'presigned, other algorithm')({ method: 'GET', path: q({ 'X-Amz-Algorithm': 'x' }), headers: {} }),
        ]).then(() => undefined);
      });
    }
    // The protocol itself: no action, an unknown one, odd paths and methods on `/`.
    mutate('(none)', 'no Action', []);
    mutate('(none)', 'unknown Action', [['Action', 'DescribeEverything']]);
    mutate('(none)', 'Action huge', [['Action', 'x'.repeat(100_000)]]);
    mutate('(none)', 'Action with NUL', [['Action', 'Describe\u0000Regions']]);
    jobs.push(() => record('(none)', 'path /%ZZ')({ method: 'GET', path: '/?%ZZ=1&Action=DescribeRegions', headers: {} }));
    jobs.push(() => record('(none)', 'PUT /')({ method: 'PUT', path: '/', headers: { 'content-type': FORM }, body: 'Action=DescribeRegions' }));
    jobs.push(() => record('(none)', 'DELETE /')({ method: 'DELETE', path: '/?Action=DescribeRegions', headers: {} }));

    for (let i = 0; i < jobs.length; i += 4) await Promise.all(jobs.slice(i, i + 4).map((j) => j()));

    const byStatus: Record<string, number> = {};
    const perAction = new Map<string, number>();
    const byCode: Record<string, number> = {};
    for (const s of sent) {
      byStatus[s.answer.status] = (byStatus[s.answer.status] ?? 0) + 1;
      perAction.set(s.action, (perAction.get(s.action) ?? 0) + 1);
      const code = s.answer.status >= 400 ? errorCode(s.answer.text) : undefined;
      if (code) byCode[code] = (byCode[code] ?? 0) + 1;
    }
    const counts = [...perAction.entries()].filter(([k]) => k !== '(none)').map(([, c]) => c);
    const slowest = sent.reduce((m, s) => (s.answer.ms > m.answer.ms ? s : m), sent[0]);
    process.stdout.write(
      `\nEC2 attack suite (FC_SEED=${seed}): ${sent.length} requests across ${perAction.size - 1} actions (${Math.min(...counts)}–${Math.max(...counts)} each); ` +
        `by status ${JSON.stringify(byStatus)}; slowest ${slowest.answer.ms.toFixed(0)} ms (${slowest.action} ${slowest.label})\n` +
        `EC2 attack suite: requests per action ${JSON.stringify(Object.fromEntries(perAction))}\n` +
        `EC2 attack suite: error codes ${JSON.stringify(byCode)}\n`,
    );
    const accepted = sent.filter((s) => s.answer.status < 300);
    process.stdout.write(`EC2 attack suite: accepted (${accepted.length}): ${accepted.map((s) => `${s.action} [${s.label.slice(0, 40)}]`).join('; ')}\n`);

    const describe = (s: Sent) => `${s.action} [${s.label}]: ${s.answer.status} ${s.answer.text.slice(0, 300)}`;
    expect(sent.filter((s) => s.answer.status >= 500 || s.answer.status === 0).map(describe)).toEqual([]);
    expect(sent.filter((s) => s.answer.status >= 400 && !errorCode(s.answer.text)).map(describe)).toEqual([]);
    expect(sent.filter((s) => s.answer.status < 300 && !/^<\?xml[^>]*>\s*<\w+Response xmlns=/.test(s.answer.text)).map(describe)).toEqual([]);
    expect(sent.filter((s) => s.answer.ms > SLOW_MS).map((s) => `${describe(s)} in ${s.answer.ms.toFixed(0)} ms`)).toEqual([]);
    expect([...perAction.keys()].filter((k) => k !== '(none)').sort()).toEqual([...actions.keys()].sort());
  }, 600_000);

  it('afterwards the server is ready, B\'s resources and A\'s tenant are unchanged', async () => {
    expect((await send(port, 'GET', '/health/ready', {})).status).toBe(200);
    const after = await snapshot();
    for (const k of Object.keys(before)) expect({ k, v: after[k] }).toEqual({ k, v: before[k] });
    // A's resources that existed before the run are all still there, as they were.
    const described = await call(a, 'DescribeInstances', [['InstanceId.1', aIds.find((x) => x.startsWith('i-'))!]]);
    expect(described.text).toContain('<name>running</name>');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
