import { ClosedBucket } from '../../world/change-set';
import { FleetEvent, hardwareThreads, HOST, Image, InstanceType, MS_PER_HOUR, VM } from '@nimbus/hypervisor';
import {
  billingMonthOf, compilePriceBook, computeInvoice, GuaranteeViolation, InstanceUnavailability, Money, Platform, roundToCent, tenantZoneOutages, UsageRecord,
} from '@nimbus/metering';
import { consumedLicenses, LicensedInstance } from '@nimbus/scheduler';
import { PlacementRefusal } from '../../commands/launch';
import { usageRecordOf } from '../../metering/stored-usage';
import { MeteredInstance, StoredUsageRecord, UsageEvent, UsageMeter, UsageWrite } from '../../metering/usage-meter';
import { World } from '../../world/world';
import { ResolvedScenario } from '../scenario.defaults';
import { SeriesName } from '../scenario';
import { ExactBuckets, LevelIntegral } from './exact';

/** What the results keep of a VM while it lives (never a history). */
export interface VmInfo {
  readonly zone: string;
  readonly tenantId: string;
  readonly instanceType: InstanceType;
  readonly image: Image;
  /** Licences it uses: licence product and model. */
  readonly licences: readonly { readonly licence: string; readonly model: 'license-included' | 'byol' }[];
  /** Its list price, micro-USD per hour. */
  readonly priceMicroUsdPerHour: number;
  /** Applications it runs on its guest OS (default 1). */
  readonly applications?: number;
  /** `host`: on the tenant's Dedicated Host (licensing-models experiment); default shared. */
  readonly tenancy?: 'default' | 'host';
}

/**
 * One zone's results, before they are joined with other zones': every figure is either a value
 * of this zone alone or a sum whose other terms come from other zones. `''` is the zone of what
 * belongs to none (requests refused before any zone was chosen).
 */
export interface ZonePartial {
  readonly zone: string;
  readonly events: number;
  /** `name|groupBy|group` → one value per bucket; groupBy is zone, hostType, tenant or product. */
  readonly series: Map<string, number[]>;
  readonly tenants: Map<string, number[]>;
  readonly refusals: (string | number)[][];
  readonly migrations: (string | number)[][];
  readonly revenue: (string | number)[][];
  readonly licences: Map<string, number[]>;
  readonly hosts: (string | number)[][];
  // licensing-models experiment (issue 12)
  /** Licences brought (BYOL): zone, tenant, licence, countingType, licences, costUsd. */
  readonly byolLicences: (string | number)[][];
}

export const seriesKey = (name: SeriesName, groupBy: string, group: string): string => `${name}|${groupBy}|${group}`;

/** Host metric fields kept, with the fixed-point scale their value × ms is counted in. */
const HOST_FIELDS: readonly { readonly index: number; readonly scale: number; readonly series: SeriesName }[] = [
  { index: HOST.cpuCapacityCores, scale: 1000, series: 'cpuCapacityCores' },
  { index: HOST.cpuAllocatedCores, scale: 1000, series: 'cpuAllocatedCores' },
  { index: HOST.stealCores, scale: 1000, series: 'stealCores' },
  { index: HOST.memoryCapacityMiB, scale: 1, series: 'memoryCapacityMiB' },
  { index: HOST.memoryConfiguredMiB, scale: 1, series: 'memoryAllocatedMiB' },
  { index: HOST.memoryResidentMiB, scale: 1, series: 'memoryResidentMiB' },
  { index: HOST.iopsThrottled, scale: 1, series: 'iopsThrottled' },
  { index: HOST.guaranteeViolations, scale: 1000, series: 'hostGuaranteeViolations' },
  { index: HOST.powerWatts, scale: 1000, series: 'powerWatts' },
  // memory and applications
  { index: HOST.occupied, scale: 1000, series: 'hostsUsed' },
  { index: HOST.swappedInstances, scale: 1000, series: 'swappedInstances' },
  { index: HOST.vmmMemoryMiB, scale: 1, series: 'vmmMemoryMiB' },
  { index: HOST.occupiedPowerWatts, scale: 1000, series: 'hostsUsedPowerWatts' },
  // ---- the driver domain's CPU (§3.4) ----
  { index: HOST.driverDomainCores, scale: 1000, series: 'driverDomainCores' },
];
const POWER = HOST_FIELDS.findIndex((f) => f.series === 'powerWatts');

/** Per-instance metric fields kept with `outputs.instanceMetrics`, summed by zone, tenant and product. */
const VM_FIELDS: readonly { readonly index: number; readonly scale: number; readonly series: SeriesName }[] = [
  { index: VM.cpuDemandCores, scale: 1000, series: 'instanceCpuDemandCores' },
  { index: VM.cpuCores, scale: 1000, series: 'instanceCpuCores' },
  { index: VM.stealCores, scale: 1000, series: 'instanceStealCores' },
  { index: VM.iopsDemanded, scale: 1000, series: 'instanceIopsDemanded' },
  { index: VM.iopsDelivered, scale: 1000, series: 'instanceIopsDelivered' },
  { index: VM.throughputMiBps, scale: 1000, series: 'instanceThroughputMiBps' },
  { index: VM.networkOutMbps, scale: 1000, series: 'instanceNetworkOutMbps' },
];
const KWH_PER_WATT_MS = 1 / 3_600_000_000;

