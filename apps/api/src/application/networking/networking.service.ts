import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES, capabilitiesOf, Image, InstanceType, isAvailabilityZone } from '@nimbus/hypervisor';
import { ApiError, idempotentMismatch, invalidParameter } from '../common/api-errors';
import { byInstant } from '../common/by-instant';
import { createdId, randomHex, resourceId, tokenId } from '../common/ids';
import {
  InstanceEntity, NetworkInterfaceEntity, SecurityGroupEntity, SubnetEntity, TenantEntity, VpcEntity,
} from '../../persistence/entities';
import { InstancesRepository } from '../../persistence/instances.repository';
import { HeldPublicIp, NetworkingRepository } from '../../persistence/networking.repository';
import { RoutingRepository } from '../../persistence/routing.repository';
import { NetworkAclsRepository } from '../../persistence/network-acls.repository';
import { VpcPeeringRepository } from '../../persistence/vpc-peering.repository';
import { DhcpOptionsRepository } from '../../persistence/dhcp-options.repository';
import { pipelineOf } from '../../persistence/pipeline';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { requireInstance } from '../instances/require-instance';
import { mergeTags, validateTags } from '../instances/tags';
import {
  Cidr, contains, formatCidr, formatIpv4, isAssignable, lowestFree, overlaps, parseCidr, parseIpv4, privateDnsName, publicDnsName, requireBlock,
  assignableRange, nextAssignable, usableCount, within,
} from './cidr';
import {
  describe, DescribeQuery, GROUP_ID, IdKind, INTERFACE_ID, isWellFormed, KEY_PAIR_ID, notFoundError, Page, requireWellFormed, SUBNET_ID, VPC_ID,
  ATTACHMENT_ID, ELASTIC_IP_ID, GATEWAY_ID, NETWORK_ACL_ID, ROUTE_TABLE_ID, RULE_ID, dependencyViolation,
} from './describe-query';
import {
  GroupRef, InstanceInterface, InstanceNetwork, InstanceNetworking, LaunchNetworkPlan, LaunchNetworkRequest, ShownPublicIp,
} from './instance-networking';
import { KeyPairsService } from './key-pairs.service';
import { NAT_GATEWAY_ID, NAT_INTERFACE_ORIGIN } from './nat-gateways';
import { NetworkDefaultsCache } from './network-defaults.cache';
import { NatRoutes } from './nat-routes';
import {
  AssignPrivateIpAddressesCommand, AttachNetworkInterfaceCommand, CreateDefaultSubnetCommand, CreateNetworkInterfaceCommand, UnassignPrivateIpAddressesCommand, CreateSubnetCommand, CreateVpcCommand, DetachNetworkInterfaceCommand,
  ModifyNetworkInterfaceCommand, ModifySubnetAttributeCommand, ModifyVpcAttributeCommand, TagToDelete,
} from './networking.commands';
import { DEFAULT_GROUP_DESCRIPTION, DEFAULT_GROUP_NAME, newGroupRows } from './security-group-rules';
import { vpcRoutingRows } from './routing';
import { defaultAclRows, defaultAssociations } from './network-acls';
import { peeringsEndingWithVpc } from './vpc-peering';
import { DEFAULT_DHCP_OPTIONS, DHCP_OPTIONS_ID, defaultDhcpOptionsId } from './dhcp-options';
import { defaultVpcAttributes, givesPublicDnsNames, VpcAttributes, vpcAttributeChange, vpcAttributesOf } from './vpc-attributes';

/** The default VPC's block and its subnets' (one /20 per zone, in zone order), as EC2 makes them. */
export const DEFAULT_VPC_CIDR = '172.31.0.0/16';
const DEFAULT_SUBNET_PREFIX = 20;
export const defaultSubnetCidr = (zoneIndex: number) => `172.31.${zoneIndex * 16}.0/${DEFAULT_SUBNET_PREFIX}`;

/** A default subnet of the zone: default for it, mapping public IPs on launch (EC2's default subnets). */
const defaultSubnetRow = (vpc: VpcEntity, availabilityZone: string, cidrBlock: string, now: number): SubnetEntity => ({
  id: resourceId('subnet'), tenantId: vpc.tenantId, vpcId: vpc.id, cidrBlock, availabilityZone, defaultForAz: true, mapPublicIpOnLaunch: true, createdAt: now,
});

/** A zone a subnet may be made in (CreateSubnet, CreateDefaultSubnet), with EC2's words for another. */
function requireSubnetZone<Z extends string | undefined>(zone: Z): Z {
  if (zone !== undefined && !isAvailabilityZone(zone)) {
    throw invalidParameter(`Value (${zone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${AVAILABILITY_ZONES.join(', ')}.`);
  }
  return zone;
}

/**
 * The simulated pool of public IPv4 addresses: 3.80.0.0/12 (a block of Amazon's in us-east-1),
 * handed out round-robin from a persisted cursor, skipping addresses ending in .0 and .255 and
 * those held; a released address returns to the pool.
 */
const PUBLIC_POOL: Cidr = { base: parseIpv4('3.80.0.0')!, prefix: 12 };
const PUBLIC_POOL_SIZE = 2 ** (32 - PUBLIC_POOL.prefix);

/**
 * Candidate private addresses the first statement checks when searching a subnet from its floor (or
 * as many as are needed, if more); each further statement checks twice as many, up to ADDRESS_BATCH_MAX.
 * Above the floor an address is held only where one was asked by value, so the first few
 * candidates are nearly always free: a launch checks 4 (8 index probes), not 16.
 */
const ADDRESS_BATCH_FIRST = 4;
const ADDRESS_BATCH_MAX = 256;

/** How many interfaces an instance may have (the largest types' limit; Nimbus does not vary it by type). */
const MAX_DEVICE_INDEX = 15;

/** A VPC as Describe shows it. */
export interface VpcView {
  readonly vpc: VpcEntity;
  readonly tags: Readonly<Record<string, string>>;
}

/** A subnet as Describe shows it, with its free addresses. */
export interface SubnetView {
  readonly subnet: SubnetEntity;
  readonly availableIpAddressCount: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** An interface as Describe shows it. */
export interface NetworkInterfaceView {
  readonly networkInterface: NetworkInterfaceEntity;
  readonly privateDnsName: string;
  /** Its secondary private addresses, in address order (the primary is `networkInterface.privateIpAddress`). */
  readonly secondaryPrivateIpAddresses: readonly string[];
  /** Its primary address's public address (auto-assigned or an Elastic IP), and DNS name (none where the VPC gives none). */
  readonly publicIp?: string;
  readonly publicDnsName?: string;
  /** Every public address it holds, one per private address that has one (Elastic IPs may map to secondaries). */
  readonly publicIps: readonly ShownPublicIp[];
  readonly groups: readonly GroupRef[];
  readonly tags: Readonly<Record<string, string>>;
}

/** One resolved interface of a launch: what `attach` creates (or attaches) on each instance. */
interface PlannedInterface {
  readonly deviceIndex: number;
  /** An existing interface (one instance only). */
  readonly existingId?: string;
  /** Its subnet; undefined: the default subnet of the zone placement chooses. */
  readonly subnetId?: string;
  /** With their names (for the launch's answer); undefined: the VPC's default group. */
  readonly groups?: readonly GroupRef[];
  readonly privateIp?: string;
  /** Secondary addresses asked by value (one instance only), or a count of them per instance. */
  readonly secondaryIps?: readonly string[];
  readonly secondaryCount: number;
  readonly associatePublicIp?: boolean;
  readonly deleteOnTermination: boolean;
  readonly description: string;
}

interface PlanDetail {
  readonly interfaces: readonly PlannedInterface[];
  readonly keyName?: string;
  readonly interfaceTags: Readonly<Record<string, string>>;
  readonly defaultVpcId?: string;
}

/**
 * EC2's rule at a launch, an attach and a type change alike: an instance has at most its type's
 * maximum network interfaces (over all its network cards). EC2's words: "AttachmentLimitExceeded:
 * Interface count 3 exceeds the limit for m1.small".
 */
export function requireInterfaceLimit(type: InstanceType, interfaceCount: number): void {
  const max = capabilitiesOf(type).maxNetworkInterfaces;
  if (interfaceCount > max) throw new ApiError('AttachmentLimitExceeded', `Interface count ${interfaceCount} exceeds the limit for ${type.name} (at most ${max}).`);
}

/**
 * The most private IPv4 addresses an interface may have while no instance holds it: the largest
 * per-interface limit of any type (50: c5.metal, p4d.24xlarge; an operator's type is bounded by it
 * too). The instance type's own limit applies when the interface is attached.
 */
export const MAX_IPV4_ADDRESSES_PER_INTERFACE = 50;

/**
 * EC2's rule at an assignment, a launch, an attach and a type change alike: an interface has at
 * most its instance type's IPv4 addresses per interface, its primary included (t3.micro 2,
 * m5.large 10); an unattached one (`type` undefined) at most MAX_IPV4_ADDRESSES_PER_INTERFACE.
 * EC2's words: "PrivateIpAddressLimitExceeded: Number of private addresses will exceed limit."
 */
export function requireAddressLimit(type: InstanceType | undefined, addressCount: number): void {
  const max = type ? capabilitiesOf(type).ipv4AddressesPerInterface : MAX_IPV4_ADDRESSES_PER_INTERFACE;
  if (addressCount > max) {
    throw new ApiError('PrivateIpAddressLimitExceeded', `Number of private addresses will exceed limit: ${addressCount} asked, at most ${max} per interface${type ? ` for ${type.name}` : ' not attached to an instance'}.`);
  }
}

/** A count of secondary addresses: a whole number, 1 or more (0 allowed where `zero`). */
function requireSecondaryCount(count: number | undefined, zero: boolean): number {
  if (count === undefined) return 0;
  if (!Number.isInteger(count) || count < (zero ? 0 : 1)) throw invalidParameter(`Invalid value '${count}' for secondaryPrivateIpAddressCount: a whole number, ${zero ? 0 : 1} or more`);
  return count;
}

/** Addresses asked by value: no repeats, and not with a count (EC2: one or the other). */
function requireSecondaryList(addresses: readonly string[] | undefined, count: number): readonly string[] {
  const list = addresses ?? [];
  if (list.length > 0 && count > 0) throw combination('Specific secondary private IP addresses and a count of secondary private IP addresses may not both be given');
  const seen = new Set<string>();
  for (const a of list) {
    if (seen.has(a)) throw invalidParameter(`The address ${a} is given more than once`);
    seen.add(a);
  }
  return list;
}

const byAddress = (a: string, b: string) => (parseIpv4(a) ?? 0) - (parseIpv4(b) ?? 0);

const combination = (message: string) => new ApiError('InvalidParameterCombination', message);

export { tokenId };

/** A VPC's default network ACL's id, and its subnets' first associations' (network-acls.ts): derived from the VPC's and subnets' ids, as before ACLs were stored. */
export const defaultAclId = (prefix: string, of: string) => tokenId(prefix, `DefaultNetworkAcl\0${of}`);

const macAddress = () => `0e:${randomHex(5).match(/../g)!.join(':')}`;

/**
 * EC2's VPC networking per tenant (docs/ec2.md, "Networking"): the default VPC (made on a tenant's
 * first use, once), VPCs, subnets, network interfaces and their addresses, the seam with
 * instances (InstanceNetworking: planned before placement, attached in the launch's transaction,
 * released at termination), and the tags of these resources. Every change is an engine command
 * (one serial transaction); reads see the committed state.
 */
@Injectable()
export class NetworkingService implements InstanceNetworking {
  /** Default VPCs, subnets and groups, and address floors, as committed (read by every launch). */
  private readonly defaults = new NetworkDefaultsCache();

