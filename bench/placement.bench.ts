/**
 * Placement benchmark: decisions per second and latency of Scheduler.place() on fleets of 1,000,
 * 10,000 and 100,000 hosts kept at a steady fill while VMs are launched and terminated.
 *
 *   npm run bench:placement [-- --workloads plain,mixed,density --sizes 1000,10000 --decisions 20000 --weighers pack,spread]
 *
 * Three workloads: `plain` (below), `mixed` (the same with placement groups, tenancy, Dedicated
 * Hosts and BYOL licenses, see runMixed) and `density` (packing density on a workload drawn from
 * the Azure 2019 VM distributions, see runDensity).
 *
 * Method (also in docs/benchmarks.md, "Placement"):
 * - Fleet: 50 % m5-host, 25 % c5-host, 25 % r5-host, round-robin over us-east-1a/b/c.
 * - Pre-fill each host type to 60 % (its fullest dimension, fleet-wide) with large instances
 *   placed by the scheduler under test, so the layout is the weigher's own.
 * - Then a stream of count-1 requests from a mix weighted to small types, half of them naming a
 *   zone. Each accepted VM is launched; whenever a host type goes above 65 % a random VM of it is
 *   terminated; simulated time advances 50 ms per request, so boots and terminations complete and
 *   the index keeps moving.
 * - Only place() is timed (process.hrtime.bigint around each call), after a warm-up of the same
 *   loop. The index's upkeep on each allocation change (launch, and release when a terminated VM
 *   finishes shutting down) is timed separately, as is launch() as a whole.
 * - A garbage-collection pause (the fleet holds hundreds of thousands of VM objects) that lands
 *   inside a timed call shows as a millisecond sample: see max and ">1 ms"; p50/p99 are not moved
 *   by them, the mean (and so decisions/s) is.
 */
import { Engine, Fleet, FleetEvent, HOST_TYPES, Host, IMAGES, INSTANCE_TYPES, InstanceType, Tenancy, defaultCpuParams, findHostType } from '@nimbus/hypervisor';
import { admitLicenses, LicensedInstance, LicenseLimit, PlacementRequest, PlacementStrategy, Scheduler, WeigherName } from '@nimbus/scheduler';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { seededRandom, weightedPicker } from './lib/random';
import { fixed, int, summarize, table } from './lib/stats';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const HOST_MIX = [['m5-host', 2], ['c5-host', 1], ['r5-host', 1]] as const;
const REQUEST_MIX: readonly (readonly [string, number])[] = [
  ['t3.nano', 6], ['t3.micro', 14], ['t3.small', 12], ['t3.medium', 10], ['t3.large', 6], ['t3.xlarge', 2], ['t3.2xlarge', 1],
  ['m5.large', 12], ['m5.xlarge', 7], ['m5.2xlarge', 3], ['m5.4xlarge', 1], ['m5.8xlarge', 0.5],
  ['c5.large', 8], ['c5.xlarge', 5], ['c5.2xlarge', 2], ['c5.4xlarge', 1], ['c5.9xlarge', 0.5],
  ['r5.large', 5], ['r5.xlarge', 3], ['r5.2xlarge', 1], ['r5.4xlarge', 0.5], ['r5.8xlarge', 0.25],
];
const PREFILL_TYPES: Record<string, string> = { 'm5-host': 'm5.8xlarge', 'c5-host': 'c5.9xlarge', 'r5-host': 'r5.8xlarge' };
const PREFILL = 0.6;
const HIGH_WATER = 0.65;
const STEP_MS = 50;
const CONFIG = { cpuAllocationRatio: 2, ramAllocationRatio: 1 };
const image = IMAGES.find((i) => i.platform === 'linux')!;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const typeByName = (name: string): InstanceType => INSTANCE_TYPES.find((t) => t.name === name)!;
const HOST_TYPE_OF_FAMILY: Readonly<Record<string, string>> = { t3: 'm5-host', m5: 'm5-host', c5: 'c5-host', r5: 'r5-host' };
const hostTypeFor = (t: InstanceType): string => HOST_TYPE_OF_FAMILY[t.family];

