/**
 * An offline run with nothing but the libraries: no Nest, no database. It builds a fleet, launches
 * tenants' VMs through the scheduler, gives them workloads, runs a month of simulated time and
 * collects the results.
 *
 *   node -r @swc-node/register examples/offline-month.ts [--hosts 4] [--vms 20] [--days 30]
 */
import { findImage, findInstanceType, FLEET, MS_PER_DAY, MS_PER_SECOND } from '@nimbus/hypervisor';
import { launch, PlacementRefusal, runWorld, setWorkload, InstanceUsageEvent, World } from '@nimbus/simulation';

export interface OfflineMonthOptions {
  readonly hostsPerZone: number;
  readonly vms: number;
  readonly days: number;
  /** Each VM's constant CPU demand, in cores. */
  readonly demandCores: number;
  readonly instanceType: string;
}

export interface OfflineMonthResult {
  readonly launched: number;
  readonly refused: readonly PlacementRefusal[];
  /** Running seconds per tenant over the run (from the world's usage events). */
  readonly runningSecondsByTenant: Readonly<Record<string, number>>;
  /** The fleet's mean delivered CPU utilization over the run (0-1), from its metric buckets. */
  readonly meanFleetCpuUtilization: number;
  readonly energyKWh: number;
  readonly events: number;
  readonly slices: number;
}

const START = Date.UTC(2026, 0, 1);
const LINUX = 'ami-0a1e0c00000000a23';

export function offlineMonth(o: OfflineMonthOptions, onProgress?: (fraction: number) => void): OfflineMonthResult {
  const world = World.create({
    startMs: START,
    hosts: [
      { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: o.hostsPerZone },
      { hostType: 'm5-host', availabilityZone: 'us-east-1b', count: o.hostsPerZone },
    ],
  });
  const refused: PlacementRefusal[] = [];
  const off = world.onRefusal((r) => refused.push(r));
  const type = findInstanceType(o.instanceType)!;
  const image = findImage(LINUX)!;
  let n = 0;
  let launched = 0;
  for (let i = 0; i < o.vms; i++) {
    const tenantId = `tenant-${i % 3}`;
    try {
      const r = launch(world, { tenantId, instanceType: type, image, minCount: 1, maxCount: 1, newVmId: () => `i-${String(++n).padStart(17, '0')}` });
      for (const vm of r.vms) setWorkload(world, tenantId, vm.vmId, { cpu: { model: 'constant', cores: o.demandCores } });
      launched += r.vms.length;
    } catch {
      // refused: the refusal listener has it
    }
  }
  off();
  const end = START + o.days * MS_PER_DAY;
  const since = new Map<string, number>();
  const running: Record<string, number> = {};
  const addRunning = (e: InstanceUsageEvent, until: number) => {
    const from = since.get(e.vmId);
    if (from === undefined) return;
    running[e.tenantId] = (running[e.tenantId] ?? 0) + (until - from) / MS_PER_SECOND;
    since.delete(e.vmId);
  };
  // A series has a bucket only where something changed; between buckets it holds the last one's end.
  const util = { from: START, weighted: 0, held: 0, heldSince: START };
  const outcome = runWorld(world, {
    until: end,
    sliceMs: MS_PER_DAY,
    onProgress: (p) => onProgress?.(p.fraction),
    sink: {
      usage: (e) => {
        if (e.kind === 'running') since.set(e.vmId, e.time);
        else if (e.kind === 'not-running') addRunning(e, e.time);
      },
      bucket: (b) => {
        if (b.kind !== 'fleet') return;
        const { start, coveredMs, mean, end: last } = b.bucket;
        util.weighted += util.held * (start - util.heldSince) + mean[FLEET.cpuUtilization] * coveredMs;
        util.held = last[FLEET.cpuUtilization];
        util.heldSince = start + coveredMs;
      },
    },
  });
  util.weighted += util.held * (end - util.heldSince);
  for (const vm of world.fleet.allVms()) if (since.has(vm.vmId)) addRunning({ kind: 'not-running', vmId: vm.vmId, tenantId: vm.tenantId, time: end }, end);
  const energyKWh = [...world.fleet.hosts()].reduce((s, h) => s + world.dataPlane.hostView(h.id).energyKWh, 0);
  world.dispose();
  return {
    launched, refused, runningSecondsByTenant: running, energyKWh, events: outcome.events, slices: outcome.slices,
    meanFleetCpuUtilization: util.weighted / (end - util.from) / 100,
  };
}

if (require.main === module) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const t0 = process.hrtime.bigint();
  const r = offlineMonth({ hostsPerZone: arg('hosts', 4), vms: arg('vms', 20), days: arg('days', 30), demandCores: 1, instanceType: 'm5.large' }, (f) => {
    process.stderr.write(`\r${(f * 100).toFixed(0)} %`);
  });
  process.stderr.write('\n');
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`launched ${r.launched}, refused ${r.refused.length}; ${r.events} events in ${r.slices} slices, ${wall.toFixed(2)} s wall`);
  for (const [tenant, s] of Object.entries(r.runningSecondsByTenant)) console.log(`${tenant}: ${(s / 3600).toFixed(2)} instance-hours`);
  console.log(`fleet CPU utilization (mean): ${(r.meanFleetCpuUtilization * 100).toFixed(2)} %; energy ${r.energyKWh.toFixed(1)} kWh`);
}