  constructor(
    private readonly repo: NetworkingRepository,
    private readonly engine: EngineService,
    private readonly instances: InstancesRepository,
    private readonly keyPairs: KeyPairsService,
    private readonly routing: RoutingRepository,
    private readonly acls: NetworkAclsRepository,
    private readonly peerings: VpcPeeringRepository,
    private readonly natRoutes: NatRoutes,
    private readonly dhcpOptions: DhcpOptionsRepository,
  ) {
    engine.beforeCommit(async (tx) => {
      if (!this.publicCursorDirty || this.publicCursor === undefined) return undefined;
      await this.repo.savePublicIpCursor(tx, this.publicCursor);
      return () => (this.publicCursorDirty = false);
    });
  }

  /**
   * The public pool's cursor where this process's write path left it: read from its row once, then
   * kept here (the write path is the only writer, commands run one at a time) and written once per
   * group commit, not read and written by every launch. A command that fails, or whose group does,
   * puts it back (engine.onAbort), so it is always what the committed commands left.
   */
  private publicCursor: number | undefined;
  /** The cursor has moved since the last commit that wrote it. */
  private publicCursorDirty = false;

  /** The committed state, for reads outside a command. */
  get reader(): Tx {
    return this.repo.reader;
  }

  // ---- the default VPC ----

  /**
   * The tenant's default VPC id (undefined if it deleted it), made on first use: 172.31.0.0/16, a
   * /20 default subnet per zone mapping public IPs on launch, and its `default` group. Inside a
   * command: commands run one at a time, and the marker's primary key refuses a second one.
   */
  async ensureDefaultVpc(tx: Tx, tenantId: string): Promise<string | undefined> {
    const known = this.defaults.defaultVpc(tenantId);
    if (known !== undefined) return known ?? undefined;
    const generation = this.defaults.generation(tenantId);
    const vpcId = await this.readOrMakeDefaultVpc(tx, tenantId);
    this.engine.afterCommit(() => this.defaults.rememberDefaultVpc(tenantId, generation, vpcId ?? null));
    return vpcId;
  }

  private async readOrMakeDefaultVpc(tx: Tx, tenantId: string): Promise<string | undefined> {
    const marker = await this.repo.defaultMarker(tx, tenantId);
    if (marker) return marker.vpcId ?? undefined;
    // The account's default DHCP option set is made once, with its first default VPC (docs/ec2-networking.md, "DHCP option sets").
    if (!(await this.dhcpOptions.find(tx, tenantId, defaultDhcpOptionsId(tenantId)))) {
      await this.dhcpOptions.insert(tx, { id: defaultDhcpOptionsId(tenantId), tenantId, configuration: [...DEFAULT_DHCP_OPTIONS], createdAt: this.engine.now });
    }
    const vpc = await this.makeDefaultVpc(tx, tenantId);
    await this.repo.insertDefaultMarker(tx, { tenantId, vpcId: vpc.id, createdAt: vpc.createdAt });
    return vpc.id;
  }

  /**
   * A default VPC and all it comes with, the same on a tenant's first use and at CreateDefaultVpc:
   * 172.31.0.0/16, its main route table with the local route and the route to its internet gateway
   * (attached), its default network ACL, a default subnet per zone (each associated with that ACL), its `default` group,
   * and the account's default DHCP option set while it has one.
   */
  private async makeDefaultVpc(tx: Tx, tenantId: string): Promise<VpcEntity> {
    const now = this.engine.now;
    const vpc: VpcEntity = {
      id: resourceId('vpc'), tenantId, cidrBlock: DEFAULT_VPC_CIDR, isDefault: true, instanceTenancy: 'default', ...defaultVpcAttributes(true), createdAt: now,
      dhcpOptionsId: await this.accountDhcpOptions(tx, tenantId),
    };
    await this.repo.insertVpc(tx, vpc);
    await this.routing.insertVpcRouting(tx, vpcRoutingRows(vpc, now));
    await this.acls.insertAcl(tx, defaultAclRows(vpc, now, defaultAclId));
    await this.insertSubnets(tx, vpc.id, AVAILABILITY_ZONES.map((zone, i) => defaultSubnetRow(vpc, zone, defaultSubnetCidr(i), now)));
    await this.insertGroup(tx, newGroupRows(tenantId, vpc.id, DEFAULT_GROUP_NAME, DEFAULT_GROUP_DESCRIPTION, now, true));
    return vpc;
  }

  /** Before a read: makes the default VPC through a command if the tenant has never had one. */
  async ensureDefaultForRead(tenantId: string): Promise<void> {
    if (this.defaults.defaultVpc(tenantId) !== undefined || (await this.repo.defaultMarker(this.repo.reader, tenantId))) return;
    await this.engine.command((tx) => this.ensureDefaultVpc(tx, tenantId));
  }

  /**
   * CreateDefaultVpc: after the tenant deleted its default VPC, a new one made as on first use
   * (makeDefaultVpc). While it has one (a tenant that never had one has it from its first use, as
   * an EC2 account has from its creation): EC2's DefaultVpcAlreadyExists. Two calls at once make
   * one: commands run one at a time, and the second finds the marker naming the first's VPC.
   */
  createDefaultVpc(tenant: TenantEntity): Promise<VpcView> {
    return this.engine.command(async (tx) => {
      if ((await this.ensureDefaultVpc(tx, tenant.id)) !== undefined) {
        throw new ApiError('DefaultVpcAlreadyExists', 'A Default VPC already exists for this account in this region.');
      }
      const vpc = await this.makeDefaultVpc(tx, tenant.id);
      await this.repo.setDefaultMarker(tx, tenant.id, vpc.id);
      // Launches remembered that the tenant had none.
      this.defaults.forgetTenant(tenant.id);
      return { vpc, tags: {} };
    });
  }

  /**
   * CreateDefaultSubnet: the zone's default subnet in the default VPC, as first use makes it (its
   * /20, mapping public IPs on launch), or, where a subnet of the VPC overlaps that block, the
   * lowest /20 of the VPC's block that overlaps none. EC2's errors: DefaultVpcDoesNotExist without
   * a default VPC, DefaultSubnetAlreadyExistsInAvailabilityZone when the zone has one.
   */
  createDefaultSubnet(tenant: TenantEntity, cmd: CreateDefaultSubnetCommand): Promise<SubnetView> {
    const zone = requireSubnetZone(cmd.availabilityZone);
    return this.engine.command(async (tx, e) => {
      const vpcId = await this.ensureDefaultVpc(tx, tenant.id);
      if (vpcId === undefined) throw new ApiError('DefaultVpcDoesNotExist', 'No default VPC exists for this account in this region.');
      const vpc = (await this.repo.findVpc(tx, tenant.id, vpcId))!;
      const siblings = await this.repo.subnetsInVpc(tx, vpc.id);
      if (siblings.some((s) => s.defaultForAz && s.availabilityZone === zone)) {
        throw new ApiError('DefaultSubnetAlreadyExistsInAvailabilityZone', `A default subnet already exists in the Availability Zone ${zone}. You can have only one default subnet per Availability Zone.`);
      }
      const taken = siblings.map((s) => parseCidr(s.cidrBlock)!);
      const free = (cidr: string) => !taken.some((b) => overlaps(b, parseCidr(cidr)!));
      const blocks = 2 ** (DEFAULT_SUBNET_PREFIX - parseCidr(vpc.cidrBlock)!.prefix);
      const cidr = [defaultSubnetCidr(AVAILABILITY_ZONES.indexOf(zone)), ...Array.from({ length: blocks }, (_, i) => defaultSubnetCidr(i))].find(free);
      if (cidr === undefined) throw new ApiError('InvalidSubnet.Conflict', `No /${DEFAULT_SUBNET_PREFIX} block of the default VPC ${vpc.id} (${vpc.cidrBlock}) is free of its subnets.`);
      const subnet = defaultSubnetRow(vpc, zone, cidr, e.now);
      await this.insertSubnets(tx, vpc.id, [subnet]);
      this.defaults.forgetTenant(tenant.id);
      return { subnet, availableIpAddressCount: usableCount(parseCidr(cidr)!), tags: {} };
    });
  }

  /** The default VPC, or EC2's VPCIdNotSpecified when the tenant deleted it. */
  async requireDefaultVpc(tx: Tx, tenantId: string): Promise<string> {
    const id = await this.ensureDefaultVpc(tx, tenantId);
    if (!id) throw new ApiError('VPCIdNotSpecified', 'No default VPC for this user');
    return id;
  }

  // ---- VPCs ----

  createVpc(tenant: TenantEntity, cmd: CreateVpcCommand): Promise<VpcView> {
    const block = requireBlock(cmd.cidrBlock, 'cidrBlock');
    const tags = this.validTags(cmd.tags);
    const tenancy = cmd.instanceTenancy ?? 'default';
    if (!['default', 'dedicated'].includes(tenancy)) throw invalidParameter(`Value (${tenancy}) for parameter instanceTenancy is invalid: default or dedicated`);
    return this.engine.command(async (tx, e) => {
      await this.ensureDefaultVpc(tx, tenant.id);
      const vpc: VpcEntity = {
        id: resourceId('vpc'), tenantId: tenant.id, cidrBlock: formatCidr(block), isDefault: false, instanceTenancy: tenancy, ...defaultVpcAttributes(false), createdAt: e.now,
        dhcpOptionsId: await this.accountDhcpOptions(tx, tenant.id),
      };
      await this.repo.insertVpc(tx, vpc);
      await this.routing.insertVpcRouting(tx, vpcRoutingRows(vpc, e.now));
      await this.acls.insertAcl(tx, defaultAclRows(vpc, e.now, defaultAclId));
      // Every VPC has its default group.
      await this.insertGroup(tx, newGroupRows(tenant.id, vpc.id, DEFAULT_GROUP_NAME, DEFAULT_GROUP_DESCRIPTION, e.now, true));
      await this.repo.saveTags(tx, tenant.id, vpc.id, tags);
      return { vpc, tags };
    });
  }

  async describeVpcs(tenant: TenantEntity, q: DescribeQuery<VpcView>): Promise<Page<VpcView>> {
    await this.ensureDefaultForRead(tenant.id);
    const m = this.repo.reader;
    const rows = await this.repo.vpcsOf(m, tenant.id);
    const tags = await this.repo.tagsOf(m, rows.map((r) => r.id));
    const views = rows.map((vpc) => ({ vpc, tags: tags.get(vpc.id) ?? {} }));
    return describe(views, (v) => v.vpc.id, VPC_ID, q);
  }

