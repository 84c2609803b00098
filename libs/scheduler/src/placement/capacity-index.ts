import { CpuParams, Host, INSTANCE_TYPES, InstanceType, defaultCpuParams } from '@nimbus/hypervisor';
import { AllocationRatios, HostPool } from './host-pool';
import { Shape, shapeOf } from './shape';
import { SlotIndex } from './slot-index';

/** A pool that runs the requested family, with its slot index for the requested shape. */
export interface PoolCandidates {
  readonly pool: HostPool;
  readonly index: SlotIndex;
}

/** Everything placement needs to know about one zone for one request shape, read in O(pools). */
export interface ZoneCandidates {
  readonly availabilityZone: string;
  readonly shape: Shape;
  /**
   * Pools of the request's tenancy classes whose host type runs the shape's family: per class (in
   * the order asked), in host-type name order (the tie-break).
   */
  readonly pools: readonly PoolCandidates[];
  /** How many instances of the shape the zone can take in all (Σ slots). */
  readonly fits: number;
  /** Hosts in the zone whose type runs the family, of any class: tells a tenancy refusal from a family one. */
  readonly familyHosts: number;
}

/** Which tenancy class a host is in now (see host-class.ts). */
export type ClassResolver = (host: Host) => string;

/**
 * Tenants may lower a CPU limit or reservation, which makes a shape outside the catalog. Each is
 * indexed on first use (one pass over its family's hosts) and kept in sync after that; only the
 * most recently used few are kept, so a stream of odd shapes cannot make every allocation
 * change cost more.
 */
const MAX_CUSTOM_SHAPES = 32;

/** The allocation ratios of a pool: per AZ and host type (an admin may set either). */
export type RatioResolver = (availabilityZone: string, hostTypeName: string) => AllocationRatios;

/**
 * The scheduler's view of free capacity: hosts grouped into pools per (AZ, host type), each pool
 * indexed per request shape (see SlotIndex). Kept in sync from fleet events; placement reads it
 * without scanning hosts, so its cost does not grow with the fleet.
 */
export class CapacityIndex {
  private readonly pools = new Map<string, HostPool>();
  /** Zone → class → pools in host-type name order. */
  private readonly poolsByZone = new Map<string, Map<string, HostPool[]>>();
  /** `zone/family` → hosts whose type runs the family. */
  private readonly familyHosts = new Map<string, number>();
  private readonly locations = new Map<string, { readonly pool: HostPool; readonly no: number }>();
  private readonly catalogShapes = new Map<string, Shape>();
  /** Map order is use order: the first entry is the least recently used. */
  private readonly customShapes = new Map<string, Shape>();

  constructor(
    private ratios: RatioResolver,
    private readonly classOf: ClassResolver = () => 'shared',
    catalog: readonly InstanceType[] = INSTANCE_TYPES,
  ) {
    // Every catalog type at its default CPU parameters is indexed up front, so the common request
    // never pays for building an index.
    for (const type of catalog) {
      const shape = shapeOf(type, defaultCpuParams(type));
      this.catalogShapes.set(shape.key, shape);
    }
  }

  /** Indexes a new host, or re-reads a known one (its state or allocation changed). */
  sync(host: Host): void {
    const at = this.locations.get(host.id);
    const hostClass = this.classOf(host);
    if (at && at.pool.host(at.no) === host) {
      if (at.pool.hostClass === hostClass) {
        at.pool.refresh(at.no);
        return;
      }
      // Its tenancy class changed (first VM in, last out, allocated, dedicated): move it.
      at.pool.remove(at.no);
      const pool = this.poolFor(host, hostClass);
      this.locations.set(host.id, { pool, no: pool.add(host) });
      return;
    }
    if (at) this.remove(host.id); // same id, new host object: re-added after a removal we missed
    const pool = this.poolFor(host, hostClass);
    this.locations.set(host.id, { pool, no: pool.add(host) });
    for (const f of host.type.families) this.bumpFamily(host.availabilityZone, f, 1);
  }

