import { Injectable } from '@nestjs/common';
import { REGION } from '@nimbus/hypervisor';
import { peeringMessage } from '../../../application/networking/vpc-peering';
import { CreatePeeringCommand, PeeringView, VpcPeeringService } from '../../../application/networking/vpc-peering.service';
import { Ec2Actions, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { unsupported } from '../ec2-errors';
import { FilterField } from '../ec2-filters';
import { ec2TimeMs } from '../ec2-xml';
import { matcher, page, tagSet, tagSpecs } from './networking.actions';

/** CreateVpcPeeringConnection's request (API Reference): VpcId, PeerVpcId, PeerOwnerId, PeerRegion (this region only), TagSpecification.N (`vpc-peering-connection`). */
function createCommand(p: Ec2Params): CreatePeeringCommand {
  const region = p.string('PeerRegion');
  if (region !== undefined && region !== REGION) throw unsupported(`the parameter PeerRegion ${region.slice(0, 40)}: peering is within ${REGION} only`);
  return { vpcId: p.required('VpcId'), peerVpcId: p.required('PeerVpcId'), peerOwnerId: p.string('PeerOwnerId'), tags: tagSpecs(p, 'vpc-peering-connection') };
}

/** Shown while a side's block is known to the caller: the requester's always, the accepter's once accepted (the API Reference: CIDR information of an active connection). */
const accepterShown = (v: PeeringView) => v.connection.accepterCidrBlock !== null && (v.status === 'active' || v.status === 'provisioning');

/** A side's VpcPeeringConnectionVpcInfo. No options are set (ModifyVpcPeeringConnectionOptions is not supported): EC2's defaults, false. */
function vpcInfo(ownerId: string, vpcId: string, cidrBlock: string | null, active: boolean) {
  return {
    ...(cidrBlock !== null ? { cidrBlock, cidrBlockSet: items([{ cidrBlock }]) } : {}), ownerId,
    ...(active ? { peeringOptions: { allowDnsResolutionFromRemoteVpc: false, allowEgressFromLocalClassicLinkToRemoteVpc: false, allowEgressFromLocalVpcToRemoteClassicLink: false } } : {}),
    vpcId, region: REGION,
  };
}

function peeringXml(v: PeeringView) {
  const c = v.connection;
  const active = v.status === 'active';
  return {
    accepterVpcInfo: vpcInfo(c.accepterOwnerId, c.accepterVpcId, accepterShown(v) ? c.accepterCidrBlock : null, active),
    ...(v.status === 'pending-acceptance' || v.status === 'expired' || v.status === 'initiating-request' ? { expirationTime: ec2TimeMs(c.expiresAt) } : {}),
    requesterVpcInfo: vpcInfo(c.requesterOwnerId, c.requesterVpcId, c.requesterCidrBlock, active),
    status: { code: v.status, message: peeringMessage(c, v.status) },
    tagSet: tagSet(v.tags), vpcPeeringConnectionId: c.id,
  };
}

const FILTERS: Readonly<Record<string, FilterField<PeeringView>>> = {
  'vpc-peering-connection-id': (v) => v.connection.id, 'status-code': (v) => v.status, 'status-message': (v) => peeringMessage(v.connection, v.status),
  'expiration-time': (v) => ec2TimeMs(v.connection.expiresAt),
  'accepter-vpc-info.vpc-id': (v) => v.connection.accepterVpcId, 'accepter-vpc-info.owner-id': (v) => v.connection.accepterOwnerId,
  'accepter-vpc-info.cidr-block': (v) => (accepterShown(v) ? v.connection.accepterCidrBlock! : undefined),
  'requester-vpc-info.vpc-id': (v) => v.connection.requesterVpcId, 'requester-vpc-info.owner-id': (v) => v.connection.requesterOwnerId,
  'requester-vpc-info.cidr-block': (v) => v.connection.requesterCidrBlock,
};

/**
 * EC2's VPC peering actions (docs/ec2-networking.md, "VPC peering connections"): each handler
 * reads the parameters, calls one VpcPeeringService method, and shapes EC2's answer.
 */
@Injectable()
export class VpcPeeringEc2Actions implements Ec2ActionSource {
  constructor(private readonly peering: VpcPeeringService) {}

  readonly actions: Ec2Actions = {
    CreateVpcPeeringConnection: {
      operation: 'CreateVpcPeeringConnection',
      params: ['VpcId', 'PeerVpcId', 'PeerOwnerId', 'PeerRegion', 'TagSpecification'],
      dryRun: async (ctx, p) => this.peering.check(ctx.tenant, createCommand(p)),
      handler: async (ctx, p) => ({ vpcPeeringConnection: peeringXml(await this.peering.create(ctx.tenant, createCommand(p))) }),
    },
    AcceptVpcPeeringConnection: {
      operation: 'AcceptVpcPeeringConnection',
      params: ['VpcPeeringConnectionId'],
      dryRun: async (ctx, p) => this.peering.requirePeering(ctx.tenant, p.required('VpcPeeringConnectionId')),
      handler: async (ctx, p) => ({ vpcPeeringConnection: peeringXml(await this.peering.accept(ctx.tenant, p.required('VpcPeeringConnectionId'))) }),
    },
    RejectVpcPeeringConnection: {
      operation: 'RejectVpcPeeringConnection',
      params: ['VpcPeeringConnectionId'],
      dryRun: async (ctx, p) => this.peering.requirePeering(ctx.tenant, p.required('VpcPeeringConnectionId')),
      handler: async (ctx, p) => {
        await this.peering.reject(ctx.tenant, p.required('VpcPeeringConnectionId'));
        return { return: true };
      },
    },
    DeleteVpcPeeringConnection: {
      operation: 'DeleteVpcPeeringConnection',
      params: ['VpcPeeringConnectionId'],
      dryRun: async (ctx, p) => this.peering.requirePeering(ctx.tenant, p.required('VpcPeeringConnectionId')),
      handler: async (ctx, p) => {
        await this.peering.delete(ctx.tenant, p.required('VpcPeeringConnectionId'));
        return { return: true };
      },
    },
    DescribeVpcPeeringConnections: {
      operation: 'DescribeVpcPeeringConnections',
      params: ['VpcPeeringConnectionId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.peering.describe(ctx.tenant, { ids: p.list('VpcPeeringConnectionId'), match: matcher(p, FILTERS), ...page(p) });
        return { vpcPeeringConnectionSet: items(r.items.map(peeringXml)), nextToken: r.nextToken };
      },
    },
    ModifyVpcPeeringConnectionOptions: {
      operation: 'ModifyVpcPeeringConnectionOptions',
      params: ['VpcPeeringConnectionId', 'AccepterPeeringConnectionOptions', 'RequesterPeeringConnectionOptions'],
      handler: async () => {
        throw unsupported('ModifyVpcPeeringConnectionOptions: peering connection options stay at their defaults (false)');
      },
    },
  };
}