/** Host buckets of one group: exact direct terms per bucket, and carried levels as a difference array. */
class HostGroup {
  readonly direct: ExactBuckets[];
  readonly carried: ExactBuckets[];
  constructor(buckets: number, fields: number = HOST_FIELDS.length) {
    this.direct = Array.from({ length: fields }, () => new ExactBuckets(buckets));
    this.carried = Array.from({ length: fields }, () => new ExactBuckets(buckets + 1));
  }
}

/** An instance's metric rows so far (with `outputs.instanceMetrics`): where its sums go, and what it carries. */
interface VmTrack {
  readonly groups: readonly HostGroup[];
  lastRow: number;
  carry: number[];
  /** Its series ended: nothing is carried past its last row. */
  ended: boolean;
}

interface HostTrack {
  readonly zone: ZoneAcc;
  readonly hostType: string;
  /** Hardware threads (cores counted by `cpuHardwareCores` while the host is on). */
  readonly threads: number;
  lastRow: number;
  carry: number[];
  state: string;
}

const HOST_LEVELS = { available: 'hostsOn', draining: 'hostsOn', off: 'hostsOff', failed: 'hostsFailed' } as const;

class ZoneAcc {
  events = 0;
  readonly hostGroups = new Map<string, HostGroup>();
  /** Per-instance sums: `zone|<zone>`, `tenant|<id>`, `product|<type>` (with `outputs.instanceMetrics`). */
  readonly vmGroups = new Map<string, HostGroup>();
  readonly levels = new Map<string, LevelIntegral>();
  readonly counts = new Map<string, Float64Array>();
  readonly tenants = new Map<string, { accepted: number; refused: number; launched: number }>();
  readonly refusals = new Map<string, { row: string[]; requests: number; instances: number }>();
  readonly migrations = new Map<string, { reason: string; outcome: string; count: number; downtimeMs: number; durationMs: number }>();
  readonly hosts = new Map<string, { hosts: number; failures: number; drains: number; poweredOff: number }>();
  readonly usage = new Map<string, StoredUsageRecord>();
  /** `kind|resourceId` → the record id of its open interval. */
  readonly openUsage = new Map<string, string>();
  /** `kind|instanceId` → the ids of its open SLA intervals (a VM impaired by a failure, then again while recovering, has two: a close ends both, as the API's store does). */
  readonly openSla = new Map<string, string[]>();
  readonly sla = new Map<string, { id: string; kind: 'unavailable' | 'guarantee-violation'; tenantId: string; instanceId: string; startMs: number; endMs: number | null; detail: Record<string, unknown> }>();

  constructor(
    readonly zone: string,
    private readonly r: ResolvedScenario,
  ) {}

  hostGroup(key: string): HostGroup {
    let g = this.hostGroups.get(key);
    if (!g) this.hostGroups.set(key, (g = new HostGroup(this.r.buckets)));
    return g;
  }

  vmGroup(groupBy: string, group: string): HostGroup {
    const key = `${groupBy}|${group}`;
    let g = this.vmGroups.get(key);
    if (!g) this.vmGroups.set(key, (g = new HostGroup(this.r.buckets, VM_FIELDS.length)));
    return g;
  }

  level(name: SeriesName, groupBy: string, group: string): LevelIntegral {
    const key = seriesKey(name, groupBy, group);
    let l = this.levels.get(key);
    if (!l) this.levels.set(key, (l = new LevelIntegral(this.r.startMs, this.r.bucketMs, this.r.buckets)));
    return l;
  }

  /** A VM-level change counted for the zone, its tenant and its product (instance type). */
  vmLevel(name: SeriesName, vm: VmInfo, t: number, delta: number): void {
    this.level(name, 'zone', this.zone).change(t, delta);
    this.level(name, 'tenant', vm.tenantId).change(t, delta);
    this.level(name, 'product', vm.instanceType.name).change(t, delta);
  }

  count(name: SeriesName, groupBy: string, group: string, t: number, n: number): void {
    const b = Math.floor((t - this.r.startMs) / this.r.bucketMs);
    if (b < 0 || b >= this.r.buckets) return;
    const key = seriesKey(name, groupBy, group);
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, (c = new Float64Array(this.r.buckets)));
    c[b] += n;
  }

  vmCount(name: SeriesName, tenantId: string, instanceType: string, t: number, n: number): void {
    this.count(name, 'zone', this.zone, t, n);
    this.count(name, 'tenant', tenantId, t, n);
    this.count(name, 'product', instanceType, t, n);
  }

  tenant(id: string) {
    let t = this.tenants.get(id);
    if (!t) this.tenants.set(id, (t = { accepted: 0, refused: 0, launched: 0 }));
    return t;
  }
}