/**
 * Fill of each host type, fleet-wide, by its fullest dimension (reservation, limit or memory);
 * kept from the bench's own launches and terminations, so that measuring it costs nothing.
 */
class FillTracker {
  private readonly used = new Map<string, [number, number, number]>();
  private readonly capacity = new Map<string, [number, number, number]>();
  readonly live = new Map<string, { vmId: string; hostId: string }[]>();

  addHost(h: Host): void {
    const c = this.capacity.get(h.type.name) ?? [0, 0, 0];
    c[0] += h.cpuCapacityMillicores;
    c[1] += h.threads * 1000 * CONFIG.cpuAllocationRatio;
    c[2] += h.memoryCapacityMiB * CONFIG.ramAllocationRatio;
    this.capacity.set(h.type.name, c);
    this.used.set(h.type.name, [0, 0, 0]);
    this.live.set(h.type.name, []);
  }

  change(h: Host, t: InstanceType, sign: 1 | -1): void {
    const cpu = defaultCpuParams(t);
    const u = this.used.get(h.type.name)!;
    u[0] += sign * cpu.reservationMillicores;
    u[1] += sign * cpu.limitMillicores;
    u[2] += sign * h.memoryFootprintMiB(t.memoryMiB);
  }

  fill(hostType: string): number {
    const u = this.used.get(hostType)!;
    const c = this.capacity.get(hostType)!;
    return Math.max(u[0] / c[0], u[1] / c[1], u[2] / c[2]);
  }
}

interface Row {
  hosts: number;
  weigher: WeigherName;
  buildMs: number;
  vms: number;
  fill: number;
  place: ReturnType<typeof summarize>;
  launchMeanUs: number;
  upkeepMeanUs: number;
  refused: number;
  heapMiB: number;
}

/**
 * A scheduler over `fleet`, the time its index took to build, and the time of its index upkeep on
 * each allocation change while `upkeep.timing` is on. The engine calls listeners in subscription
 * order, so two listeners around the scheduler's own time it without touching its code.
 */
function timedScheduler(engine: Engine<FleetEvent>, fleet: Fleet, weigher: WeigherName) {
  const upkeep = { timing: false, ns: 0, count: 0 };
  let start = 0n;
  engine.subscribe((e) => {
    if (upkeep.timing && e.type === 'host.allocation-changed') start = process.hrtime.bigint();
  });
  const t0 = process.hrtime.bigint();
  const scheduler = new Scheduler(fleet, { weigher, ...CONFIG });
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  engine.subscribe((e) => {
    if (!upkeep.timing || e.type !== 'host.allocation-changed') return;
    upkeep.ns += Number(process.hrtime.bigint() - start);
    upkeep.count++;
  });
  return { scheduler, buildMs, upkeep };
}

