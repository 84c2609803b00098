import { Injectable } from '@nestjs/common';
import { REGION } from '@nimbus/hypervisor';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { ElasticIpsService, ElasticIpView } from '../../../application/networking/elastic-ips.service';
import { Ec2Actions, Ec2Context, Ec2Params, items } from '../ec2-action';
import { unsupported } from '../ec2-errors';
import { Ec2ActionSource } from '../ec2-action-source';
import { FilterField } from '../ec2-filters';
import { matcher, tagSet, tagSpecs } from './networking.actions';


/** Every Elastic IP comes from Amazon's pool of the one region's one network border group. */
const POOL = 'amazon';

/**
 * AllocateAddress' parameters (API Reference, AllocateAddress): `Domain` is `vpc` (EC2-Classic's
 * `standard` is gone, retired in 2023); `PublicIpv4Pool` and `NetworkBorderGroup` only as Nimbus
 * has them (`amazon`, the region); recovering an address (`Address`), BYOIP and customer-owned
 * pools are not simulated. Answers the tags of `TagSpecification.N` (ResourceType `elastic-ip`).
 */
function allocateParams(p: Ec2Params): Record<string, string> {
  const domain = p.string('Domain');
  if (domain === 'standard') throw invalidParameter('EC2-Classic is not supported: Elastic IP addresses are for use in a VPC (Domain vpc).');
  if (domain !== undefined && domain !== 'vpc') throw invalidParameter(`Value (${domain.slice(0, 40)}) for parameter domain is invalid: vpc`);
  const pool = p.string('PublicIpv4Pool');
  if (pool !== undefined && pool !== POOL) throw unsupported(`PublicIpv4Pool '${pool.slice(0, 40)}' (Elastic IPs come from the ${POOL} pool)`);
  const borderGroup = p.string('NetworkBorderGroup');
  if (borderGroup !== undefined && borderGroup !== REGION) throw unsupported(`NetworkBorderGroup '${borderGroup.slice(0, 40)}' (the one network border group is ${REGION})`);
  if (p.has('Address')) throw unsupported('Address (recovering a released Elastic IP address, or an address of your own pool)');
  if (p.has('CustomerOwnedIpv4Pool')) throw unsupported('CustomerOwnedIpv4Pool (Outposts)');
  if (p.has('IpamPoolId')) throw unsupported('IpamPoolId');
  return tagSpecs(p, 'elastic-ip');
}

/** The deprecated EC2-Classic forms, by address, as EC2 answers them for a VPC address (the words as clients report them). */
function refuseByAddress(p: Ec2Params, action: 'associate' | 'disassociate' | 'release'): void {
  if (!p.has('PublicIp')) return;
  const messages = {
    associate: ['InvalidParameterCombination', 'You must specify an allocation id when mapping an address to a VPC instance'],
    disassociate: ['InvalidParameterValue', 'You must specify an association id when unmapping an address from a VPC instance'],
    release: ['InvalidParameterValue', 'You must specify an allocation id when releasing a VPC elastic IP address'],
  } as const;
  const [code, message] = messages[action];
  throw new ApiError(code, message);
}

function associateCommand(p: Ec2Params) {
  refuseByAddress(p, 'associate');
  return {
    allocationId: p.required('AllocationId'), instanceId: p.string('InstanceId'), networkInterfaceId: p.string('NetworkInterfaceId'),
    privateIpAddress: p.string('PrivateIpAddress'), allowReassociation: p.bool('AllowReassociation'),
  };
}

function addressXml(v: ElasticIpView, ctx: Ec2Context) {
  const a = v.association;
  return {
    publicIp: v.publicIp, allocationId: v.allocationId, domain: 'vpc',
    ...(a ? { instanceId: a.instanceId, associationId: a.associationId, networkInterfaceId: a.networkInterfaceId, networkInterfaceOwnerId: ctx.accountId, privateIpAddress: a.privateIpAddress } : {}),
    tagSet: tagSet(v.tags), publicIpv4Pool: POOL, networkBorderGroup: REGION,
  };
}