/**
 * Turns an offline run's observations (fleet events, closed host buckets, usage events,
 * refusals) into per-zone partial results, as they come: summaries only.
 */
export class ScenarioRecorder {
  private readonly zones = new Map<string, ZoneAcc>();
  private readonly hosts = new Map<string, HostTrack>();
  private readonly vms = new Map<string, VmInfo>();
  private readonly vmTracks = new Map<string, VmTrack>();
  private pendingUsage: UsageEvent[] = [];
  /** VMs impaired now. */
  private readonly impaired = new Set<string>();
  /** BYOL licences held (licensing-models experiment): `zone|tenant|licence` → the instances counted and the most licences they needed at once. */
  private readonly byol = new Map<string, { readonly instances: Map<string, LicensedInstance>; peak: number }>();
  private readonly licenceComponents: (platform: Platform) => readonly string[];

  constructor(
    private readonly r: ResolvedScenario,
    private readonly world: World,
  ) {
    for (const z of r.zones) this.zone(z);
    for (const host of world.fleet.hosts()) {
      const zone = this.zone(host.availabilityZone);
      const track: HostTrack = { zone, hostType: host.type.name, threads: hardwareThreads(host.type), lastRow: -1, carry: HOST_FIELDS.map(() => 0), state: host.state };
      this.hosts.set(host.id, track);
      zone.hostGroup('');
      zone.hostGroup(host.type.name);
      const row = zone.hosts.get(host.type.name) ?? { hosts: 0, failures: 0, drains: 0, poweredOff: 0 };
      row.hosts++;
      zone.hosts.set(host.type.name, row);
      this.hostLevel(track, host.state, r.startMs, +1);
    }
    const book = r.priceBook[0];
    this.licenceComponents = (platform) => book.licenses[platform].map((c) => c.licenseProduct);
  }

  /** Fleet events observed so far. */
  get events(): number {
    let n = 0;
    for (const z of this.zones.values()) n += z.events;
    return n;
  }

  private zone(name: string): ZoneAcc {
    let z = this.zones.get(name);
    if (!z) this.zones.set(name, (z = new ZoneAcc(name, this.r)));
    return z;
  }

  /** What the results need of a VM, at its launch. */
  vmInfo(zone: string, tenantId: string, instanceType: InstanceType, image: Image, atMs: number, tenancy: 'default' | 'host' = 'default'): VmInfo {
    const licences: { licence: string; model: 'license-included' | 'byol' }[] = [];
    if (image.licenseModel === 'license-included') for (const l of this.licenceComponents(image.platform)) licences.push({ licence: l, model: 'license-included' });
    if (image.byolProduct) licences.push({ licence: image.byolProduct, model: 'byol' });
    const book = compilePriceBook(this.r.priceBook);
    const price = book.instanceHourly(book.versionIndexAt(atMs), {
      instanceType: instanceType.name, platform: image.platform, licenseModel: image.licenseModel, tenancy, vcpus: instanceType.vcpus,
    });
    return { zone, tenantId, instanceType, image, licences, priceMicroUsdPerHour: microUsd(price.toFixed()), ...(tenancy === 'host' ? { tenancy } : {}) };
  }

  /** A Dedicated Host allocated to a tenant (licensing-models experiment): its host-usage interval opens, as the API's AllocateHosts opens it. */
  hostAllocated(hostId: string, tenantId: string, hostFamily: string, zone: string, atMs: number): void {
    this.apply(UsageMeter.openHost({ hostId, tenantId, hostFamily, availabilityZone: zone, startMs: atMs }));
  }

  /** A launch request the scheduler placed. */
  accepted(vms: readonly string[], info: VmInfo, t: number): void {
    const z = this.zone(info.zone);
    for (const id of vms) this.vms.set(id, info);
    z.vmCount('requestsAccepted', info.tenantId, info.instanceType.name, t, 1);
    z.vmCount('instancesLaunched', info.tenantId, info.instanceType.name, t, vms.length);
    const tenant = z.tenant(info.tenantId);
    tenant.accepted++;
    tenant.launched += vms.length;
    const product = info.image.byolProduct;
    const price = product ? this.r.scenario.policies?.priceBook?.byolLicenses?.[product] : undefined;
    if (product && price) {
      const key = `${info.zone}|${info.tenantId}|${product}`;
      let held = this.byol.get(key);
      if (!held) this.byol.set(key, (held = { instances: new Map(), peak: 0 }));
      for (const id of vms) held.instances.set(id, { instanceId: id, vcpus: info.instanceType.vcpus, product, ...this.dedicatedHostOf(id) });
      held.peak = Math.max(held.peak, consumedLicenses(price.countingType, [...held.instances.values()]));
    }
  }