  deleteVpc(tenant: TenantEntity, vpcId: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      await this.ensureDefaultVpc(tx, tenant.id);
      const vpc = await this.requireVpc(tx, tenant.id, vpcId);
      if ((await this.repo.subnetsInVpc(tx, vpc.id)).length > 0) throw dependencyViolation('vpc', vpc.id);
      if ((await this.repo.countInterfaces(tx, { vpcId: vpc.id })) > 0) throw dependencyViolation('vpc', vpc.id);
      const groups = await this.repo.groupsInVpc(tx, vpc.id);
      if (groups.some((g) => g.name !== DEFAULT_GROUP_NAME)) throw dependencyViolation('vpc', vpc.id);
      // An attached internet gateway, and route tables but the main one, must go first (EC2's rule); the main table goes with the VPC.
      if (await this.routing.gatewayOfVpc(tx, vpc.id)) throw dependencyViolation('vpc', vpc.id);
      const tables = await this.routing.tablesOfVpc(tx, vpc.id);
      if (tables.some((t) => t.mainAssociationId === null)) throw dependencyViolation('vpc', vpc.id);
      // So must network ACLs but the default one, which goes with the VPC.
      const acls = await this.acls.aclsOfVpc(tx, vpc.id);
      if (acls.some((a) => !a.isDefault)) throw dependencyViolation('vpc', vpc.id);
      // Its peering connections end with it, but a pending request from another account must be rejected first (vpc-peering.ts).
      const peering = peeringsEndingWithVpc(await this.peerings.ofVpc(tx, vpc.id), vpc.id, e.now);
      if (peering.blocked) throw dependencyViolation('vpc', vpc.id);
      for (const id of peering.ending) await this.peerings.update(tx, id, { deletedAt: e.now, deletedBy: tenant.accountId });
      for (const a of acls) {
        await this.repo.deleteTags(tx, a.id);
        await this.acls.deleteAcl(tx, a.id);
      }
      for (const t of tables) {
        await this.repo.deleteTags(tx, t.id);
        await this.routing.deleteTable(tx, t.id);
      }
      await this.repo.deleteGroups(tx, groups.map((g) => g.id));
      for (const g of groups) await this.repo.deleteTags(tx, g.id);
      await this.repo.deleteTags(tx, vpc.id);
      await this.repo.deleteVpc(tx, vpc.id);
      if (vpc.isDefault) await this.repo.clearDefaultMarker(tx, tenant.id, vpc.id);
      this.defaults.forgetTenant(tenant.id);
    });
  }

  /** DescribeVpcAttribute: the VPC's attributes. */
  async vpcAttributes(tenant: TenantEntity, vpcId: string): Promise<VpcAttributes> {
    await this.ensureDefaultForRead(tenant.id);
    return vpcAttributesOf(await this.requireVpc(this.repo.reader, tenant.id, vpcId));
  }

  /**
   * ModifyVpcAttribute: one attribute (vpc-attributes.ts). DNS hostnames change the public DNS
   * names every instance of the VPC shows from now on, those running included, as on EC2.
   */
  modifyVpcAttribute(tenant: TenantEntity, cmd: ModifyVpcAttributeCommand): Promise<void> {
    return this.engine.command(async (tx) => {
      await this.ensureDefaultVpc(tx, tenant.id);
      const vpc = await this.requireVpc(tx, tenant.id, cmd.vpcId);
      const change = vpcAttributeChange(vpcAttributesOf(vpc), cmd);
      await this.repo.updateVpc(tx, vpc.id, change);
      this.defaults.forgetTenant(tenant.id);
    });
  }

  /** Whether the VPC gives public DNS names (givesPublicDnsNames), remembered for the next launches until a VPC of the tenant changes. */
  private async publicDnsNamesIn(tx: Tx, tenantId: string, vpcId: string): Promise<boolean> {
    const known = this.defaults.publicDnsNames(tenantId, vpcId);
    if (known !== undefined) return known;
    const generation = this.defaults.generation(tenantId);
    const vpc = await this.repo.findVpc(tx, tenantId, vpcId);
    const gives = vpc !== null && givesPublicDnsNames(vpc);
    this.engine.afterCommit(() => this.defaults.rememberPublicDnsNames(tenantId, generation, vpcId, gives));
    return gives;
  }

  /** The set a new VPC is associated with: the account's default DHCP option set, or none (null) once the tenant deleted it. */
  private async accountDhcpOptions(tx: Tx, tenantId: string): Promise<string | null> {
    return (await this.dhcpOptions.find(tx, tenantId, defaultDhcpOptionsId(tenantId)))?.id ?? null;
  }

  /** The tenant's VPC (another tenant's is NotFound, as a missing one). */
  async requireVpc(m: Tx, tenantId: string, id: string): Promise<VpcEntity> {
    requireWellFormed(VPC_ID, id);
    const vpc = await this.repo.findVpc(m, tenantId, id);
    if (!vpc) throw notFoundError(VPC_ID, id);
    return vpc;
  }

  // ---- subnets ----

  createSubnet(tenant: TenantEntity, cmd: CreateSubnetCommand): Promise<SubnetView> {
    const block = requireBlock(cmd.cidrBlock, 'cidrBlock');
    const tags = this.validTags(cmd.tags);
    requireSubnetZone(cmd.availabilityZone);
    return this.engine.command(async (tx, e) => {
      await this.ensureDefaultVpc(tx, tenant.id);
      const vpc = await this.requireVpc(tx, tenant.id, cmd.vpcId);
      const vpcBlock = parseCidr(vpc.cidrBlock)!;
      if (!within(vpcBlock, block)) throw new ApiError('InvalidSubnet.Range', `The CIDR '${cmd.cidrBlock}' is invalid.`);
      const siblings = await this.repo.subnetsInVpc(tx, vpc.id);
      if (siblings.some((s) => overlaps(parseCidr(s.cidrBlock)!, block))) throw new ApiError('InvalidSubnet.Conflict', `The CIDR '${cmd.cidrBlock}' conflicts with another subnet`);
      // Without a zone, EC2 picks one: here the zone with the fewest of the VPC's subnets.
      const zone = cmd.availabilityZone ?? [...AVAILABILITY_ZONES].sort((a, b) => siblings.filter((s) => s.availabilityZone === a).length - siblings.filter((s) => s.availabilityZone === b).length)[0];
      const subnet: SubnetEntity = {
        id: resourceId('subnet'), tenantId: tenant.id, vpcId: vpc.id, cidrBlock: formatCidr(block), availabilityZone: zone, defaultForAz: false, mapPublicIpOnLaunch: false, createdAt: e.now,
      };
      await this.insertSubnets(tx, vpc.id, [subnet]);
      await this.repo.saveTags(tx, tenant.id, subnet.id, tags);
      return { subnet, availableIpAddressCount: usableCount(block), tags };
    });
  }

  async describeSubnets(tenant: TenantEntity, q: DescribeQuery<SubnetView>): Promise<Page<SubnetView>> {
    await this.ensureDefaultForRead(tenant.id);
    const m = this.repo.reader;
    const rows = await this.repo.subnetsOf(m, tenant.id);
    const tags = await this.repo.tagsOf(m, rows.map((r) => r.id));
    const used = await this.repo.addressCounts(m, rows.map((r) => r.id));
    const views = rows.map((subnet) => ({
      subnet, availableIpAddressCount: usableCount(parseCidr(subnet.cidrBlock)!) - (used.get(subnet.id) ?? 0), tags: tags.get(subnet.id) ?? {},
    }));
    return describe(views, (v) => v.subnet.id, SUBNET_ID, q);
  }

  deleteSubnet(tenant: TenantEntity, subnetId: string): Promise<void> {
    return this.engine.command(async (tx) => {
      const subnet = await this.requireSubnet(tx, tenant.id, subnetId);
      if ((await this.repo.countInterfaces(tx, { subnetId: subnet.id })) > 0) throw dependencyViolation('subnet', subnet.id);
      // Its route table and network ACL associations go with it, as on EC2.
      await this.routing.deleteAssociationOfSubnet(tx, subnet.id);
      await this.acls.deleteAssociationOfSubnet(tx, subnet.id);
      await this.repo.deleteTags(tx, subnet.id);
      await this.repo.deleteSubnet(tx, subnet.id);
      this.defaults.forgetTenant(tenant.id);
      this.defaults.forgetAddressFloor(subnet.id);
    });
  }

  /**
   * ModifySubnetAttribute (`MapPublicIpOnLaunch`): whether an instance launched into the subnet
   * gets a public address when its launch does not say (AssociatePublicIpAddress). Instances there
   * keep theirs.
   */
  modifySubnetAttribute(tenant: TenantEntity, cmd: ModifySubnetAttributeCommand): Promise<void> {
    return this.engine.command(async (tx) => {
      const subnet = await this.requireSubnet(tx, tenant.id, cmd.subnetId);
      await this.repo.updateSubnet(tx, subnet.id, { mapPublicIpOnLaunch: cmd.mapPublicIpOnLaunch });
      // A default subnet is remembered for launches: forget it.
      this.defaults.forgetTenant(tenant.id);
    });
  }

  /** New subnets of the VPC, each associated with the VPC's default network ACL, as EC2 makes them. */
  private async insertSubnets(tx: Tx, vpcId: string, subnets: readonly SubnetEntity[]): Promise<void> {
    await this.repo.insertSubnets(tx, subnets);
    await this.acls.insertAssociations(tx, defaultAssociations(subnets, defaultAclId('acl', vpcId), defaultAclId));
  }

  async requireSubnet(m: Tx, tenantId: string, id: string): Promise<SubnetEntity> {
    requireWellFormed(SUBNET_ID, id);
    const subnet = await this.repo.findSubnet(m, tenantId, id);
    if (!subnet) throw notFoundError(SUBNET_ID, id);
    return subnet;
  }

  // ---- security groups (the rules' own operations: SecurityGroupsService) ----

  async insertGroup(tx: Tx, rows: ReturnType<typeof newGroupRows>): Promise<void> {
    await this.repo.insertGroup(tx, rows.group);
    await this.repo.insertRules(tx, rows.rules);
  }

  async requireGroup(m: Tx, tenantId: string, id: string): Promise<SecurityGroupEntity> {
    requireWellFormed(GROUP_ID, id);
    const group = await this.repo.findGroup(m, tenantId, id);
    if (!group) throw notFoundError(GROUP_ID, id);
    return group;
  }

  /** Groups by id, all of the VPC (else EC2's InvalidParameter: a group of another network). */
  private async requireGroupsIn(tx: Tx, tenantId: string, vpcId: string, groupIds: readonly string[]): Promise<SecurityGroupEntity[]> {
    const groups: SecurityGroupEntity[] = [];
    for (const id of new Set(groupIds)) {
      const g = await this.requireGroup(tx, tenantId, id);
      if (g.vpcId !== vpcId) throw new ApiError('InvalidParameter', `Security group ${g.id} and the subnet belong to different networks.`);
      groups.push(g);
    }
    return groups;
  }

  /** A VPC's default group (it lives as long as the VPC: CannotDelete). */
  private async defaultGroupOf(tx: Tx, tenantId: string, vpcId: string): Promise<string> {
    const known = this.defaults.defaultGroup(tenantId, vpcId);
    if (known !== undefined) return known;
    const generation = this.defaults.generation(tenantId);
    const g = await this.repo.findGroupByName(tx, tenantId, vpcId, DEFAULT_GROUP_NAME);
    if (!g) throw new ApiError('InvalidGroup.NotFound', `The VPC '${vpcId}' has no default security group`);
    this.engine.afterCommit(() => this.defaults.rememberDefaultGroup(tenantId, generation, vpcId, g.id));
    return g.id;
  }

  // ---- network interfaces ----

  createNetworkInterface(tenant: TenantEntity, cmd: CreateNetworkInterfaceCommand): Promise<NetworkInterfaceView> {
    const tags = this.validTags(cmd.tags);
    const secondaryCount = requireSecondaryCount(cmd.secondaryPrivateIpAddressCount, true);
    const secondaryList = requireSecondaryList(cmd.secondaryPrivateIpAddresses, secondaryCount);
    if (cmd.privateIpAddress !== undefined && secondaryList.includes(cmd.privateIpAddress)) throw invalidParameter(`The address ${cmd.privateIpAddress} is given more than once`);
    // Not attached yet: the instance type's limit applies at the attach.
    requireAddressLimit(undefined, 1 + secondaryList.length + secondaryCount);
    return this.engine.command(async (tx, e) => {
      await this.ensureDefaultVpc(tx, tenant.id);
      const subnet = await this.requireSubnet(tx, tenant.id, cmd.subnetId);
      // Idempotency without a token column: the token names the interface (its id is derived from the tenant and the token).
      const id = createdId('eni', 'CreateNetworkInterface', tenant.id, cmd.clientToken);
      if (cmd.clientToken !== undefined) {
        const previous = await this.repo.findInterface(tx, tenant.id, id);
        if (previous) {
          if (previous.subnetId !== subnet.id || (cmd.privateIpAddress !== undefined && previous.privateIpAddress !== cmd.privateIpAddress)) {
            throw idempotentMismatch(cmd.clientToken);
          }
          return (await this.interfaceViews(tx, [previous]))[0];
        }
      }
      const groupIds = cmd.groupIds && cmd.groupIds.length > 0
        ? (await this.requireGroupsIn(tx, tenant.id, subnet.vpcId, cmd.groupIds)).map((g) => g.id)
        : [await this.defaultGroupOf(tx, tenant.id, subnet.vpcId)];
      const [address] = await this.allocateAddresses(tx, subnet, 1, cmd.privateIpAddress);
      const secondaries = await this.allocateSecondaries(tx, subnet, secondaryList, secondaryCount, new Set([address]));
      const row = { ...this.newInterface(tenant.id, subnet, address, cmd.description ?? '', 'interface', e.now), id, secondaryIpCount: secondaries.length };
      await this.repo.insertInterfaces(tx, [row]);
      await this.repo.insertSecondaryAddresses(tx, secondaries.map((a) => ({ subnetId: subnet.id, privateIpAddress: a, networkInterfaceId: row.id, tenantId: tenant.id, assignedAt: e.now })));
      await this.repo.insertInterfaceGroups(tx, tenant.id, [[row.id, groupIds]]);
      await this.repo.saveTags(tx, tenant.id, row.id, tags);
      return (await this.interfaceViews(tx, [row]))[0];
    });
  }

  async describeNetworkInterfaces(tenant: TenantEntity, q: DescribeQuery<NetworkInterfaceView>): Promise<Page<NetworkInterfaceView>> {
    await this.ensureDefaultForRead(tenant.id);
    const m = this.repo.reader;
    const views = await this.interfaceViews(m, await this.repo.interfacesOf(m, tenant.id));
    return describe(views, (v) => v.networkInterface.id, INTERFACE_ID, q);
  }

  /** One interface as Describe shows it (DescribeNetworkInterfaceAttribute). */
  async networkInterface(tenant: TenantEntity, networkInterfaceId: string): Promise<NetworkInterfaceView> {
    const m = this.repo.reader;
    return (await this.interfaceViews(m, [await this.requireInterface(m, tenant.id, networkInterfaceId)]))[0];
  }

  /** AttachNetworkInterface: the attachment id. */
  attachNetworkInterface(tenant: TenantEntity, cmd: AttachNetworkInterfaceCommand): Promise<string> {
    if (!Number.isInteger(cmd.deviceIndex) || cmd.deviceIndex < 1 || cmd.deviceIndex > MAX_DEVICE_INDEX) {
      throw invalidParameter(`Invalid value '${cmd.deviceIndex}' for deviceIndex: 1 to ${MAX_DEVICE_INDEX} (device 0 is the instance's primary interface)`);
    }
    return this.engine.command(async (tx, e) => {
      const eni = await this.requireInterface(tx, tenant.id, cmd.networkInterfaceId);
      const instance = await this.requireInstance(tx, tenant.id, cmd.instanceId);
      const state = e.fleet.vm(instance.id)?.state ?? 'terminated';
      if (state !== 'running' && state !== 'stopped') {
        throw new ApiError('IncorrectInstanceState', `The instance '${instance.id}' is not in a valid state for this operation (${state}): it must be running or stopped.`);
      }
      if (eni.instanceId !== null || eni.origin === NAT_INTERFACE_ORIGIN) throw new ApiError('InvalidNetworkInterface.InUse', `Interface: [${eni.id}] in use.`);
      if (eni.availabilityZone !== instance.availabilityZone) {
        throw combination(`You may not attach a network interface to an instance if they are not in the same availability zone (${eni.availabilityZone}, ${instance.availabilityZone})`);
      }
      const attached = await this.repo.attachedTo(tx, [instance.id]);
      if (attached.length > 0 && attached[0].vpcId !== eni.vpcId) throw combination(`The network interface '${eni.id}' and instance '${instance.id}' are in different VPCs`);
      if (attached.some((a) => a.deviceIndex === cmd.deviceIndex)) {
        throw invalidParameter(`Instance '${instance.id}' already has an interface attached at device index '${cmd.deviceIndex}'.`);
      }
      const type = e.world.catalog.instanceType(instance.instanceType);
      if (type) {
        requireInterfaceLimit(type, attached.length + 1);
        requireAddressLimit(type, 1 + eni.secondaryIpCount);
      }
      const attachmentId = resourceId('eni-attach');
      await this.repo.updateInterface(tx, eni.id, { instanceId: instance.id, deviceIndex: cmd.deviceIndex, attachmentId, attachTime: e.now, deleteOnTermination: false });
      return attachmentId;
    });
  }

  detachNetworkInterface(tenant: TenantEntity, cmd: DetachNetworkInterfaceCommand): Promise<void> {
    return this.engine.command(async (tx) => {
      requireWellFormed(ATTACHMENT_ID, cmd.attachmentId);
      const eni = await this.repo.findByAttachment(tx, tenant.id, cmd.attachmentId);
      if (!eni) throw notFoundError(ATTACHMENT_ID, cmd.attachmentId);
      if (eni.deviceIndex === 0) throw new ApiError('OperationNotPermitted', `The network interface at device index 0 cannot be detached.`);
      await this.repo.detachInterfaces(tx, [eni.id]);
    });
  }

  deleteNetworkInterface(tenant: TenantEntity, networkInterfaceId: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const eni = await this.requireInterface(tx, tenant.id, networkInterfaceId);
      // A NAT gateway's interface is in use by it (requester-managed): DeleteNatGateway deletes it.
      if (eni.instanceId !== null || eni.origin === NAT_INTERFACE_ORIGIN) throw new ApiError('InvalidNetworkInterface.InUse', `The network interface '${eni.id}' is currently in use.`);
      await this.repo.deleteInterfaces(tx, [eni.id], e.now);
      this.defaults.forgetAddressFloor(eni.subnetId);
    });
  }

  /** ModifyNetworkInterfaceAttribute: the source/destination check, the groups (same VPC), the description. */
  modifyNetworkInterface(tenant: TenantEntity, cmd: ModifyNetworkInterfaceCommand): Promise<void> {
    return this.engine.command(async (tx) => {
      const eni = await this.requireInterface(tx, tenant.id, cmd.networkInterfaceId);
      await this.modifyInterface(tx, tenant.id, eni, cmd);
    });
  }

  /**
   * AssignPrivateIpAddresses: secondary addresses from the interface's subnet, asked by value or
   * the lowest free ones; at most the attached instance's type allows an interface (or, unattached,
   * MAX_IPV4_ADDRESSES_PER_INTERFACE). Answers the addresses assigned.
   */
  assignPrivateIpAddresses(tenant: TenantEntity, cmd: AssignPrivateIpAddressesCommand): Promise<readonly string[]> {
    const count = requireSecondaryCount(cmd.secondaryPrivateIpAddressCount, false);
    const list = requireSecondaryList(cmd.privateIpAddresses, count);
    if (list.length === 0 && count === 0) throw new ApiError('MissingParameter', 'Either private IP addresses (PrivateIpAddress.N) or a count of secondary private IP addresses (SecondaryPrivateIpAddressCount) must be given');
    return this.engine.command(async (tx, e) => {
      const eni = await this.requireInterface(tx, tenant.id, cmd.networkInterfaceId);
      const instance = eni.instanceId !== null ? await this.instances.findOwned(tx, tenant.id, eni.instanceId) : null;
      const type = instance ? e.world.catalog.instanceType(instance.instanceType) : undefined;
      requireAddressLimit(type, 1 + eni.secondaryIpCount + list.length + count);
      const subnet = (await this.repo.findSubnet(tx, tenant.id, eni.subnetId))!;
      const assigned = await this.allocateSecondaries(tx, subnet, list, count);
      await this.repo.insertSecondaryAddresses(tx, assigned.map((a) => ({ subnetId: subnet.id, privateIpAddress: a, networkInterfaceId: eni.id, tenantId: tenant.id, assignedAt: e.now })));
      return assigned;
    });
  }

  /** UnassignPrivateIpAddresses: secondary addresses of the interface go back to its subnet; the primary cannot. */
  unassignPrivateIpAddresses(tenant: TenantEntity, cmd: UnassignPrivateIpAddressesCommand): Promise<void> {
    if (cmd.privateIpAddresses.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter PrivateIpAddress.N');
    return this.engine.command(async (tx) => {
      const eni = await this.requireInterface(tx, tenant.id, cmd.networkInterfaceId);
      if (cmd.privateIpAddresses.includes(eni.privateIpAddress)) {
        throw invalidParameter(`The primary private IP address ${eni.privateIpAddress} of network interface ${eni.id} cannot be unassigned (delete the interface instead)`);
      }
      const held = new Set(eni.secondaryIpCount > 0 ? (await this.repo.secondaryAddresses(tx, [eni.id])).get(eni.id) : []);
      const missing = cmd.privateIpAddresses.filter((a) => !held.has(a));
      if (missing.length > 0) throw invalidParameter(`Some of the specified addresses are not assigned to interface ${eni.id}: ${missing.join(', ')}`);
      await this.repo.deleteSecondaryAddresses(tx, eni.id, [...new Set(cmd.privateIpAddresses)]);
      this.defaults.forgetAddressFloor(eni.subnetId);
    });
  }

  /**
   * An interface a service makes for itself in the subnet (a NAT gateway's: requester-managed, no
   * security groups), inside the caller's command: its address the one asked (checked as
   * CreateNetworkInterface checks it) or the subnet's lowest free one.
   */
  async createManagedInterface(tx: Tx, tenantId: string, subnet: SubnetEntity, cmd: { readonly privateIpAddress?: string; readonly description: string; readonly origin: string }, now: number): Promise<NetworkInterfaceEntity> {
    const [address] = await this.allocateAddresses(tx, subnet, 1, cmd.privateIpAddress);
    const row = this.newInterface(tenantId, subnet, address, cmd.description, cmd.origin, now);
    await this.repo.insertInterfaces(tx, [row]);
    return row;
  }

  /** A managed interface goes, inside the caller's command: its Elastic IP disassociated (still allocated), its address back to the subnet. */
  async deleteManagedInterface(tx: Tx, eni: Pick<NetworkInterfaceEntity, 'id' | 'subnetId'>, at: number): Promise<void> {
    await this.repo.deleteInterfaces(tx, [eni.id], at);
    this.defaults.forgetAddressFloor(eni.subnetId);
  }

  async requireInterface(m: Tx, tenantId: string, id: string): Promise<NetworkInterfaceEntity> {
    requireWellFormed(INTERFACE_ID, id);
    const eni = await this.repo.findInterface(m, tenantId, id);
    if (!eni) throw notFoundError(INTERFACE_ID, id);
    return eni;
  }

  // ---- instances' attributes on their primary interface (ModifyInstanceAttribute) ----

  /** ModifyInstanceAttribute instanceType, inside the caller's command: the new type must take the interfaces attached. */
  async requireInterfacesFit(tx: Tx, instanceId: string, type: InstanceType): Promise<void> {
    const attached = await this.repo.attachedTo(tx, [instanceId]);
    requireInterfaceLimit(type, attached.length);
    for (const a of attached) requireAddressLimit(type, 1 + a.secondaryIpCount);
  }

  /** ModifyInstanceAttribute sourceDestCheck: on the instance's primary interface. */
  setSourceDestCheck(tenant: TenantEntity, instanceId: string, value: boolean): Promise<void> {
    return this.engine.command(async (tx) => {
      const eni = await this.primaryInterface(tx, tenant.id, instanceId);
      await this.repo.updateInterface(tx, eni.id, { sourceDestCheck: value });
    });
  }

  /** ModifyInstanceAttribute groupSet: replaces the primary interface's groups (of its VPC). */
  setInstanceGroups(tenant: TenantEntity, instanceId: string, groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) throw new ApiError('MissingParameter', 'The request must contain at least one security group id (GroupId.N)');
    return this.engine.command(async (tx) => {
      const eni = await this.primaryInterface(tx, tenant.id, instanceId);
      await this.modifyInterface(tx, tenant.id, eni, { networkInterfaceId: eni.id, groupIds });
    });
  }

  private async primaryInterface(tx: Tx, tenantId: string, instanceId: string): Promise<NetworkInterfaceEntity> {
    const instance = await this.requireInstance(tx, tenantId, instanceId);
    const eni = (await this.repo.attachedTo(tx, [instance.id])).find((n) => n.deviceIndex === 0);
    if (!eni) throw new ApiError('IncorrectInstanceState', `The instance '${instance.id}' has no network interface (it is terminated).`);
    return eni;
  }

  private async modifyInterface(tx: Tx, tenantId: string, eni: NetworkInterfaceEntity, cmd: ModifyNetworkInterfaceCommand): Promise<void> {
    if (cmd.groupIds !== undefined) {
      if (cmd.groupIds.length === 0) throw new ApiError('MissingParameter', 'At least one security group is required');
      const groups = await this.requireGroupsIn(tx, tenantId, eni.vpcId, cmd.groupIds);
      await this.repo.setInterfaceGroups(tx, tenantId, eni.id, groups.map((g) => g.id));
    }
    const change: Partial<NetworkInterfaceEntity> = {
      ...(cmd.sourceDestCheck !== undefined ? { sourceDestCheck: cmd.sourceDestCheck } : {}),
      ...(cmd.description !== undefined ? { description: cmd.description } : {}),
    };
    if (Object.keys(change).length > 0) await this.repo.updateInterface(tx, eni.id, change);
  }

  // ---- InstanceNetworking: the seam with InstancesService ----

  async planLaunch(
    tx: Tx, tenantId: string, request: LaunchNetworkRequest, count: number, instanceType: InstanceType, image: Pick<Image, 'platform'>, availabilityZone?: string,
  ): Promise<LaunchNetworkPlan> {
    const interfaceTags = validateTags({ ...(request.interfaceTags ?? {}) });
    requireInterfaceLimit(instanceType, Math.max(1, request.networkInterfaces?.length ?? 0));
    const defaultVpcId = await this.ensureDefaultVpc(tx, tenantId);
    const keyPair = request.keyName !== undefined ? await this.keyPairs.requireForLaunch(tx, tenantId, request.keyName, image) : undefined;
    const specs = request.networkInterfaces ?? [];
    if (specs.length > 0 && (request.subnetId !== undefined || request.privateIpAddress !== undefined || (request.securityGroupIds?.length ?? 0) > 0 || (request.securityGroupNames?.length ?? 0) > 0)) {
      throw combination('Network interfaces and an instance-level subnet ID, private IP address or security groups may not be specified on the same request');
    }
    const asked = specs.length > 0 ? specs : [{ deviceIndex: 0, subnetId: request.subnetId, groupIds: request.securityGroupIds, privateIpAddress: request.privateIpAddress }];
    const indexes = asked.map((s) => s.deviceIndex);
    if (!indexes.includes(0)) throw invalidParameter('Each instance must have a network interface at device index 0');
    if (new Set(indexes).size !== indexes.length) throw invalidParameter('Each network interface must have a distinct device index');

    let zone = availabilityZone;
    let vpcId: string | undefined;
    const pin = (z: string, v: string, what: string) => {
      if (zone !== undefined && zone !== z) throw combination(`The ${what} is in ${z}, not in the requested availability zone ${zone}`);
      if (vpcId !== undefined && vpcId !== v) throw combination(`The network interfaces of an instance must be in one VPC`);
      zone = z;
      vpcId = v;
    };
    const planned: PlannedInterface[] = [];
    for (const s of [...asked].sort((a, b) => a.deviceIndex - b.deviceIndex)) {
      if (s.deviceIndex < 0 || s.deviceIndex > MAX_DEVICE_INDEX) throw invalidParameter(`Invalid value '${s.deviceIndex}' for deviceIndex: 0 to ${MAX_DEVICE_INDEX}`);
      if (s.networkInterfaceId !== undefined) {
        if (count !== 1) throw combination('An existing network interface can be attached to one instance only (MaxCount 1)');
        if (s.subnetId !== undefined || s.privateIpAddress !== undefined || (s.groupIds?.length ?? 0) > 0 || (s.secondaryPrivateIpAddresses?.length ?? 0) > 0 || s.secondaryPrivateIpAddressCount !== undefined) {
          throw combination('An existing network interface takes no subnet, addresses or groups');
        }
        const eni = await this.requireInterface(tx, tenantId, s.networkInterfaceId);
        if (eni.instanceId !== null) throw new ApiError('InvalidNetworkInterface.InUse', `Interface: [${eni.id}] in use.`);
        requireAddressLimit(instanceType, 1 + eni.secondaryIpCount);
        pin(eni.availabilityZone, eni.vpcId, `network interface ${eni.id}`);
        planned.push({ deviceIndex: s.deviceIndex, existingId: eni.id, secondaryCount: 0, deleteOnTermination: 'deleteOnTermination' in s ? (s.deleteOnTermination ?? false) : false, description: eni.description });
        continue;
      }
      let subnet: SubnetEntity | undefined;
      if (s.subnetId !== undefined) subnet = await this.requireSubnet(tx, tenantId, s.subnetId);
      else if (s.privateIpAddress !== undefined && defaultVpcId !== undefined) {
        // An address without a subnet: the default subnet that holds it.
        const address = parseIpv4(s.privateIpAddress);
        const defaults = (await this.repo.subnetsInVpc(tx, defaultVpcId)).filter((d) => d.defaultForAz);
        subnet = defaults.find((d) => address !== undefined && contains(parseCidr(d.cidrBlock)!, address));
        if (!subnet) throw invalidParameter(`Address ${s.privateIpAddress} does not fall within the subnet's address range`);
      } else if (s.deviceIndex > 0 && planned[0]?.subnetId !== undefined) {
        subnet = await this.requireSubnet(tx, tenantId, planned[0].subnetId);
      }
      if (subnet) pin(subnet.availabilityZone, subnet.vpcId, `subnet ${subnet.id}`);
      else if (defaultVpcId === undefined) throw new ApiError('VPCIdNotSpecified', 'No default VPC for this user');
      const groupVpc = subnet?.vpcId ?? defaultVpcId!;
      let groups: GroupRef[] | undefined;
      if (s.groupIds && s.groupIds.length > 0) groups = (await this.requireGroupsIn(tx, tenantId, groupVpc, s.groupIds)).map(groupRefOf);
      if (s.deviceIndex === 0 && request.securityGroupNames && request.securityGroupNames.length > 0) {
        if (groupVpc !== defaultVpcId) throw combination('The parameter groupName cannot be used with the parameter subnet (use security group ids in a nondefault VPC)');
        groups = [...(groups ?? [])];
        for (const name of request.securityGroupNames) {
          const g = await this.repo.findGroupByName(tx, tenantId, groupVpc, name);
          if (!g) throw new ApiError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${groupVpc}'`);
          if (!groups.some((r) => r.groupId === g.id)) groups.push(groupRefOf(g));
        }
      }
      if (s.privateIpAddress !== undefined) {
        if (count !== 1) throw combination('A private IP address can be given only when launching one instance (MaxCount 1)');
        if (subnet) await this.checkAddress(tx, subnet, s.privateIpAddress);
      }
      const secondaryCount = requireSecondaryCount('secondaryPrivateIpAddressCount' in s ? s.secondaryPrivateIpAddressCount : undefined, true);
      const secondaryIps = requireSecondaryList('secondaryPrivateIpAddresses' in s ? s.secondaryPrivateIpAddresses : undefined, secondaryCount);
      requireAddressLimit(instanceType, 1 + secondaryIps.length + secondaryCount);
      if (secondaryIps.length > 0) {
        if (count !== 1) throw combination('Private IP addresses can be given only when launching one instance (MaxCount 1)');
        if (!subnet) throw new ApiError('MissingParameter', 'Secondary private IP addresses need the network interface\'s subnet (SubnetId)');
        if (s.privateIpAddress !== undefined && secondaryIps.includes(s.privateIpAddress)) throw invalidParameter(`The address ${s.privateIpAddress} is given more than once`);
        const taken = new Set(s.privateIpAddress !== undefined ? [s.privateIpAddress] : []);
        for (const a of secondaryIps) taken.add(formatIpv4(await this.checkAddress(tx, subnet, a, taken)));
      }
      if ('associatePublicIpAddress' in s && s.associatePublicIpAddress !== undefined && (s.deviceIndex !== 0 || asked.length > 1)) {
        throw combination('The associatePublicIPAddress parameter can only be specified for the network interface with DeviceIndex 0, and only for a single network interface.');
      }
      planned.push({
        deviceIndex: s.deviceIndex, subnetId: subnet?.id, groups, privateIp: s.privateIpAddress,
        ...(secondaryIps.length > 0 ? { secondaryIps } : {}), secondaryCount,
        associatePublicIp: 'associatePublicIpAddress' in s ? s.associatePublicIpAddress : undefined,
        deleteOnTermination: 'deleteOnTermination' in s ? (s.deleteOnTermination ?? true) : true,
        description: 'description' in s ? (s.description ?? '') : '',
      });
    }
    // Enough free addresses for every new interface of every instance, where the subnets are known.
    const perSubnet = new Map<string, number>();
    for (const p of planned) {
      if (p.subnetId !== undefined && p.existingId === undefined) perSubnet.set(p.subnetId, (perSubnet.get(p.subnetId) ?? 0) + count * (1 + (p.secondaryIps?.length ?? 0) + p.secondaryCount));
    }
    for (const [subnetId, needed] of perSubnet) await this.checkFree(tx, (await this.repo.findSubnet(tx, tenantId, subnetId))!, needed);
    const detail: PlanDetail = { interfaces: planned, keyName: request.keyName, defaultVpcId, interfaceTags };
    return { ...(zone !== undefined ? { availabilityZone: zone } : {}), ...(keyPair ? { keyPair: { keyType: keyPair.keyType, publicKey: keyPair.publicKey } } : {}), detail };
  }

  async attach(
    tx: Tx, tenantId: string, plan: LaunchNetworkPlan, instances: readonly { readonly instanceId: string; readonly availabilityZone: string }[], now: Date,
  ): Promise<ReadonlyMap<string, InstanceNetwork>> {
    if (instances.length === 0) return new Map();
    const detail = plan.detail as PlanDetail;
    const at = now.getTime();
    const zone = instances[0].availabilityZone;
    const subnets = new Map<string, SubnetEntity>();
    const subnetOf = async (p: PlannedInterface): Promise<SubnetEntity> => {
      if (p.subnetId !== undefined) {
        if (!subnets.has(p.subnetId)) subnets.set(p.subnetId, (await this.repo.findSubnet(tx, tenantId, p.subnetId))!);
        return subnets.get(p.subnetId)!;
      }
      const key = `default:${zone}`;
      if (!subnets.has(key)) {
        const known = this.defaults.defaultSubnet(tenantId, zone);
        if (known !== undefined && known.vpcId === detail.defaultVpcId) subnets.set(key, known);
        else {
          const generation = this.defaults.generation(tenantId);
          const found = (await this.repo.subnetsInVpc(tx, detail.defaultVpcId!)).find((s) => s.defaultForAz && s.availabilityZone === zone);
          if (!found) throw new ApiError('InvalidSubnetID.NotFound', `No default subnet for availability zone '${zone}'`);
          this.engine.afterCommit(() => this.defaults.rememberDefaultSubnet(tenantId, generation, zone, found));
          subnets.set(key, found);
        }
      }
      return subnets.get(key)!;
    };
    const rows: NetworkInterfaceEntity[] = [];
    const links: [string, string[]][] = [];
    const groupsOf = new Map<string, readonly GroupRef[]>();
    const publicFor: NetworkInterfaceEntity[] = [];
    const secondaryRows: { subnetId: string; privateIpAddress: string; networkInterfaceId: string; tenantId: string; assignedAt: number }[] = [];
    const secondariesOf = new Map<string, string[]>();
    let attachedExisting = false;
    const takenIn = new Map<string, Set<string>>();
    for (const p of detail.interfaces) {
      if (p.existingId !== undefined) {
        attachedExisting = true;
        await this.repo.updateInterface(tx, p.existingId, {
          instanceId: instances[0].instanceId, deviceIndex: p.deviceIndex, attachmentId: resourceId('eni-attach'), attachTime: at, deleteOnTermination: p.deleteOnTermination,
        });
        continue;
      }
      const subnet = await subnetOf(p);
      // Addresses this launch already took in the subnet (its rows are inserted after the loop) are held too.
      let taken = takenIn.get(subnet.id);
      if (!taken) takenIn.set(subnet.id, (taken = new Set()));
      const addresses = await this.allocateAddresses(tx, subnet, instances.length, p.privateIp, taken);
      for (const a of addresses) taken.add(a);
      // Each instance's secondaries: the asked ones (one instance only), or `secondaryCount` of the lowest free.
      const secondaries = await this.allocateSecondaries(tx, subnet, p.secondaryIps ?? [], p.secondaryCount * instances.length, taken);
      for (const a of secondaries) taken.add(a);
      const perInstance = p.secondaryIps?.length ?? p.secondaryCount;
      const groups = p.groups ?? [{ groupId: await this.defaultGroupOf(tx, tenantId, subnet.vpcId), groupName: DEFAULT_GROUP_NAME }];
      // Remembered on the interface: a stop releases the address, and each start gives it a new one.
      const autoPublicIp = p.deviceIndex === 0 && (p.associatePublicIp ?? subnet.mapPublicIpOnLaunch);
      instances.forEach((instance, i) => {
        const own = secondaries.slice(i * perInstance, (i + 1) * perInstance);
        const row = {
          ...this.newInterface(tenantId, subnet, addresses[i], p.description, 'instance', at),
          instanceId: instance.instanceId, deviceIndex: p.deviceIndex, attachmentId: resourceId('eni-attach'), attachTime: at, deleteOnTermination: p.deleteOnTermination,
          autoPublicIp, secondaryIpCount: own.length,
        };
        rows.push(row);
        secondariesOf.set(row.id, own);
        for (const a of own) secondaryRows.push({ subnetId: subnet.id, privateIpAddress: a, networkInterfaceId: row.id, tenantId, assignedAt: at });
        links.push([row.id, groups.map((g) => g.groupId)]);
        groupsOf.set(row.id, groups);
        if (autoPublicIp) publicFor.push(row);
      });
    }
    // The public addresses next in the pool, then every row written at once (one statement on
    // PostgreSQL). They are not looked up first: the pool goes round a million addresses, so one is
    // held only once the pool has come round to it. One that is held is not written, and its
    // interface takes the next free address, looked up.
    const candidates = await this.takePublicIps(tx, publicFor.length, { lookUp: false });
    const publicRows = publicFor.map((eni, i) => autoPublicIpRow(eni, candidates[i], at));
    const written = await this.repo.insertAttached(tx, tenantId, {
      interfaces: rows, links, secondaryAddresses: secondaryRows, publicIps: publicRows,
      keyNames: detail.keyName !== undefined ? instances.map((i) => ({ instanceId: i.instanceId, tenantId, keyName: detail.keyName! })) : [],
      tags: detail.interfaceTags,
    });
    const heldAt = publicRows.flatMap((r, i) => (written.has(r.publicIp) ? [] : [i]));
    if (heldAt.length > 0) {
      const free = await this.takePublicIps(tx, heldAt.length);
      const replacements = heldAt.map((i, k) => autoPublicIpRow(publicFor[i], free[k], at));
      await this.repo.insertPublicIps(tx, replacements);
      heldAt.forEach((i, k) => (publicRows[i] = replacements[k]));
    }
    // Instances launched into a VPC with a NAT route may be behind it: the NAT routes' instances are read again.
    this.natRoutes.launched(new Set(rows.map((r) => r.vpcId)), attachedExisting);
    // The answer: from the rows just written; an existing interface (one instance only) is read back.
    if (attachedExisting) return this.describe(tx, instances.map((i) => i.instanceId));
    const publicIps = new Map(publicRows.map((r) => [r.networkInterfaceId, [{ publicIp: r.publicIp, privateIpAddress: r.privateIpAddress }]]));
    const publicDns = new Map<string, boolean>();
    for (const vpcId of new Set(rows.filter((r) => publicIps.has(r.id)).map((r) => r.vpcId))) publicDns.set(vpcId, await this.publicDnsNamesIn(tx, tenantId, vpcId));
    const views = rows.map((networkInterface) => interfaceView(
      networkInterface, publicIps.get(networkInterface.id) ?? [], groupsOf.get(networkInterface.id)!, secondariesOf.get(networkInterface.id) ?? [], publicDns.get(networkInterface.vpcId) ?? false,
    ));
    return networksOf(views, new Map(detail.keyName !== undefined ? instances.map((i) => [i.instanceId, detail.keyName!]) : []));
  }

  async describe(m: Tx, instanceIds: readonly string[]): Promise<ReadonlyMap<string, InstanceNetwork>> {
    if (instanceIds.length === 0) return new Map();
    // Two statements: the interfaces with their public addresses and key names, then their groups;
    // a third only if an interface has secondary addresses.
    const { interfaces: attached, groups } = await this.repo.instanceNetworks(m, instanceIds);
    const secondaries = await this.repo.secondaryAddresses(m, withSecondaries(attached.map((a) => a.networkInterface)));
    const keyNames = new Map<string, string>();
    for (const a of attached) if (a.keyName !== undefined) keyNames.set(a.networkInterface.instanceId!, a.keyName);
    return networksOf(attached.map((a) => interfaceView(a.networkInterface, a.publicIps, groups.get(a.networkInterface.id) ?? [], secondaries.get(a.networkInterface.id) ?? [], a.publicDnsNames)), keyNames);
  }

  /**
   * Terminated instances let their addresses go, each at the instant it reached `terminated`
   * (`reachedAt`), so that an address is billed until then and not until the commit that records it.
   */
  async released(tx: Tx, instanceIds: readonly string[], reachedAt: (instanceId: string) => number): Promise<void> {
    const attached = await this.repo.attachedTo(tx, instanceIds);
    if (attached.length === 0) return;
    // Auto-assigned public addresses go back to the pool; interfaces deleted on termination go (their
    // Elastic IPs disassociated, still allocated), the others are detached (keeping their Elastic IPs, as on EC2).
    for (const [at, group] of byInstant(attached, (a) => reachedAt(a.instanceId!))) {
      await this.repo.releasePublicIps(tx, group.map((a) => a.id), at);
      await this.repo.deleteInterfaces(tx, group.filter((a) => a.deleteOnTermination).map((a) => a.id), at);
    }
    for (const subnetId of new Set(attached.filter((a) => a.deleteOnTermination).map((a) => a.subnetId))) this.defaults.forgetAddressFloor(subnetId);
    await this.repo.detachInterfaces(tx, attached.filter((a) => !a.deleteOnTermination).map((a) => a.id));
  }

  /** Stopped instances' auto-assigned addresses go back to the pool, each at the instant it reached `stopped`. */
  async stopped(tx: Tx, instanceIds: readonly string[], reachedAt: (instanceId: string) => number): Promise<void> {
    for (const [at, group] of byInstant(instanceIds, reachedAt)) await this.repo.releasePublicIpsOfInstances(tx, group, at);
  }

  async started(tx: Tx, instanceId: string, now: Date): Promise<void> {
    const attached = await this.repo.attachedTo(tx, [instanceId]);
    // Still held only if it stopped in this same group (the stop's release had not run yet), or it
    // stopped before Nimbus released addresses at a stop: released now, so the start gives a new one.
    await this.repo.releasePublicIps(tx, attached.map((a) => a.id), now.getTime());
    await this.assignAutoPublicIp(tx, attached, now.getTime());
  }

  /**
   * EC2's rule for a new auto-assigned public address, at a start and when an Elastic IP leaves an
   * instance's primary address (EC2 User Guide, "Public IPv4 addresses": "When you disassociate the
   * Elastic IP address from your instance, it receives a new public IP address"): the primary
   * interface gets one if it was given one at launch and holds no Elastic IP on its primary address,
   * and "it will not receive a new one if there is more than one network interface attached to
   * your instance". `attached`: the instance's interfaces.
   */
  async assignAutoPublicIp(tx: Tx, attached: readonly NetworkInterfaceEntity[], at: number): Promise<void> {
    if (attached.length !== 1 || attached[0].deviceIndex !== 0 || !attached[0].autoPublicIp) return;
    const primary = attached[0];
    if (await this.repo.findPublicIpOf(tx, primary.id, primary.privateIpAddress)) return;
    const [publicIp] = await this.takePublicIps(tx, 1);
    await this.repo.insertPublicIps(tx, [autoPublicIpRow(primary, publicIp, at)]);
  }

  /**
   * `count` addresses of the public pool (auto-assigned ones and Elastic IPs alike): the next free
   * ones after the pool's cursor, which moves past them. The caller writes their rows in its command.
   * `lookUp: false`: the next ones, not looked up; the caller writes them only where free.
   */
  async takePublicIps(tx: Tx, count: number, options: { lookUp?: boolean } = {}): Promise<readonly string[]> {
    if (count === 0) return [];
    const { addresses, cursor } = await this.choosePublicIps(tx, count, options.lookUp ?? true);
    this.movePublicCursor(cursor);
    return addresses;
  }

  /**
   * Inside a command: moves the pool's cursor to `offset` (the next address tried is the pool's
   * base plus it). No route calls it: the tests use it to bring the pool round to an address.
   */
  async setPublicIpCursor(tx: Tx, offset: number): Promise<void> {
    if (this.publicCursor === undefined) this.publicCursor = await this.repo.publicIpCursor(tx);
    this.movePublicCursor(offset);
  }

  private movePublicCursor(cursor: number): void {
    const before = this.publicCursor;
    const wasDirty = this.publicCursorDirty;
    this.publicCursor = cursor;
    this.publicCursorDirty = true;
    this.engine.onAbort(() => {
      this.publicCursor = before;
      this.publicCursorDirty = wasDirty;
    });
  }

  // ---- tags of the networking resources ----

  /** Resource ids whose tags live here (vpc-, subnet-, sg-, eni-, key-, eipalloc-, igw-, rtb-, acl-, nat-). */
  ownsTagsOf(resourceId: string): boolean {
    return TAGGABLE.some((k) => isWellFormed(k, resourceId));
  }

  /** Throws the resource kind's NotFound unless it is the tenant's. */
  async requireTaggable(tx: Tx, tenantId: string, resourceId: string): Promise<void> {
    const kind = TAGGABLE.find((k) => isWellFormed(k, resourceId));
    if (!kind) throw invalidParameter(`The resource id '${resourceId}' is not a VPC, subnet, security group, security group rule, network interface, key pair, Elastic IP allocation, internet gateway, route table, network ACL, NAT gateway or DHCP options id`);
    const found =
      kind === VPC_ID ? await this.repo.findVpc(tx, tenantId, resourceId)
      : kind === SUBNET_ID ? await this.repo.findSubnet(tx, tenantId, resourceId)
      : kind === GROUP_ID ? await this.repo.findGroup(tx, tenantId, resourceId)
      : kind === INTERFACE_ID ? await this.repo.findInterface(tx, tenantId, resourceId)
      : kind === ELASTIC_IP_ID ? await this.repo.findElasticIp(tx, tenantId, resourceId)
      : kind === GATEWAY_ID ? await this.routing.findGateway(tx, tenantId, resourceId)
      : kind === ROUTE_TABLE_ID ? await this.routing.findTable(tx, tenantId, resourceId)
      : kind === NAT_GATEWAY_ID ? await this.routing.findNatGateway(tx, tenantId, resourceId)
      : kind === RULE_ID ? await this.repo.findRule(tx, tenantId, resourceId)
      : kind === NETWORK_ACL_ID ? await this.acls.findAcl(tx, tenantId, resourceId)
      : kind === DHCP_OPTIONS_ID ? await this.dhcpOptions.find(tx, tenantId, resourceId)
      : await this.keyPairs.findById(tx, tenantId, resourceId);
    if (!found) throw notFoundError(kind, resourceId);
  }

  /** CreateTags on networking resources, inside the caller's command: adds or replaces, at most 50 per resource. */
  async putTags(tx: Tx, tenantId: string, resourceId: string, tags: Readonly<Record<string, unknown>>): Promise<void> {
    const valid = validateTags({ ...tags });
    await this.requireTaggable(tx, tenantId, resourceId);
    mergeTags(resourceId, (await this.repo.tagsOf(tx, [resourceId])).get(resourceId) ?? {}, valid);
    await this.repo.saveTags(tx, tenantId, resourceId, valid);
  }

  /** DeleteTags on networking resources, inside the caller's command: by key, or by key and value (deleted only if it matches); none given: all. */
  async removeTags(tx: Tx, tenantId: string, resourceId: string, tags?: readonly TagToDelete[]): Promise<void> {
    await this.requireTaggable(tx, tenantId, resourceId);
    if (tags === undefined || tags.length === 0) return this.repo.deleteTags(tx, resourceId);
    const current = (await this.repo.tagsOf(tx, [resourceId])).get(resourceId) ?? {};
    const keys = tags.filter((t) => current[t.key] !== undefined && (t.value === undefined || current[t.key] === t.value)).map((t) => t.key);
    if (keys.length > 0) await this.repo.deleteTags(tx, resourceId, keys);
  }

  /** DescribeTags' rows for the networking resources: every tag of the tenant's, with EC2's resource type. */
  async tagRows(tenant: TenantEntity): Promise<{ resourceId: string; resourceType: string; key: string; value: string }[]> {
    const rows = await this.repo.tagsOfTenant(this.repo.reader, tenant.id);
    return rows.map((r) => ({ resourceId: r.resourceId, resourceType: RESOURCE_TYPES.find(([prefix]) => r.resourceId.startsWith(`${prefix}-`))?.[1] ?? 'unknown', key: r.key, value: r.value }));
  }

  /** The tenant's default VPC id (made on first use), or undefined if it deleted it: DescribeAccountAttributes' `default-vpc`. */
  async defaultVpcId(tenant: TenantEntity): Promise<string | undefined> {
    await this.ensureDefaultForRead(tenant.id);
    return (await this.repo.defaultMarker(this.repo.reader, tenant.id))?.vpcId ?? undefined;
  }

  /** A new resource's tags, inside the caller's command (already validated). */
  async saveTags(tx: Tx, tenantId: string, resourceId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.repo.saveTags(tx, tenantId, resourceId, tags);
  }

  /** A deleted resource's tags, inside the caller's command. */
  async deleteTags(tx: Tx, resourceId: string): Promise<void> {
    await this.repo.deleteTags(tx, resourceId);
  }

  /** Each resource's tags (DescribeTags and the Describe actions). */
  tagsOf(m: Tx, resourceIds: readonly string[]): Promise<Map<string, Record<string, string>>> {
    return this.repo.tagsOf(m, resourceIds);
  }

  // ---- helpers ----

  /** A new resource's tags, checked (at most 50, EC2's key and value rules). */
  validTags(tags: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
    return validateTags({ ...(tags ?? {}) });
  }

  private requireInstance(tx: Tx, tenantId: string, id: string): Promise<InstanceEntity> {
    return requireInstance(this.instances, tx, tenantId, id, this.engine.now);
  }

  private newInterface(tenantId: string, subnet: SubnetEntity, address: string, description: string, origin: string, now: number): NetworkInterfaceEntity {
    return {
      id: resourceId('eni'), tenantId, vpcId: subnet.vpcId, subnetId: subnet.id, availabilityZone: subnet.availabilityZone, privateIpAddress: address,
      macAddress: macAddress(), description, sourceDestCheck: true, origin, instanceId: null, deviceIndex: null, attachmentId: null, attachTime: null,
      deleteOnTermination: false, createdAt: now, autoPublicIp: false, secondaryIpCount: 0,
    };
  }

  /** An asked address: inside the subnet and not reserved (InvalidParameterValue), and free (InvalidIPAddress.InUse). */
  private async checkAddress(tx: Tx, subnet: SubnetEntity, text: string, taken: ReadonlySet<string> = new Set()): Promise<number> {
    const address = parseIpv4(text);
    const block = parseCidr(subnet.cidrBlock)!;
    if (address === undefined) throw invalidParameter(`Invalid value '${text}' for privateIpAddress: not an IPv4 address`);
    if (!contains(block, address)) throw invalidParameter(`Address ${text} does not fall within the subnet's address range (${subnet.cidrBlock})`);
    if (!isAssignable(block, address)) throw invalidParameter(`Address ${text} is reserved in subnet ${subnet.id} (the first four and the last address of a subnet are)`);
    if (taken.has(formatIpv4(address)) || (await this.repo.heldAddresses(tx, subnet.id, [formatIpv4(address)])).size > 0) throw new ApiError('InvalidIPAddress.InUse', `Address ${text} is in use.`);
    return address;
  }

  private async checkFree(tx: Tx, subnet: SubnetEntity, needed: number): Promise<void> {
    const free = usableCount(parseCidr(subnet.cidrBlock)!) - ((await this.repo.addressCounts(tx, [subnet.id])).get(subnet.id) ?? 0);
    if (free < needed) {
      throw new ApiError('InsufficientFreeAddressesInSubnet', `The specified subnet ${subnet.id} does not have enough free addresses to satisfy the request (${free} free, ${needed} needed).`);
    }
  }

  /**
   * `count` addresses of the subnet: the asked one, or the lowest free ones (InsufficientFreeAddressesInSubnet
   * when too few). `taken`: addresses not yet written but already given (to another interface of the same launch).
   */
  private async allocateAddresses(tx: Tx, subnet: SubnetEntity, count: number, asked?: string, taken: ReadonlySet<string> = new Set()): Promise<string[]> {
    if (asked !== undefined) return [formatIpv4(await this.checkAddress(tx, subnet, asked, taken))];
    const block = parseCidr(subnet.cidrBlock)!;
    const generation = this.defaults.floorGeneration(subnet.id);
    const pipeline = pipelineOf(tx);
    // In a pipelined group, an earlier command's addresses are not committed yet, but sent: its floor is the one to start from.
    const provisional = pipeline ? this.provisionalFloors.get(tx)?.get(subnet.id) : undefined;
    const floor = provisional !== undefined && provisional.generation === generation ? provisional.next : this.defaults.addressFloor(subnet.id);
    let free: number[];
    const predicted = pipeline && floor !== undefined ? nextAssignable(block, floor, count, taken) : undefined;
    if (predicted && predicted.length === count) {
      // Above the floor an address is held only where one was asked by value: the next ones are
      // predicted free, and the prediction is checked before the COMMIT (persistence/pipeline.ts).
      free = predicted;
      const texts = free.map(formatIpv4);
      pipeline!.expect(this.repo.heldAddresses(tx, subnet.id, texts), (held) => held.size === 0, `addresses ${texts.join(', ')} of ${subnet.id} are free`);
    } else if (floor === undefined) {
      // Not known here (first launch in the subnet since start, or addresses were freed): read them all once.
      const used = new Set([...(await this.repo.addressesIn(tx, subnet.id)), ...taken].map((a) => parseIpv4(a)!));
      free = lowestFree(block, used, count);
    } else {
      free = await this.lowestFreeFrom(tx, subnet.id, block, floor, count, taken);
    }
    // Every assignable address below the last one given is now held: the next search starts after it.
    if (free.length === count && count > 0) {
      const next = free[free.length - 1] + 1;
      this.engine.afterCommit(() => this.defaults.rememberAddressFloor(subnet.id, generation, next));
      if (pipeline) this.setProvisionalFloor(tx, subnet.id, { generation, next });
    }
    if (free.length < count) {
      throw new ApiError('InsufficientFreeAddressesInSubnet', `The specified subnet ${subnet.id} does not have enough free addresses to satisfy the request (${free.length} free, ${count} needed).`);
    }
    return free.map(formatIpv4);
  }

  /**
   * Secondary addresses of the subnet: those asked (each checked as `checkAddress` does), or the
   * `count` lowest free ones. `taken`: addresses given in this command but not yet written.
   */
  private async allocateSecondaries(tx: Tx, subnet: SubnetEntity, asked: readonly string[], count: number, taken: ReadonlySet<string> = new Set()): Promise<string[]> {
    if (asked.length > 0) {
      const given = new Set(taken);
      const out: string[] = [];
      for (const a of asked) {
        const address = formatIpv4(await this.checkAddress(tx, subnet, a, given));
        given.add(address);
        out.push(address);
      }
      return out;
    }
    return count > 0 ? this.allocateAddresses(tx, subnet, count, undefined, taken) : [];
  }

  /**
   * A pipelined group's floors (see allocateAddresses), by transaction: where its commands' addresses
   * end, sent but not committed. A command that fails puts its subnet's back; the next group starts
   * from the committed ones.
   */
  private readonly provisionalFloors = new WeakMap<Tx, Map<string, { readonly generation: number; readonly next: number }>>();

  private setProvisionalFloor(tx: Tx, subnetId: string, floor: { readonly generation: number; readonly next: number }): void {
    let floors = this.provisionalFloors.get(tx);
    if (!floors) this.provisionalFloors.set(tx, (floors = new Map()));
    const before = floors.get(subnetId);
    floors.set(subnetId, floor);
    const own = floors;
    this.engine.onAbort(() => (before === undefined ? own.delete(subnetId) : own.set(subnetId, before)));
  }

  /**
   * The lowest `count` free addresses at or above `floor` (below it every assignable address is
   * held): the candidates a batch at a time, less those held (one indexed statement a batch).
   */
  private async lowestFreeFrom(tx: Tx, subnetId: string, block: Cidr, floor: number, count: number, taken: ReadonlySet<string>): Promise<number[]> {
    const { first, last } = assignableRange(block);
    const out: number[] = [];
    let next = Math.max(floor, first);
    let batch = ADDRESS_BATCH_FIRST;
    while (out.length < count && next <= last) {
      const candidates: number[] = [];
      for (; candidates.length < Math.max(batch, count - out.length) && next <= last; next++) candidates.push(next);
      batch = Math.min(batch * 2, ADDRESS_BATCH_MAX);
      const texts = candidates.map(formatIpv4);
      const held = await this.repo.heldAddresses(tx, subnetId, texts);
      candidates.forEach((a, i) => {
        if (out.length < count && !held.has(texts[i]) && !taken.has(texts[i])) out.push(a);
      });
    }
    return out;
  }

  /** `count` free public addresses (or, not `lookUp`, the next ones), and the pool's cursor after them. */
  private async choosePublicIps(tx: Tx, count: number, lookUp: boolean): Promise<{ readonly addresses: readonly string[]; readonly cursor: number }> {
    if (count === 0) return { addresses: [], cursor: 0 };
    let cursor = this.publicCursor ?? (this.publicCursor = await this.repo.publicIpCursor(tx));
    const addresses: string[] = [];
    // Candidates from the cursor on, a batch at a time, less those held (one query a batch).
    for (let tried = 0; addresses.length < count; ) {
      if (tried >= PUBLIC_POOL_SIZE) throw new ApiError('AddressLimitExceeded', 'The public IPv4 address pool is exhausted');
      const batch: string[] = [];
      while (batch.length < count - addresses.length && tried < PUBLIC_POOL_SIZE) {
        const address = formatIpv4(PUBLIC_POOL.base + cursor);
        cursor = (cursor + 1) % PUBLIC_POOL_SIZE;
        tried++;
        if (!address.endsWith('.0') && !address.endsWith('.255')) batch.push(address);
      }
      if (!lookUp) {
        addresses.push(...batch);
        continue;
      }
      const held = await this.repo.heldPublicIps(tx, batch);
      addresses.push(...batch.filter((a) => !held.has(a)));
    }
    return { addresses, cursor };
  }

  private async interfaceViews(m: Tx, rows: readonly NetworkInterfaceEntity[]): Promise<NetworkInterfaceView[]> {
    const ids = rows.map((r) => r.id);
    const groupIds = await this.repo.interfaceGroups(m, ids);
    const groups = new Map((await this.repo.groupsById(m, [...new Set([...groupIds.values()].flat())])).map((g) => [g.id, g]));
    const publicIps = await this.repo.publicIps(m, rows);
    const secondaries = await this.repo.secondaryAddresses(m, withSecondaries(rows));
    const tags = await this.repo.tagsOf(m, ids);
    const publicDns = await this.repo.vpcsGivingPublicDnsNames(m, [...new Set(rows.filter((r) => publicIps.has(r.id)).map((r) => r.vpcId))]);
    return rows.map((networkInterface) => ({
      ...interfaceView(
        networkInterface, publicIps.get(networkInterface.id) ?? [],
        (groupIds.get(networkInterface.id) ?? []).map((id) => ({ groupId: id, groupName: groups.get(id)?.name ?? '' })), secondaries.get(networkInterface.id) ?? [],
        publicDns.has(networkInterface.vpcId),
      ),
      tags: tags.get(networkInterface.id) ?? {},
    }));
  }
}

