/**
 * Engine benchmark: the VMM data plane (libs/hypervisor/src/dataplane) driving 100,000 VMs on
 * 10,000 hosts for 30 simulated days with hourly demand changes, as fast as it goes.
 *
 *   npm run bench:engine [-- --vm-metrics --days 30 --hosts 10000 --vms 100000 --io-share 0.1
 *                           --placement host|random --seed 1 --digest --data <dir>]
 *
 * Method (also in docs/benchmarks.md, "Engine"):
 * - Fleet: 10,000 hosts, 35 % m5-host, 15 % m5-xen-pv-host (paravirtual: a driver domain that pays
 *   CPU per IO and per packet), 25 % c5-host, 25 % r5-host, round-robin over us-east-1a/b/c.
 * - 100,000 VMs of types the host's family runs (m5 hosts: 20 % t3, 80 % m5; c5 hosts: c5; r5
 *   hosts: r5; large … 4xlarge weighted to small), each put on a seeded-random host, first fit
 *   onward from it (reservations and memory never oversubscribed), launched with `Fleet.launch`
 *   and booted to `running`. No scheduler: placement is not what is measured here. By default the
 *   VMs are launched host by host (`--placement random`: in the order drawn; see the docs for
 *   why that order matters at this scale).
 * - CPU demand: every VM runs a real utilization trace, `{ model: 'trace', periodSeconds: 3600,
 *   repeat: true }`: the hourly mean CPU % of a VM of the Bitbrains GWA-T-12 "Rnd" trace (500 VMs,
 *   July 2013, 30 days; read from ../shared/data at bench time), applied to the VM's vCPUs.
 *   Without the data, a seeded random walk with 3,600 s steps (and the output says so).
 * - 10 % of the VMs (`--io-share`) have an EBS volume (half gp2 100 GiB: 300 IOPS baseline, a
 *   3,000 IOPS burst bucket; half gp3) and two network flows (to the internet, and to another VM on
 *   the same host, another host or another zone); their IOPS and Mbps follow the same Bitbrains
 *   VM's hourly disk and network series, set by one bench action per simulated hour
 *   (`DataPlane.setWorkload`, only for the VMs whose values changed). Half the t3 VMs are in
 *   `standard` credit mode.
 * - Metrics: the data plane's sink is on (hosts and fleet always; per-VM series only with
 *   `--vm-metrics`); buckets are counted, not kept (or hashed with `--digest`).
 * - Timed: setup (building and booting the fleet while a worker thread reads the data, setting the workloads) and
 *   the simulation (`engine.runUntil` over the days) separately, and within the simulation the
 *   bench's own hourly `setWorkload` calls and the main thread's GC pauses. Memory: peak RSS from
 *   getrusage (the process's true maximum), and the heap sampled every simulated hour.
 * - Deterministic: a fixed seed; `--digest` hashes every emitted bucket, every timeline notice and
 *   every VM's and host's final view, so two runs (or two versions of the data plane) can be
 *   compared exactly.
 */
import {
  AVAILABILITY_ZONES, BucketSummary, FleetEvent, HOST_TYPES, HostType, IMAGES, INSTANCE_TYPES, InstanceType,
  MS_PER_HOUR, Workload, defaultCpuParams, isBurstable, resolveVolume, validateWorkload,
} from '@nimbus/hypervisor';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { HostRecord, World } from '@nimbus/simulation';
import { seededRandom, weightedPicker } from './lib/random';
import { fixed, int } from './lib/stats';