/** DescribeAddresses' filters (API Reference, DescribeAddresses), besides tag:<key>, tag-key and tag-value. */
const ADDRESS_FILTERS = (accountId: string): Readonly<Record<string, FilterField<ElasticIpView>>> => ({
  'allocation-id': (v) => v.allocationId, 'association-id': (v) => v.association?.associationId, domain: () => 'vpc',
  'instance-id': (v) => v.association?.instanceId, 'network-interface-id': (v) => v.association?.networkInterfaceId,
  'network-interface-owner-id': (v) => (v.association ? accountId : undefined), 'private-ip-address': (v) => v.association?.privateIpAddress,
  'public-ip': (v) => v.publicIp, 'network-border-group': () => REGION,
});

/**
 * Elastic IP addresses (docs/ec2-networking.md, "Elastic IP addresses"): each handler reads the
 * parameters, calls one ElasticIpsService method and shapes EC2's answer.
 */
@Injectable()
export class AddressesEc2Actions implements Ec2ActionSource {
  constructor(private readonly elasticIps: ElasticIpsService) {}

  readonly actions: Ec2Actions = {
    AllocateAddress: {
      operation: 'AllocateAddress',
      params: ['Domain', 'Address', 'PublicIpv4Pool', 'NetworkBorderGroup', 'CustomerOwnedIpv4Pool', 'IpamPoolId', 'TagSpecification'],
      dryRun: async (_ctx, p) => void allocateParams(p),
      handler: async (ctx, p) => {
        const v = await this.elasticIps.allocate(ctx.tenant, { tags: allocateParams(p) });
        return { publicIp: v.publicIp, allocationId: v.allocationId, publicIpv4Pool: POOL, networkBorderGroup: REGION, domain: 'vpc' };
      },
    },
    DescribeAddresses: {
      operation: 'DescribeAddresses',
      params: ['PublicIp', 'AllocationId', 'Filter'],
      handler: async (ctx, p) => {
        const list = await this.elasticIps.describe(ctx.tenant, { publicIps: p.list('PublicIp'), allocationIds: p.list('AllocationId'), match: matcher(p, ADDRESS_FILTERS(ctx.accountId)) });
        return { addressesSet: items(list.map((v) => addressXml(v, ctx))) };
      },
    },
    AssociateAddress: {
      operation: 'AssociateAddress',
      params: ['AllocationId', 'InstanceId', 'NetworkInterfaceId', 'PrivateIpAddress', 'AllowReassociation', 'PublicIp'],
      dryRun: async (ctx, p) => this.elasticIps.requireAllocation(ctx.tenant, associateCommand(p).allocationId),
      handler: async (ctx, p) => ({ return: true, associationId: await this.elasticIps.associate(ctx.tenant, associateCommand(p)) }),
    },
    DisassociateAddress: {
      operation: 'DisassociateAddress',
      params: ['AssociationId', 'PublicIp'],
      dryRun: async (ctx, p) => {
        refuseByAddress(p, 'disassociate');
        await this.elasticIps.requireAssociation(ctx.tenant, p.required('AssociationId'));
      },
      handler: async (ctx, p) => {
        refuseByAddress(p, 'disassociate');
        await this.elasticIps.disassociate(ctx.tenant, p.required('AssociationId'));
        return { return: true };
      },
    },
    ReleaseAddress: {
      operation: 'ReleaseAddress',
      params: ['AllocationId', 'PublicIp', 'NetworkBorderGroup'],
      dryRun: async (ctx, p) => {
        refuseByAddress(p, 'release');
        await this.elasticIps.requireAllocation(ctx.tenant, p.required('AllocationId'));
      },
      handler: async (ctx, p) => {
        refuseByAddress(p, 'release');
        const borderGroup = p.string('NetworkBorderGroup');
        // ReleaseAddress, API Reference: "If you provide an incorrect network border group, you receive an InvalidAddress.NotFound error."
        if (borderGroup !== undefined && borderGroup !== REGION) throw new ApiError('InvalidAddress.NotFound', `The address is not in network border group '${borderGroup.slice(0, 40)}'.`);
        await this.elasticIps.release(ctx.tenant, p.required('AllocationId'));
        return { return: true };
      },
    },
  };
}