const TAGGABLE: readonly IdKind[] = [VPC_ID, SUBNET_ID, GROUP_ID, RULE_ID, INTERFACE_ID, KEY_PAIR_ID, ELASTIC_IP_ID, GATEWAY_ID, ROUTE_TABLE_ID, NETWORK_ACL_ID, NAT_GATEWAY_ID, DHCP_OPTIONS_ID];

/** EC2's resource types (DescribeTags' resourceType) by id prefix; longest prefixes first. */
const RESOURCE_TYPES: readonly (readonly [string, string])[] = [
  ['subnet', 'subnet'], ['vpc', 'vpc'], ['sgr', 'security-group-rule'], ['sg', 'security-group'], ['eni', 'network-interface'], ['key', 'key-pair'],
  ['eipalloc', 'elastic-ip'], ['igw', 'internet-gateway'], ['rtb', 'route-table'], ['acl', 'network-acl'], ['nat', 'natgateway'],
  ['dopt', 'dhcp-options'],
];

const groupRefOf = (g: SecurityGroupEntity): GroupRef => ({ groupId: g.id, groupName: g.name });

/** The ids of the interfaces that have secondary addresses: the only ones to look up (none, nearly always). */
const withSecondaries = (interfaces: readonly NetworkInterfaceEntity[]): string[] => interfaces.filter((n) => n.secondaryIpCount > 0).map((n) => n.id);

