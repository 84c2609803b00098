import { Engine } from '@nimbus/hypervisor';
import { ScenarioData } from '../scenario/datasets';
import { assembleResult, digestOf } from '../scenario/results/assemble';
import { seriesKey, ZonePartial } from '../scenario/results/recorder';
import { ScenarioResult } from '../scenario/results/result';
import type { RunScenarioOptions } from '../scenario/run-scenario';
import { CloudSimPolicySpec, Scenario, SeriesName } from '../scenario/scenario';
import { namedPowerCurve, resolveScenario } from '../scenario/scenario.defaults';
import {
  CloudSimConfig, CloudSimDatacenter, CloudSimHostSpec, CloudSimObserver, CloudSimPolicy, CloudSimVmSpec, CsVm, doubles, metricsOf, Migration,
} from './cloudsim-model';

/** CloudSim's scheduling interval, which is the PlanetLab traces' sampling period (s). */
export const CLOUDSIM_INTERVAL_SECONDS = 300;
/**
 * When CloudSim's first interval starts (s): its data centre acknowledges a VM's creation after
 * `minTimeBetweenEvents` (0.1 s in CloudSim 3.0.3), the broker submits the cloudlets then, and the
 * intervals run from there: updates at 300.1, 600.1, … (each the previous + 300, in floating point).
 */
export const CLOUDSIM_FIRST_EVENT_SECONDS = 0.1;

/** The defaults of CloudSim's PlanetLab examples (`ThrMmt`, `IqrMmt`, `MadMmt`, `LrMmt`, `LrrMmt`). */
export const CLOUDSIM_DEFAULT_PARAMETERS = { 'thr-mmt': 0.8, 'iqr-mmt': 1.5, 'mad-mmt': 2.5, 'lr-mmt': 1.2, 'lrr-mmt': 1.2 } as const;

export function cloudSimPolicy(spec: CloudSimPolicySpec): CloudSimPolicy {
  switch (spec.policy) {
    case 'npa':
      return { kind: 'npa' };
    case 'dvfs':
      return { kind: 'dvfs' };
    case 'thr-mmt':
      return { kind: 'thr', threshold: spec.parameter ?? CLOUDSIM_DEFAULT_PARAMETERS['thr-mmt'] };
    default: {
      const kind = spec.policy.slice(0, -'-mmt'.length) as 'iqr' | 'mad' | 'lr' | 'lrr';
      return { kind, safety: spec.parameter ?? CLOUDSIM_DEFAULT_PARAMETERS[spec.policy] };
    }
  }
}

/** Which tenant and type each VM of the config belongs to, for the results. */
interface VmOrigin {
  readonly tenant: string;
  readonly type: string;
}

/**
 * The CloudSim data centre a scenario describes (validated, with `policies.cloudsim`): hosts of the
 * zone's groups taken in turn (CloudSim's `i % HOST_TYPES`: two groups of 400 alternate as its
 * G4/G5 hosts do), one VM per PlanetLab file of each trace workload, typed as the workload assigns.
 */
export function cloudSimConfigOf(s: Scenario, data: ScenarioData): { config: CloudSimConfig; origins: VmOrigin[] } {
  const types = new Map((s.hostTypes ?? []).map((h) => [h.name, h]));
  const groups = s.fleet.zones[0].hosts.map((g) => ({ spec: types.get(g.type)!, left: g.count }));
  const hosts: CloudSimHostSpec[] = [];
  for (let more = true; more; ) {
    more = false;
    for (const g of groups) {
      if (g.left === 0) continue;
      g.left--;
      more = true;
      const h = g.spec;
      hosts.push({
        type: h.name,
        pes: h.sockets * h.coresPerSocket * h.threadsPerCore,
        mipsPerPe: h.mipsPerCore!,
        ramMiB: h.memoryMiB - (h.hypervisorReserveMiB ?? 0),
        bwKbps: h.nic.gbps * 1_000_000,
        powerCurve: namedPowerCurve(h.power),
      });
    }
  }
  const custom = new Map((s.instanceTypes?.custom ?? []).map((t) => [t.name, t]));
  const vms: CloudSimVmSpec[] = [];
  const origins: VmOrigin[] = [];
  for (const t of s.tenants) {
    for (const w of t.workloads) {
      if (w.kind !== 'trace' || w.dataset.kind !== 'planetlab') continue;
      const files = data.planetlab![w.dataset.day].vms.slice(0, w.limit);
      const names = w.instanceTypes!;
      const block = Math.ceil(files.length / names.length);
      files.forEach((f, i) => {
        const typeName = names[w.assign === 'round-robin' ? i % names.length : Math.floor(i / block)];
        const type = custom.get(typeName)!;
        const utilization = new Float64Array(f.cpuPercent.length + 1);
        for (let k = 0; k < f.cpuPercent.length; k++) utilization[k] = f.cpuPercent[k] / 100;
        utilization[f.cpuPercent.length] = utilization[f.cpuPercent.length - 1];
        vms.push({
          name: f.name, type: typeName, mips: type.mips!, pes: type.vcpus, ramMiB: type.memoryMiB,
          bwKbps: (type.network?.baselineGbps ?? 1) * 1_000_000, utilization,
        });
        origins.push({ tenant: t.id, type: typeName });
      });
    }
  }
  return { config: { hosts, vms, policy: cloudSimPolicy(s.policies!.cloudsim!), intervalSeconds: CLOUDSIM_INTERVAL_SECONDS }, origins };
}