const HOST_MIX = [['m5-host', 35], ['m5-xen-pv-host', 15], ['c5-host', 25], ['r5-host', 25]] as const;
const SIZES = [['large', 40], ['xlarge', 30], ['2xlarge', 20], ['4xlarge', 10]] as const;
const T3_SIZES = [['nano', 10], ['micro', 20], ['small', 20], ['medium', 20], ['large', 15], ['xlarge', 10], ['2xlarge', 5]] as const;
/** Burstable VMs: a fifth of the VMs on m5-family hosts (about 10 % of all). */
const T3_SHARE_ON_M5 = 0.2;
/** VMs with a volume and two flows (`--io-share`). */
const IO_SHARE = 0.1;
const START = Date.UTC(2026, 0, 1);
const BOOT_LEAD_MS = 10 * 60_000;
/** Bitbrains disk throughput (KB/s) to IOPS: 4 KiB IOs, the usual small random IO. */
const KIB_PER_IO = 4;
const WALL_TARGET_S = 60;
const MEMORY_TARGET_MIB = 2048;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const typeByName = (name: string): InstanceType => INSTANCE_TYPES.find((t) => t.name === name)!;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

// ---- the data ----

/** One source VM's series, one point per hour. */
interface Source {
  readonly cpuPct: Float64Array;
  readonly diskKBps: Float64Array;
  readonly netTxKBps: Float64Array;
}

/**
 * Bitbrains Rnd, one gzipped CSV per VM (`;\t`-separated, 300 s samples): hourly means of CPU
 * usage %, disk read + write KB/s and network transmitted KB/s. Hours count from the first
 * timestamp of the month (`vm_summary_2013-7.csv`'s earliest `t_first`, else the first file's), so
 * every VM's hour k is the same wall-clock hour. An hour without samples (gaps in the trace)
 * repeats the previous hour.
 */
function readBitbrains(dir: string, hours: number): Source[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv.gz')).sort((a, b) => parseInt(a) - parseInt(b));
  let t0 = Infinity;
  const summary = join(dir, '..', 'vm_summary_2013-7.csv');
  if (existsSync(summary)) {
    const [header, ...rows] = readFileSync(summary, 'latin1').trim().split('\n');
    const col = header.split(',').indexOf('t_first');
    for (const r of rows) t0 = Math.min(t0, Number(r.split(',')[col]));
  }
  const sources: Source[] = [];
  for (const f of files) {
    const text = gunzipSync(readFileSync(join(dir, f))).toString('latin1');
    const sums = [new Float64Array(hours), new Float64Array(hours), new Float64Array(hours)];
    const counts = new Uint16Array(hours);
    // The columns of a line by their offsets (no array of strings per line: 4 M lines).
    const starts = new Int32Array(12);
    const field = (k: number, end: number) => Number(text.slice(starts[k], k + 1 < 12 && starts[k + 1] > 0 ? starts[k + 1] - 1 : end));
    let pos = text.indexOf('\n') + 1; // skip the header
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      let cols = 1;
      starts.fill(0);
      starts[0] = pos;
      for (let i = pos; i < end && cols < 12; i++) if (text.charCodeAt(i) === 59 /* ; */) starts[cols++] = i + 1;
      const lineEnd = end;
      pos = end + 1;
      if (cols < 11) continue;
      const ts = field(0, lineEnd);
      if (!Number.isFinite(t0)) t0 = ts;
      const h = Math.floor((ts - t0) / 3600);
      const cpu = field(4, lineEnd);
      if (h < 0 || h >= hours || !Number.isFinite(cpu)) continue;
      sums[0][h] += cpu;
      sums[1][h] += field(7, lineEnd) + field(8, lineEnd);
      sums[2][h] += field(10, lineEnd);
      counts[h]++;
    }
    for (let h = 0; h < hours; h++) {
      for (const x of sums) x[h] = counts[h] > 0 ? x[h] / counts[h] : h > 0 ? x[h - 1] : 0;
    }
    sources.push({ cpuPct: sums[0], diskKBps: sums[1], netTxKBps: sums[2] });
  }
  return sources;
}

/** `readBitbrains` on a worker thread (this file, run as the worker: see the end); the arrays are transferred, not copied. */
function readOnWorker(dir: string, hours: number): Promise<{ sources: Source[]; seconds: number }> {
  return new Promise((resolveRead, reject) => {
    const worker = new Worker(__filename, { workerData: { dir, hours }, execArgv: ['-r', '@swc-node/register'] });
    worker.once('message', (m: { sources: Source[]; seconds: number }) => resolveRead(m));
    worker.once('error', reject);
  });
}