  /** The Dedicated Host a VM is on, as the licence rules count it (none on shared tenancy). */
  private dedicatedHostOf(vmId: string): { dedicatedHost?: LicensedInstance['dedicatedHost'] } {
    const vm = this.world.fleet.vm(vmId);
    if (vm?.tenancy !== 'host' || !vm.hostId) return {};
    const h = this.world.fleet.host(vm.hostId)!;
    return { dedicatedHost: { hostId: h.id, sockets: h.type.sockets, cores: h.type.sockets * h.type.coresPerSocket } };
  }

  /** A VM placed by `accepted` runs `n` applications on its guest OS (the scenario's `memory.applicationsPerVm`). */
  applications(vmId: string, n: number): void {
    const info = this.vms.get(vmId);
    if (info && n !== 1) this.vms.set(vmId, { ...info, applications: n });
  }

  refusal(r: PlacementRefusal): void {
    const z = this.zone(r.availabilityZone ?? '');
    z.vmCount('requestsRefused', r.tenantId, r.instanceType, r.time, 1);
    z.tenant(r.tenantId).refused++;
    for (const reason of r.reasons.length ? r.reasons : ['']) {
      const row = [z.zone, r.tenantId, r.instanceType, r.code, reason];
      const key = row.join('\u0000');
      const e = z.refusals.get(key) ?? { row, requests: 0, instances: 0 };
      e.requests++;
      e.instances += r.count;
      z.refusals.set(key, e);
    }
  }

  event(e: FleetEvent): void {
    const zone = this.zoneOfEvent(e);
    if (!zone) return;
    zone.events++;
    if (e.type === 'vm.state-changed' && e.current === 'terminated') {
      // A terminated instance no longer holds BYOL licences (a stopped one still does).
      for (const held of this.byol.values()) held.instances.delete(e.vmId);
    }
    if (e.type === 'host.state-changed') {
      const track = this.hosts.get(e.hostId)!;
      this.hostLevel(track, track.state, e.time, -1);
      track.state = e.current;
      this.hostLevel(track, e.current, e.time, +1);
    } else if (e.type === 'timeline') {
      const track = e.hostId ? this.hosts.get(e.hostId) : undefined;
      const row = track ? zone.hosts.get(track.hostType) : undefined;
      if (row && e.kind === 'host.failed') row.failures++;
      if (row && e.kind === 'host.drain-started') row.drains++;
      if (row && e.kind === 'host.powered-off') row.poweredOff++;
      // The driver domain's failures, and the instances each one impaired (its blast radius, §3.4).
      if (track && e.kind === 'host.driver-domain-failed') {
        zone.count('driverDomainFailures', 'zone', zone.zone, e.time, 1);
        zone.count('driverDomainFailures', 'hostType', track.hostType, e.time, 1);
      }
      if (track && e.kind === 'vm.impaired' && e.detail.cause === 'driver-domain-failure') {
        zone.count('driverDomainImpairments', 'zone', zone.zone, e.time, 1);
        zone.count('driverDomainImpairments', 'hostType', track.hostType, e.time, 1);
      }
      if (e.kind === 'vm.migration-completed' || e.kind === 'vm.migration-aborted' || e.kind === 'vm.migration-failed') {
        const outcome = e.kind.slice('vm.migration-'.length);
        const reason = String(e.detail.reason ?? '');
        const downtimeMs = outcome === 'completed' ? Number(e.detail.downtimeMs ?? 0) : 0;
        const durationMs = outcome === 'completed' ? Number(e.detail.totalMs ?? 0) : 0;
        const key = `${reason}|${outcome}`;
        const m = zone.migrations.get(key) ?? { reason, outcome, count: 0, downtimeMs: 0, durationMs: 0 };
        m.count++;
        m.downtimeMs += downtimeMs;
        m.durationMs += durationMs;
        zone.migrations.set(key, m);
        const vm = e.vmId ? this.vms.get(e.vmId) : undefined;
        if (outcome === 'completed' && vm) {
          zone.vmCount('migrations', vm.tenantId, vm.instanceType.name, e.time, 1);
          zone.vmCount('migrationDowntimeMs', vm.tenantId, vm.instanceType.name, e.time, downtimeMs);
          zone.vmCount('migrationMiB', vm.tenantId, vm.instanceType.name, e.time, Number(e.detail.transferredMiB ?? 0));
        }
      }
    }
  }

  private zoneOfEvent(e: FleetEvent): ZoneAcc | undefined {
    if ('hostId' in e && e.hostId) {
      const t = this.hosts.get(e.hostId);
      if (t) return t.zone;
    }
    if ('vmId' in e && e.vmId) {
      const vm = this.vms.get(e.vmId);
      if (vm) return this.zone(vm.zone);
    }
    return undefined;
  }

  private hostLevel(track: HostTrack, state: string, t: number, delta: number): void {
    const name = HOST_LEVELS[state as keyof typeof HOST_LEVELS];
    if (!name) return;
    track.zone.level(name, 'zone', track.zone.zone).change(t, delta);
    track.zone.level(name, 'hostType', track.hostType).change(t, delta);
    if (name === 'hostsOn') {
      track.zone.level('cpuHardwareCores', 'zone', track.zone.zone).change(t, delta * track.threads);
      track.zone.level('cpuHardwareCores', 'hostType', track.hostType).change(t, delta * track.threads);
    }
  }

