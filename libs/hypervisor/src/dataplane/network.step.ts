import { Host } from '../fleet/host';
import { InstanceStateName } from '../fleet/vm';
import { allocateNetwork, INTERNET, NetworkFlow } from '../vmm/network/network-allocator';
import { HostRt, VmRt } from './runtime';
import { DataPlaneState } from './state';

/** A flow's kind in a recomputation (`VmRt.netKind`). */
const FLOW_SKIP = 0; // its receiver is not running
const FLOW_SAME_HOST = 1;
const FLOW_SAME_AZ = 2;
const FLOW_CROSS_AZ = 3;
const FLOW_INTERNET = 4;

/**
 * A host recomputation's network step (docs/model.md §3.5): each VM's egress under its type's cap and
 * the host's NIC, max-min fair when a cap binds; same-host flows bypass the NIC; cross-AZ and
 * internet egress are metered (the rates `DataPlaneState.settleTransfer` integrates).
 */
export class NetworkStep {
  /** Instance caps handed to allocateNetwork (read during the call only), reused. */
  private readonly netCaps = new Map<string, number>();

  constructor(private readonly s: DataPlaneState) {}

  /** The network of the host's VMs (into their runtimes and the host's meters). */
  run(h: HostRt, rts: readonly VmRt[], ddFailed: boolean): void {
    const s = this.s;
    const host = h.host;
    const n = rts.length;
    let netSenders: VmRt[] | null = null;
    let nicDemand = 0;
    let withinVmCaps = true;
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      if (rt.netSet) {
        s.settleTransfer(rt);
        // Its metered rates are recomputed: the next snapshot must carry the new ones (settleTransfer
        // marks it only when bytes moved since the last settle, not for a change at the same instant).
        if (rt.netCrossAz > 0 || rt.netInternet > 0) s.snapVm(rt);
        rt.netOut = rt.netCrossAz = rt.netInternet = 0;
        rt.netSet = false;
      }
      // A VM whose flows all demand nothing is left out (water-filling gives a zero demand nothing,
      // and takes no share from any other).
      if (rt.netIdle || !rt.active) continue;
      if (ddFailed && !host.type.nic.sriov) continue;
      const sent = this.resolveFlows(rt, host);
      if (sent > rt.netCapMbps) withinVmCaps = false;
      nicDemand += rt.netNicDemand;
      if (netSenders === null) netSenders = [];
      netSenders.push(rt);
    }
    if (netSenders !== null) {
      // Within every VM's cap and the NIC, each flow gets its demand (integers: exactly what the
      // division gives); otherwise the division.
      if (withinVmCaps && nicDemand <= Math.floor(host.type.nic.gbps * 1000)) {
        for (const rt of netSenders) {
          const kinds = rt.netKind!;
          const demand = rt.netDemand!;
          for (let j = 0; j < kinds.length; j++) {
            const kind = kinds[j];
            const mbps = demand[j];
            if (kind === FLOW_SKIP || mbps === 0) continue;
            this.grantFlow(h, rt, kind, mbps);
          }
        }
      } else this.divide(h, netSenders);
      // A VM whose metered egress now runs goes into the next snapshot with its rates: the stored
      // counters are carried forward at those rates after a restart, so bytes sent before the next
      // change are not lost. Already marked VMs cost a flag test.
      for (const rt of netSenders) if (rt.netCrossAz > 0 || rt.netInternet > 0) s.snapVm(rt);
    }
  }

  /**
   * Classifies the VM's flows for this recomputation into `netKind` (the receiver's state, host and
   * zone, from its runtime when it has one: the same values as its Vm's) and returns the Mbps it
   * demands in all; `netNicDemand` gets the part that leaves through the NIC.
   */
  private resolveFlows(rt: VmRt, host: Host): number {
    const kinds = rt.netKind!;
    const demand = rt.netDemand!;
    if (!rt.netKindsValid) this.classifyFlows(rt, host);
    let sent = 0;
    let nic = 0;
    for (let j = 0; j < kinds.length; j++) {
      const kind = kinds[j];
      if (kind === FLOW_SKIP) continue;
      sent += demand[j];
      if (kind !== FLOW_SAME_HOST) nic += demand[j];
    }
    rt.netNicDemand = nic;
    return sent;
  }

  /**
   * Each flow's kind into `netKind`, valid until the sender's receivers or host change or a
   * receiver changes state or host (each of which clears `netKindsValid`: see fleet-events.ts).
   */
  private classifyFlows(rt: VmRt, host: Host): void {
    const s = this.s;
    const net = rt.network!;
    const kinds = rt.netKind!;
    const targets = rt.netTargets ?? (rt.netTargets = new Array<VmRt | null>(net.length).fill(null));
    for (let j = 0; j < net.length; j++) {
      const to = net[j].to;
      let kind: number;
      if (to === INTERNET) kind = FLOW_INTERNET;
      else {
        let receiver = targets[j];
        if (receiver === null) receiver = targets[j] = s.vms.get(to) ?? null;
        let state: InstanceStateName;
        let hostId: string | null;
        let zone: string | null;
        if (receiver !== null) {
          state = receiver.state;
          hostId = receiver.hostId;
          zone = receiver.zone;
        } else {
          const target = s.fleet.vm(to);
          state = target ? target.state : 'terminated';
          hostId = target ? target.hostId : null;
          zone = hostId === null ? null : s.fleet.host(hostId)!.availabilityZone;
        }
        if (state !== 'running' || hostId === null) kind = FLOW_SKIP;
        else if (hostId === host.id) kind = FLOW_SAME_HOST;
        else kind = zone !== host.availabilityZone ? FLOW_CROSS_AZ : FLOW_SAME_AZ;
      }
      kinds[j] = kind;
    }
    rt.netKindsValid = true;
  }

  /** Adds one flow's delivered Mbps to its sender and its host's meters. */
  private grantFlow(h: HostRt, rt: VmRt, kind: number, mbps: number): void {
    if (!rt.netSet) {
      rt.netSet = true;
      rt.xferAt = this.s.now;
    }
    rt.netOut += mbps;
    if (kind === FLOW_SAME_HOST) h.sameHostMbps += mbps;
    else h.nicMbps += mbps;
    if (kind === FLOW_CROSS_AZ) {
      rt.netCrossAz += mbps;
      h.crossAzMbps += mbps;
    } else if (kind === FLOW_INTERNET) {
      rt.netInternet += mbps;
      h.internetMbps += mbps;
    }
  }

  /** The max-min division of §3.5 (a VM's cap or the NIC binds). */
  private divide(h: HostRt, senders: readonly VmRt[]): void {
    const flows: NetworkFlow[] = [];
    const flowSenders: VmRt[] = [];
    const kindOf: number[] = [];
    const caps = this.netCaps;
    caps.clear();
    for (const rt of senders) {
      caps.set(rt.id, rt.netCapMbps);
      const net = rt.network!;
      const kinds = rt.netKind!;
      for (let j = 0; j < net.length; j++) {
        const kind = kinds[j];
        if (kind === FLOW_SKIP) continue;
        flows.push({
          id: `${rt.id}>${net[j].to}`, fromVm: rt.id, toVm: net[j].to, demandMbps: rt.netDemand![j],
          sameHost: kind === FLOW_SAME_HOST, crossAz: kind === FLOW_CROSS_AZ,
        });
        flowSenders.push(rt);
        kindOf.push(kind);
      }
    }
    const net = allocateNetwork(h.host.type.nic.gbps, flows, caps);
    for (let i = 0; i < flows.length; i++) {
      const mbps = net.flows[i].deliveredMbps;
      if (mbps !== 0) this.grantFlow(h, flowSenders[i], kindOf[i], mbps);
    }
  }
}
