import { Injectable } from '@nestjs/common';
import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { NetworkInterfaceEntity, PublicIpAllocationEntity, TenantEntity } from '../../persistence/entities';
import { InstancesRepository } from '../../persistence/instances.repository';
import { DISASSOCIATED, NetworkingRepository } from '../../persistence/networking.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { requireInstance } from '../instances/require-instance';
import { validateTags } from '../instances/tags';
import { parseIpv4 } from './cidr';
import { ASSOCIATION_ID, describe, ELASTIC_IP_ID, notFoundError, requireWellFormed } from './describe-query';
import { AllocateAddressCommand, AssociateAddressCommand, DescribeAddressesQuery } from './networking.commands';
import { NAT_INTERFACE_ORIGIN } from './nat-gateways';
import { NetworkingService } from './networking.service';

/**
 * Elastic IP addresses a tenant may hold: EC2's default quota, "EC2-VPC Elastic IPs" 5 per Region
 * (EC2 User Guide, "Elastic IP addresses", Elastic IP address quota). DescribeAccountAttributes'
 * `max-elastic-ips` and `vpc-max-elastic-ips` answer it.
 */
export const MAX_ELASTIC_IPS = 5;

/** An Elastic IP as DescribeAddresses shows it. */
export interface ElasticIpView {
  readonly allocationId: string;
  readonly publicIp: string;
  /** Set while associated. */
  readonly association?: {
    readonly associationId: string;
    readonly networkInterfaceId: string;
    readonly privateIpAddress: string;
    /** The instance the interface is attached to, if any. */
    readonly instanceId?: string;
  };
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * EC2's rule at an allocation: at most MAX_ELASTIC_IPS a tenant. EC2's words (as clients report
 * them): "AddressLimitExceeded: The maximum number of addresses has been reached."
 */
export function requireAddressQuota(held: number): void {
  if (held >= MAX_ELASTIC_IPS) throw new ApiError('AddressLimitExceeded', 'The maximum number of addresses has been reached.');
}

/**
 * Which private address of the interface an association maps to: the one asked, which must be
 * the interface's primary or one of its secondaries, else its primary (AssociateAddress,
 * API Reference: "If no private IP address is specified, the Elastic IP address is associated
 * with the primary private IP address"). EC2 documents no error code for an address the
 * interface does not have: InvalidParameterValue.
 */
export function chooseAssociationAddress(eni: Pick<NetworkInterfaceEntity, 'id' | 'privateIpAddress'>, secondaries: readonly string[], asked?: string): string {
  if (asked === undefined || asked === eni.privateIpAddress) return eni.privateIpAddress;
  if (secondaries.includes(asked)) return asked;
  throw invalidParameter(`The private IP address ${asked} is not assigned to network interface ${eni.id}`);
}

/**
 * EC2's rule for an Elastic IP associated elsewhere (AssociateAddress, API Reference:
 * "Reassociation is automatic, but you can specify false to ensure the operation fails if the
 * Elastic IP address is already associated with another resource"). EC2's words, as clients report
 * them: "Resource.AlreadyAssociated: resource eipalloc-… is already associated with associate-id eipassoc-…".
 */
export function requireReassociation(eip: Pick<PublicIpAllocationEntity, 'allocationId' | 'associationId'>, allowReassociation: boolean | undefined): void {
  if (eip.associationId !== null && allowReassociation === false) {
    throw new ApiError('Resource.AlreadyAssociated', `resource ${eip.allocationId} is already associated with associate-id ${eip.associationId}`);
  }
}

/** The tenant's Elastic IP by allocation id (another tenant's is as missing: InvalidAllocationID.NotFound). */
export async function requireElasticIp(repo: NetworkingRepository, m: Tx, tenantId: string, allocationId: string): Promise<PublicIpAllocationEntity> {
  requireWellFormed(ELASTIC_IP_ID, allocationId);
  const eip = await repo.findElasticIp(m, tenantId, allocationId);
  if (!eip) throw notFoundError(ELASTIC_IP_ID, allocationId);
  return eip;
}

/**
 * Elastic IP addresses (EC2's AllocateAddress, DescribeAddresses, AssociateAddress,
 * DisassociateAddress, ReleaseAddress; docs/ec2-networking.md). An Elastic IP is a row of the
 * public pool's table (`public_ip_allocations`, with an allocation id), taken from the pool by the
 * rule the auto-assigned addresses use (NetworkingService.takePublicIps), so an address is never
 * held twice. Associated, it is the public address of its interface's private address wherever
 * an instance or interface shows one. Every change is an engine command.
 */
@Injectable()
export class ElasticIpsService {
  constructor(
    private readonly repo: NetworkingRepository,
    private readonly networking: NetworkingService,
    private readonly instances: InstancesRepository,
    private readonly engine: EngineService,
  ) {}

