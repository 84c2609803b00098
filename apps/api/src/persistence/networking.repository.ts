import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not } from 'typeorm';
import { READ_DB } from './data-source';
import { hydrate, insertRows, insertTogether, part, placeholders, selectList, selectWhere } from './fast-sql';
import {
  InstanceKeyNameEntity, KeyPairEntity, NetworkInterfaceEntity, NetworkInterfaceGroupEntity, NetworkInterfacePrivateIpEntity, NetworkTagEntity, PublicIpAllocationEntity,
  SecurityGroupEntity, SecurityGroupRuleEntity, SettingEntity, SubnetEntity, TenantDefaultVpcEntity, UsageRecordEntity, VpcEntity,
} from './entities';
import { Tx } from './tx';
import { inBatches } from './volumes.repository';
import { closeAddresses, closeAddressesSelected, openedUsageRow, stateOf, switchState } from './public-ip-usage';

/** An Elastic IP associated with nothing. */
export const DISASSOCIATED = { networkInterfaceId: null, privateIpAddress: null, associationId: null } as const;

/** The settings key of the public address pool's cursor (the next offset to try). */
const PUBLIC_IP_CURSOR_KEY = 'public-ip-cursor';

/**
 * A public address as an interface shows it, on one of its private addresses: auto-assigned
 * (Amazon's) or an Elastic IP (the tenant's: with its allocation and association ids).
 */
export interface HeldPublicIp {
  readonly publicIp: string;
  readonly privateIpAddress: string;
  readonly allocationId?: string;
  readonly associationId?: string;
}

const heldPublicIp = (publicIp: string, privateIpAddress: string, allocationId: string | null, associationId: string | null): HeldPublicIp => ({
  publicIp, privateIpAddress, ...(allocationId !== null ? { allocationId } : {}), ...(associationId !== null ? { associationId } : {}),
});

/** An attached interface of an instance, with what DescribeInstances shows of it (one joined read). */
export interface AttachedInterfaceRow {
  readonly networkInterface: NetworkInterfaceEntity;
  /** Its public addresses, one per private address that has one (auto-assigned or Elastic IPs). */
  readonly publicIps: readonly HeldPublicIp[];
  /** The instance's key pair name (instance_key_names), if it was launched with one. */
  readonly keyName?: string;
  /** Its VPC has DNS support and DNS hostnames on: its public addresses have public DNS names. */
  readonly publicDnsNames: boolean;
}

/** Addresses per heldAddresses statement: each goes in twice, well under SQLite's 32,766 parameters and PostgreSQL's 65,535. */
const HELD_CHUNK = 10_000;

/** Rows of `ids` batched into IN lists. */
async function byIds<T>(ids: readonly string[], load: (batch: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const batch of inBatches([...new Set(ids)])) out.push(...(await load(batch)));
  return out;
}

/**
 * The networking tables (entities/networking.entity.ts). Every lookup of a tenant's resource takes
 * the tenant id, so another tenant's row is never found. `m` is a command's transaction, or
 * `reader` for a read of the committed state.
 */
