import { Host, HostType } from '@nimbus/hypervisor';
import { hostCapacity } from './host-capacity';
import { Shape } from './shape';
import { Amounts, SlotIndex } from './slot-index';

import { AllocationRatios } from '../contract';

export type { AllocationRatios };

/** What every host of one type has, as the hypervisor computes it. */
interface PhysicalCapacity {
  readonly threads: number;
  readonly cpuCapacityMillicores: number;
  readonly memoryCapacityMiB: number;
  readonly overheadPerVmMiB: number;
}

/**
 * The hosts of one host type in one availability zone. Every host here has the same capacity and
 * the same per-VM memory overhead, so one SlotIndex per request shape covers them all. Hosts get
 * a dense number (reused after removal) that the slot indexes use as array positions.
 */
export class HostPool {
  /** Hosts that are draining, failed or off: eligible by type, refused by state. */
  unavailableHosts = 0;
  private capacity: Amounts;
  private readonly hosts: (Host | undefined)[] = [];
  private readonly available: boolean[] = [];
  private readonly vacantNumbers: number[] = [];
  private readonly indexes = new Map<string, SlotIndex>();

  constructor(
    readonly availabilityZone: string,
    readonly hostType: HostType,
    private readonly physical: PhysicalCapacity,
    ratios: AllocationRatios,
    /** The tenancy class of every host here (see host-class.ts). */
    readonly hostClass: string = 'shared',
  ) {
    this.capacity = this.capacityFor(ratios);
  }

  /** What a host of this pool can hold in all, under the current ratios. */
  get capacityAmounts(): Amounts {
    return this.capacity;
  }

  /** Hosts in this pool (available or not). */
  get size(): number {
    return this.hosts.length - this.vacantNumbers.length;
  }

  /** Up to `n` available hosts, in host-number order (for allocating whole hosts). */
  firstAvailable(n: number): Host[] {
    const out: Host[] = [];
    for (let no = 0; no < this.hosts.length && out.length < n; no++) if (this.hosts[no] && this.available[no]) out.push(this.hosts[no]!);
    return out;
  }

  static for(host: Host, ratios: AllocationRatios, hostClass = 'shared'): HostPool {
    const physical: PhysicalCapacity = {
      threads: host.threads,
      cpuCapacityMillicores: host.cpuCapacityMillicores,
      memoryCapacityMiB: host.memoryCapacityMiB,
      overheadPerVmMiB: host.memoryFootprintMiB(0),
    };
    return new HostPool(host.availabilityZone, host.type, physical, ratios, hostClass);
  }

  runs(shape: Shape): boolean {
    return this.hostType.families.includes(shape.family);
  }

  add(host: Host): number {
    const no = this.vacantNumbers.pop() ?? this.hosts.length;
    this.hosts[no] = host;
    this.available[no] = false;
    for (const index of this.indexes.values()) index.grow(no + 1);
    this.unavailableHosts++; // refresh() moves it to the right count
    this.refresh(no);
    return no;
  }

  /** Re-reads host `no`'s state and allocation into every slot index. */
  refresh(no: number): void {
    const host = this.hosts[no]!;
    const isAvailable = host.state === 'available';
    if (isAvailable !== this.available[no]) {
      this.available[no] = isAvailable;
      this.unavailableHosts += isAvailable ? -1 : 1;
    }
    const free = isAvailable ? this.freeOf(host) : null;
    for (const index of this.indexes.values()) index.update(no, free);
  }

  remove(no: number): void {
    for (const index of this.indexes.values()) index.update(no, null);
    if (!this.available[no]) this.unavailableHosts--;
    this.hosts[no] = undefined;
    this.available[no] = false;
    this.vacantNumbers.push(no);
  }

  host(no: number): Host {
    return this.hosts[no]!;
  }

  slotIndex(shapeKey: string): SlotIndex | undefined {
    return this.indexes.get(shapeKey);
  }

  /** Starts indexing a shape: one pass over this pool's hosts. */
  addShape(shape: Shape): void {
    const index = new SlotIndex(shape, this.needOf(shape), this.capacity, this.hosts.length);
    this.indexes.set(shape.key, index);
    this.hosts.forEach((host, no) => {
      if (host && this.available[no]) index.update(no, this.freeOf(host));
    });
  }

  removeShape(shapeKey: string): void {
    this.indexes.delete(shapeKey);
  }

  /** New ratios change every host's free amounts and every bucket bound: rebuild. */
  setRatios(ratios: AllocationRatios): void {
    this.capacity = this.capacityFor(ratios);
    const shapes = [...this.indexes.values()].map((i) => i.shape);
    this.indexes.clear();
    for (const shape of shapes) this.addShape(shape);
  }

  private needOf(shape: Shape): Amounts {
    return {
      reservationMillicores: shape.reservationMillicores,
      limitMillicores: shape.limitMillicores,
      memoryMiB: shape.memoryMiB + this.physical.overheadPerVmMiB,
    };
  }

  private freeOf(host: Host): Amounts {
    const a = host.allocation;
    return {
      reservationMillicores: this.capacity.reservationMillicores - a.reservedMillicores,
      limitMillicores: this.capacity.limitMillicores - a.limitMillicores,
      memoryMiB: this.capacity.memoryMiB - a.memoryMiB,
    };
  }

  /** The placement capacity rule's bounds (host-capacity.ts) for this pool's hardware. */
  private capacityFor(r: AllocationRatios): Amounts {
    return hostCapacity(this.physical, r);
  }
}
