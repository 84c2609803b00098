import { Injectable } from '@nestjs/common';
import { NatGatewayState, connectivityTypeOf } from '../../../application/networking/nat-gateways';
import { CreateNatGatewayCommand, NatGatewaysService, NatGatewayView } from '../../../application/networking/nat-gateways.service';
import { Ec2Actions, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { unsupported } from '../ec2-errors';
import { FilterField } from '../ec2-filters';
import { ec2TimeMs } from '../ec2-xml';
import { matcher, page, tagSet, tagSpecs } from './networking.actions';

/** CreateNatGateway's parameters Nimbus does not simulate: secondary addresses, regional (multi-AZ) gateways. */
const UNSUPPORTED = [
  'SecondaryAllocationId', 'SecondaryPrivateIpAddress', 'SecondaryPrivateIpAddressCount', 'AvailabilityMode', 'AvailabilityZoneAddress', 'VpcId',
] as const;

/** CreateNatGateway's request (API Reference): SubnetId, ConnectivityType, AllocationId, PrivateIpAddress, ClientToken, TagSpecification.N (`natgateway`). */
function createCommand(p: Ec2Params): CreateNatGatewayCommand {
  const other = UNSUPPORTED.find((name) => p.has(name));
  if (other !== undefined) throw unsupported(`the parameter ${other}: a NAT gateway has one address (its primary), in one subnet`);
  return {
    subnetId: p.required('SubnetId'), connectivityType: connectivityTypeOf(p.string('ConnectivityType')), allocationId: p.string('AllocationId'),
    privateIpAddress: p.string('PrivateIpAddress'), clientToken: p.string('ClientToken'), tags: tagSpecs(p, 'natgateway'),
  };
}

/** A NatGatewayAddress' status by the gateway's state (EC2's values: associating, succeeded, failed, disassociating, disassociated). */
const ADDRESS_STATUS: Readonly<Record<NatGatewayState, string>> = {
  pending: 'associating', available: 'succeeded', failed: 'failed', deleting: 'disassociating', deleted: 'disassociated',
};

function natGatewayXml(v: NatGatewayView) {
  const g = v.gateway;
  const address = {
    ...(g.allocationId !== null ? { allocationId: g.allocationId } : {}), ...(g.networkInterfaceId !== null ? { networkInterfaceId: g.networkInterfaceId } : {}),
    ...(g.privateIp !== null ? { privateIp: g.privateIp } : {}), ...(g.publicIp !== null ? { publicIp: g.publicIp } : {}), isPrimary: true, status: ADDRESS_STATUS[v.state],
  };
  return {
    createTime: ec2TimeMs(g.createdAt), ...(g.deletedAt !== null && v.state === 'deleted' ? { deleteTime: ec2TimeMs(g.deletedAt) } : {}),
    ...(g.failureCode !== null && v.state === 'failed' ? { failureCode: g.failureCode, failureMessage: g.failureMessage } : {}),
    natGatewayAddressSet: items([address]), natGatewayId: g.id, state: v.state, subnetId: g.subnetId, vpcId: g.vpcId, tagSet: tagSet(v.tags),
    connectivityType: g.connectivityType,
  };
}

const FILTERS: Readonly<Record<string, FilterField<NatGatewayView>>> = {
  'nat-gateway-id': (v) => v.gateway.id, state: (v) => v.state, 'subnet-id': (v) => v.gateway.subnetId, 'vpc-id': (v) => v.gateway.vpcId,
};

/**
 * EC2's NAT gateway actions (docs/ec2-networking.md, "NAT gateways"): each handler reads the
 * parameters, calls one NatGatewaysService method, and shapes EC2's answer.
 */
@Injectable()
export class NatGatewaysEc2Actions implements Ec2ActionSource {
  constructor(private readonly nat: NatGatewaysService) {}

  readonly actions: Ec2Actions = {
    CreateNatGateway: {
      operation: 'CreateNatGateway',
      params: ['SubnetId', 'AllocationId', 'ConnectivityType', 'PrivateIpAddress', 'ClientToken', 'TagSpecification', ...UNSUPPORTED],
      dryRun: async (ctx, p) => this.nat.check(ctx.tenant, createCommand(p)),
      handler: async (ctx, p) => {
        const cmd = createCommand(p);
        return { natGateway: natGatewayXml(await this.nat.create(ctx.tenant, cmd)), clientToken: cmd.clientToken };
      },
    },
    DescribeNatGateways: {
      operation: 'DescribeNatGateways',
      params: ['NatGatewayId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.nat.describe(ctx.tenant, { ids: p.list('NatGatewayId'), match: matcher(p, FILTERS), ...page(p) });
        return { natGatewaySet: items(r.items.map(natGatewayXml)), nextToken: r.nextToken };
      },
    },
    DeleteNatGateway: {
      operation: 'DeleteNatGateway',
      params: ['NatGatewayId'],
      dryRun: async (ctx, p) => this.nat.requireGateway(ctx.tenant, p.required('NatGatewayId')),
      handler: async (ctx, p) => ({ natGatewayId: await this.nat.delete(ctx.tenant, p.required('NatGatewayId')) }),
    },
  };
}