function runOne(hostCount: number, weigher: WeigherName, decisions: number, warmup: number): Row {
  const random = seededRandom(hostCount * 7 + (weigher === 'pack' ? 1 : 2));
  const engine = new Engine<FleetEvent>(0);
  const fleet = new Fleet(engine);
  const fills = new FillTracker();
  const nextHostType = weightedPicker(random, HOST_MIX);
  for (let i = 0; i < hostCount; i++) {
    const name = nextHostType();
    const type = HOST_TYPES.find((h) => h.name === name)!;
    fills.addHost(fleet.addHost(`h-${i}`, type, ZONES[i % ZONES.length]));
  }
  const { scheduler, buildMs, upkeep } = timedScheduler(engine, fleet, weigher);

  let vmSeq = 0;
  const launch = (req: PlacementRequest, hostId: string) => {
    const host = fleet.host(hostId)!;
    fleet.launch({ vmId: `i-${(vmSeq++).toString(16)}`, tenantId: 't-1', instanceType: req.instanceType, image, cpu: req.cpu }, hostId);
    fills.change(host, req.instanceType, 1);
    fills.live.get(host.type.name)!.push({ vmId: `i-${(vmSeq - 1).toString(16)}`, hostId });
  };
  const requestOf = (t: InstanceType, availabilityZone?: string): PlacementRequest => ({
    tenantId: 't-1', instanceType: t, cpu: defaultCpuParams(t), minCount: 1, maxCount: 1, ...(availabilityZone ? { availabilityZone } : {}),
  });

  // Pre-fill with large instances (fewer VMs to hold in memory for the same fill).
  for (const [hostType, type] of Object.entries(PREFILL_TYPES)) {
    const req = requestOf(typeByName(type));
    while (fills.fill(hostType) < PREFILL) {
      const d = scheduler.place(req);
      if (!d.ok) break;
      launch(req, d.hostIds[0]);
    }
  }
  engine.runUntil(engine.now + 600_000);

  const nextType = weightedPicker(random, REQUEST_MIX.map(([n, w]) => [typeByName(n), w] as const));
  const placeNs = new Float64Array(decisions);
  let launchNs = 0;
  let launched = 0;
  let refused = 0;
  for (let i = -warmup; i < decisions; i++) {
    upkeep.timing = i >= 0;
    const t = nextType();
    const req = requestOf(t, random() < 0.5 ? ZONES[Math.floor(random() * 3)] : undefined);
    const start = process.hrtime.bigint();
    const d = scheduler.place(req);
    const end = process.hrtime.bigint();
    if (i >= 0) placeNs[i] = Number(end - start);
    if (d.ok) {
      const l0 = process.hrtime.bigint();
      launch(req, d.hostIds[0]);
      if (i >= 0) {
        launchNs += Number(process.hrtime.bigint() - l0);
        launched++;
      }
    } else if (i >= 0) refused++;
    // Churn: terminate random VMs of this host type until it is back under the high-water mark.
    const hostType = hostTypeFor(t);
    const live = fills.live.get(hostType)!;
    while (fills.fill(hostType) > HIGH_WATER && live.length > 0) {
      const k = Math.floor(random() * live.length);
      const victim = live[k];
      live[k] = live[live.length - 1];
      live.pop();
      const vm = fleet.vm(victim.vmId)!;
      fills.change(fleet.host(victim.hostId)!, vm.instanceType, -1);
      fleet.terminate(victim.vmId);
    }
    engine.runUntil(engine.now + STEP_MS);
  }
  const fill = HOST_MIX.map(([h]) => fills.fill(h)).reduce((a, b) => a + b) / HOST_MIX.length;
  return {
    hosts: hostCount, weigher, buildMs, vms: [...fills.live.values()].reduce((s, l) => s + l.length, 0), fill,
    place: summarize(placeNs), launchMeanUs: launched ? launchNs / launched / 1000 : 0, upkeepMeanUs: upkeep.count ? upkeep.ns / upkeep.count / 1000 : 0, refused,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

// ---- mixed workload: groups, tenancy, Dedicated Hosts, licenses ----

const TENANTS = 100;
/** Tenants with Dedicated Hosts; each gets HOSTS_PER_OWNER hosts (auto-placement on) per zone's m5 pool. */
const HOST_OWNERS = 20;
const HOSTS_PER_OWNER = 2;
const GROUPS: readonly (readonly [PlacementStrategy, number])[] = [['spread', 200], ['cluster', 100], ['partition', 100]];
const LICENSE_CONFIGS = 50;
/** Request kinds and their weights: most requests are plain, the rest exercise one rule each. */
const MIX: readonly (readonly [string, number])[] = [['plain', 60], ['spread', 10], ['cluster', 5], ['partition', 5], ['dedicated', 5], ['host', 5], ['license', 10]];
/** Dedicated-tenancy requests come from this many tenants (a few tenants buy isolation, and reuse their hosts). */
const DEDICATED_TENANTS = 10;
const sqlByol = IMAGES.find((i) => i.byolProduct === 'sql-server-standard')!;

interface MixedRow extends Row {
  readonly byKind: Map<string, { count: number; refused: number; ns: number }>;
}

/**
 * The plain loop, with each request drawn from MIX: `spread`/`cluster`/`partition` name one of
 * the tenant's groups (partition requests name a partition half of the time), `dedicated` asks for
 * dedicated tenancy, `host` for tenancy host on one of the owner's Dedicated Hosts by
 * auto-placement, `license` launches the SQL Server BYOL image against one of LICENSE_CONFIGS
 * configurations (Core counting, soft limit, so admission is timed but never refuses). Timed: the
 * decision (`place()`, plus license admission for licensed requests). Groups and Dedicated Hosts
 * are made before the pre-fill; all launches carry tenancy and group, so the index upkeep
 * includes the tenancy classes and group membership.
 */
function runMixed(hostCount: number, weigher: WeigherName, decisions: number, warmup: number): MixedRow {
  const random = seededRandom(hostCount * 13 + (weigher === 'pack' ? 1 : 2));
  const engine = new Engine<FleetEvent>(0);
  const fleet = new Fleet(engine);
  const fills = new FillTracker();
  const nextHostType = weightedPicker(random, HOST_MIX);
  for (let i = 0; i < hostCount; i++) {
    const name = nextHostType();
    fills.addHost(fleet.addHost(`h-${i}`, findHostType(name)!, ZONES[i % ZONES.length]));
  }
  const { scheduler, buildMs, upkeep } = timedScheduler(engine, fleet, weigher);

  const tenant = (n: number) => `t-${n}`;
  const groups: { groupId: string; strategy: PlacementStrategy; tenantId: string; partitionCount?: number }[] = [];
  for (const [strategy, n] of GROUPS)
    for (let i = 0; i < n; i++) {
      const g = { groupId: `pg-${strategy}-${i}`, strategy, tenantId: tenant(i % TENANTS), ...(strategy === 'partition' ? { partitionCount: 3 } : {}) };
      scheduler.defineGroup(g);
      groups.push(g);
    }
  const byStrategy = (s: PlacementStrategy) => groups.filter((g) => g.strategy === s);
  // Dedicated Hosts from the free m5 hosts of each zone (the index's `empty` class).
  for (let o = 0; o < HOST_OWNERS; o++)
    for (const az of ZONES) for (const h of scheduler.freeHosts(az, 'm5', HOSTS_PER_OWNER)) scheduler.setHostOwner(h.id, { tenantId: tenant(o), autoPlacement: true });
  const licenses: LicenseLimit[] = Array.from({ length: LICENSE_CONFIGS }, (_, i) => ({ licenseConfigurationId: `lic-${i}`, countingType: i % 2 ? 'Core' : 'vCPU', limit: 1_000_000, hardLimit: false }));
  const licensed = new Map<string, LicensedInstance[]>(licenses.map((l) => [l.licenseConfigurationId, []]));
  const licenseOf = new Map<string, string>();

  let vmSeq = 0;
  const launch = (req: PlacementRequest, hostId: string, partition?: number, license?: string) => {
    const host = fleet.host(hostId)!;
    const vmId = `i-${(vmSeq++).toString(16)}`;
    fleet.launch({
      vmId, tenantId: req.tenantId, instanceType: req.instanceType, image: license ? sqlByol : image, cpu: req.cpu, tenancy: req.tenancy ?? 'default',
      ...(req.placementGroup ? { placementGroup: { groupId: req.placementGroup.groupId, ...(partition ? { partition } : {}) } } : {}),
    }, hostId);
    fills.change(host, req.instanceType, 1);
    fills.live.get(host.type.name)!.push({ vmId, hostId });
    if (license) {
      licensed.get(license)!.push({ instanceId: vmId, vcpus: req.instanceType.vcpus, product: 'sql-server-standard' });
      licenseOf.set(vmId, license);
    }
  };
  const plain = (t: InstanceType, tenantId: string, availabilityZone?: string): PlacementRequest => ({
    tenantId, instanceType: t, cpu: defaultCpuParams(t), minCount: 1, maxCount: 1, ...(availabilityZone ? { availabilityZone } : {}),
  });
  for (const [hostType, type] of Object.entries(PREFILL_TYPES)) {
    while (fills.fill(hostType) < PREFILL) {
      const req = plain(typeByName(type), tenant(Math.floor(random() * TENANTS)));
      const d = scheduler.place(req);
      if (!d.ok) break;
      launch(req, d.hostIds[0]);
    }
  }
  engine.runUntil(engine.now + 600_000);

  const nextType = weightedPicker(random, REQUEST_MIX.map(([n, w]) => [typeByName(n), w] as const));
  const nextKind = weightedPicker(random, MIX);
  const spread = byStrategy('spread');
  const cluster = byStrategy('cluster');
  const partition = byStrategy('partition');
  const placeNs = new Float64Array(decisions);
  const byKind = new Map(MIX.map(([k]) => [k, { count: 0, refused: 0, ns: 0 }]));
  let launchNs = 0;
  let launched = 0;
  let refused = 0;
  for (let i = -warmup; i < decisions; i++) {
    upkeep.timing = i >= 0;
    const kind = nextKind();
    let t = nextType();
    const az = random() < 0.5 ? ZONES[Math.floor(random() * 3)] : undefined;
    let req: PlacementRequest;
    let license: LicenseLimit | undefined;
    switch (kind) {
      case 'spread':
      case 'cluster':
      case 'partition': {
        const list = kind === 'spread' ? spread : kind === 'cluster' ? cluster : partition;
        const g = list[Math.floor(random() * list.length)];
        const p = kind === 'partition' && random() < 0.5 ? 1 + Math.floor(random() * 3) : undefined;
        // A cluster group lives in one zone: its launches name none (naming another is refused).
        req = { ...plain(t, g.tenantId, kind === 'cluster' ? undefined : az), placementGroup: { groupId: g.groupId, ...(p ? { partition: p } : {}) } };
        break;
      }
      case 'dedicated':
        req = { ...plain(t, tenant(TENANTS - 1 - Math.floor(random() * DEDICATED_TENANTS)), az), tenancy: 'dedicated' as Tenancy };
        break;
      case 'host':
        if (t.family !== 'm5' && t.family !== 't3') t = typeByName('m5.large');
        req = { ...plain(t, tenant(Math.floor(random() * HOST_OWNERS)), az), tenancy: 'host' as Tenancy };
        break;
      case 'license':
        license = licenses[Math.floor(random() * licenses.length)];
        req = plain(t, tenant(Math.floor(random() * TENANTS)), az);
        break;
      default:
        req = plain(t, tenant(Math.floor(random() * TENANTS)), az);
    }
    const start = process.hrtime.bigint();
    const d = scheduler.place(req);
    if (d.ok && license)
      admitLicenses(license, licensed.get(license.licenseConfigurationId)!, d.hostIds.map((_, k) => ({ instanceId: `new-${k}`, vcpus: req.instanceType.vcpus, product: 'sql-server-standard' })));
    const end = process.hrtime.bigint();
    const k = byKind.get(kind)!;
    if (i >= 0) {
      placeNs[i] = Number(end - start);
      k.count++;
      k.ns += placeNs[i];
    }
    if (d.ok) {
      const l0 = process.hrtime.bigint();
      launch(req, d.hostIds[0], d.partitions?.[0], license?.licenseConfigurationId);
      if (i >= 0) {
        launchNs += Number(process.hrtime.bigint() - l0);
        launched++;
      }
    } else if (i >= 0) {
      refused++;
      k.refused++;
    }
    const hostType = hostTypeFor(req.instanceType);
    const live = fills.live.get(hostType)!;
    while (fills.fill(hostType) > HIGH_WATER && live.length > 0) {
      const j = Math.floor(random() * live.length);
      const victim = live[j];
      live[j] = live[live.length - 1];
      live.pop();
      const vm = fleet.vm(victim.vmId)!;
      fills.change(fleet.host(victim.hostId)!, vm.instanceType, -1);
      fleet.terminate(victim.vmId);
      const lic = licenseOf.get(victim.vmId);
      if (lic) {
        const list = licensed.get(lic)!;
        const at = list.findIndex((x) => x.instanceId === victim.vmId);
        list[at] = list[list.length - 1];
        list.pop();
        licenseOf.delete(victim.vmId);
      }
    }
    engine.runUntil(engine.now + STEP_MS);
  }
  const fill = HOST_MIX.map(([h]) => fills.fill(h)).reduce((a, b) => a + b) / HOST_MIX.length;
  return {
    hosts: hostCount, weigher, buildMs, vms: [...fills.live.values()].reduce((s, l) => s + l.length, 0), fill,
    place: summarize(placeNs), launchMeanUs: launched ? launchNs / launched / 1000 : 0, upkeepMeanUs: upkeep.count ? upkeep.ns / upkeep.count / 1000 : 0, refused,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20, byKind,
  };
}

// ---- packing density on the Azure 2019 VM distributions ----

const AZURE = '/work/shared/data/azure2019-distributions';

/** A `bucket value` table (tab-separated, a header line, percentages). */
function readDistribution(file: string): [number, number][] {
  return readFileSync(`${AZURE}/${file}`, 'utf8').trim().split('\n').slice(1).map((line) => {
    const [bucket, value] = line.trim().split(/\s+/).map(Number);
    return [bucket, value] as [number, number];
  });
}

interface DensityRow {
  readonly weigher: WeigherName;
  readonly hosts: number;
  readonly placed: number;
  readonly coreDensity: number;
  readonly memoryDensity: number;
  readonly refusedAt: string;
}

/**
 * Packing density (Protean, OSDI 2020, reports it the same way): VMs drawn from the Azure 2019
 * public dataset's distributions — vCPUs from cores.txt (2, 4, 8, 12, 24, 30 vCPU buckets), memory
 * from memory.txt (2, 4, 8, 32, 64, 70 GB buckets), drawn independently since the dataset gives
 * only the marginals — arrive one at a time, never leave, on a zone of m5-hosts (fixed performance:
 * each VM reserves all its vCPUs). At the first refusal: allocated vCPUs ÷ the fleet's guaranteeable
 * cores (hardware threads less the VMM's 2 %), and allocated memory ÷ guest memory.
 */
function runDensity(hostCount: number, weigher: WeigherName, seed: number): DensityRow {
  const cores = readDistribution('cores.txt');
  const memory = readDistribution('memory.txt');
  const shapes: InstanceType[] = [];
  for (const [v] of cores) for (const [g] of memory) shapes.push({ ...typeByName('m5.large'), name: `azure.${v}c${g}g`, family: 'm5', vcpus: v, memoryMiB: g * 1024 });
  const random = seededRandom(seed);
  const nextCores = weightedPicker(random, cores.map(([v, w]) => [v, w] as const));
  const nextMemory = weightedPicker(random, memory.map(([g, w]) => [g, w] as const));
  const engine = new Engine<FleetEvent>(0);
  const fleet = new Fleet(engine);
  const hostType = findHostType('m5-host')!;
  for (let i = 0; i < hostCount; i++) fleet.addHost(`h-${i}`, hostType, 'us-east-1a');
  const scheduler = new Scheduler(fleet, { weigher, cpuAllocationRatio: 1, ramAllocationRatio: 1 }, { catalog: shapes });
  let placed = 0;
  let vcpus = 0;
  let memoryMiB = 0;
  for (;;) {
    const v = nextCores();
    const g = nextMemory();
    const t = shapes.find((s) => s.vcpus === v && s.memoryMiB === g * 1024)!;
    const d = scheduler.place({ tenantId: 't', instanceType: t, cpu: defaultCpuParams(t), availabilityZone: 'us-east-1a', minCount: 1, maxCount: 1 });
    if (!d.ok) {
      const host = fleet.host('h-0')!;
      return {
        weigher, hosts: hostCount, placed,
        coreDensity: vcpus * 1000 / (hostCount * host.cpuCapacityMillicores), memoryDensity: memoryMiB / (hostCount * host.memoryCapacityMiB),
        refusedAt: `${v} vCPU / ${g} GB`,
      };
    }
    fleet.launch({ vmId: `i-${placed}`, tenantId: 't', instanceType: t, image, cpu: defaultCpuParams(t) }, d.hostIds[0]);
    placed++;
    vcpus += v;
    memoryMiB += g * 1024;
  }
}

function mainMixed(sizes: number[], weighers: WeigherName[], decisions: number, warmup: number): void {
  console.log();
  console.log(`Mixed workload (${MIX.map(([k, w]) => `${k} ${w} %`).join(', ')}; ${TENANTS} tenants, ${GROUPS.map(([s, n]) => `${n} ${s}`).join(' + ')} groups, ` +
    `${HOST_OWNERS} tenants × ${HOSTS_PER_OWNER} Dedicated Hosts per zone, dedicated tenancy from ${DEDICATED_TENANTS} tenants, ${LICENSE_CONFIGS} license configurations). ` +
    'Timed: place() + license admission.');
  const rows: MixedRow[] = [];
  for (const hosts of sizes) for (const weigher of weighers) {
    rows.push(runMixed(hosts, weigher, decisions, warmup));
    process.stderr.write(`  done (mixed): ${int(hosts)} hosts, ${weigher}\n`);
  }
  console.log();
  console.log(table(
    ['hosts', 'weigher', 'VMs', 'fill', 'decisions/s', 'mean µs', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs', '>1 ms', 'refused', 'index upkeep µs', 'index build ms', 'heap MiB'],
    rows.map((r) => [
      int(r.hosts), r.weigher, int(r.vms), `${fixed(r.fill * 100, 0)} %`, int(r.place.perSecond), fixed(r.place.meanUs, 2), fixed(r.place.p50Us, 2),
      fixed(r.place.p99Us, 2), fixed(r.place.p999Us, 1), int(r.place.maxUs), int(r.place.overOneMs), int(r.refused), fixed(r.upkeepMeanUs, 2), int(r.buildMs), int(r.heapMiB),
    ]),
  ));
  console.log();
  console.log(table(
    ['hosts', 'weigher', ...MIX.map(([k]) => `${k} µs (refused)`)],
    rows.map((r) => [int(r.hosts), r.weigher, ...MIX.map(([k]) => {
      const x = r.byKind.get(k)!;
      return `${fixed(x.count ? x.ns / x.count / 1000 : 0, 2)} (${fixed(x.count ? (100 * x.refused) / x.count : 0, 0)} %)`;
    })]),
  ));
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  if (smallest !== largest) {
    console.log();
    for (const w of weighers) {
      const a = rows.find((r) => r.hosts === smallest && r.weigher === w)!;
      const b = rows.find((r) => r.hosts === largest && r.weigher === w)!;
      const ratio = (f: (x: Row) => number) => fixed(f(b) / f(a), 2);
      console.log(`mixed ${w}: per-decision cost at ${int(largest)} hosts ÷ at ${int(smallest)}: mean ${ratio((r) => r.place.meanUs)}×, ` +
        `p50 ${ratio((r) => r.place.p50Us)}×, p99 ${ratio((r) => r.place.p99Us)}×, index upkeep ${ratio((r) => r.upkeepMeanUs)}×`);
    }
  }
}

function mainDensity(hosts: number, weighers: WeigherName[], seeds: number): void {
  console.log();
  console.log(`Packing density: Azure 2019 vCPU and memory distributions (${AZURE}), ${int(hosts)} m5-hosts in one zone, ` +
    `no departures, CPU and RAM ratio 1; the figures at the first refused request, mean of ${seeds} seeds.`);
  const rows: DensityRow[] = [];
  for (const weigher of weighers) {
    const runs = Array.from({ length: seeds }, (_, s) => runDensity(hosts, weigher, 1000 + s));
    const mean = (f: (r: DensityRow) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
    rows.push({ weigher, hosts, placed: mean((r) => r.placed), coreDensity: mean((r) => r.coreDensity), memoryDensity: mean((r) => r.memoryDensity), refusedAt: runs.map((r) => r.refusedAt).join('; ') });
    process.stderr.write(`  done (density): ${weigher}\n`);
  }
  console.log();
  console.log(table(
    ['weigher', 'hosts', 'VMs placed', 'allocated ÷ available cores', 'allocated ÷ available memory', 'first refused (per seed)'],
    rows.map((r) => [r.weigher, int(r.hosts), int(r.placed), `${fixed(r.coreDensity * 100, 1)} %`, `${fixed(r.memoryDensity * 100, 1)} %`, r.refusedAt]),
  ));
}

function main(): void {
  const sizes = arg('sizes', '1000,10000,100000').split(',').map(Number);
  const weighers = arg('weighers', 'pack,spread').split(',') as WeigherName[];
  const decisions = Number(arg('decisions', '20000'));
  const warmup = Number(arg('warmup', '5000'));
  const workloads = arg('workloads', 'plain,mixed,density').split(',');
  if (!workloads.includes('plain')) {
    if (workloads.includes('mixed')) mainMixed(sizes, weighers, decisions, warmup);
    if (workloads.includes('density')) mainDensity(Number(arg('density-hosts', '1000')), ['pack', 'spread', 'balance'], Number(arg('density-seeds', '3')));
    return;
  }
  console.log(`Placement benchmark: Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
    `${int(decisions)} timed decisions per row after ${int(warmup)} warm-up, count 1, cpu ratio ${CONFIG.cpuAllocationRatio}, ram ratio ${CONFIG.ramAllocationRatio}`);
  const rows: Row[] = [];
  for (const hosts of sizes) for (const weigher of weighers) {
    const row = runOne(hosts, weigher, decisions, warmup);
    rows.push(row);
    process.stderr.write(`  done: ${int(hosts)} hosts, ${weigher}\n`);
  }
  console.log();
  console.log(table(
    ['hosts', 'weigher', 'VMs', 'fill', 'decisions/s', 'mean µs', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs', '>1 ms', 'refused', 'index upkeep µs', 'launch µs', 'index build ms', 'heap MiB'],
    rows.map((r) => [
      int(r.hosts), r.weigher, int(r.vms), `${fixed(r.fill * 100, 0)} %`, int(r.place.perSecond), fixed(r.place.meanUs, 2), fixed(r.place.p50Us, 2),
      fixed(r.place.p99Us, 2), fixed(r.place.p999Us, 1), int(r.place.maxUs), int(r.place.overOneMs), int(r.refused), fixed(r.upkeepMeanUs, 2),
      fixed(r.launchMeanUs, 2), int(r.buildMs), int(r.heapMiB),
    ]),
  ));
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  if (smallest !== largest) {
    console.log();
    for (const w of weighers) {
      const a = rows.find((r) => r.hosts === smallest && r.weigher === w)!;
      const b = rows.find((r) => r.hosts === largest && r.weigher === w)!;
      const ratio = (f: (x: Row) => number) => fixed(f(b) / f(a), 2);
      console.log(`${w}: per-decision cost at ${int(largest)} hosts ÷ at ${int(smallest)}: mean ${ratio((r) => r.place.meanUs)}×, ` +
        `p50 ${ratio((r) => r.place.p50Us)}×, p99 ${ratio((r) => r.place.p99Us)}×, index upkeep ${ratio((r) => r.upkeepMeanUs)}×`);
    }
  }
  if (workloads.includes('mixed')) mainMixed(sizes, weighers, decisions, warmup);
  if (workloads.includes('density')) mainDensity(Number(arg('density-hosts', '1000')), ['pack', 'spread', 'balance'], Number(arg('density-seeds', '3')));
}

main();