/** An auto-assigned public address of an interface: on its primary address, no allocation. */
const autoPublicIpRow = (eni: NetworkInterfaceEntity, publicIp: string, at: number) => ({
  publicIp, tenantId: eni.tenantId, networkInterfaceId: eni.id, privateIpAddress: eni.privateIpAddress, allocationId: null, associationId: null, allocatedAt: at,
});

/**
 * An interface as Describe and an instance show it (an instance does not show its tags): the
 * public address of its primary address is the interface's own (`publicIp`), auto-assigned or
 * Elastic. Each public address has its DNS name only where the interface's VPC gives public DNS
 * names (`publicDns`: givesPublicDnsNames).
 */
function interfaceView(
  networkInterface: NetworkInterfaceEntity, held: readonly HeldPublicIp[], groups: readonly GroupRef[], secondaries: readonly string[], publicDns: boolean,
): NetworkInterfaceView {
  const publicIps = held.map((p): ShownPublicIp => ({ ...p, publicDnsName: publicDns ? publicDnsName(p.publicIp) : '' }));
  const primary = publicIps.find((p) => p.privateIpAddress === networkInterface.privateIpAddress);
  return {
    networkInterface, privateDnsName: privateDnsName(networkInterface.privateIpAddress), secondaryPrivateIpAddresses: [...secondaries].sort(byAddress),
    ...(primary !== undefined ? { publicIp: primary.publicIp, ...(publicDns ? { publicDnsName: primary.publicDnsName } : {}) } : {}), publicIps,
    groups, tags: {},
  };
}