/** The migrations table's rows, by reason and whether the migration ends within the run. */
const MIGRATION_ROWS = ['overload|completed', 'overload|in-flight', 'underload|completed', 'underload|in-flight'] as const;

/** Sums by bucket and group, as the results keep them. */
class Buckets {
  readonly series = new Map<string, number[]>();
  constructor(readonly n: number) {}
  /** The points of a series for one group (created on first use). */
  points(name: SeriesName, groupBy: string, group: string): number[] {
    const key = seriesKey(name, groupBy, group);
    let points = this.series.get(key);
    if (!points) this.series.set(key, (points = doubles(this.n)));
    return points;
  }
  /** Adds to the points of every group of `groups` (out-of-run buckets are dropped). */
  add(groups: readonly number[][], bucket: number, value: number): void {
    if (bucket < 0 || bucket >= this.n) return;
    for (let i = 0; i < groups.length; i++) groups[i][bucket] += value;
  }
}

/**
 * Runs a scenario with `policies.cloudsim` (docs/scenarios.md, "The CloudSim reproduction"):
 * CloudSim's data centre driven by the engine's clock (an interval event every 300 s, an event at
 * each migration's end), in slices for progress and cancellation. The result has the usual shape:
 * host series (energy, power, hosts on and off, CPU), VM series (instances, migrations), the hosts
 * and migrations tables, and CloudSim's figures in the headline: `slatah`, `pdm`, `slav`,
 * `hostShutdowns` and more (fractions, not percentages).
 */
