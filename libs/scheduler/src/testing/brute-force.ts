import { AVAILABILITY_ZONES, Fleet, Host, InstanceType, CpuParams } from '@nimbus/hypervisor';
import { RefusalReason, SchedulerConfig } from '../contract';

/**
 * A reference for the tests: the placement rules of docs/model.md §4 read literally, by scanning every
 * host and counting instances one at a time. Slow on purpose, and shares no code with the index.
 */
export interface Need {
  readonly instanceType: InstanceType;
  readonly cpu: CpuParams;
}

type Ratios = Pick<SchedulerConfig, 'cpuAllocationRatio' | 'ramAllocationRatio'>;

/** Whether `extra` more instances fit on the host on top of its allocation, per dimension. */
export function fitsPerDimension(host: Host, need: Need, ratios: Ratios, extra: number) {
  const a = host.allocation;
  return {
    'cpu-reservation': a.reservedMillicores + extra * need.cpu.reservationMillicores <= host.cpuCapacityMillicores,
    'cpu-limit': a.limitMillicores + extra * need.cpu.limitMillicores <= host.threads * 1000 * ratios.cpuAllocationRatio,
    memory: a.memoryMiB + extra * host.memoryFootprintMiB(need.instanceType.memoryMiB) <= host.memoryCapacityMiB * ratios.ramAllocationRatio,
  };
}

export function allFit(host: Host, need: Need, ratios: Ratios, extra: number): boolean {
  const f = fitsPerDimension(host, need, ratios, extra);
  return f['cpu-reservation'] && f['cpu-limit'] && f.memory;
}

/** How many more instances the host takes (0 when it is not available or the wrong type). */
export function bruteSlots(host: Host, need: Need, ratios: Ratios): number {
  if (host.state !== 'available' || !host.type.families.includes(need.instanceType.family)) return 0;
  let k = 0;
  while (allFit(host, need, ratios, k + 1)) k++;
  return k;
}

export interface BruteZone {
  readonly fits: number;
  readonly reasons: RefusalReason[];
}

/** The zone's total fit, and its reasons as zone-refusal.ts defines them, by scanning hosts. */
export function bruteZone(fleet: Fleet, az: string, need: Need, ratios: Ratios): BruteZone {
  if (!AVAILABILITY_ZONES.includes(az)) return { fits: 0, reasons: ['availability-zone'] };
  const eligible = [...fleet.hosts()].filter((h) => h.availabilityZone === az && h.type.families.includes(need.instanceType.family));
  if (eligible.length === 0) return { fits: 0, reasons: ['instance-family'] };
  const reasons: RefusalReason[] = [];
  if (eligible.some((h) => h.state !== 'available')) reasons.push('host-state');
  const available = eligible.filter((h) => h.state === 'available');
  let fits = 0;
  const shortEverywhere = { 'cpu-reservation': true, 'cpu-limit': true, memory: true };
  for (const h of available) {
    const k = bruteSlots(h, need, ratios);
    fits += k;
    // After the zone's fits are placed, this host has taken k: which dimensions lack one more?
    const oneMore = fitsPerDimension(h, need, ratios, k + 1);
    for (const d of ['cpu-reservation', 'cpu-limit', 'memory'] as const) if (oneMore[d]) shortEverywhere[d] = false;
  }
  if (available.length > 0) {
    const short = (['cpu-reservation', 'cpu-limit', 'memory'] as const).filter((d) => shortEverywhere[d]).map((d) => `capacity: ${d}` as RefusalReason);
    reasons.push(...(short.length > 0 ? short : ['capacity: fragmented' as const]));
  }
  return { fits, reasons };
}

/**
 * Replays a decision's picks and checks each against the best host the weigher could have had at
 * that moment: the same slot key (ties may go to another host). Returns the first mismatch.
 */
export function firstWorsePick(fleet: Fleet, az: string, need: Need, ratios: Ratios, weigher: 'pack' | 'spread', hostIds: readonly string[]): string | null {
  const hosts = [...fleet.hosts()].filter((h) => h.availabilityZone === az);
  const taken = new Map<string, number>();
  const slotsLeft = (h: Host) => bruteSlots(h, need, ratios) - (taken.get(h.id) ?? 0);
  for (const [i, id] of hostIds.entries()) {
    const keys = hosts.map(slotsLeft).filter((k) => k > 0);
    const best = weigher === 'pack' ? Math.min(...keys) : Math.max(...keys);
    const host = fleet.host(id);
    if (!host) return `pick ${i}: unknown host ${id}`;
    const got = slotsLeft(host);
    if (got !== best) return `pick ${i}: ${id} had ${got} slots left, the ${weigher} choice had ${best}`;
    taken.set(id, (taken.get(id) ?? 0) + 1);
  }
  return null;
}