  usage(u: UsageEvent): void {
    this.pendingUsage.push(u);
    if (u.kind === 'volume-meter') return;
    const vm = this.vms.get(u.vmId);
    if (!vm) return;
    const z = this.zone(vm.zone);
    const sign = u.kind === 'running' || u.kind === 'impaired' || u.kind === 'violated' ? 1 : u.kind === 'not-running' || u.kind === 'ok' || u.kind === 'restored' ? -1 : 0;
    if (sign === 0) return;
    if (u.kind === 'running' || u.kind === 'not-running') {
      z.vmLevel('instances', vm, u.time, sign);
      z.vmLevel('vcpus', vm, u.time, sign * vm.instanceType.vcpus);
      z.vmLevel('revenueUsd', vm, u.time, sign * vm.priceMicroUsdPerHour);
      z.vmLevel('applications', vm, u.time, sign * (vm.applications ?? 1));
      for (const l of vm.licences) {
        z.level('licensedInstances', 'zone', z.zone).change(u.time, sign);
        z.level('licensedInstances', 'product', l.licence).change(u.time, sign);
        const key = `${l.licence}|${l.model}`;
        const lv = this.licenceLevel(z, key);
        lv.instances.change(u.time, sign);
        lv.vcpus.change(u.time, sign * vm.instanceType.vcpus);
      }
    } else if (u.kind === 'impaired' || u.kind === 'ok') {
      // A VM is impaired by a failure, then again (reason `recovering`) while it reboots elsewhere: one level, not two.
      if ((u.kind === 'impaired') === this.impaired.has(u.vmId)) return;
      if (u.kind === 'impaired') this.impaired.add(u.vmId);
      else this.impaired.delete(u.vmId);
      z.vmLevel('impairedInstances', vm, u.time, sign);
    } else {
      z.vmLevel('guaranteeViolatedInstances', vm, u.time, sign);
    }
  }

  private readonly licenceLevels = new Map<ZoneAcc, Map<string, { instances: LevelIntegral; vcpus: LevelIntegral }>>();
  private licenceLevel(z: ZoneAcc, key: string) {
    let byKey = this.licenceLevels.get(z);
    if (!byKey) this.licenceLevels.set(z, (byKey = new Map()));
    let l = byKey.get(key);
    if (!l) byKey.set(key, (l = { instances: this.wholeRun(), vcpus: this.wholeRun() }));
    return l;
  }

  /** A level integrated over the whole run as one bucket. */
  private wholeRun(): LevelIntegral {
    return new LevelIntegral(this.r.startMs, this.r.endMs - this.r.startMs, 1);
  }

  bucket(b: ClosedBucket): void {
    if (b.kind === 'vm') return this.vmBucket(b);
    if (b.kind !== 'host') return;
    const track = this.hosts.get(b.id);
    if (!track) return;
    const i = Math.floor((b.bucket.start - this.r.startMs) / this.r.bucketMs);
    if (i < 0 || i >= this.r.buckets) return;
    const zoneGroup = track.zone.hostGroup('');
    const typeGroup = track.zone.hostGroup(track.hostType);
    if (track.lastRow >= 0 && i > track.lastRow + 1) this.carry(track, zoneGroup, typeGroup, i);
    const { mean, end, coveredMs } = b.bucket;
    HOST_FIELDS.forEach((f, k) => {
      const term = Math.round(mean[f.index] * coveredMs * f.scale);
      zoneGroup.direct[k].add(i, term);
      typeGroup.direct[k].add(i, term);
      track.carry[k] = Math.round(end[f.index] * this.r.bucketMs * f.scale);
    });
    track.lastRow = i;
  }

  /** An instance's metric row (`outputs.instanceMetrics`): summed into its zone's, tenant's and product's groups, as a host's row is. */
  private vmBucket(b: ClosedBucket): void {
    let track = this.vmTracks.get(b.id);
    if (!track) {
      const vm = this.vms.get(b.id);
      if (!vm) return;
      const z = this.zone(vm.zone);
      track = { groups: [z.vmGroup('zone', z.zone), z.vmGroup('tenant', vm.tenantId), z.vmGroup('product', vm.instanceType.name)], lastRow: -1, carry: VM_FIELDS.map(() => 0), ended: false };
      this.vmTracks.set(b.id, track);
    }
    const i = Math.floor((b.bucket.start - this.r.startMs) / this.r.bucketMs);
    if (i < 0 || i >= this.r.buckets) return;
    if (track.lastRow >= 0 && i > track.lastRow + 1) this.carryVm(track, i);
    const { mean, end, coveredMs } = b.bucket;
    VM_FIELDS.forEach((f, k) => {
      const term = Math.round(mean[f.index] * coveredMs * f.scale);
      for (const g of track.groups) g.direct[k].add(i, term);
      track.carry[k] = Math.round(end[f.index] * this.r.bucketMs * f.scale);
    });
    track.lastRow = i;
    track.ended = b.bucket.final;
  }

