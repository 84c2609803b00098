import { Fleet, Vm } from '@nimbus/hypervisor';

/** One placement group's presence in one zone: its hosts (with the partitions on each) and VM count. */
export interface GroupZone {
  /** VM presences on hosts of this zone (a VM being live-migrated counts on both ends). */
  vms: number;
  /** Host → partition → VMs (partition 0 for groups without partitions). */
  readonly hosts: Map<string, Map<number, number>>;
  /** Partition → VMs in this zone. */
  readonly partitions: Map<number, number>;
}

interface Tracked {
  readonly tenantId: string;
  readonly dedicated: boolean;
  readonly groupId?: string;
  readonly partition: number;
  /** Hosts this VM is counted on, with their zone: one, or two while it migrates. */
  readonly hosts: { hostId: string; availabilityZone: string }[];
}

/**
 * Who is on which host, for the placement rules that depend on the neighbours: dedicated-tenancy
 * VMs per host (tenancy classes) and placement-group members per host and zone. Kept from the
 * fleet's allocation-changed events, which name the VM: O(1) per event, and only VMs of dedicated
 * tenancy or in a group are tracked at all.
 */
export class Occupancy {
  private readonly vms = new Map<string, Tracked>();
  private readonly dedicatedByHost = new Map<string, Map<string, number>>();
  private readonly groups = new Map<string, Map<string, GroupZone>>();

  constructor(private readonly fleet: Fleet) {}

  /** Re-reads whether `vmId` holds a place on `hostId`; true when the host's neighbours changed. */
  observe(hostId: string, vmId: string): boolean {
    const vm = this.fleet.vm(vmId);
    let t = this.vms.get(vmId);
    if (!t) {
      if (!vm || !isTracked(vm)) return false;
      t = { tenantId: vm.tenantId, dedicated: vm.tenancy === 'dedicated', groupId: vm.placementGroup?.groupId, partition: vm.placementGroup?.partition ?? 0, hosts: [] };
    }
    const host = this.fleet.host(hostId);
    const present = vm !== undefined && host !== undefined && (host.vmIds.has(vmId) || host.incoming.has(vmId));
    const i = t.hosts.findIndex((h) => h.hostId === hostId);
    if (present && i < 0) {
      const at = { hostId, availabilityZone: host!.availabilityZone };
      t.hosts.push(at);
      this.vms.set(vmId, t);
      this.count(t, at.hostId, at.availabilityZone, +1);
      return true;
    }
    if (!present && i >= 0) {
      const [at] = t.hosts.splice(i, 1);
      this.count(t, at.hostId, at.availabilityZone, -1);
      if (t.hosts.length === 0) this.vms.delete(vmId);
      return true;
    }
    return false;
  }

  /** The tenant whose dedicated-tenancy VMs are on the host, if any. */
  dedicatedTenantOf(hostId: string): string | undefined {
    const m = this.dedicatedByHost.get(hostId);
    return m ? m.keys().next().value : undefined;
  }

  /** Tenants with dedicated-tenancy VMs on the host (one, unless the rules were broken). */
  dedicatedTenantsOf(hostId: string): string[] {
    return [...(this.dedicatedByHost.get(hostId)?.keys() ?? [])];
  }

  groupZone(groupId: string, availabilityZone: string): GroupZone | undefined {
    return this.groups.get(groupId)?.get(availabilityZone);
  }

  /** Zones where the group has VMs. */
  groupZones(groupId: string): ReadonlyMap<string, GroupZone> {
    return this.groups.get(groupId) ?? new Map();
  }

  /** Where a tracked VM is counted. */
  placesOf(vmId: string): readonly { hostId: string; availabilityZone: string }[] {
    return this.vms.get(vmId)?.hosts ?? [];
  }

  private count(t: Tracked, hostId: string, az: string, sign: 1 | -1): void {
    if (t.dedicated) {
      const m = this.dedicatedByHost.get(hostId) ?? new Map<string, number>();
      bump(m, t.tenantId, sign);
      if (m.size === 0) this.dedicatedByHost.delete(hostId);
      else this.dedicatedByHost.set(hostId, m);
    }
    if (t.groupId !== undefined) {
      const zones = this.groups.get(t.groupId) ?? new Map<string, GroupZone>();
      const gz = zones.get(az) ?? { vms: 0, hosts: new Map(), partitions: new Map() };
      gz.vms += sign;
      const onHost = gz.hosts.get(hostId) ?? new Map<number, number>();
      bump(onHost, t.partition, sign);
      if (onHost.size === 0) gz.hosts.delete(hostId);
      else gz.hosts.set(hostId, onHost);
      bump(gz.partitions, t.partition, sign);
      if (gz.vms === 0) zones.delete(az);
      else zones.set(az, gz);
      if (zones.size === 0) this.groups.delete(t.groupId);
      else this.groups.set(t.groupId, zones);
    }
  }
}

export function isTracked(vm: Vm): boolean {
  return vm.tenancy === 'dedicated' || vm.placementGroup !== undefined;
}

function bump<K>(m: Map<K, number>, k: K, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}
