import type { SubnetEntity } from '../../persistence/entities';

/** What a tenant's launches read of its network on every launch: its default VPC, default subnets and default groups. */
interface TenantDefaults {
  /** Known once remembered: the default VPC's id, or null when the tenant deleted it. */
  vpcId?: string | null;
  /** The default subnet of each zone. */
  readonly subnets: Map<string, SubnetEntity>;
  /** Each VPC's default security group id. */
  readonly defaultGroups: Map<string, string>;
  /** Whether each VPC gives its instances' public addresses DNS names (vpc-attributes.ts). */
  readonly publicDnsNames: Map<string, boolean>;
}

/**
 * In-memory copies of committed networking state that every launch would otherwise read: a
 * tenant's default VPC id, its default subnet per zone, a VPC's default group and whether it gives
 * public DNS names, and per subnet an address floor (every assignable address below it is held, so
 * the lowest free ones are searched from there instead of reading all of the subnet's addresses).
 *
 * Only committed state enters it: a command remembers what it read or wrote through
 * `engine.afterCommit`, which runs only if the command succeeded and its group committed. A
 * command that changes any of it (deletes a VPC or subnet, frees an address) forgets it at once,
 * when it runs; each forgetting bumps a generation, and a remembrance taken under an older
 * generation is dropped, so a value read before a change in the same group never comes back.
 * Forgetting too much is always safe: the next launch reads the database.
 */
export class NetworkDefaultsCache {
  private readonly tenants = new Map<string, TenantDefaults>();
  private readonly tenantGenerations = new Map<string, number>();
  private readonly floors = new Map<string, number>();
  private readonly floorGenerations = new Map<string, number>();

  /** The tenant's generation now: pass it to a remember call made after commit. */
  generation(tenantId: string): number {
    return this.tenantGenerations.get(tenantId) ?? 0;
  }

  /** The tenant's default VPC id (null: deleted), or undefined when not known here. */
  defaultVpc(tenantId: string): string | null | undefined {
    return this.tenants.get(tenantId)?.vpcId;
  }

  rememberDefaultVpc(tenantId: string, generation: number, vpcId: string | null): void {
    const t = this.current(tenantId, generation);
    if (t) t.vpcId = vpcId;
  }

  defaultSubnet(tenantId: string, zone: string): SubnetEntity | undefined {
    return this.tenants.get(tenantId)?.subnets.get(zone);
  }

  rememberDefaultSubnet(tenantId: string, generation: number, zone: string, subnet: SubnetEntity): void {
    this.current(tenantId, generation)?.subnets.set(zone, subnet);
  }

  defaultGroup(tenantId: string, vpcId: string): string | undefined {
    return this.tenants.get(tenantId)?.defaultGroups.get(vpcId);
  }

  rememberDefaultGroup(tenantId: string, generation: number, vpcId: string, groupId: string): void {
    this.current(tenantId, generation)?.defaultGroups.set(vpcId, groupId);
  }

  publicDnsNames(tenantId: string, vpcId: string): boolean | undefined {
    return this.tenants.get(tenantId)?.publicDnsNames.get(vpcId);
  }

  rememberPublicDnsNames(tenantId: string, generation: number, vpcId: string, gives: boolean): void {
    this.current(tenantId, generation)?.publicDnsNames.set(vpcId, gives);
  }

  /** A VPC or subnet of the tenant changes: forget all of its defaults. */
  forgetTenant(tenantId: string): void {
    this.tenantGenerations.set(tenantId, this.generation(tenantId) + 1);
    this.tenants.delete(tenantId);
  }

  floorGeneration(subnetId: string): number {
    return this.floorGenerations.get(subnetId) ?? 0;
  }

  /** The subnet's address floor (every assignable address below it is held), or undefined when not known here. */
  addressFloor(subnetId: string): number | undefined {
    return this.floors.get(subnetId);
  }

  rememberAddressFloor(subnetId: string, generation: number, floor: number): void {
    if (generation === this.floorGeneration(subnetId)) this.floors.set(subnetId, floor);
  }

  /** Addresses of the subnet are freed: its floor is no longer known. */
  forgetAddressFloor(subnetId: string): void {
    this.floorGenerations.set(subnetId, this.floorGeneration(subnetId) + 1);
    this.floors.delete(subnetId);
  }

  private current(tenantId: string, generation: number): TenantDefaults | undefined {
    if (generation !== this.generation(tenantId)) return undefined;
    let t = this.tenants.get(tenantId);
    if (!t) this.tenants.set(tenantId, (t = { subnets: new Map(), defaultGroups: new Map(), publicDnsNames: new Map() }));
    return t;
  }
}