  /** AllocateAddress: the next free address of the pool, tagged. */
  allocate(tenant: TenantEntity, cmd: AllocateAddressCommand): Promise<ElasticIpView> {
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    return this.engine.command(async (tx, e) => {
      requireAddressQuota(await this.repo.countElasticIps(tx, tenant.id));
      const [publicIp] = await this.networking.takePublicIps(tx, 1);
      const allocationId = resourceId('eipalloc');
      await this.repo.insertPublicIps(tx, [{ publicIp, tenantId: tenant.id, networkInterfaceId: null, privateIpAddress: null, allocationId, associationId: null, allocatedAt: e.now }]);
      await this.repo.saveTags(tx, tenant.id, allocationId, tags);
      return { allocationId, publicIp, tags };
    });
  }

  /**
   * DescribeAddresses: the tenant's Elastic IPs by allocation id. Each allocation id and address
   * named must be one of them (another tenant's is as missing: InvalidAllocationID.NotFound,
   * InvalidAddress.NotFound).
   */
  async describe(tenant: TenantEntity, q: DescribeAddressesQuery<ElasticIpView>): Promise<readonly ElasticIpView[]> {
    const m = this.repo.reader;
    for (const ip of q.publicIps ?? []) requirePublicIpFormat(ip);
    const rows = await this.repo.elasticIpsOf(m, tenant.id);
    const views = await this.views(m, rows);
    const byAddress = new Set(rows.map((r) => r.publicIp));
    for (const ip of q.publicIps ?? []) if (!byAddress.has(ip)) throw notFound('InvalidAddress.NotFound', `Address '${ip}' not found.`);
    const wanted = new Set(q.publicIps ?? []);
    const named = wanted.size > 0 ? views.filter((v) => wanted.has(v.publicIp)) : views;
    return describe(named, (v) => v.allocationId, ELASTIC_IP_ID, { ids: q.allocationIds, match: q.match }).items;
  }

  /** AssociateAddress: the association id. */
  associate(tenant: TenantEntity, cmd: AssociateAddressCommand): Promise<string> {
    if (cmd.instanceId !== undefined && cmd.networkInterfaceId !== undefined) {
      throw new ApiError('InvalidParameterCombination', 'You can specify either the instance ID or the network interface ID, but not both.');
    }
    if (cmd.instanceId === undefined && cmd.networkInterfaceId === undefined) {
      throw new ApiError('MissingParameter', 'Either an instance ID (InstanceId) or a network interface ID (NetworkInterfaceId) must be specified.');
    }
    return this.engine.command(async (tx, e) => {
      const eip = await this.requireElasticIp(tx, tenant.id, cmd.allocationId);
      const eni = cmd.instanceId !== undefined ? await this.interfaceOfInstance(tx, tenant.id, cmd.instanceId, e) : await this.networking.requireInterface(tx, tenant.id, cmd.networkInterfaceId!);
      if (eni.origin === NAT_INTERFACE_ORIGIN) throw new ApiError('InvalidNetworkInterface.InUse', `The network interface '${eni.id}' is a NAT gateway's: its address is the gateway's`);
      await this.requireNotNatHeld(tx, tenant.id, eip);
      const secondaries = eni.secondaryIpCount > 0 ? ((await this.repo.secondaryAddresses(tx, [eni.id])).get(eni.id) ?? []) : [];
      const privateIpAddress = chooseAssociationAddress(eni, secondaries, cmd.privateIpAddress);
      // The same association again: EC2 calls the operation idempotent.
      if (eip.networkInterfaceId === eni.id && eip.privateIpAddress === privateIpAddress && eip.associationId !== null) return eip.associationId;
      requireReassociation(eip, cmd.allowReassociation);
      // What the private address holds goes: an auto-assigned address back to the pool ("We release
      // your instance's public IP address when you associate an Elastic IP address with it", EC2 User
      // Guide, "Public IPv4 addresses"), another Elastic IP disassociated (it stays allocated: AssociateAddress).
      const current = await this.repo.findPublicIpOf(tx, eni.id, privateIpAddress);
      if (current && current.allocationId === null) await this.repo.deletePublicIp(tx, current, e.now);
      else if (current) await this.repo.associateElasticIp(tx, current, DISASSOCIATED, e.now);
      if (eip.associationId !== null) await this.disassociateRow(tx, tenant.id, eip, e.now);
      const associationId = resourceId('eipassoc');
      await this.repo.associateElasticIp(tx, eip, { networkInterfaceId: eni.id, privateIpAddress, associationId }, e.now);
      return associationId;
    });
  }

