import {
  AVAILABILITY_ZONES, findHostType, findImage, findInstanceType, HostType, HP_PROLIANT_ML110_G4_WATTS, HP_PROLIANT_ML110_G5_WATTS, Image, IMAGES, INSTANCE_TYPES, InstanceType,
  MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, SimTime, VolumeRequest,
} from '@nimbus/hypervisor';
import { CreditPolicy, DEFAULT_CREDIT_POLICY, PriceBookVersion, seedPriceBook } from '@nimbus/metering';
import { RebalancerConfigPatch, SchedulerConfig } from '@nimbus/scheduler';
import { listedInstanceTypes } from '../metering/list-prices';
import { CustomInstanceTypeSpec, HostTypeSpec, IoDemandSpec, Scenario, ZoneName } from './scenario';

export const DEFAULT_START = '2026-01-05T00:00:00Z';
export const DEFAULT_BUCKET_SECONDS = 3600;
const AMAZON_LINUX = 'ami-0a1e0c00000000a23';

/** Milliseconds since the epoch of an ISO UTC instant (NaN if it is not one). `new Date(string)` reads no clock. */
export function parseStart(start: string | undefined): SimTime {
  return new Date(start ?? DEFAULT_START).getTime();
}

/** An image by AMI id, or by platform: the catalog's license-included image of that platform. */
export function imageFor(ref: string | undefined): Image | undefined {
  if (ref === undefined || ref === 'linux') return findImage(AMAZON_LINUX);
  return findImage(ref) ?? IMAGES.find((i) => i.platform === ref && i.licenseModel === 'license-included' && i.byolProduct === undefined);
}

/**
 * The volume a workload's IO runs on: the one it names, else an io2 volume provisioned for its
 * demand (IOPS rounded up, at least 100; the smallest size that allows them at 500 IOPS per GiB,
 * at least 4 GiB). `resolveVolume` checks it against EBS's limits.
 */
export function ioVolumeRequest(io: IoDemandSpec): VolumeRequest {
  if (io.volume) return io.volume;
  const iops = Math.max(100, Math.ceil(io.iops));
  return { type: 'io2', sizeGiB: Math.max(4, Math.ceil(iops / 500)), iops };
}

/** A scenario with its defaults filled in and its names resolved against the catalog. */
export interface ResolvedScenario {
  readonly scenario: Scenario;
  readonly startMs: SimTime;
  readonly endMs: SimTime;
  readonly bucketMs: number;
  readonly buckets: number;
  /** The fleet's zones, in the catalog's order: results fold zones in this order. */
  readonly zones: readonly ZoneName[];
  /** Every host type the fleet uses, by name; `inlineHostTypes` are those defined in the document. */
  readonly hostTypes: ReadonlyMap<string, HostType>;
  readonly inlineHostTypes: readonly HostType[];
  /** The instance types on sale, by name. */
  readonly instanceTypes: ReadonlyMap<string, InstanceType>;
  readonly priceBook: readonly PriceBookVersion[];
  readonly creditPolicy: CreditPolicy;
  readonly scheduler: Partial<SchedulerConfig>;
  readonly rebalancer: RebalancerConfigPatch;
}

export function namedPowerCurve(power: HostTypeSpec['power']): readonly number[] {
  if (power === 'hp-proliant-ml110-g4') return HP_PROLIANT_ML110_G4_WATTS;
  if (power === 'hp-proliant-ml110-g5') return HP_PROLIANT_ML110_G5_WATTS;
  return power;
}

export function hostTypeOf(spec: HostTypeSpec): HostType {
  return {
    name: spec.name,
    description: spec.description ?? spec.name,
    sockets: spec.sockets,
    coresPerSocket: spec.coresPerSocket,
    threadsPerCore: spec.threadsPerCore,
    memoryMiB: spec.memoryMiB,
    hypervisorReserveMiB: spec.hypervisorReserveMiB ?? 0,
    families: spec.families,
    virtualization: spec.virtualization,
    nic: { gbps: spec.nic.gbps, sriov: spec.nic.sriov },
    storage: { iops: spec.storage.iops, mibps: spec.storage.mibps },
    powerWatts: namedPowerCurve(spec.power),
  };
}

export function instanceTypeOf(spec: CustomInstanceTypeSpec): InstanceType {
  return {
    name: spec.name,
    family: spec.family,
    vcpus: spec.vcpus,
    memoryMiB: spec.memoryMiB,
    ...(spec.baselinePerVcpu !== undefined ? { baselinePerVcpu: spec.baselinePerVcpu } : {}),
    network: spec.network ?? { baselineGbps: 1, burstGbps: 1 },
    ebs: spec.ebs ?? { baselineMbps: 1000, burstMbps: 1000, baselineIops: 4000, burstIops: 4000 },
  };
}

