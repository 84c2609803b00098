import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { DomainError, findHostType, findInstanceType, HOST_TYPES, INSTANCE_TYPES, isWindowsPlatform, MS_PER_HOUR, MS_PER_SECOND, resolveVolume } from '@nimbus/hypervisor';
import { Scenario } from './scenario';
import { SCENARIO_SCHEMA } from './scenario.schema';
import { imageFor, ioVolumeRequest, parseStart } from './scenario.defaults';
import { CLOUDSIM_INTERVAL_SECONDS } from '../cloudsim/cloudsim-scenario';

/** What is wrong with a scenario: where (a JSON pointer, RFC 6901) and what. */
export interface ScenarioError {
  readonly path: string;
  readonly message: string;
}

export type ScenarioValidation = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

export function formatScenarioError(e: ScenarioError): string {
  return `${e.path || '/'}: ${e.message}`;
}

let compiled: ValidateFunction | undefined;

/** Ajv (JSON Schema draft-07), compiled once: all errors, tagged unions by discriminator, no logging. */
function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, strictRequired: false, verbose: true, logger: false });
    ajv.addKeyword({ keyword: 'x-message', schemaType: 'string' });
    compiled = ajv.compile(SCENARIO_SCHEMA);
  }
  return compiled;
}

const pointer = (...parts: (string | number)[]): string => parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/**
 * Checks a scenario document: first its shape (the JSON Schema), then what the schema cannot say
 * (names that must exist in the catalog or the document, zones given twice, times that must fall
 * on bucket boundaries). Every error names the path of the bad field. Returns a copy of the
 * document, typed, when it is valid.
 */
export function validateScenario(doc: unknown): ScenarioValidation {
  const validate = schemaValidator();
  if (!validate(doc)) return { ok: false, errors: schemaErrors(validate.errors ?? []) };
  const scenario = JSON.parse(JSON.stringify(doc)) as Scenario;
  const errors = semanticErrors(scenario);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, scenario };
}

function schemaErrors(raw: readonly ErrorObject[]): ScenarioError[] {
  // An untagged anyOf that failed says it once, in its own words; its branches' errors are noise.
  const anyOfs = raw.filter((e) => e.keyword === 'anyOf');
  const out: ScenarioError[] = [];
  const seen = new Set<string>();
  for (const e of raw) {
    if (e.keyword !== 'anyOf' && anyOfs.some((a) => e.schemaPath.startsWith(`${a.schemaPath}/`) && e.instancePath.startsWith(a.instancePath))) continue;
    // A discriminator's branch errors are kept; its own "oneOf" summary is not (the branch says what is wrong).
    if (e.keyword === 'oneOf' && e.parentSchema && 'discriminator' in e.parentSchema) continue;
    const error = toScenarioError(e);
    const key = formatScenarioError(error);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error);
  }
  return out;
}

