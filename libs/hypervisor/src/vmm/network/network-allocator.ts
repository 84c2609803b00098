import { waterFillInt } from '../shared/fair-share';

/**
 * Network bandwidth of one host's VMs for one interval (docs/model.md §3.5), in integer Mbps.
 *
 * - Every VM's outgoing flows together stay within its instance type's bandwidth (EC2 caps an
 *   instance's aggregate, enforced at the instance); flows of one VM share its cap max-min fairly.
 * - Flows to a VM on the same host are a memory copy through the hypervisor's switch: they use no
 *   NIC bandwidth (and see lower latency), but still count against the sender's cap.
 * - Everything else (another host, another AZ, the internet) leaves through the host NIC, which is
 *   shared max-min fairly (by flow weight, 1 by default — roughly what competing TCP flows get).
 * - Cross-AZ and internet traffic is reported separately, for billing (intra-AZ traffic is free).
 *
 * Egress only: the receiving host's NIC is the receiver's own allocation; an engine that wants the
 * tighter of both runs the receiving side too and takes the minimum.
 */
export const INTERNET = 'internet';

export interface NetworkFlow {
  readonly id: string;
  readonly fromVm: string;
  readonly toVm: string;
  readonly demandMbps: number;
  readonly sameHost: boolean;
  readonly crossAz: boolean;
  /** Share of the NIC relative to other flows; a positive integer, 1 by default. */
  readonly weight?: number;
}

export type NetworkMetering = 'none' | 'cross-az' | 'internet';
export type NetworkThrottle = 'none' | 'vm-cap' | 'nic';

export interface NetworkFlowGrant {
  readonly id: string;
  readonly deliveredMbps: number;
  readonly throttledMbps: number;
  readonly usesNic: boolean;
  readonly metering: NetworkMetering;
  readonly throttledBy: NetworkThrottle;
}

export interface NetworkAllocation {
  readonly flows: NetworkFlowGrant[];
  readonly nicMbps: number;
  readonly sameHostMbps: number;
  readonly crossAzMbps: number;
  readonly internetMbps: number;
}

export type VmNetworkCaps = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

export function allocateNetwork(hostNicGbps: number, flows: readonly NetworkFlow[], vmCapsMbps: VmNetworkCaps = {}): NetworkAllocation {
  if (!(hostNicGbps >= 0)) throw new RangeError(`host NIC bandwidth must be ≥ 0 Gbps, got ${hostNicGbps}`);
  const nicCapacityMbps = Math.floor(hostNicGbps * 1000);
  const n = flows.length;
  const demand = new Array<number>(n);
  const weight = new Array<number>(n);
  const byVm = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const f = flows[i];
    checkFlow(f);
    demand[i] = f.demandMbps;
    weight[i] = f.weight ?? 1;
    const list = byVm.get(f.fromVm);
    if (list) list.push(i);
    else byVm.set(f.fromVm, [i]);
  }

  // Stage 1: each sender's instance cap over its flows.
  const passed = demand.slice();
  for (const [vmId, members] of byVm) {
    const cap = lookup(vmCapsMbps, vmId);
    if (cap === undefined) continue;
    if (!Number.isSafeInteger(cap) || cap < 0) throw new RangeError(`VM ${vmId}: bandwidth cap must be a non-negative integer of Mbps, got ${cap}`);
    const caps = members.map((i) => demand[i]);
    const w = members.map((i) => weight[i]);
    const out = new Array<number>(members.length);
    waterFillInt(cap, caps, w, out);
    members.forEach((i, k) => (passed[i] = out[k]));
  }

  // Stage 2: the NIC over the flows that leave the host.
  const delivered = passed.slice();
  const nicFlows: number[] = [];
  for (let i = 0; i < n; i++) if (!flows[i].sameHost) nicFlows.push(i);
  const nicOut = new Array<number>(nicFlows.length);
  const nicUsed = waterFillInt(
    nicCapacityMbps,
    nicFlows.map((i) => passed[i]),
    nicFlows.map((i) => weight[i]),
    nicOut,
  );
  nicFlows.forEach((i, k) => (delivered[i] = nicOut[k]));

  let sameHost = 0;
  let crossAz = 0;
  let internet = 0;
  const grants = new Array<NetworkFlowGrant>(n);
  for (let i = 0; i < n; i++) {
    const f = flows[i];
    const mbps = delivered[i];
    const metering: NetworkMetering = f.toVm === INTERNET ? 'internet' : f.crossAz ? 'cross-az' : 'none';
    if (f.sameHost) sameHost += mbps;
    if (metering === 'internet') internet += mbps;
    else if (metering === 'cross-az') crossAz += mbps;
    const throttledBy: NetworkThrottle = mbps >= demand[i] ? 'none' : mbps < passed[i] ? 'nic' : 'vm-cap';
    grants[i] = { id: f.id, deliveredMbps: mbps, throttledMbps: demand[i] - mbps, usesNic: !f.sameHost, metering, throttledBy };
  }
  return { flows: grants, nicMbps: nicUsed, sameHostMbps: sameHost, crossAzMbps: crossAz, internetMbps: internet };
}

/** Bytes moved at `mbps` for `durationMs`: 1 Mbps = 125,000 bytes/s = 125 bytes/ms (exact for integers). */
export function bytesTransferred(mbps: number, durationMs: number): number {
  return mbps * durationMs * 125;
}

/**
 * Cross-AZ data transfer as billed (docs/model.md §5): the VMM meters a flow's bytes once, at its sender
 * (`crossAzMbps`, `bytesTransferred`); EC2 charges data transfer between Availability Zones "in each
 * direction" (EC2 On-Demand pricing, "Data Transfer within the same AWS Region"), out of one AZ and
 * into the other, and a workload's peers are its tenant's own instances, so the receiving end is
 * billed to the same tenant. Given the sender's record, returns the receiving end's: the same bytes,
 * its id with `#in` appended (deterministic: a replayed record writes nothing twice).
 */
export function crossAzInboundRecord<T extends { readonly recordId: string }>(sent: T): T {
  return { ...sent, recordId: `${sent.recordId}#in` };
}

function lookup(caps: VmNetworkCaps, vmId: string): number | undefined {
  if (caps instanceof Map) return caps.get(vmId);
  return Object.prototype.hasOwnProperty.call(caps, vmId) ? (caps as Readonly<Record<string, number>>)[vmId] : undefined;
}

function checkFlow(f: NetworkFlow): void {
  if (!Number.isSafeInteger(f.demandMbps) || f.demandMbps < 0) throw new RangeError(`flow ${f.id}: demand must be a non-negative integer of Mbps, got ${f.demandMbps}`);
  const w = f.weight ?? 1;
  if (!Number.isSafeInteger(w) || w < 1) throw new RangeError(`flow ${f.id}: weight must be a positive integer, got ${w}`);
  if (f.sameHost && (f.crossAz || f.toVm === INTERNET)) throw new RangeError(`flow ${f.id}: a same-host flow cannot go to another AZ or the internet`);
}