  private carryVm(track: VmTrack, until: number): void {
    if (track.ended) return;
    VM_FIELDS.forEach((_, k) => {
      for (const g of track.groups) {
        g.carried[k].add(track.lastRow + 1, track.carry[k]);
        g.carried[k].add(until, -track.carry[k]);
      }
    });
  }

  /** Buckets lastRow+1 … until-1 had no row: the host held its last row's end values through them. */
  private carry(track: HostTrack, zoneGroup: HostGroup, typeGroup: HostGroup, until: number): void {
    HOST_FIELDS.forEach((_, k) => {
      for (const g of [zoneGroup, typeGroup]) {
        g.carried[k].add(track.lastRow + 1, track.carry[k]);
        g.carried[k].add(until, -track.carry[k]);
      }
    });
  }

  /** The usage events seen since the last call, metered as the API's store would (UsageMeter.plan), kept in memory. */
  meterUsage(now: number): void {
    if (this.pendingUsage.length === 0) return;
    const instances = (vmId: string): MeteredInstance | undefined => {
      const vm = this.vms.get(vmId);
      if (!vm) return undefined;
      return {
        tenantId: vm.tenantId, instanceType: vm.instanceType.name, vcpus: vm.instanceType.vcpus, platform: vm.image.platform,
        licenseModel: vm.image.licenseModel, tenancy: vm.tenancy ?? 'default', availabilityZone: vm.zone,
      };
    };
    const writes = this.world.usage.plan(this.pendingUsage, [], now, instances);
    this.world.usage.commit();
    this.pendingUsage = [];
    for (const w of writes) this.apply(w);
  }

  private apply(w: UsageWrite): void {
    switch (w.op) {
      case 'insert-usage': {
        const vmZone = this.vms.get(w.record.resourceId)?.zone;
        const z = this.zone(String(w.record.attrs.availabilityZone ?? vmZone ?? ''));
        if (z.usage.has(w.record.recordId)) break;
        z.usage.set(w.record.recordId, w.record);
        if (w.record.endMs === null) z.openUsage.set(`${w.record.kind}|${w.record.resourceId}`, w.record.recordId);
        break;
      }
      case 'close-usage':
        for (const id of w.resourceIds) {
          const z = this.zones.get(this.vms.get(id)?.zone ?? '');
          if (!z) continue;
          const open = `${w.kind}|${id}`;
          const recordId = z.openUsage.get(open);
          if (recordId === undefined) continue;
          z.openUsage.delete(open);
          z.usage.set(recordId, { ...z.usage.get(recordId)!, endMs: w.endMs });
        }
        break;
      case 'insert-sla': {
        const z = this.zone(this.vms.get(w.interval.instanceId)?.zone ?? '');
        if (z.sla.has(w.interval.id)) break;
        z.sla.set(w.interval.id, { ...w.interval, detail: { ...w.interval.detail } });
        const key = `${w.interval.kind}|${w.interval.instanceId}`;
        z.openSla.set(key, [...(z.openSla.get(key) ?? []), w.interval.id]);
        break;
      }
      case 'close-sla': {
        const z = this.zones.get(this.vms.get(w.instanceId)?.zone ?? '');
        if (!z) break;
        const open = `${w.kind}|${w.instanceId}`;
        const ids = z.openSla.get(open);
        if (ids === undefined) break;
        z.openSla.delete(open);
        for (const id of ids) z.sla.get(id)!.endMs = w.endMs;
        break;
      }
      case 'meter':
        break;
    }
  }

  /** The zones' partial results at `reachedMs` (the run's end, or where a cancelled run stopped). */
  finish(reachedMs: number): ZonePartial[] {
    this.meterUsage(reachedMs);
    const reachedBucket = Math.min(this.r.buckets, Math.ceil((reachedMs - this.r.startMs) / this.r.bucketMs));
    for (const track of this.hosts.values()) {
      if (track.lastRow >= 0 && track.lastRow + 1 < reachedBucket) {
        this.carry(track, track.zone.hostGroup(''), track.zone.hostGroup(track.hostType), reachedBucket);
        track.lastRow = reachedBucket - 1;
      }
    }
    for (const track of this.vmTracks.values()) {
      if (track.lastRow >= 0 && track.lastRow + 1 < reachedBucket) {
        this.carryVm(track, reachedBucket);
        track.lastRow = reachedBucket - 1;
      }
    }
    const out: ZonePartial[] = [];
    for (const name of [...this.zones.keys()].sort()) out.push(this.partial(this.zones.get(name)!, reachedMs));
    return out;
  }