  remove(hostId: string): void {
    const at = this.locations.get(hostId);
    if (!at) return;
    for (const f of at.pool.hostType.families) this.bumpFamily(at.pool.availabilityZone, f, -1);
    at.pool.remove(at.no);
    this.locations.delete(hostId);
  }

  /** The host's pool (class, capacity) and its slots for a shape; undefined when not indexed. */
  slotsOn(hostId: string, shape: Shape): { readonly pool: HostPool; readonly slots: number } | undefined {
    const at = this.locations.get(hostId);
    if (!at) return undefined;
    const index = at.pool.runs(shape) ? at.pool.slotIndex(shape.key) : undefined;
    return { pool: at.pool, slots: index ? Math.max(0, index.slotsAt(at.no)) : 0 };
  }

  /** The class a host is indexed under. */
  classOfHost(hostId: string): string | undefined {
    return this.locations.get(hostId)?.pool.hostClass;
  }

  /** Pools of one class in a zone (host-type name order). */
  poolsOf(availabilityZone: string, hostClass: string): readonly HostPool[] {
    return this.poolsByZone.get(availabilityZone)?.get(hostClass) ?? [];
  }

  setRatios(ratios: RatioResolver): void {
    this.ratios = ratios;
    for (const pool of this.pools.values()) pool.setRatios(ratios(pool.availabilityZone, pool.hostType.name));
  }

  shapeFor(instanceType: InstanceType, cpu: CpuParams): Shape {
    const probe = shapeOf(instanceType, cpu);
    const known = this.catalogShapes.get(probe.key);
    if (known) return known;
    const custom = this.customShapes.get(probe.key);
    if (custom) {
      this.customShapes.delete(probe.key);
      this.customShapes.set(probe.key, custom);
      return custom;
    }
    this.customShapes.set(probe.key, probe);
    for (const pool of this.pools.values()) if (pool.runs(probe)) pool.addShape(probe);
    if (this.customShapes.size > MAX_CUSTOM_SHAPES) this.evict(this.customShapes.keys().next().value!);
    return probe;
  }

  /** The zone's candidates for a shape among the given tenancy classes: O(pools of those classes). */
  zone(availabilityZone: string, shape: Shape, classes: readonly string[] = ['shared']): ZoneCandidates {
    const pools: PoolCandidates[] = [];
    let fits = 0;
    const byClass = this.poolsByZone.get(availabilityZone);
    for (const hostClass of classes) {
      for (const pool of byClass?.get(hostClass) ?? []) {
        const index = pool.runs(shape) ? pool.slotIndex(shape.key) : undefined;
        if (!index) continue;
        pools.push({ pool, index });
        fits += index.totalSlots;
      }
    }
    return { availabilityZone, shape, pools, fits, familyHosts: this.familyHosts.get(`${availabilityZone}/${shape.family}`) ?? 0 };
  }

  private bumpFamily(az: string, family: string, by: number): void {
    const key = `${az}/${family}`;
    this.familyHosts.set(key, (this.familyHosts.get(key) ?? 0) + by);
  }

  private poolFor(host: Host, hostClass: string): HostPool {
    const key = `${host.availabilityZone}/${host.type.name}/${hostClass}`;
    let pool = this.pools.get(key);
    if (pool) return pool;
    pool = HostPool.for(host, this.ratios(host.availabilityZone, host.type.name), hostClass);
    for (const shape of [...this.catalogShapes.values(), ...this.customShapes.values()]) if (pool.runs(shape)) pool.addShape(shape);
    this.pools.set(key, pool);
    const byClass = this.poolsByZone.get(host.availabilityZone) ?? new Map<string, HostPool[]>();
    const classPools = byClass.get(hostClass) ?? [];
    classPools.push(pool);
    classPools.sort((a, b) => (a.hostType.name < b.hostType.name ? -1 : a.hostType.name > b.hostType.name ? 1 : 0));
    byClass.set(hostClass, classPools);
    this.poolsByZone.set(host.availabilityZone, byClass);
    return pool;
  }

  private evict(shapeKey: string): void {
    this.customShapes.delete(shapeKey);
    for (const pool of this.pools.values()) pool.removeShape(shapeKey);
  }
}