@Injectable()
export class NetworkingRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  // ---- the default VPC marker ----

  async defaultMarker(m: Tx, tenantId: string): Promise<TenantDefaultVpcEntity | null> {
    return (await selectWhere(m, TenantDefaultVpcEntity, { tenantId }))[0] ?? null;
  }

  async insertDefaultMarker(tx: Tx, row: TenantDefaultVpcEntity): Promise<void> {
    await tx.insert(TenantDefaultVpcEntity, { ...row });
  }

  /** The default VPC made again (CreateDefaultVpc) after the tenant deleted it. */
  async setDefaultMarker(tx: Tx, tenantId: string, vpcId: string): Promise<void> {
    await tx.update(TenantDefaultVpcEntity, { tenantId }, { vpcId });
  }

  async clearDefaultMarker(tx: Tx, tenantId: string, vpcId: string): Promise<void> {
    await tx.update(TenantDefaultVpcEntity, { tenantId, vpcId }, { vpcId: null });
  }

  // ---- VPCs ----

  findVpc(m: Tx, tenantId: string, id: string): Promise<VpcEntity | null> {
    return m.findOneBy(VpcEntity, { tenantId, id });
  }

  vpcsOf(m: Tx, tenantId: string): Promise<VpcEntity[]> {
    return m.find(VpcEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  async insertVpc(tx: Tx, row: VpcEntity): Promise<void> {
    await tx.insert(VpcEntity, { ...row });
  }

  async deleteVpc(tx: Tx, id: string): Promise<void> {
    await tx.delete(VpcEntity, { id });
  }

  async updateVpc(tx: Tx, id: string, change: Partial<Pick<VpcEntity, 'enableDnsSupport' | 'enableDnsHostnames' | 'enableNetworkAddressUsageMetrics'>>): Promise<void> {
    await tx.update(VpcEntity, { id }, change);
  }

  /** Which of these VPCs have DNS support and DNS hostnames both on. */
  async vpcsGivingPublicDnsNames(m: Tx, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await byIds(ids, (batch) => m.find(VpcEntity, { where: { id: In(batch), enableDnsSupport: true, enableDnsHostnames: true }, select: { id: true } }));
    return new Set(rows.map((r) => r.id));
  }

  // ---- subnets ----

  findSubnet(m: Tx, tenantId: string, id: string): Promise<SubnetEntity | null> {
    return m.findOneBy(SubnetEntity, { tenantId, id });
  }

  subnetsOf(m: Tx, tenantId: string): Promise<SubnetEntity[]> {
    return m.find(SubnetEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  async updateSubnet(tx: Tx, id: string, change: Partial<Pick<SubnetEntity, 'mapPublicIpOnLaunch'>>): Promise<void> {
    await tx.update(SubnetEntity, { id }, change);
  }

  subnetsInVpc(m: Tx, vpcId: string): Promise<SubnetEntity[]> {
    return selectWhere(m, SubnetEntity, { vpcId }, { orderBy: 'id' });
  }

  async insertSubnets(tx: Tx, rows: readonly SubnetEntity[]): Promise<void> {
    for (const r of rows) await tx.insert(SubnetEntity, { ...r });
  }

  async deleteSubnet(tx: Tx, id: string): Promise<void> {
    await tx.delete(SubnetEntity, { id });
  }

  /** The private addresses held in a subnet: the interfaces' primaries and their secondaries (one statement). */
  async addressesIn(m: Tx, subnetId: string): Promise<string[]> {
    const rows = (await m.query(
      'SELECT "private_ip_address" AS "a" FROM "network_interfaces" WHERE "subnet_id" = ' + placeholders(m, 1) +
        ' UNION ALL SELECT "private_ip_address" AS "a" FROM "network_interface_private_ips" WHERE "subnet_id" = ' + placeholders(m, 1, 1),
      [subnetId, subnetId],
    )) as { a: string }[];
    return rows.map((r) => r.a);
  }

  /**
   * Which of these addresses of the subnet are held, as a primary or a secondary: one statement
   * (a chunk), each half answered by its table's unique key on subnet and address.
   */
  async heldAddresses(m: Tx, subnetId: string, addresses: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    // The parameters go twice (better-sqlite3 takes no numbered ones): a chunk stays under either database's limit.
    for (let i = 0; i < addresses.length; i += HELD_CHUNK) {
      const chunk = addresses.slice(i, i + HELD_CHUNK);
      const n = chunk.length + 1;
      const rows = (await m.query(
        `SELECT "private_ip_address" AS "a" FROM "network_interfaces" WHERE "subnet_id" = ${placeholders(m, 1)} AND "private_ip_address" IN (${placeholders(m, chunk.length, 1)}) ` +
          `UNION ALL SELECT "private_ip_address" AS "a" FROM "network_interface_private_ips" WHERE "subnet_id" = ${placeholders(m, 1, n)} AND "private_ip_address" IN (${placeholders(m, chunk.length, n + 1)})`,
        [subnetId, ...chunk, subnetId, ...chunk],
      )) as { a: string }[];
      for (const r of rows) out.add(r.a);
    }
    return out;
  }

  /**
   * How many addresses each of these subnets has in use, primaries and secondaries: one statement
   * on `network_interfaces` alone, each interface counting itself and its secondary_ip_count.
   */
  async addressCounts(m: Tx, subnetIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const batch of inBatches([...new Set(subnetIds)])) {
      const rows = (await m.query(
        `SELECT "subnet_id" AS "s", COUNT(*) + SUM("secondary_ip_count") AS "used" FROM "network_interfaces" WHERE "subnet_id" IN (${placeholders(m, batch.length)}) GROUP BY "subnet_id"`,
        batch,
      )) as { s: string; used: string | number }[];
      for (const r of rows) out.set(r.s, Number(r.used));
    }
    return out;
  }

  // ---- secondary private addresses ----

  /**
   * Each interface's secondary private addresses (interfaces without any are absent), in no
   * particular order. No statement for interfaces whose secondaryIpCount is 0: pass only the others.
   */
  async secondaryAddresses(m: Tx, interfaceIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await byIds(interfaceIds, (batch) => m.find(NetworkInterfacePrivateIpEntity, { where: { networkInterfaceId: In(batch) } }));
    const out = new Map<string, string[]>();
    for (const r of rows) {
      let list = out.get(r.networkInterfaceId);
      if (!list) out.set(r.networkInterfaceId, (list = []));
      list.push(r.privateIpAddress);
    }
    return out;
  }

  /** Assigns secondary addresses to existing interfaces, and sets their secondaryIpCount to match. */
  async insertSecondaryAddresses(tx: Tx, rows: readonly NetworkInterfacePrivateIpEntity[]): Promise<void> {
    if (rows.length === 0) return;
    await insertRows(tx, NetworkInterfacePrivateIpEntity, rows);
    await this.recountSecondaries(tx, rows.map((r) => r.networkInterfaceId));
  }

  /** Unassigns these secondary addresses of the interface, and sets its secondaryIpCount to match. */
  async deleteSecondaryAddresses(tx: Tx, interfaceId: string, addresses: readonly string[]): Promise<void> {
    if (addresses.length === 0) return;
    for (const batch of inBatches(addresses)) await tx.delete(NetworkInterfacePrivateIpEntity, { networkInterfaceId: interfaceId, privateIpAddress: In(batch) });
    await this.recountSecondaries(tx, [interfaceId]);
  }

  /** secondary_ip_count from the rows themselves: exact whatever was inserted or deleted (or refused as held). */
  private async recountSecondaries(tx: Tx, interfaceIds: readonly string[]): Promise<void> {
    for (const batch of inBatches([...new Set(interfaceIds)])) {
      await tx.query(
        'UPDATE "network_interfaces" SET "secondary_ip_count" = (SELECT COUNT(*) FROM "network_interface_private_ips" p WHERE p."network_interface_id" = "network_interfaces"."id") ' +
          `WHERE "id" IN (${placeholders(tx, batch.length)})`,
        batch,
      );
    }
  }

  // ---- security groups and rules ----

  findGroup(m: Tx, tenantId: string, id: string): Promise<SecurityGroupEntity | null> {
    return m.findOneBy(SecurityGroupEntity, { tenantId, id });
  }

  async findGroupByName(m: Tx, tenantId: string, vpcId: string, name: string): Promise<SecurityGroupEntity | null> {
    return (await selectWhere(m, SecurityGroupEntity, { tenantId, vpcId, name }, { limit: 1 }))[0] ?? null;
  }

  groupsOf(m: Tx, tenantId: string): Promise<SecurityGroupEntity[]> {
    return m.find(SecurityGroupEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  groupsInVpc(m: Tx, vpcId: string): Promise<SecurityGroupEntity[]> {
    return m.find(SecurityGroupEntity, { where: { vpcId }, order: { id: 'ASC' } });
  }

  groupsById(m: Tx, ids: readonly string[]): Promise<SecurityGroupEntity[]> {
    return byIds(ids, (batch) => m.find(SecurityGroupEntity, { where: { id: In(batch) } }));
  }

  async insertGroup(tx: Tx, row: SecurityGroupEntity): Promise<void> {
    await tx.insert(SecurityGroupEntity, { ...row });
  }

  /** Deletes groups and their own rules, with the rules' tags (a rule is taggable, and goes with its group). */
  async deleteGroups(tx: Tx, ids: readonly string[]): Promise<void> {
    for (const batch of inBatches(ids)) {
      const ruleIds = (await tx.find(SecurityGroupRuleEntity, { select: { id: true }, where: { groupId: In(batch) } })).map((r) => r.id);
      for (const rules of inBatches(ruleIds)) await tx.delete(NetworkTagEntity, { resourceId: In(rules) });
      await tx.delete(SecurityGroupRuleEntity, { groupId: In(batch) });
      await tx.delete(SecurityGroupEntity, { id: In(batch) });
    }
  }

  /** The tenant's security group rule with this id (another tenant's: none). */
  findRule(m: Tx, tenantId: string, id: string): Promise<SecurityGroupRuleEntity | null> {
    return m.findOneBy(SecurityGroupRuleEntity, { tenantId, id });
  }

  /** Rules of these groups, in the order they were authorized. */
  rulesOf(m: Tx, groupIds: readonly string[]): Promise<SecurityGroupRuleEntity[]> {
    return byIds(groupIds, (batch) => m.find(SecurityGroupRuleEntity, { where: { groupId: In(batch) }, order: { position: 'ASC', id: 'ASC' } }));
  }

  /** Rules of other groups that name this group as their peer. */
  rulesReferencing(m: Tx, groupId: string): Promise<SecurityGroupRuleEntity[]> {
    return m.find(SecurityGroupRuleEntity, { where: { referencedGroupId: groupId, groupId: Not(groupId) } });
  }

  async nextRulePosition(tx: Tx, groupId: string): Promise<number> {
    const row = await tx
      .createQueryBuilder(SecurityGroupRuleEntity, 'r')
      .select('COALESCE(MAX(r.position), 0)', 'max')
      .where('r.groupId = :groupId', { groupId })
      .getRawOne<{ max: string | number }>();
    return Number(row?.max ?? 0) + 1;
  }

  async insertRules(tx: Tx, rows: readonly SecurityGroupRuleEntity[]): Promise<void> {
    for (const r of rows) await tx.insert(SecurityGroupRuleEntity, { ...r });
  }

  /** Rules changed in place (ModifySecurityGroupRules, UpdateSecurityGroupRuleDescriptions…): their protocol, ports, peer and description. */
  async updateRules(tx: Tx, rows: readonly SecurityGroupRuleEntity[]): Promise<void> {
    for (const r of rows) {
      await tx.update(SecurityGroupRuleEntity, { id: r.id }, {
        ipProtocol: r.ipProtocol, fromPort: r.fromPort, toPort: r.toPort, cidrIpv4: r.cidrIpv4, cidrIpv6: r.cidrIpv6, referencedGroupId: r.referencedGroupId, description: r.description,
      });
    }
  }

  async deleteRules(tx: Tx, ids: readonly string[]): Promise<void> {
    for (const batch of inBatches(ids)) await tx.delete(SecurityGroupRuleEntity, { id: In(batch) });
  }

  // ---- network interfaces ----

  findInterface(m: Tx, tenantId: string, id: string): Promise<NetworkInterfaceEntity | null> {
    return m.findOneBy(NetworkInterfaceEntity, { tenantId, id });
  }

  findByAttachment(m: Tx, tenantId: string, attachmentId: string): Promise<NetworkInterfaceEntity | null> {
    return m.findOneBy(NetworkInterfaceEntity, { tenantId, attachmentId });
  }

  interfacesOf(m: Tx, tenantId: string): Promise<NetworkInterfaceEntity[]> {
    return m.find(NetworkInterfaceEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  /** The interfaces attached to these instances, by device index. */
  attachedTo(m: Tx, instanceIds: readonly string[]): Promise<NetworkInterfaceEntity[]> {
    return byIds(instanceIds, (batch) => m.find(NetworkInterfaceEntity, { where: { instanceId: In(batch) }, order: { deviceIndex: 'ASC' } }));
  }

  interfacesById(m: Tx, ids: readonly string[]): Promise<NetworkInterfaceEntity[]> {
    return byIds(ids, (batch) => m.find(NetworkInterfaceEntity, { where: { id: In(batch) } }));
  }

  countInterfaces(m: Tx, where: { subnetId?: string; vpcId?: string }): Promise<number> {
    return m.countBy(NetworkInterfaceEntity, where);
  }

  async insertInterfaces(tx: Tx, rows: readonly NetworkInterfaceEntity[]): Promise<void> {
    await insertRows(tx, NetworkInterfaceEntity, rows);
  }

  /**
   * The interfaces attached to these instances (by device index), each with its public address and
   * its instance's key name, and each interface's groups (id and name, in order): two statements
   * for DescribeInstances' network, however many instances, sent together (both are keyed by the
   * instances, so a reader that fuses reads sends them as one: fused-reads.ts).
   */
  async instanceNetworks(m: Tx, instanceIds: readonly string[]): Promise<{ readonly interfaces: AttachedInterfaceRow[]; readonly groups: Map<string, { groupId: string; groupName: string }[]> }> {
    const batches = inBatches([...new Set(instanceIds)]);
    const [interfaceRows, groupRows] = await Promise.all([
      Promise.all(batches.map((batch) => m.query(
        `SELECT ${selectList(m, NetworkInterfaceEntity, 'n', 'n_')}, p."public_ip" AS "p_public_ip", p."private_ip_address" AS "p_private_ip", ` +
          `p."allocation_id" AS "p_allocation_id", p."association_id" AS "p_association_id", k."key_name" AS "k_key_name", ` +
          `CASE WHEN v."enable_dns_support" AND v."enable_dns_hostnames" THEN 1 ELSE 0 END AS "v_public_dns" FROM "network_interfaces" n ` +
          `LEFT JOIN "public_ip_allocations" p ON p."network_interface_id" = n."id" LEFT JOIN "instance_key_names" k ON k."instance_id" = n."instance_id" ` +
          `LEFT JOIN "vpcs" v ON v."id" = n."vpc_id" ` +
          `WHERE n."instance_id" IN (${placeholders(m, batch.length)}) ORDER BY n."device_index" ASC`,
        batch,
      ) as Promise<Record<string, unknown>[]>)),
      Promise.all(batches.map((batch) => m.query(
        `SELECT g."network_interface_id" AS "eni", g."group_id" AS "gid", s."name" AS "name" FROM "network_interface_groups" g ` +
          `JOIN "network_interfaces" n ON n."id" = g."network_interface_id" LEFT JOIN "security_groups" s ON s."id" = g."group_id" ` +
          `WHERE n."instance_id" IN (${placeholders(m, batch.length)}) ORDER BY g."position" ASC`,
        batch,
      ) as Promise<{ eni: string; gid: string; name: string | null }[]>)),
    ]);
    const interfaces: AttachedInterfaceRow[] = [];
    for (const raw of interfaceRows) {
      // An interface comes once per public address it holds (nearly always one row: none or its primary's).
      const byInterface = new Map<string, { networkInterface: NetworkInterfaceEntity; publicIps: HeldPublicIp[]; keyName?: string; publicDnsNames: boolean }>();
      for (const r of raw) {
        const networkInterface = hydrate(m, NetworkInterfaceEntity, r, 'n_');
        let row = byInterface.get(networkInterface.id);
        if (!row) {
          const keyName = r.k_key_name as string | null;
          byInterface.set(networkInterface.id, (row = { networkInterface, publicIps: [], ...(keyName !== null ? { keyName } : {}), publicDnsNames: Number(r.v_public_dns) === 1 }));
          interfaces.push(row);
        }
        const publicIp = r.p_public_ip as string | null;
        if (publicIp !== null) {
          row.publicIps.push(heldPublicIp(publicIp, (r.p_private_ip as string | null) ?? networkInterface.privateIpAddress, r.p_allocation_id as string | null, r.p_association_id as string | null));
        }
      }
    }
    const groups = new Map<string, { groupId: string; groupName: string }[]>();
    for (const raw of groupRows) {
      for (const r of raw) {
        let list = groups.get(r.eni);
        if (!list) groups.set(r.eni, (list = []));
        list.push({ groupId: r.gid, groupName: r.name ?? '' });
      }
    }
    return { interfaces, groups };
  }

  async updateInterface(tx: Tx, id: string, change: Partial<NetworkInterfaceEntity>): Promise<void> {
    await tx.update(NetworkInterfaceEntity, { id }, change);
  }

  /** Detached: available again. */
  async detachInterfaces(tx: Tx, ids: readonly string[]): Promise<void> {
    for (const batch of inBatches(ids)) {
      await tx.update(NetworkInterfaceEntity, { id: In(batch) }, { instanceId: null, deviceIndex: null, attachmentId: null, attachTime: null, deleteOnTermination: false });
    }
  }

  /**
   * Deletes interfaces with their group links, secondary addresses and tags; their auto-assigned
   * public addresses go back to the pool, their Elastic IPs are disassociated (they stay allocated,
   * idle) at `at`.
   */
  async deleteInterfaces(tx: Tx, ids: readonly string[], at: number): Promise<void> {
    await this.releasePublicIps(tx, ids, at);
    await this.disassociateElasticIps(tx, ids, at);
    for (const batch of inBatches(ids)) {
      await tx.delete(NetworkInterfacePrivateIpEntity, { networkInterfaceId: In(batch) });
      await tx.delete(NetworkInterfaceGroupEntity, { networkInterfaceId: In(batch) });
      await tx.delete(NetworkTagEntity, { resourceId: In(batch) });
      await tx.delete(NetworkInterfaceEntity, { id: In(batch) });
    }
  }

  /** Each interface's group ids, in order. */
  async interfaceGroups(m: Tx, interfaceIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await byIds(interfaceIds, (batch) => m.find(NetworkInterfaceGroupEntity, { where: { networkInterfaceId: In(batch) }, order: { position: 'ASC' } }));
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.networkInterfaceId, [...(out.get(r.networkInterfaceId) ?? []), r.groupId]);
    return out;
  }

  async setInterfaceGroups(tx: Tx, tenantId: string, interfaceId: string, groupIds: readonly string[]): Promise<void> {
    await tx.delete(NetworkInterfaceGroupEntity, { networkInterfaceId: interfaceId });
    await this.insertInterfaceGroups(tx, tenantId, [[interfaceId, groupIds]]);
  }

  async insertInterfaceGroups(tx: Tx, tenantId: string, links: readonly (readonly [string, readonly string[]])[]): Promise<void> {
    await insertRows(tx, NetworkInterfaceGroupEntity, groupLinkRows(tenantId, links));
  }

  /**
   * A launch's new interfaces, their groups (in order), secondary and public addresses (each
   * billed from its `allocatedAt`) and the instances' key name: one statement on PostgreSQL. Each
   * interface's secondaryIpCount is set from the secondary rows given. A public address already
   * held is not written (the others are), nor billed: answers the public addresses written.
   */
  async insertAttached(tx: Tx, tenantId: string, attached: {
    readonly interfaces: readonly NetworkInterfaceEntity[]; readonly links: readonly (readonly [string, readonly string[]])[];
    readonly publicIps: readonly PublicIpAllocationEntity[]; readonly keyNames: readonly InstanceKeyNameEntity[];
    readonly secondaryAddresses?: readonly NetworkInterfacePrivateIpEntity[];
    /** The same tags on every interface inserted (a launch's TagSpecification). */
    readonly tags?: Readonly<Record<string, string>>;
  }): Promise<ReadonlySet<string>> {
    const tags = Object.entries(attached.tags ?? {});
    // Each interface's secondary_ip_count from the secondary rows written with it.
    const secondaryCounts = new Map<string, number>();
    for (const r of attached.secondaryAddresses ?? []) secondaryCounts.set(r.networkInterfaceId, (secondaryCounts.get(r.networkInterfaceId) ?? 0) + 1);
    const interfaces = secondaryCounts.size === 0 ? attached.interfaces : attached.interfaces.map((eni) => ({ ...eni, secondaryIpCount: secondaryCounts.get(eni.id) ?? 0 }));
    const usage = attached.publicIps.map((r) => openedUsageRow(r, r.allocatedAt));
    const inserted = await insertTogether(tx, [
      part(NetworkInterfaceEntity, interfaces), part(NetworkInterfaceGroupEntity, groupLinkRows(tenantId, attached.links)),
      part(PublicIpAllocationEntity, attached.publicIps, { skipTaken: true }), part(InstanceKeyNameEntity, attached.keyNames),
      part(NetworkInterfacePrivateIpEntity, attached.secondaryAddresses ?? []),
      part(NetworkTagEntity, attached.interfaces.flatMap((eni) => tags.map(([key, value]) => ({ resourceId: eni.id, key, value, tenantId })))),
      part(UsageRecordEntity, usage),
    ]) as Set<string>;
    // An address found held was billed with the rest (its key is this interface's, no other holder's): unbilled again.
    const unwritten = usage.filter((_, i) => !inserted.has(attached.publicIps[i].publicIp));
    for (const batch of inBatches(unwritten.map((u) => u.recordId!))) await tx.delete(UsageRecordEntity, { recordId: In(batch) });
    return inserted;
  }

  /** How many interfaces use this group. */
  countGroupMembers(m: Tx, groupId: string): Promise<number> {
    return m.countBy(NetworkInterfaceGroupEntity, { groupId });
  }

  // ---- public addresses ----

  /** Each interface's public addresses (interfaces without any are absent). */
  async publicIps(m: Tx, interfaces: readonly NetworkInterfaceEntity[]): Promise<Map<string, HeldPublicIp[]>> {
    const primaryOf = new Map(interfaces.map((n) => [n.id, n.privateIpAddress]));
    const rows = await byIds([...primaryOf.keys()], (batch) => m.find(PublicIpAllocationEntity, { where: { networkInterfaceId: In(batch) } }));
    const out = new Map<string, HeldPublicIp[]>();
    for (const r of rows) {
      const id = r.networkInterfaceId!;
      out.set(id, [...(out.get(id) ?? []), heldPublicIp(r.publicIp, r.privateIpAddress ?? primaryOf.get(id)!, r.allocationId, r.associationId)]);
    }
    return out;
  }

  /** The pool's cursor: the offset to try next. */
  async publicIpCursor(tx: Tx): Promise<number> {
    const row = (await selectWhere(tx, SettingEntity, { key: PUBLIC_IP_CURSOR_KEY }))[0];
    return row ? Number(JSON.parse(row.value)) : 0;
  }

  async savePublicIpCursor(tx: Tx, offset: number): Promise<void> {
    await insertRows(tx, SettingEntity, [{ key: PUBLIC_IP_CURSOR_KEY, value: JSON.stringify(offset) }], { upsert: true });
  }

  /** Which of these addresses are held. */
  async heldPublicIps(tx: Tx, addresses: readonly string[]): Promise<Set<string>> {
    const rows = await byIds(addresses, (batch) => selectWhere(tx, PublicIpAllocationEntity, {}, { in: { prop: 'publicIp', values: batch } }));
    return new Set(rows.map((r) => r.publicIp));
  }

  /** Held addresses, each billed from its `allocatedAt` (one statement on PostgreSQL). */
  async insertPublicIps(tx: Tx, rows: readonly PublicIpAllocationEntity[]): Promise<void> {
    await insertTogether(tx, [part(PublicIpAllocationEntity, rows), part(UsageRecordEntity, rows.map((r) => openedUsageRow(r, r.allocatedAt)))]);
  }

  /** The auto-assigned public addresses of these interfaces go back to the pool at `at` (their Elastic IPs stay). */
  async releasePublicIps(tx: Tx, interfaceIds: readonly string[], at: number): Promise<void> {
    for (const batch of inBatches(interfaceIds)) {
      await closeAddressesSelected(tx, at, `SELECT "public_ip" FROM "public_ip_allocations" WHERE "allocation_id" IS NULL AND "network_interface_id" IN (${placeholders(tx, batch.length, 1)})`, batch);
      await tx.delete(PublicIpAllocationEntity, { networkInterfaceId: In(batch), allocationId: IsNull() });
    }
  }

  /** The auto-assigned public addresses of every interface attached to these instances go back to the pool at `at`: two statements a batch. */
  async releasePublicIpsOfInstances(tx: Tx, instanceIds: readonly string[], at: number): Promise<void> {
    for (const batch of inBatches([...new Set(instanceIds)])) {
      const auto = (from: number) =>
        `"allocation_id" IS NULL AND "network_interface_id" IN (SELECT "id" FROM "network_interfaces" WHERE "instance_id" IN (${placeholders(tx, batch.length, from)}))`;
      await closeAddressesSelected(tx, at, `SELECT "public_ip" FROM "public_ip_allocations" WHERE ${auto(1)}`, batch);
      await tx.query(`DELETE FROM "public_ip_allocations" WHERE ${auto(0)}`, batch);
    }
  }

  // ---- Elastic IPs (rows of public_ip_allocations with an allocation id) ----

  /** The tenant's Elastic IPs, by allocation id. */
  elasticIpsOf(m: Tx, tenantId: string): Promise<PublicIpAllocationEntity[]> {
    return m.find(PublicIpAllocationEntity, { where: { tenantId, allocationId: Not(IsNull()) }, order: { allocationId: 'ASC' } });
  }

  countElasticIps(m: Tx, tenantId: string): Promise<number> {
    return m.countBy(PublicIpAllocationEntity, { tenantId, allocationId: Not(IsNull()) });
  }

  findElasticIp(m: Tx, tenantId: string, allocationId: string): Promise<PublicIpAllocationEntity | null> {
    return m.findOneBy(PublicIpAllocationEntity, { tenantId, allocationId });
  }

  findAssociation(m: Tx, tenantId: string, associationId: string): Promise<PublicIpAllocationEntity | null> {
    return m.findOneBy(PublicIpAllocationEntity, { tenantId, associationId });
  }

  /** The public address (auto-assigned or Elastic) held by this private address of the interface, if any. */
  findPublicIpOf(m: Tx, networkInterfaceId: string, privateIpAddress: string): Promise<PublicIpAllocationEntity | null> {
    return m.findOneBy(PublicIpAllocationEntity, { networkInterfaceId, privateIpAddress });
  }

  /**
   * An Elastic IP associated (`change` names an interface) or disassociated (null) at `at`: its
   * billing switches to in use or idle then.
   */
  async associateElasticIp(tx: Tx, row: PublicIpAllocationEntity, change: Pick<PublicIpAllocationEntity, 'networkInterfaceId' | 'privateIpAddress' | 'associationId'>, at: number): Promise<void> {
    await tx.update(PublicIpAllocationEntity, { publicIp: row.publicIp }, change);
    await switchState(tx, row, stateOf(change), at);
  }

  /** A released address: back to the pool at `at`, with its tags (an Elastic IP's); its billing ends. */
  async deletePublicIp(tx: Tx, row: PublicIpAllocationEntity, at: number): Promise<void> {
    if (row.allocationId !== null) await tx.delete(NetworkTagEntity, { resourceId: row.allocationId });
    await tx.delete(PublicIpAllocationEntity, { publicIp: row.publicIp });
    await closeAddresses(tx, [row.publicIp], at);
  }

  /** The Elastic IPs associated with these interfaces are disassociated at `at` (they stay allocated, idle from then). */
  async disassociateElasticIps(tx: Tx, interfaceIds: readonly string[], at: number): Promise<void> {
    for (const batch of inBatches(interfaceIds)) {
      const rows = await tx.find(PublicIpAllocationEntity, { where: { networkInterfaceId: In(batch), allocationId: Not(IsNull()) } });
      for (const row of rows) await this.associateElasticIp(tx, row, DISASSOCIATED, at);
    }
  }

  // ---- key pairs ----

  findKeyPairByName(m: Tx, tenantId: string, name: string): Promise<KeyPairEntity | null> {
    return m.findOneBy(KeyPairEntity, { tenantId, name });
  }

  keyPairsOf(m: Tx, tenantId: string): Promise<KeyPairEntity[]> {
    return m.find(KeyPairEntity, { where: { tenantId }, order: { name: 'ASC' } });
  }

  async insertKeyPair(tx: Tx, row: KeyPairEntity): Promise<void> {
    await tx.insert(KeyPairEntity, { ...row });
  }

  async deleteKeyPair(tx: Tx, id: string): Promise<void> {
    await tx.delete(NetworkTagEntity, { resourceId: id });
    await tx.delete(KeyPairEntity, { id });
  }



  // ---- tags ----

  /** Each resource's tags, keys in order (resources without tags are absent). */
  async tagsOf(m: Tx, resourceIds: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const rows = await byIds(resourceIds, (batch) => m.find(NetworkTagEntity, { where: { resourceId: In(batch) } }));
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const out = new Map<string, Record<string, string>>();
    for (const t of rows) out.set(t.resourceId, { ...(out.get(t.resourceId) ?? {}), [t.key]: t.value });
    return out;
  }

  /** Every tag of the tenant's networking resources, by resource id then key. */
  tagsOfTenant(m: Tx, tenantId: string): Promise<NetworkTagEntity[]> {
    return m.find(NetworkTagEntity, { where: { tenantId }, order: { resourceId: 'ASC', key: 'ASC' } });
  }

  async saveTags(tx: Tx, tenantId: string, resourceId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const rows = Object.entries(tags).map(([key, value]) => ({ resourceId, key, value, tenantId }));
    if (rows.length > 0) await tx.save(NetworkTagEntity, rows);
  }

  /** Deletes these keys of the resource's tags (all of them when `keys` is undefined). */
  async deleteTags(tx: Tx, resourceId: string, keys?: readonly string[]): Promise<void> {
    if (keys === undefined) await tx.delete(NetworkTagEntity, { resourceId });
    else for (const batch of inBatches(keys)) await tx.delete(NetworkTagEntity, { resourceId, key: In(batch) });
  }
}

/** Each interface's group links, in the order given. */
function groupLinkRows(tenantId: string, links: readonly (readonly [string, readonly string[]])[]): Partial<NetworkInterfaceGroupEntity>[] {
  return links.flatMap(([networkInterfaceId, groupIds]) => groupIds.map((groupId, position) => ({ networkInterfaceId, groupId, tenantId, position })));
}