/** Defaults and names resolved; the scenario must have passed `validateScenario`. */
export function resolveScenario(s: Scenario): ResolvedScenario {
  const bucketMs = (s.bucketSeconds ?? DEFAULT_BUCKET_SECONDS) * MS_PER_SECOND;
  const startMs = parseStart(s.start);
  const endMs = startMs + Math.round(s.durationHours * MS_PER_HOUR);
  const inlineHostTypes = (s.hostTypes ?? []).map(hostTypeOf);
  const inline = new Map(inlineHostTypes.map((h) => [h.name, h]));
  const hostTypes = new Map<string, HostType>();
  for (const z of s.fleet.zones) for (const g of z.hosts) hostTypes.set(g.type, inline.get(g.type) ?? findHostType(g.type)!);
  const instanceTypes = new Map<string, InstanceType>();
  const catalog = s.instanceTypes?.catalog;
  if (catalog) for (const n of catalog) instanceTypes.set(n, findInstanceType(n)!);
  else {
    // By default, the catalog types the fleet can run: those of a family some host type of it runs
    // (the catalog sells every EC2 family; a fleet of m5/c5/r5 hosts sells their 31 types).
    const families = new Set([...hostTypes.values()].flatMap((h) => h.families));
    for (const t of INSTANCE_TYPES) if (families.has(t.family)) instanceTypes.set(t.name, t);
  }
  for (const c of s.instanceTypes?.custom ?? []) instanceTypes.set(c.name, instanceTypeOf(c));
  const zones = AVAILABILITY_ZONES.filter((z) => s.fleet.zones.some((f) => f.name === z)) as ZoneName[];
  const p = s.policies?.placement;
  const scheduler: Partial<SchedulerConfig> = {
    ...(p?.weigher ? { weigher: p.weigher } : {}),
    ...(p?.cpuAllocationRatio !== undefined ? { cpuAllocationRatio: p.cpuAllocationRatio } : {}),
    ...(p?.ramAllocationRatio !== undefined ? { ramAllocationRatio: p.ramAllocationRatio } : {}),
    ...(p?.overrides ? { overrides: { hostTypes: p.overrides.hostTypes, availabilityZones: p.overrides.zones } } : {}),
    ...(p?.avoidViolationsMinutes !== undefined ? { avoidViolationsWithinMs: Math.round(p.avoidViolationsMinutes * MS_PER_MINUTE) } : {}),
  };
  const c = s.policies?.credits;
  const creditPolicy: CreditPolicy = {
    regionTiers: c?.regionTiers ?? DEFAULT_CREDIT_POLICY.regionTiers,
    instanceTiers: c?.instanceTiers ?? DEFAULT_CREDIT_POLICY.instanceTiers,
    guaranteeViolation: c?.guaranteeViolation ?? DEFAULT_CREDIT_POLICY.guaranteeViolation,
  };
  let priceBook: readonly PriceBookVersion[] | undefined;
  return {
    scenario: s, startMs, endMs, bucketMs, buckets: Math.round((endMs - startMs) / bucketMs), zones, hostTypes, inlineHostTypes, instanceTypes,
    // Built when first read: a CloudSim run, and callers that want only the zones or the buckets, price nothing.
    get priceBook() {
      return (priceBook ??= priceBookOf(s));
    },
    creditPolicy, scheduler, rebalancer: (s.policies?.rebalancer ?? {}) as RebalancerConfigPatch,
  };
}

/** The seed book (AWS us-east-1), plus the custom types' prices and the scenario's overrides. */
function priceBookOf(s: Scenario): PriceBookVersion[] {
  const [seed] = seedPriceBook(0, listedInstanceTypes(INSTANCE_TYPES));
  const instanceTypes = { ...seed.instanceTypes };
  for (const c of s.instanceTypes?.custom ?? []) instanceTypes[c.name] = { hourly: { ...c.price } };
  for (const [name, hourly] of Object.entries(s.policies?.priceBook?.instanceTypes ?? {})) instanceTypes[name] = { hourly: { ...hourly } };
  // licensing-models experiment (issue 12): licence components replaced per platform
  const licenses = { ...seed.licenses, ...(s.policies?.priceBook?.licenses ?? {}) } as PriceBookVersion['licenses'];
  return [{ ...seed, version: `${seed.version}+scenario`, instanceTypes, licenses }];
}