export async function runCloudSimScenario(s: Scenario, data: ScenarioData, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const r = resolveScenario(s);
  const zone = r.zones[0];
  const { config, origins } = cloudSimConfigOf(s, data);
  const bucketSeconds = r.bucketMs / 1000;
  const b = new Buckets(r.buckets);
  const bucketOf = (t: number) => Math.floor(t / bucketSeconds);
  // Each host's and VM's series points, resolved once (by type and by tenant and type).
  const memo = new Map<string, number[][]>();
  const refsByKey = (name: SeriesName, groups: [string, string][]): number[][] => {
    const key = `${name}|${groups.map((g) => g[1]).join('|')}`;
    let out = memo.get(key);
    if (!out) memo.set(key, (out = groups.map(([by, g]) => b.points(name, by, g))));
    return out;
  };
  // Hosts fall in a few groups (their type), VMs too (their tenant and product): each host's and
  // VM's group, by id, and a series' points for a group resolved on its first use.
  const groupsBy = <T>(items: readonly T[], groupsOf: (item: T) => [string, string][]) => {
    const index = new Map<string, number>();
    const groups: [string, string][][] = [];
    const of = new Int32Array(items.length);
    items.forEach((item, i) => {
      const g = groupsOf(item);
      const key = g.map((x) => x[1]).join('|');
      let k = index.get(key);
      if (k === undefined) {
        index.set(key, (k = groups.length));
        groups.push(g);
      }
      of[i] = k;
    });
    return { groups, of };
  };
  const hostGroupsById = groupsBy(config.hosts, (h) => [['zone', zone], ['hostType', h.type]]);
  const vmGroupsById = groupsBy(origins, (o) => [['zone', zone], ['tenant', o.tenant], ['product', o.type]]);
  const vmGroups = (vm: CsVm) => vmGroupsById.groups[vmGroupsById.of[vm.id]];
  const seriesBy = (name: SeriesName, { groups, of }: { groups: [string, string][][]; of: Int32Array }) => {
    const points = new Array<number[][] | undefined>(groups.length).fill(undefined);
    return (id: number) => (points[of[id]] ??= refsByKey(name, groups[of[id]]));
  };
  const hostSeries = (name: SeriesName) => seriesBy(name, hostGroupsById);
  const vmSeries = (name: SeriesName) => seriesBy(name, vmGroupsById);
  const ofHost = {
    energyKWh: hostSeries('energyKWh'), powerWatts: hostSeries('powerWatts'), hostsOn: hostSeries('hostsOn'), hostsOff: hostSeries('hostsOff'),
    cpuAllocatedCores: hostSeries('cpuAllocatedCores'), cpuCapacityCores: hostSeries('cpuCapacityCores'),
  };
  const ofVm = { migrations: vmSeries('migrations'), instances: vmSeries('instances'), vcpus: vmSeries('vcpus') };
  /** Adds `value` over [from, to) s, split across the buckets it spans. */
  const spread = (groups: number[][], from: number, to: number, perSecond: number) => {
    for (let t = from; t < to; ) {
      const bucket = bucketOf(t);
      const end = Math.min(to, (bucket + 1) * bucketSeconds);
      b.add(groups, bucket, (perSecond * (end - t)) / bucketSeconds);
      t = end;
    }
  };
  const migrationRows = new Map<string, { count: number; durationMs: number }>();
  const observer: CloudSimObserver = {
    energy(h, from, _to, joules) {
      b.add(ofHost.energyKWh(h.id), bucketOf(from), joules / 3_600_000);
      b.add(ofHost.powerWatts(h.id), bucketOf(from), joules / bucketSeconds);
    },
    span(h, from, to, active, allocatedMips) {
      spread(active ? ofHost.hostsOn(h.id) : ofHost.hostsOff(h.id), from, to, 1);
      if (allocatedMips > 0) spread(ofHost.cpuAllocatedCores(h.id), from, to, allocatedMips / h.spec.mipsPerPe);
    },
    migrationStarted(m: Migration, at, durationSeconds) {
      b.add(ofVm.migrations(m.vm.id), bucketOf(at), 1);
      const done = r.startMs + Math.round((at + durationSeconds) * 1000) <= r.endMs;
      const key = MIGRATION_ROWS[(m.reason === 'overload' ? 0 : 2) + (done ? 0 : 1)];
      const row = migrationRows.get(key) ?? { count: 0, durationMs: 0 };
      row.count++;
      row.durationMs += Math.round(durationSeconds * 1000);
      migrationRows.set(key, row);
    },
    vmDestroyed() {},
  };
  const dc = new CloudSimDatacenter(config, observer);
  const engine = new Engine(r.startMs);
  const seconds = (ms: number) => (ms - r.startMs) / 1000;
  const unplaced = dc.start();
  for (const vm of dc.vms) {
    b.add(refsByKey(unplaced.includes(vm) ? 'requestsRefused' : 'requestsAccepted', vmGroups(vm)), 0, 1);
    if (!unplaced.includes(vm)) b.add(refsByKey('instancesLaunched', vmGroups(vm)), 0, 1);
  }
  // A VM alive at any time was alive from the start (VMs only leave): their points, resolved now.
  const instancesOf = dc.vms.map((vm) => (vm.alive ? ofVm.instances(vm.id) : []));
  const vcpusOf = dc.vms.map((vm) => (vm.alive ? ofVm.vcpus(vm.id) : []));
  const vmSeconds = (from: number) => {
    const span = Math.min(CLOUDSIM_INTERVAL_SECONDS, seconds(r.endMs) - from);
    for (let i = 0; i < dc.vms.length; i++) {
      const vm = dc.vms[i];
      if (!vm.alive) continue;
      b.add(instancesOf[vm.id], bucketOf(from), span / bucketSeconds);
      b.add(vcpusOf[vm.id], bucketOf(from), (vm.spec.pes * span) / bucketSeconds);
    }
  };
  vmSeconds(0);
  // The engine orders events by integer ms; the model reads CloudSim's clock (s, accumulated in floating point).
  const at = (t: number) => r.startMs + Math.round(t * 1000);
  const scheduleInterval = (t: number) => {
    if (at(t) > r.endMs) return;
    engine.schedule(at(t), () => {
      const { migrations, durations } = dc.intervalAt(t);
      vmSeconds(t);
      migrations.forEach((m, i) => {
        const end = t + durations[i];
        engine.schedule(at(end), () => dc.completeMigration(m, end));
      });
      scheduleInterval(t + CLOUDSIM_INTERVAL_SECONDS);
    });
  };
  scheduleInterval(CLOUDSIM_FIRST_EVENT_SECONDS + CLOUDSIM_INTERVAL_SECONDS);

  const sliceMs = r.bucketMs * Math.max(1, Math.ceil(r.buckets / 100));
  let reached = r.startMs;
  let cancelled = false;
  while (reached < r.endMs) {
    if (options.signal?.aborted) {
      cancelled = true;
      break;
    }
    reached = Math.min(r.endMs, reached + sliceMs);
    engine.runUntil(reached);
    await options.onProgress?.({ simulatedMs: reached - r.startMs, untilMs: r.endMs - r.startMs, events: engine.eventsProcessed });
  }
  dc.finish(seconds(reached));
  const m = metricsOf(dc);

  // Capacity: every host's cores over every bucket simulated.
  const simulatedBuckets = Math.ceil((reached - r.startMs) / r.bucketMs);
  for (const h of dc.hosts) for (let i = 0; i < simulatedBuckets; i++) b.add(ofHost.cpuCapacityCores(h.id), i, h.spec.pes);

  const byType = new Map<string, { hosts: number; joules: number; shutdowns: number }>();
  for (const h of dc.hosts) {
    const row = byType.get(h.spec.type) ?? { hosts: 0, joules: 0, shutdowns: 0 };
    row.hosts++;
    row.joules += h.energyJoules;
    row.shutdowns += h.shutdowns;
    byType.set(h.spec.type, row);
  }
  const tenants = new Map<string, number[]>();
  for (const vm of dc.vms) {
    const t = origins[vm.id].tenant;
    const row = tenants.get(t) ?? [0, 0, 0, 0, 0, 0, 0, 0, 0];
    if (unplaced.includes(vm)) row[1]++;
    else {
      row[0]++;
      row[2]++;
    }
    tenants.set(t, row);
  }
  for (const [t, row] of tenants) {
    const hours = (b.series.get(seriesKey('instances', 'tenant', t)) ?? []).reduce((x, y) => x + y, 0) * (bucketSeconds / 3600);
    row[3] = hours;
    row[4] = hours;
  }
  const partial: ZonePartial = {
    zone,
    events: engine.eventsProcessed,
    series: b.series,
    tenants,
    refusals: [],
    migrations: [...migrationRows.keys()].sort().map((k) => [zone, ...k.split('|'), migrationRows.get(k)!.count, 0, migrationRows.get(k)!.durationMs]),
    revenue: [],
    licences: new Map(),
    hosts: [...byType.keys()].sort().map((type) => [zone, type, byType.get(type)!.hosts, byType.get(type)!.joules / 3_600_000, 0, 0, byType.get(type)!.shutdowns]),
    byolLicences: [],
  };
  const base = assembleResult(
    { scenario: s.name, seed: s.seed, startMs: r.startMs, bucketMs: r.bucketMs, buckets: r.buckets, cancelled, simulatedMs: reached - r.startMs, outputs: s.outputs },
    [partial],
  );
  const result: ScenarioResult = {
    ...base,
    headline: {
      ...base.headline,
      energyKWh: m.energyKWh,
      migrations: m.migrations,
      slatah: m.slatah,
      pdm: m.pdm,
      slav: m.slav,
      hostShutdowns: m.hostShutdowns,
      overallSlaViolation: m.overallSlaViolation,
      averageSlaViolation: m.averageSlaViolation,
      meanTimeBeforeHostShutdownSeconds: m.meanTimeBeforeHostShutdownSeconds,
      vms: dc.vms.length,
      vmsDestroyed: m.vmsDestroyed,
    },
    digest: '',
  };
  return { ...result, digest: digestOf(result) };
}
