/**
 * Placement benchmark: decisions per second and latency of Scheduler.place() on fleets of 1,000,
 * 10,000 and 100,000 hosts kept at a steady fill while VMs are launched and terminated.
 *
 *   npm run bench:placement [-- --sizes 1000,10000 --decisions 20000 --weighers pack,spread]
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
import { Engine, Fleet, FleetEvent, HOST_TYPES, Host, IMAGES, INSTANCE_TYPES, InstanceType, defaultCpuParams } from '@nimbus/hypervisor';
import { PlacementRequest, Scheduler, WeigherName } from '@nimbus/scheduler';
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
const hostTypeFor = (t: InstanceType) => ({ t3: 'm5-host', m5: 'm5-host', c5: 'c5-host', r5: 'r5-host' })[t.family];

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
  // The engine calls listeners in subscription order, so two listeners around the scheduler's
  // time its index upkeep on each allocation change without touching its code.
  let upkeepStart = 0n;
  let upkeepNs = 0;
  let upkeepCount = 0;
  let timing = false;
  engine.subscribe((e) => {
    if (timing && e.type === 'host.allocation-changed') upkeepStart = process.hrtime.bigint();
  });
  const t0 = process.hrtime.bigint();
  const scheduler = new Scheduler(fleet, { weigher, ...CONFIG });
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  engine.subscribe((e) => {
    if (!timing || e.type !== 'host.allocation-changed') return;
    upkeepNs += Number(process.hrtime.bigint() - upkeepStart);
    upkeepCount++;
  });

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
    timing = i >= 0;
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
    place: summarize(placeNs), launchMeanUs: launched ? launchNs / launched / 1000 : 0, upkeepMeanUs: upkeepCount ? upkeepNs / upkeepCount / 1000 : 0, refused,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

function main(): void {
  const sizes = arg('sizes', '1000,10000,100000').split(',').map(Number);
  const weighers = arg('weighers', 'pack,spread').split(',') as WeigherName[];
  const decisions = Number(arg('decisions', '20000'));
  const warmup = Number(arg('warmup', '5000'));
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
}

main();