/** Each instance's network from its attached interfaces (any order): the primary's addresses and groups, every interface by device index. */
function networksOf(attached: readonly NetworkInterfaceView[], keyNames: ReadonlyMap<string, string>): Map<string, InstanceNetwork> {
  const byInstance = new Map<string, NetworkInterfaceView[]>();
  for (const view of attached) {
    const instanceId = view.networkInterface.instanceId!;
    let list = byInstance.get(instanceId);
    if (!list) byInstance.set(instanceId, (list = []));
    list.push(view);
  }
  const out = new Map<string, InstanceNetwork>();
  for (const [instanceId, list] of byInstance) {
    list.sort((a, b) => a.networkInterface.deviceIndex! - b.networkInterface.deviceIndex!);
    const interfaces = list.map(instanceInterfaceOf);
    const primary = interfaces.find((i) => i.deviceIndex === 0);
    if (!primary) continue;
    const keyName = keyNames.get(instanceId);
    out.set(instanceId, {
      vpcId: primary.vpcId, subnetId: primary.subnetId, privateIpAddress: primary.privateIpAddress, privateDnsName: primary.privateDnsName,
      ...(primary.publicIpAddress !== undefined ? { publicIpAddress: primary.publicIpAddress, publicDnsName: primary.publicDnsName } : {}),
      sourceDestCheck: primary.sourceDestCheck, groups: primary.groups, interfaces, ...(keyName !== undefined ? { keyName } : {}),
    });
  }
  return out;
}

function instanceInterfaceOf(v: NetworkInterfaceView): InstanceInterface {
  const n = v.networkInterface;
  return {
    networkInterfaceId: n.id, attachmentId: n.attachmentId!, deviceIndex: n.deviceIndex!, status: 'attached', attachTime: n.attachTime!, deleteOnTermination: n.deleteOnTermination,
    subnetId: n.subnetId, vpcId: n.vpcId, macAddress: n.macAddress, privateIpAddress: n.privateIpAddress, privateDnsName: v.privateDnsName,
    secondaryPrivateIpAddresses: v.secondaryPrivateIpAddresses,
    ...(v.publicIp !== undefined ? { publicIpAddress: v.publicIp, publicDnsName: v.publicDnsName } : {}), publicIps: v.publicIps,
    sourceDestCheck: n.sourceDestCheck, groups: v.groups, description: n.description,
  };
}