// ---- digest (FNV-1a over the bits of every number) ----

class Digest {
  private h = 0x811c9dc5;
  private readonly f = new Float64Array(1);
  private readonly u = new Uint32Array(this.f.buffer);
  num(x: number): void {
    this.f[0] = x;
    this.word(this.u[0]);
    this.word(this.u[1]);
  }
  str(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }
  nums(xs: readonly number[]): void {
    for (const x of xs) this.num(x);
  }
  private word(w: number): void {
    this.h = Math.imul(this.h ^ w, 0x01000193) >>> 0;
  }
  get hex(): string {
    return hex(this.h, 8);
  }
}

// ---- the run ----

interface IoVm {
  readonly vmId: string;
  readonly volumeId: string;
  readonly source: number;
  readonly peer: string;
  iops: number;
  mibps: number;
  mbps: number;
}

async function main(): Promise<void> {
  const hostCount = Number(arg('hosts', '10000'));
  const vmCount = Number(arg('vms', '100000'));
  const days = Number(arg('days', '30'));
  const seed = Number(arg('seed', '1'));
  const vmMetrics = flag('vm-metrics');
  const ioShare = Number(arg('io-share', String(IO_SHARE)));
  const digestOn = flag('digest');
  const hours = days * 24;
  const random = seededRandom(seed);
  const wall0 = process.hrtime.bigint();
  const since = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

  console.log(`Engine benchmark: Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), seed ${seed}`);

  // The data: ../shared/data relative to the repository root (this file's parent directory).
  const dataDir = resolve(arg('data', resolve(__dirname, '..', '..', 'shared', 'data')), 'bitbrains-rnd', '2013-7');
  // Read (gunzipped, parsed) on a worker thread while this one builds and boots the fleet, which
  // does not need it: the machine has two cores.
  const reading = existsSync(dataDir) ? readOnWorker(dataDir, Math.max(hours, 1)) : Promise.resolve({ sources: [] as Source[], seconds: 0 });

  const setup0 = process.hrtime.bigint();
  const buckets = { vm: 0, host: 0, fleet: 0 };
  const digest = new Digest();
  const onBucket = digestOn
    ? (kind: 'vm' | 'host' | 'fleet', id: string, b: BucketSummary) => {
        buckets[kind]++;
        digest.str(kind);
        digest.str(id);
        digest.num(b.start);
        digest.num(b.coveredMs);
        digest.num(b.count);
        digest.nums(b.mean);
        digest.nums(b.max);
        digest.nums(b.end);
        digest.nums(b.slope);
        digest.num(b.final ? 1 : 0);
      }
    : (kind: 'vm' | 'host' | 'fleet') => {
        buckets[kind]++;
      };
  let notices = 0;
  const observe = (e: FleetEvent) => {
    if (e.type !== 'timeline') return;
    notices++;
    if (!digestOn) return;
    digest.str(e.kind);
    digest.num(e.time);
    digest.str(`${e.hostId ?? ''}/${e.vmId ?? ''}/${JSON.stringify(e.detail)}`);
  };

  // Hosts.
  const nextHostType = weightedPicker(random, HOST_MIX);
  const hostTypes: HostType[] = [];
  const hostIds: string[] = [];
  const hostCounts = new Map<string, number>();
  const hostRecords: HostRecord[] = [];
  for (let i = 0; i < hostCount; i++) {
    const name = nextHostType();
    const type = HOST_TYPES.find((h) => h.name === name)!;
    const id = `h-${hex(i, 17)}`;
    hostRecords.push({ hostId: id, hostType: type.name, availabilityZone: AVAILABILITY_ZONES[i % AVAILABILITY_ZONES.length] });
    hostTypes.push(type);
    hostIds.push(id);
    hostCounts.set(type.name, (hostCounts.get(type.name) ?? 0) + 1);
  }
  // The world by its one construction (libs/simulation): no usage metering or change set (nothing
  // is stored), metric buckets to the digest.
  const world = World.create({ startMs: START - BOOT_LEAD_MS, hosts: hostRecords }, { journal: false, usage: false, metrics: { vms: vmMetrics, onBucket } });
  world.observe(observe);
  const { engine, fleet, dataPlane } = world;

  // VMs: each goes to a seeded-random host, first fit onward from it (so a host holds 10 on
  // average, not exactly 10). `--placement host` (the default) launches them host by host, the
  // way a fleet filled by a packing scheduler grows; `--placement random` launches them in the
  // order they were drawn, so that the VMs of a host were made far apart in time (and memory).
  const placement = arg('placement', 'host');
  if (placement !== 'host' && placement !== 'random') throw new Error(`--placement is host or random, got ${placement}`);
  const sizePick = weightedPicker(random, SIZES);
  const t3Pick = weightedPicker(random, T3_SIZES);
  const linux = IMAGES[0];
  const ubuntu = IMAGES[1];
  interface Planned { host: number; type: InstanceType }
  const planned: Planned[] = [];
  const reserved = new Float64Array(hostCount);
  const memory = new Float64Array(hostCount);
  for (let v = 0; v < vmCount; v++) {
    let h = Math.floor(random() * hostCount);
    for (let tries = 0; ; tries++, h = (h + 1) % hostCount) {
      if (tries >= hostCount) throw new Error(`VM ${v} fits nowhere: lower --vms`);
      const host = fleet.host(hostIds[h])!;
      const family = host.type.families.includes('t3') && random() < T3_SHARE_ON_M5 ? 't3' : host.type.families[0];
      const t = typeByName(`${family}.${family === 't3' ? t3Pick() : sizePick()}`);
      const cpu = defaultCpuParams(t);
      if (reserved[h] + cpu.reservationMillicores > host.cpuCapacityMillicores) continue;
      if (memory[h] + host.memoryFootprintMiB(t.memoryMiB) > host.memoryCapacityMiB) continue;
      reserved[h] += cpu.reservationMillicores;
      memory[h] += host.memoryFootprintMiB(t.memoryMiB);
      planned.push({ host: h, type: t });
      break;
    }
  }
  if (placement === 'host') planned.sort((a, b) => a.host - b.host); // stable: draw order within a host
  const vmIds: string[] = [];
  const vmHost: number[] = [];
  const vmTypes: InstanceType[] = [];
  const hostVms: number[][] = hostIds.map(() => []);
  let t3 = 0;
  for (const { host: h, type: t } of planned) {
    const v = vmIds.length;
    const vmId = `i-${hex(v, 17)}`;
    fleet.launch({ vmId, tenantId: `tenant-${v % 100}`, instanceType: t, image: v % 4 === 0 ? ubuntu : linux, cpu: defaultCpuParams(t) }, hostIds[h]);
    vmIds.push(vmId);
    vmHost.push(h);
    vmTypes.push(t);
    hostVms[h].push(v);
    if (isBurstable(t)) t3++;
  }
  engine.runUntil(START); // every VM boots (15-20 s)

  const wait0 = process.hrtime.bigint();
  const { sources, seconds: dataS } = await reading;
  const waitS = since(wait0);
  const traced = sources.length > 0;
  console.log(traced
    ? `CPU demand: hourly mean CPU % of the ${sources.length} VMs of Bitbrains GWA-T-12 Rnd (July 2013; ${dataDir}), trace model, 3,600 s period, ×vCPUs; ` +
      `IO and network of the ${fixed(ioShare * 100, 0)} % with a volume: the same VM's hourly disk (KB/s ÷ ${KIB_PER_IO} KiB = IOPS) and transmitted network`
    : `CPU demand: NO DATA at ${dataDir}: seeded random walks (3,600 s steps) instead, and seeded random hourly IO and network`);
  console.log(`Per-VM metrics: ${vmMetrics ? 'ON (--vm-metrics)' : 'off (the default run; --vm-metrics records them)'}; hosts and fleet: on\n`);

  // Workloads, all set at START so that every trace steps on the hour.
  const traceCache = new Map<string, number[]>();
  const traceOf = (source: number, vcpus: number): number[] => {
    const key = `${source}/${vcpus}`;
    let cores = traceCache.get(key);
    if (!cores) {
      const pct = sources[source].cpuPct;
      cores = Array.from(pct, (p) => Math.min(vcpus, Math.max(0, (p / 100) * vcpus)));
      validateWorkload({ cpu: { model: 'trace', periodSeconds: 3600, cores, repeat: true } }, { vcpus, memoryMiB: 1024 });
      traceCache.set(key, cores);
    }
    return cores;
  };
  const vmSource: number[] = new Array(vmIds.length);
  for (let v = 0; v < vmIds.length; v++) {
    const t = vmTypes[v];
    let w: Workload;
    if (traced) {
      vmSource[v] = Math.floor(random() * sources.length);
      w = { cpu: { model: 'trace', periodSeconds: 3600, cores: traceOf(vmSource[v], t.vcpus), repeat: true } };
    } else {
      vmSource[v] = v;
      const mean = t.vcpus * (0.02 + 0.2 * random() * random());
      w = { cpu: { model: 'random-walk', meanCores: mean, volatility: mean / 3, seed: seed * 1_000_003 + v, stepSeconds: 3600 } };
    }
    dataPlane.setWorkload(vmIds[v], w);
    if (isBurstable(t) && v % 2 === 0) dataPlane.setCreditMode(vmIds[v], 'standard');
  }

  // IO and network for 10 %: a volume, a flow to the internet and one to a peer VM.
  const ioVms: IoVm[] = [];
  let gp2 = 0;
  for (let v = 0; v < vmIds.length; v++) {
    if (random() >= ioShare) continue;
    const h = vmHost[v];
    const volumeId = `vol-${hex(ioVms.length, 17)}`;
    const isGp2 = ioVms.length % 2 === 0;
    if (isGp2) gp2++;
    dataPlane.addVolume({
      volumeId, tenantId: `tenant-${v % 100}`, availabilityZone: AVAILABILITY_ZONES[h % AVAILABILITY_ZONES.length],
      spec: resolveVolume(isGp2 ? { type: 'gp2', sizeGiB: 100 } : { type: 'gp3', sizeGiB: 200 }),
    });
    dataPlane.attachVolume(volumeId, vmIds[v]);
    // The peer: a VM on the same host, another host of the zone, or another zone, a third each.
    const where = ioVms.length % 3;
    let peer = -1;
    if (where === 0) peer = hostVms[h].find((x) => x !== v) ?? -1;
    if (peer < 0) {
      const shift = where === 2 ? 1 : AVAILABILITY_ZONES.length; // hosts are round-robin over zones
      const other = (h + shift * (1 + Math.floor(random() * 100))) % hostCount;
      peer = hostVms[other].find((x) => x !== v) ?? (v + 1) % vmIds.length;
    }
    ioVms.push({ vmId: vmIds[v], volumeId, source: vmSource[v], peer: vmIds[peer], iops: -1, mibps: -1, mbps: -1 });
  }

  // One bench action per simulated hour sets the IO and network of the hour (before the data
  // plane's flush of that instant, so each host is still recomputed once).
  const ioRandom = seededRandom(seed + 17);
  let driveNs = 0;
  let setWorkloads = 0;
  const applyHour = (hour: number) => {
    const t0 = process.hrtime.bigint();
    for (const io of ioVms) {
      let kbps: number;
      let netKBps: number;
      if (traced) {
        const s = sources[io.source];
        kbps = s.diskKBps[hour % s.diskKBps.length];
        netKBps = s.netTxKBps[hour % s.netTxKBps.length];
      } else {
        kbps = 400 * ioRandom() ** 4;
        netKBps = 200 * ioRandom() ** 4;
      }
      const iops = Math.round(kbps / KIB_PER_IO);
      const mibps = Math.round((kbps / 1024) * 1000) / 1000;
      const mbps = Math.round((netKBps * 1024 * 8) / 1e6 / 2); // split over two flows
      const update: Workload = {};
      if (iops !== io.iops || mibps !== io.mibps) update.io = [{ volumeId: io.volumeId, iops, throughputMiBps: iops > 0 ? mibps : 0 }];
      if (mbps !== io.mbps) update.network = [{ to: 'internet', mbps }, { to: io.peer, mbps }];
      io.iops = iops;
      io.mibps = mibps;
      io.mbps = mbps;
      if (update.io || update.network) {
        dataPlane.setWorkload(io.vmId, update);
        setWorkloads++;
      }
    }
    if (hour + 1 < hours) engine.schedule(START + (hour + 1) * MS_PER_HOUR, () => applyHour(hour + 1));
    driveNs += Number(process.hrtime.bigint() - t0);
  };
  applyHour(0);
  engine.runUntil(START); // the first recomputation of every host, with its workloads
  const setupS = since(setup0);

  // ---- the simulation ----
  const events0 = engine.eventsProcessed;
  const steps0 = dataPlane.demandSteps;
  const recomputes0 = dataPlane.hostRecomputations;
  const buckets0 = { ...buckets };
  const notices0 = notices;
  driveNs = 0;
  setWorkloads = 0;
  let peakHeap = process.memoryUsage().heapUsed;
  let peakRssSampled = process.memoryUsage().rss;
  // Garbage-collection pauses of the main thread during the simulation (the engine allocates
  // per event; old-space collections mark concurrently on the other core).
  let gcMs = 0;
  let gcCount = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcCount++;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const sim0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const tenDays: number[] = []; // wall seconds per 10 simulated days: cost should not drift with simulated time
  let mark = process.hrtime.bigint();
  for (let hr = 1; hr <= hours; hr++) {
    engine.runUntil(START + hr * MS_PER_HOUR);
    if (hr % 240 === 0 || hr === hours) {
      tenDays.push(since(mark));
      mark = process.hrtime.bigint();
    }
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRssSampled = Math.max(peakRssSampled, m.rss);
    if (hr % 24 === 0 && process.stderr.isTTY) process.stderr.write(`\r  day ${hr / 24}/${days}, ${fixed(since(sim0), 1)} s`);
  }
  const simS = since(sim0);
  const cpuUsed = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 100)); // the observer's last entries
  gcObserver.disconnect();
  if (process.stderr.isTTY) process.stderr.write('\n');
  const actions = engine.eventsProcessed - events0;
  const steps = dataPlane.demandSteps - steps0;
  // The model's events (docs/model.md §1): every VM demand step, every workload change the bench made,
  // every notice; the engine runs them in fewer actions (hosts due at one instant share one).
  const events = steps + setWorkloads + (notices - notices0);
  const recomputes = dataPlane.hostRecomputations - recomputes0;
  const emitted = { vm: buckets.vm - buckets0.vm, host: buckets.host - buckets0.host, fleet: buckets.fleet - buckets0.fleet };
  const peakRssMiB = process.resourceUsage().maxRSS / 1024; // KiB → MiB
  const totals = dataPlane.fleetTotals();

  if (digestOn) {
    for (const id of vmIds) {
      const view = dataPlane.vmView(id);
      digest.str(id);
      digest.nums([view.demandCores, view.allocatedCores, view.stealCores, view.limitCores, view.creditBalance ?? -1, view.surplusCredits ?? -1,
        view.surplusCreditsCharged ?? -1, view.io.iopsDelivered, view.io.iopsThrottled, view.network.outMbps, view.guaranteeViolationMs]);
    }
    for (const id of hostIds) {
      const view = dataPlane.hostView(id);
      digest.nums([view.cpuAllocatedCores, view.driverDomainCores, view.powerWatts, view.energyKWh, view.guaranteeViolations]);
    }
  }

  const mix = (m: Map<string, number>) => [...m].map(([k, n]) => `${k} ${int(n)}`).join(', ');
  const line = (k: string, v: string) => console.log(`${k.padEnd(22)}${v}`);
  line('hosts', `${int(hostCount)} (${mix(hostCounts)})`);
  line('placement', placement === 'host'
    ? 'seeded-random host per VM, first fit onward; launched host by host (--placement random: in draw order)'
    : 'seeded-random host per VM, first fit onward; launched in draw order (scattered in memory)');
  line('VMs', `${int(vmIds.length)} (t3 ${int(t3)}, half in standard credit mode; ${int(ioVms.length)} with a volume ` +
    `(gp2 ${int(gp2)}, gp3 ${int(ioVms.length - gp2)}) and 2 network flows)`);
  line('simulated', `${days} days (${int(hours)} hourly demand steps)`);
  line('setup', `${fixed(setupS, 1)} s: fleet, boot, workloads, first recompute (the data read in ${fixed(dataS, 1)} s on a worker thread meanwhile; ` +
    `${fixed(waitS, 1)} s waited for it)`);
  line('wall (simulation)', `${fixed(simS, 1)} s (of which ${fixed(driveNs / 1e9, 1)} s in the bench's hourly IO and network changes: ` +
    `${int(setWorkloads)} DataPlane.setWorkload calls)`);
  // CPU time of the whole process (main thread and V8's GC helper threads): on a busy machine, the
  // wall time above includes waiting for a core, and this does not.
  line('cpu (simulation)', `${fixed((cpuUsed.user + cpuUsed.system) / 1e6, 1)} s user+system`);
  if (tenDays.length > 1) line('per 10 days', tenDays.map((x) => `${fixed(x, 1)} s`).join(', '));
  line('GC pauses', `${fixed(gcMs / 1000, 1)} s in ${int(gcCount)} collections (main thread, during the simulation)`);
  line('events', `${int(events)} (${int(events / simS)}/s): ${int(steps)} VM demand steps, ${int(setWorkloads)} IO and network changes, ` +
    `${int(notices - notices0)} notices; ${int(actions)} engine actions`);
  line('host recomputations', `${int(recomputes)} (${int(recomputes / simS)}/s; ${fixed(recomputes / hostCount / hours, 2)} per host per hour)`);
  line('timeline notices', `${int(notices - notices0)} (credits or burst buckets exhausted)`);
  line('metric buckets', `${int(emitted.host + emitted.fleet + emitted.vm)} (host ${int(emitted.host)}, fleet ${int(emitted.fleet)}, vm ${int(emitted.vm)})`);
  line('peak memory', `RSS ${int(peakRssMiB)} MiB (getrusage; sampled hourly ${int(peakRssSampled / 2 ** 20)}), heap ${int(peakHeap / 2 ** 20)} MiB (sampled hourly)`);
  line('fleet at the end', `${fixed(totals.cpuUtilization, 2)} % CPU, ${fixed(totals.powerWatts / 1000, 1)} kW, ${fixed(totals.energyKWh, 1)} kWh, ` +
    `${int(totals.guaranteeViolations)} guarantee violations`);
  if (digestOn) line('digest', digest.hex);
  const met = simS < WALL_TARGET_S && peakRssMiB < MEMORY_TARGET_MIB;
  const full = hostCount === 10_000 && vmCount === 100_000 && days === 30;
  line('target', full
    ? `simulation < ${WALL_TARGET_S} s and peak RSS < 2 GiB (per-VM metrics ${vmMetrics ? 'on' : 'off'}): ${met ? 'met' : 'NOT met'}` +
      ` (wall ${simS < WALL_TARGET_S ? 'within' : 'over'}, memory ${peakRssMiB < MEMORY_TARGET_MIB ? 'within' : 'over'})`
    : 'n/a: the target is for 10,000 hosts, 100,000 VMs, 30 days');
  line('total wall', `${fixed(since(wall0), 1)} s`);
}

if (isMainThread) void main();
else {
  const { dir, hours } = workerData as { dir: string; hours: number };
  const t0 = process.hrtime.bigint();
  const sources = readBitbrains(dir, hours);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  parentPort!.postMessage({ sources, seconds }, sources.flatMap((x) => [x.cpuPct.buffer, x.diskKBps.buffer, x.netTxKBps.buffer] as ArrayBuffer[]));
}