  private partial(z: ZoneAcc, reachedMs: number): ZonePartial {
    const { bucketMs, buckets } = this.r;
    const series = new Map<string, number[]>();
    for (const [key, g] of z.hostGroups) {
      const groupBy = key === '' ? 'zone' : 'hostType';
      const group = key === '' ? z.zone : key;
      HOST_FIELDS.forEach((f, k) => {
        const carried = g.carried[k];
        carried.prefixSums();
        const points: number[] = [];
        const energy: number[] = [];
        for (let i = 0; i < buckets; i++) {
          const sum = g.direct[k].value(i) + carried.value(i);
          points.push(sum / (f.scale * bucketMs));
          if (k === POWER) energy.push((sum / f.scale) * KWH_PER_WATT_MS);
        }
        series.set(seriesKey(f.series, groupBy, group), points);
        if (k === POWER) series.set(seriesKey('energyKWh', groupBy, group), energy);
      });
    }
    for (const [key, g] of z.vmGroups) {
      const [groupBy, group] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
      VM_FIELDS.forEach((f, k) => {
        const carried = g.carried[k];
        carried.prefixSums();
        const points: number[] = [];
        for (let i = 0; i < buckets; i++) points.push((g.direct[k].value(i) + carried.value(i)) / (f.scale * bucketMs));
        series.set(seriesKey(f.series, groupBy, group), points);
      });
    }
    for (const [key, l] of z.levels) {
      l.integrateTo(reachedMs);
      const name = key.split('|')[0] as SeriesName;
      const divisor = name === 'revenueUsd' ? 1e6 * MS_PER_HOUR : bucketMs;
      series.set(key, Array.from({ length: buckets }, (_, i) => l.buckets.value(i) / divisor));
    }
    for (const [key, c] of z.counts) series.set(key, Array.from(c));

    const revenue = this.invoices(z, reachedMs);
    const charges = new Map<string, number>();
    const credits = new Map<string, number>();
    for (const row of revenue) {
      const cents = Math.round(Number(row[5]) * 100);
      const map = cents < 0 ? credits : charges;
      map.set(String(row[1]), (map.get(String(row[1])) ?? 0) + cents);
    }
    const sumOf = (key: string): number => {
      const points = series.get(key);
      if (!points) return 0;
      const exact = new ExactBuckets(1);
      const l = z.levels.get(key);
      if (l) for (let i = 0; i < buckets; i++) exact.add(0, l.buckets.value(i));
      return exact.value(0);
    };
    const tenants = new Map<string, number[]>();
    const tenantIds = new Set([...z.tenants.keys(), ...charges.keys(), ...credits.keys()]);
    for (const key of z.levels.keys()) if (key.includes('|tenant|')) tenantIds.add(key.split('|')[2]);
    for (const id of [...tenantIds].sort()) {
      const t = z.tenants.get(id) ?? { accepted: 0, refused: 0, launched: 0 };
      tenants.set(id, [
        t.accepted, t.refused, t.launched,
        sumOf(seriesKey('instances', 'tenant', id)) / MS_PER_HOUR,
        sumOf(seriesKey('vcpus', 'tenant', id)) / MS_PER_HOUR,
        sumOf(seriesKey('guaranteeViolatedInstances', 'tenant', id)) / MS_PER_HOUR,
        sumOf(seriesKey('impairedInstances', 'tenant', id)) / MS_PER_HOUR,
        (charges.get(id) ?? 0) / 100,
        (0 - (credits.get(id) ?? 0)) / 100,
      ]);
    }
    const licences = new Map<string, number[]>();
    for (const [key, l] of this.licenceLevels.get(z) ?? []) {
      l.instances.integrateTo(reachedMs);
      l.vcpus.integrateTo(reachedMs);
      licences.set(key, [l.instances.buckets.value(0) / MS_PER_HOUR, l.vcpus.buckets.value(0) / MS_PER_HOUR]);
    }
    const byStrings = (a: (string | number)[], b: (string | number)[]) => {
      const x = a.slice(0, 5).join('\u0000');
      const y = b.slice(0, 5).join('\u0000');
      return x < y ? -1 : x > y ? 1 : 0;
    };
    return {
      zone: z.zone,
      events: z.events,
      series,
      tenants,
      refusals: [...z.refusals.values()].map((e) => [...e.row, e.requests, e.instances]).sort(byStrings),
      migrations: [...z.migrations.values()].map((m) => [z.zone, m.reason, m.outcome, m.count, m.downtimeMs, m.durationMs]).sort(byStrings),
      revenue,
      licences,
      hosts: [...z.hosts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([type, h]) => {
        const energy = series.get(seriesKey('energyKWh', 'hostType', type)) ?? [];
        return [z.zone, type, h.hosts, energy.reduce((s, x) => s + x, 0), h.failures, h.drains, h.poweredOff];
      }),
      byolLicences: this.byolRows(z.zone, reachedMs),
    };
  }