  /** DisassociateAddress: the Elastic IP stays allocated; an instance's primary address may get a new auto-assigned one. */
  disassociate(tenant: TenantEntity, associationId: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const eip = await this.requireAssociated(tx, tenant.id, associationId);
      await this.requireNotNatHeld(tx, tenant.id, eip);
      await this.disassociateRow(tx, tenant.id, eip, e.now);
    });
  }

  /**
   * ReleaseAddress: the address goes back to the pool. Associated, it is released only in the
   * default VPC (disassociated first); elsewhere it must be disassociated first (ReleaseAddress,
   * API Reference: "[Default VPC] Releasing an Elastic IP address automatically disassociates it
   * from any instance that it's associated with. [Nondefault VPC] You must disassociate the Elastic
   * IP address before you can release it. Otherwise, Amazon EC2 returns an error
   * (InvalidIPAddress.InUse)").
   */
  release(tenant: TenantEntity, allocationId: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const eip = await this.requireElasticIp(tx, tenant.id, allocationId);
      if (eip.associationId !== null) {
        await this.requireNotNatHeld(tx, tenant.id, eip);
        const eni = await this.repo.findInterface(tx, tenant.id, eip.networkInterfaceId!);
        const defaultVpcId = await this.networking.ensureDefaultVpc(tx, tenant.id);
        if (!eni || eni.vpcId !== defaultVpcId) throw new ApiError('InvalidIPAddress.InUse', `Address ${eip.publicIp} is in use.`);
        await this.disassociateRow(tx, tenant.id, eip, e.now);
      }
      await this.repo.deletePublicIp(tx, eip, e.now);
    });
  }

  /** DryRun's check: the allocation id is the tenant's (else InvalidAllocationID.NotFound). */
  async requireAllocation(tenant: TenantEntity, allocationId: string): Promise<void> {
    await this.requireElasticIp(this.repo.reader, tenant.id, allocationId);
  }

  /** DryRun's check: the association id is the tenant's (else InvalidAssociationID.NotFound). */
  async requireAssociation(tenant: TenantEntity, associationId: string): Promise<void> {
    await this.requireAssociated(this.repo.reader, tenant.id, associationId);
  }

  /** An Elastic IP a NAT gateway holds stays with it until DeleteNatGateway (EC2: in use). */
  private async requireNotNatHeld(m: Tx, tenantId: string, eip: PublicIpAllocationEntity): Promise<void> {
    if (eip.networkInterfaceId === null) return;
    const eni = await this.repo.findInterface(m, tenantId, eip.networkInterfaceId);
    if (eni?.origin === NAT_INTERFACE_ORIGIN) throw new ApiError('InvalidIPAddress.InUse', `Address ${eip.publicIp} is in use by a NAT gateway.`);
  }

  private async requireAssociated(m: Tx, tenantId: string, associationId: string): Promise<PublicIpAllocationEntity> {
    requireWellFormed(ASSOCIATION_ID, associationId);
    const eip = await this.repo.findAssociation(m, tenantId, associationId);
    if (!eip) throw notFoundError(ASSOCIATION_ID, associationId);
    return eip;
  }

  private requireElasticIp(m: Tx, tenantId: string, allocationId: string): Promise<PublicIpAllocationEntity> {
    return requireElasticIp(this.repo, m, tenantId, allocationId);
  }

  /**
   * An instance's interface for AssociateAddress InstanceId: the instance must be running or
   * stopped, and have one interface. EC2's words, as clients report them: "InvalidInstanceID: The
   * terminated instance 'i-…' is not in a valid state for this operation." (the pending one too),
   * and "InvalidInstanceID: There are multiple interfaces attached to instance 'i-…'. Please specify
   * an interface ID for the operation instead."
   */
  private async interfaceOfInstance(tx: Tx, tenantId: string, instanceId: string, e: EngineService): Promise<NetworkInterfaceEntity> {
    const instance = await requireInstance(this.instances, tx, tenantId, instanceId, e.now);
    const state = e.fleet.vm(instance.id)?.state ?? 'terminated';
    if (state !== 'running' && state !== 'stopped') throw new ApiError('InvalidInstanceID', `The ${state} instance '${instance.id}' is not in a valid state for this operation.`);
    const attached = await this.repo.attachedTo(tx, [instance.id]);
    if (attached.length > 1) throw new ApiError('InvalidInstanceID', `There are multiple interfaces attached to instance '${instance.id}'. Please specify an interface ID for the operation instead.`);
    if (attached.length === 0) throw new ApiError('InvalidInstanceID', `The instance '${instance.id}' has no network interface.`);
    return attached[0];
  }

  /**
   * The Elastic IP leaves its interface (still allocated); if it held an instance's primary
   * address, a running or pending instance gets a new auto-assigned address by EC2's rule
   * (NetworkingService.assignAutoPublicIp; a stopped one gets it when it starts).
   */
  private async disassociateRow(tx: Tx, tenantId: string, eip: PublicIpAllocationEntity, at: number): Promise<void> {
    await this.repo.associateElasticIp(tx, eip, DISASSOCIATED, at);
    const eni = eip.networkInterfaceId !== null ? await this.repo.findInterface(tx, tenantId, eip.networkInterfaceId) : null;
    if (!eni || eni.instanceId === null || eni.privateIpAddress !== eip.privateIpAddress) return;
    const state = this.engine.fleet.vm(eni.instanceId)?.state;
    if (state !== 'running' && state !== 'pending') return;
    await this.networking.assignAutoPublicIp(tx, await this.repo.attachedTo(tx, [eni.instanceId]), at);
  }

  private async views(m: Tx, rows: readonly PublicIpAllocationEntity[]): Promise<ElasticIpView[]> {
    const interfaces = new Map((await this.repo.interfacesById(m, rows.flatMap((r) => (r.networkInterfaceId !== null ? [r.networkInterfaceId] : [])))).map((n) => [n.id, n]));
    const tags = await this.repo.tagsOf(m, rows.map((r) => r.allocationId!));
    return rows.map((r) => {
      const instanceId = r.networkInterfaceId !== null ? interfaces.get(r.networkInterfaceId)?.instanceId : undefined;
      return {
        allocationId: r.allocationId!, publicIp: r.publicIp, tags: tags.get(r.allocationId!) ?? {},
        ...(r.associationId !== null ? {
          association: { associationId: r.associationId, networkInterfaceId: r.networkInterfaceId!, privateIpAddress: r.privateIpAddress!, ...(instanceId ? { instanceId } : {}) },
        } : {}),
      };
    });
  }
}


/** EC2's words for an address that is not one (as clients report them): "Invalid value '…' for PublicIp. Not a valid IPv4 address". */
function requirePublicIpFormat(ip: string): void {
  if (parseIpv4(ip) === undefined) throw invalidParameter(`Invalid value '${ip.slice(0, 64)}' for PublicIp. Not a valid IPv4 address`);
}