function toScenarioError(e: ErrorObject): ScenarioError {
  const p = e.params as Record<string, any>;
  const at = e.instancePath;
  switch (e.keyword) {
    case 'required':
      return { path: `${at}${pointer(p.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${at}${pointer(p.additionalProperty)}`, message: `is not a known field${knownFields(e.parentSchema)}` };
    case 'minimum':
      return { path: at, message: `must be ≥ ${p.limit}` };
    case 'maximum':
      return { path: at, message: `must be ≤ ${p.limit}` };
    case 'exclusiveMinimum':
      return { path: at, message: `must be > ${p.limit}` };
    case 'exclusiveMaximum':
      return { path: at, message: `must be < ${p.limit}` };
    case 'type':
      return { path: at, message: `must be ${article(String(p.type))}` };
    case 'enum':
      return { path: at, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path: at, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'minItems':
      return { path: at, message: p.limit === 1 ? 'must not be empty' : `must have at least ${p.limit} items` };
    case 'maxItems':
      return { path: at, message: `must have at most ${p.limit} items` };
    case 'minLength':
      return { path: at, message: p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters` };
    case 'maxLength':
      return { path: at, message: `must be at most ${p.limit} characters` };
    case 'uniqueItems':
      return { path: at, message: `must not repeat an item (items ${p.j} and ${p.i} are equal)` };
    case 'pattern':
      return { path: at, message: patternMessage(String(p.pattern)) };
    case 'propertyNames':
      return { path: `${at}${pointer(p.propertyName)}`, message: 'is not an allowed name' };
    case 'discriminator': {
      const tag = String(p.tag);
      const values = ((e.parentSchema as { oneOf?: { properties?: Record<string, { const?: unknown }> }[] } | undefined)?.oneOf ?? [])
        .map((s) => s.properties?.[tag]?.const)
        .filter((v) => v !== undefined);
      return p.error === 'tag'
        ? { path: `${at}${pointer(tag)}`, message: 'must be a string' }
        : { path: `${at}${pointer(tag)}`, message: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` };
    }
    case 'anyOf': {
      const custom = (e.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
      return { path: at, message: typeof custom === 'string' ? custom : 'does not match any allowed form' };
    }
    default:
      return { path: at, message: e.message ?? `fails ${e.keyword}` };
  }
}

function knownFields(parentSchema: unknown): string {
  const props = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? ` (expected ${Object.keys(props).join(', ')})` : '';
}

function article(type: string): string {
  const t = type.replace(/,/g, ' or ');
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function patternMessage(pattern: string): string {
  if (pattern.startsWith('^[0-9]{4}-')) return 'must be an ISO 8601 UTC instant such as 2026-01-05T00:00:00Z';
  if (pattern.startsWith('^(0|[1-9]')) return "must be a decimal amount of USD as a string, such as '0.096'";
  if (pattern.startsWith('^(100')) return "must be a percentage as a decimal string, such as '99.5'";
  if (pattern === '^[0-9]{8}$') return 'must be a day as YYYYMMDD';
  return 'must be letters, digits and . _ : - (starting with a letter or digit)';
}

/** The checks that need the catalog or the whole document. */
function semanticErrors(s: Scenario): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const bucketMs = (s.bucketSeconds ?? 3600) * MS_PER_SECOND;
  const startMs = parseStart(s.start);
  if (Number.isNaN(startMs)) err('/start', 'is not a valid date');
  else if (startMs % bucketMs !== 0) err('/start', `must be a whole number of buckets (${s.bucketSeconds ?? 3600} s) since the epoch`);
  const durationMs = Math.round(s.durationHours * MS_PER_HOUR);
  if (durationMs % bucketMs !== 0) err('/durationHours', `must be a whole number of buckets (${s.bucketSeconds ?? 3600} s)`);

  const inline = new Map<string, number>();
  (s.hostTypes ?? []).forEach((h, i) => {
    if (findHostType(h.name)) err(pointer('hostTypes', i, 'name'), `'${h.name}' is a catalog host type: give yours another name`);
    else if (inline.has(h.name)) err(pointer('hostTypes', i, 'name'), `'${h.name}' is defined twice (also at /hostTypes/${inline.get(h.name)})`);
    else inline.set(h.name, i);
  });
  const zones = new Map<string, number>();
  s.fleet.zones.forEach((z, i) => {
    if (zones.has(z.name)) err(pointer('fleet', 'zones', i, 'name'), `'${z.name}' is given twice (also at /fleet/zones/${zones.get(z.name)})`);
    zones.set(z.name, i);
    z.hosts.forEach((g, j) => {
      if (!findHostType(g.type) && !inline.has(g.type))
        err(pointer('fleet', 'zones', i, 'hosts', j, 'type'), `unknown host type '${g.type}' (catalog: ${HOST_TYPES.length} types, m5-host, c5-host, r5-host, m5-xen-pv-host, m5-bt-host and '<family>-host' for each other family${inline.size ? `; defined here: ${[...inline.keys()].join(', ')}` : ''})`);
    });
  });

  const allowed = new Map<string, { hasWindowsPrice: boolean }>();
  const catalog = s.instanceTypes?.catalog;
  (catalog ?? []).forEach((n, i) => {
    if (!findInstanceType(n)) err(pointer('instanceTypes', 'catalog', i), `unknown instance type '${n}'`);
    else allowed.set(n, { hasWindowsPrice: true });
  });
  if (catalog === undefined) for (const n of allCatalogNames()) allowed.set(n, { hasWindowsPrice: true });
  (s.instanceTypes?.custom ?? []).forEach((t, i) => {
    if (findInstanceType(t.name)) err(pointer('instanceTypes', 'custom', i, 'name'), `'${t.name}' is a catalog instance type: give yours another name`);
    else if (allowed.has(t.name) && !catalog?.includes(t.name)) err(pointer('instanceTypes', 'custom', i, 'name'), `'${t.name}' is defined twice`);
    else allowed.set(t.name, { hasWindowsPrice: t.price.windows !== undefined || s.policies?.priceBook?.instanceTypes?.[t.name]?.windows !== undefined });
  });
  for (const name of Object.keys(s.policies?.priceBook?.instanceTypes ?? {}))
    if (!allowed.has(name)) err(pointer('policies', 'priceBook', 'instanceTypes', name), `'${name}' is not an instance type on sale`);
  for (const name of Object.keys(s.policies?.placement?.overrides?.hostTypes ?? {}))
    if (!findHostType(name) && !inline.has(name)) err(pointer('policies', 'placement', 'overrides', 'hostTypes', name), `unknown host type '${name}'`);

  const tenantIds = new Map<string, number>();
  s.tenants.forEach((t, i) => {
    if (tenantIds.has(t.id)) err(pointer('tenants', i, 'id'), `'${t.id}' is given twice (also at /tenants/${tenantIds.get(t.id)})`);
    tenantIds.set(t.id, i);
    const names = new Map<string, number>();
    t.workloads.forEach((w, j) => {
      const at = (...rest: (string | number)[]) => pointer('tenants', i, 'workloads', j, ...rest);
      const wname = w.name ?? `w${j}`;
      if (names.has(wname)) err(at('name'), `'${wname}' names two workloads of tenant '${t.id}'`);
      names.set(wname, j);
      if (w.zone !== undefined && !zones.has(w.zone)) err(at('zone'), `'${w.zone}' has no hosts in this fleet (zones: ${[...zones.keys()].join(', ')})`);
      const image = imageFor(w.image);
      if (!image) err(at('image'), `unknown image '${w.image}' (an AMI id of the catalog, or linux, windows, rhel, suse, ubuntu-pro, windows-sql-standard)`);
      const types: [string, string][] = [];
      if ((w.kind === 'synthetic' && w.size.distribution === 'azure2019') || (w.kind === 'trace' && w.dataset.kind === 'bitbrains' && !w.instanceTypes))
        if (allowed.size === 0) err(at(w.kind === 'synthetic' ? 'size' : 'dataset'), 'needs instance types on sale to choose from, and none is');
      if (w.kind === 'synthetic') {
        if (w.size.distribution === 'fixed') types.push([w.size.instanceType, at('size', 'instanceType')]);
        if (w.size.distribution === 'mix') w.size.mix.forEach((m, k) => types.push([m.instanceType, at('size', 'mix', k, 'instanceType')]));
        (w.arrivals.bursts ?? []).forEach((b, k) => {
          if (b.atHours >= s.durationHours) err(at('arrivals', 'bursts', k, 'atHours'), `must be within the run (< ${s.durationHours} h)`);
        });
        if (w.utilization.distribution === 'fixed' && w.utilization.p95Percent !== undefined && w.utilization.p95Percent < w.utilization.percent)
          err(at('utilization', 'p95Percent'), 'must be ≥ percent');
        // ---- memory and applications ----
        const ws = w.memory?.workingSet;
        if (w.size.distribution === 'fit') {
          if (!w.memory) err(at('size'), "'fit' needs the workload's memory (the working set the type must hold)");
          else if (ws?.distribution === 'fraction') err(at('memory', 'workingSet', 'distribution'), "'fraction' is of the VM's memory, which 'fit' chooses from the working set: give a size in MiB");
          if (allowed.size === 0) err(at('size'), 'needs instance types on sale to choose from, and none is');
        }
        if (w.utilization.distribution === 'azure2019' && w.utilization.per === 'application' && !w.memory)
          err(at('utilization', 'per'), "'application' needs the workload's memory (its applications and their working sets)");
        if (ws?.distribution === 'uniform' && ws.maxMiB < ws.minMiB) err(at('memory', 'workingSet', 'maxMiB'), 'must be ≥ minMiB');
        if (ws?.distribution === 'fraction' && ws.max < ws.min) err(at('memory', 'workingSet', 'max'), 'must be ≥ min');
        if (w.io) {
          try {
            resolveVolume(ioVolumeRequest(w.io));
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            err(at('io', w.io.volume ? 'volume' : 'iops'), w.io.volume ? e.message : `${e.message} (the default volume is io2 provisioned for the demand: give a volume)`);
          }
        }
      } else {
        (w.instanceTypes ?? []).forEach((n, k) => types.push([n, at('instanceTypes', k)]));
        if (w.dataset.kind === 'planetlab' && !w.instanceTypes) err(at('instanceTypes'), 'is required for a PlanetLab trace (the VM types, by position)');
        if (w.dataset.kind === 'bitbrains' && w.dataset.path.split('/').includes('..')) err(at('dataset', 'path'), "must not contain '..'");
      }
      for (const [n, path] of types) {
        const a = allowed.get(n);
        if (!a) err(path, `'${n}' is not an instance type on sale in this scenario`);
        else if (image && isWindowsPlatform(image.platform) && !a.hasWindowsPrice) err(path, `'${n}' has no Windows price, and the workload's image is Windows`);
      }
    });
  });
  // licensing-models experiment (issue 12): Dedicated Hosts come out of the fleet; host tenancy needs them
  const dedicated = new Map<string, number>();
  s.tenants.forEach((t, i) => {
    (t.dedicatedHosts ?? []).forEach((d, k) => {
      const inZone = s.fleet.zones.find((z) => z.name === d.zone)?.hosts.filter((g) => g.type === d.hostType).reduce((n, g) => n + g.count, 0) ?? 0;
      const key = `${d.zone}|${d.hostType}`;
      dedicated.set(key, (dedicated.get(key) ?? 0) + d.count);
      if (dedicated.get(key)! > inZone) err(pointer('tenants', i, 'dedicatedHosts', k, 'count'), `${d.zone} has ${inZone} '${d.hostType}' hosts, fewer than the tenants' Dedicated Hosts of that type there`);
    });
    t.workloads.forEach((w, j) => {
      if (w.tenancy !== 'host') return;
      if (w.zone === undefined) err(pointer('tenants', i, 'workloads', j, 'zone'), 'is required with host tenancy (the zone of the tenant\'s Dedicated Hosts)');
      else if (!(t.dedicatedHosts ?? []).some((d) => d.zone === w.zone)) err(pointer('tenants', i, 'workloads', j, 'tenancy'), `the tenant has no Dedicated Host in ${w.zone}`);
    });
  });
  (s.faults?.drains ?? []).forEach((d, i) => {
    if (d.zone !== undefined && !zones.has(d.zone)) err(pointer('faults', 'drains', i, 'zone'), `'${d.zone}' has no hosts in this fleet`);
    if (d.atHours >= s.durationHours) err(pointer('faults', 'drains', i, 'atHours'), `must be within the run (< ${s.durationHours} h)`);
  });
  (s.faults?.failures ?? []).forEach((d, i) => {
    if (d.zone !== undefined && !zones.has(d.zone)) err(pointer('faults', 'failures', i, 'zone'), `'${d.zone}' has no hosts in this fleet`);
    if (d.atHours >= s.durationHours) err(pointer('faults', 'failures', i, 'atHours'), `must be within the run (< ${s.durationHours} h)`);
  });
  if (s.policies?.cloudsim) errors.push(...cloudSimErrors(s));
  const c = s.policies?.rebalancer;
  const hot = c?.hotSpot?.cpuThreshold ?? 0.9;
  if (c?.consolidation?.cpuThreshold !== undefined && c.consolidation.cpuThreshold >= hot)
    err('/policies/rebalancer/consolidation/cpuThreshold', `must be below the hot-spot threshold (${hot})`);
  return errors;
}

function allCatalogNames(): string[] {
  return INSTANCE_TYPES.map((t) => t.name);
}

/** What a CloudSim run needs (docs/scenarios.md, "The CloudSim reproduction"): one data centre of MIPS-rated hosts, PlanetLab VMs of MIPS-rated types. */
function cloudSimErrors(s: Scenario): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const c = s.policies!.cloudsim!;
  if ((c.policy === 'npa' || c.policy === 'dvfs') && c.parameter !== undefined) err('/policies/cloudsim/parameter', `is not used by '${c.policy}': remove it`);
  if (c.policy === 'thr-mmt' && c.parameter !== undefined && c.parameter > 1) err('/policies/cloudsim/parameter', 'must be ≤ 1 (a utilization threshold) for thr-mmt');
  if (s.durationHours > 24) err('/durationHours', 'must be ≤ 24 for a CloudSim run (one PlanetLab day)');
  if ((s.bucketSeconds ?? 3600) % CLOUDSIM_INTERVAL_SECONDS !== 0) err('/bucketSeconds', `must be a multiple of ${CLOUDSIM_INTERVAL_SECONDS} s (the scheduling interval) for a CloudSim run`);
  if (s.fleet.zones.length !== 1) err('/fleet/zones', 'must have one zone for a CloudSim run (one data centre)');
  const inline = new Map((s.hostTypes ?? []).map((h, i) => [h.name, { h, i }]));
  s.fleet.zones.forEach((z, i) =>
    z.hosts.forEach((g, j) => {
      const t = inline.get(g.type);
      if (!t) err(pointer('fleet', 'zones', i, 'hosts', j, 'type'), `'${g.type}' has no mipsPerCore: a CloudSim run needs host types defined in hostTypes with mipsPerCore`);
      else if (t.h.mipsPerCore === undefined) err(pointer('hostTypes', t.i, 'mipsPerCore'), 'is required for a CloudSim run');
    }),
  );
  const custom = new Map((s.instanceTypes?.custom ?? []).map((t, i) => [t.name, { t, i }]));
  s.tenants.forEach((t, i) =>
    t.workloads.forEach((w, j) => {
      const at = (...rest: (string | number)[]) => pointer('tenants', i, 'workloads', j, ...rest);
      if (w.kind !== 'trace' || w.dataset.kind !== 'planetlab') {
        err(w.kind !== 'trace' ? at('kind') : at('dataset', 'kind'), 'must be a PlanetLab trace for a CloudSim run');
        return;
      }
      (w.instanceTypes ?? []).forEach((n, k) => {
        const ct = custom.get(n);
        if (!ct) err(at('instanceTypes', k), `'${n}' has no mips: a CloudSim run needs custom instance types with mips`);
        else if (ct.t.mips === undefined) err(pointer('instanceTypes', 'custom', ct.i, 'mips'), 'is required for a CloudSim run');
      });
    }),
  );
  if (s.faults) err('/faults', 'is not modelled by a CloudSim run: remove it');
  if (s.policies?.rebalancer) err('/policies/rebalancer', "is not used by a CloudSim run (its policy is /policies/cloudsim): remove it");
  return errors;
}