  /**
   * The licences each tenant brought to this zone and what they cost it: the most licences its
   * instances needed at once (libs/scheduler's licence counting), each at the scenario's monthly
   * price, for the part of each calendar month the run covers.
   */
  private byolRows(zone: string, reachedMs: number): (string | number)[][] {
    let monthFraction = new Money(0);
    for (let m = billingMonthOf(this.r.startMs); m.startMs < reachedMs; m = billingMonthOf(m.endMs)) {
      monthFraction = monthFraction.plus(new Money(Math.min(m.endMs, reachedMs) - Math.max(m.startMs, this.r.startMs)).div(m.endMs - m.startMs));
    }
    const rows: (string | number)[][] = [];
    for (const key of [...this.byol.keys()].sort()) {
      const [z, tenantId, licence] = key.split('|');
      if (z !== zone) continue;
      const price = this.r.scenario.policies!.priceBook!.byolLicenses![licence as 'windows-server' | 'sql-server-standard']!;
      const peak = this.byol.get(key)!.peak;
      rows.push([zone, tenantId, licence, price.countingType, peak, roundToCent(new Money(price.monthlyUsd).times(peak).times(monthFraction)).toNumber()]);
    }
    return rows;
  }

  /**
   * Each tenant's invoices for this zone's usage, month by month (libs/metering's computeInvoice,
   * with the SLA facts the API's store would read): rows of amounts by product.
   */
  private invoices(z: ZoneAcc, reachedMs: number): (string | number)[][] {
    if (z.usage.size === 0) return [];
    const usage: UsageRecord[] = [...z.usage.values()].map((r) => usageRecordOf(r, reachedMs));
    const unavailable: InstanceUnavailability[] = [];
    const violations: GuaranteeViolation[] = [];
    for (const s of z.sla.values()) {
      const endMs = s.endMs ?? Math.max(s.startMs, reachedMs);
      if (s.kind === 'unavailable') unavailable.push({ tenantId: s.tenantId, instanceId: s.instanceId, startMs: s.startMs, endMs });
      else {
        // As the API's store reads a violation (apps/api persistence, loadSla): short of reserved CPU, or swapping, or both.
        const d = s.detail as { reservedCores?: number; allocatedCores?: number; swappedMiB?: number };
        const shortfall = Math.max(0, (d.reservedCores ?? 0) - (d.allocatedCores ?? 0));
        const swapped = d.swappedMiB ?? 0;
        if (swapped > 0) violations.push({ tenantId: s.tenantId, instanceId: s.instanceId, kind: 'memory', startMs: s.startMs, endMs, shortfall: swapped });
        if (shortfall > 0 || swapped === 0) violations.push({ tenantId: s.tenantId, instanceId: s.instanceId, kind: 'cpu', startMs: s.startMs, endMs, shortfall });
      }
    }
    const months: string[] = [];
    for (let m = billingMonthOf(this.r.startMs); m.startMs < reachedMs; m = billingMonthOf(m.endMs)) months.push(m.month);
    const byTenant = <T extends { tenantId: string }>(xs: readonly T[]): Map<string, T[]> => {
      const out = new Map<string, T[]>();
      for (const x of xs) {
        let list = out.get(x.tenantId);
        if (!list) out.set(x.tenantId, (list = []));
        list.push(x);
      }
      return out;
    };
    const usageOf = byTenant(usage);
    const downOf = byTenant(unavailable);
    const violationsOf = byTenant(violations);
    const rows: (string | number)[][] = [];
    for (const tenantId of [...usageOf.keys()].sort()) {
      const own = usageOf.get(tenantId)!;
      const down = downOf.get(tenantId) ?? [];
      const running = own.flatMap((r) => (r.kind === 'instance-usage' ? [{ instanceId: r.instanceId, availabilityZone: r.availabilityZone, startMs: r.startMs, endMs: r.endMs }] : []));
      const sla = { instanceUnavailability: down, guaranteeViolations: violationsOf.get(tenantId) ?? [], zoneOutages: down.length > 0 ? tenantZoneOutages(running, down) : [] };
      for (const month of months) {
        const invoice = computeInvoice({ tenantId, month, usage: own, priceBook: this.r.priceBook, creditPolicy: this.r.creditPolicy, sla });
        const byProduct = new Map<string, number>();
        for (const line of invoice.lines) {
          const key = `${line.product}|${line.licenseProduct ?? ''}`;
          byProduct.set(key, (byProduct.get(key) ?? 0) + Math.round(Number(line.amount) * 100));
        }
        for (const key of [...byProduct.keys()].sort()) {
          const [product, licence] = key.split('|');
          rows.push([z.zone, tenantId, month, product, licence, byProduct.get(key)! / 100]);
        }
      }
    }
    return rows;
  }
}

/** A USD decimal string as integer micro-USD (rounded half up beyond six places). */
export function microUsd(price: string): number {
  const [whole, frac = ''] = price.split('.');
  const padded = `${frac}0000000`;
  const micro = Number(whole) * 1_000_000 + Number(padded.slice(0, 6));
  return Number(padded[6]) >= 5 ? micro + 1 : micro;
}
