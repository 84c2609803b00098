import { Injectable } from '@nestjs/common';
import { InternetGatewayView, RouteTableView, RoutingService } from '../../../application/networking/routing.service';
import { Ec2Actions, Ec2Context, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { FilterField } from '../ec2-filters';
import { unsupported } from '../ec2-errors';
import { ApiError } from '../../../application/common/api-errors';
import { matcher, page, tagSet, tagSpecs } from './networking.actions';

/** MaxResults where EC2 pages these Describe actions: 5 to 100. */
const PAGE = { min: 5, max: 100 };

/** CreateRoute's and ReplaceRoute's targets in EC2's API reference; Nimbus routes to internet gateways, NAT gateways and VPC peering connections only. */
const OTHER_TARGETS = [
  'InstanceId', 'NetworkInterfaceId', 'TransitGatewayId', 'LocalGatewayId', 'CarrierGatewayId',
  'EgressOnlyInternetGatewayId', 'VpcEndpointId', 'CoreNetworkArn', 'OdbNetworkArn',
] as const;

function gatewayXml(v: InternetGatewayView, ctx: Ec2Context) {
  return {
    internetGatewayId: v.gateway.id, ownerId: ctx.accountId,
    // EC2 shows an internet gateway's attachment as `available`.
    attachmentSet: items(v.gateway.vpcId !== null ? [{ vpcId: v.gateway.vpcId, state: 'available' }] : []),
    tagSet: tagSet(v.tags),
  };
}

function routeTableXml(v: RouteTableView, ctx: Ec2Context) {
  return {
    routeTableId: v.table.id, vpcId: v.table.vpcId, ownerId: ctx.accountId,
    routeSet: items(v.routes.map((r) => ({
      destinationCidrBlock: r.destinationCidrBlock, gatewayId: r.gatewayId, natGatewayId: r.natGatewayId, vpcPeeringConnectionId: r.vpcPeeringConnectionId, state: r.state, origin: r.origin,
    }))),
    associationSet: items(v.associations.map((a) => ({
      routeTableAssociationId: a.associationId, routeTableId: v.table.id, ...(a.subnetId !== undefined ? { subnetId: a.subnetId } : {}), main: a.main,
      associationState: { state: 'associated' },
    }))),
    propagatingVgwSet: items([]), tagSet: tagSet(v.tags),
  };
}

const GATEWAY_FILTERS: Readonly<Record<string, FilterField<InternetGatewayView>>> = {
  'internet-gateway-id': (v) => v.gateway.id, 'attachment.vpc-id': (v) => v.gateway.vpcId ?? undefined,
  'attachment.state': (v) => (v.gateway.vpcId !== null ? 'available' : undefined),
};

const TABLE_FILTERS: Readonly<Record<string, FilterField<RouteTableView>>> = {
  'route-table-id': (v) => v.table.id, 'vpc-id': (v) => v.table.vpcId,
  'association.main': (v) => v.associations.some((a) => a.main),
  'association.subnet-id': (v) => v.associations.flatMap((a) => (a.subnetId !== undefined ? [a.subnetId] : [])),
  'association.route-table-association-id': (v) => v.associations.map((a) => a.associationId),
  'association.route-table-id': (v) => (v.associations.length > 0 ? v.table.id : undefined),
  'association.association-state': (v) => (v.associations.length > 0 ? 'associated' : undefined),
  'route.destination-cidr-block': (v) => v.routes.map((r) => r.destinationCidrBlock),
  'route.gateway-id': (v) => v.routes.flatMap((r) => (r.gatewayId !== undefined ? [r.gatewayId] : [])),
  'route.nat-gateway-id': (v) => v.routes.flatMap((r) => (r.natGatewayId !== undefined ? [r.natGatewayId] : [])),
  'route.vpc-peering-connection-id': (v) => v.routes.flatMap((r) => (r.vpcPeeringConnectionId !== undefined ? [r.vpcPeeringConnectionId] : [])),
  'route.state': (v) => v.routes.map((r) => r.state),
  'route.origin': (v) => v.routes.map((r) => r.origin),
  // Routes target internet and NAT gateways and peering connections only and associations are subnets' (edge associations are refused): the other targets' filters match none.
  'association.gateway-id': () => undefined, 'route.destination-ipv6-cidr-block': () => undefined, 'route.destination-prefix-list-id': () => undefined,
  'route.egress-only-internet-gateway-id': () => undefined, 'route.instance-id': () => undefined,
  'route.transit-gateway-id': () => undefined,
};

/** The route targets Nimbus takes, by parameter. */
const TARGETS = ['GatewayId', 'NatGatewayId', 'VpcPeeringConnectionId'] as const;

/**
 * A route's target: an internet gateway (`GatewayId`), a NAT gateway (`NatGatewayId`) or a VPC
 * peering connection (`VpcPeeringConnectionId`), one of them; the other targets EC2 has are
 * refused as not supported.
 */
function routeTarget(p: Ec2Params): { readonly gatewayId: string } | { readonly natGatewayId: string } | { readonly vpcPeeringConnectionId: string } {
  const other = OTHER_TARGETS.find((name) => p.has(name));
  if (other !== undefined) throw unsupported(`the parameter ${other}: routes target internet gateways (GatewayId), NAT gateways (NatGatewayId) and VPC peering connections (VpcPeeringConnectionId) only`);
  ipv4Destination(p);
  const given = TARGETS.filter((name) => p.has(name));
  if (given.length > 1) throw new ApiError('InvalidParameterCombination', `Only one route target may be given: ${given.join(' or ')}`);
  if (given[0] === 'NatGatewayId') return { natGatewayId: p.required('NatGatewayId') };
  if (given[0] === 'VpcPeeringConnectionId') return { vpcPeeringConnectionId: p.required('VpcPeeringConnectionId') };
  return { gatewayId: p.required('GatewayId') };
}

/** A route's destination as Nimbus takes it: `DestinationCidrBlock`; IPv6 and prefix-list destinations are not supported. */
function ipv4Destination(p: Ec2Params): string {
  const other = ['DestinationIpv6CidrBlock', 'DestinationPrefixListId'].find((name) => p.has(name));
  if (other !== undefined) throw unsupported(`the parameter ${other}: give DestinationCidrBlock`);
  return p.required('DestinationCidrBlock');
}

/**
 * EC2's internet gateway and route table actions (docs/ec2-networking.md, "Internet gateways and
 * route tables"). Each handler reads the parameters, calls one RoutingService method, and shapes
 * EC2's answer.
 */
@Injectable()
export class RoutingEc2Actions implements Ec2ActionSource {
  constructor(private readonly routing: RoutingService) {}

  readonly actions: Ec2Actions = {
    CreateInternetGateway: {
      operation: 'CreateInternetGateway',
      params: ['TagSpecification'],
      handler: async (ctx, p) => ({ internetGateway: gatewayXml(await this.routing.createInternetGateway(ctx.tenant, { tags: tagSpecs(p, 'internet-gateway') }), ctx) }),
    },
    DescribeInternetGateways: {
      operation: 'DescribeInternetGateways',
      params: ['InternetGatewayId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.routing.describeInternetGateways(ctx.tenant, {
          ids: p.list('InternetGatewayId'), match: matcher(p, { ...GATEWAY_FILTERS, 'owner-id': () => ctx.accountId }), ...page(p, PAGE),
        });
        return { internetGatewaySet: items(r.items.map((v) => gatewayXml(v, ctx))), nextToken: r.nextToken };
      },
    },
    DeleteInternetGateway: {
      operation: 'DeleteInternetGateway',
      params: ['InternetGatewayId'],
      handler: async (ctx, p) => {
        await this.routing.deleteInternetGateway(ctx.tenant, p.required('InternetGatewayId'));
        return { return: true };
      },
    },
    AttachInternetGateway: {
      operation: 'AttachInternetGateway',
      params: ['InternetGatewayId', 'VpcId'],
      handler: async (ctx, p) => {
        await this.routing.attachInternetGateway(ctx.tenant, { internetGatewayId: p.required('InternetGatewayId'), vpcId: p.required('VpcId') });
        return { return: true };
      },
    },
    DetachInternetGateway: {
      operation: 'DetachInternetGateway',
      params: ['InternetGatewayId', 'VpcId'],
      handler: async (ctx, p) => {
        await this.routing.detachInternetGateway(ctx.tenant, { internetGatewayId: p.required('InternetGatewayId'), vpcId: p.required('VpcId') });
        return { return: true };
      },
    },

    CreateRouteTable: {
      operation: 'CreateRouteTable',
      params: ['VpcId', 'TagSpecification', 'ClientToken'],
      handler: async (ctx, p) => {
        const table = await this.routing.createRouteTable(ctx.tenant, { vpcId: p.required('VpcId'), clientToken: p.string('ClientToken'), tags: tagSpecs(p, 'route-table') });
        return { routeTable: routeTableXml(table, ctx), clientToken: p.string('ClientToken') };
      },
    },
    DescribeRouteTables: {
      operation: 'DescribeRouteTables',
      params: ['RouteTableId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.routing.describeRouteTables(ctx.tenant, {
          ids: p.list('RouteTableId'), match: matcher(p, { ...TABLE_FILTERS, 'owner-id': () => ctx.accountId }), ...page(p, PAGE),
        });
        return { routeTableSet: items(r.items.map((v) => routeTableXml(v, ctx))), nextToken: r.nextToken };
      },
    },
    DeleteRouteTable: {
      operation: 'DeleteRouteTable',
      params: ['RouteTableId'],
      handler: async (ctx, p) => {
        await this.routing.deleteRouteTable(ctx.tenant, p.required('RouteTableId'));
        return { return: true };
      },
    },
    CreateRoute: {
      operation: 'CreateRoute',
      params: ['RouteTableId', 'DestinationCidrBlock', ...TARGETS, 'DestinationIpv6CidrBlock', 'DestinationPrefixListId', ...OTHER_TARGETS],
      handler: async (ctx, p) => {
        const target = routeTarget(p);
        await this.routing.createRoute(ctx.tenant, { routeTableId: p.required('RouteTableId'), destinationCidrBlock: ipv4Destination(p), ...target });
        return { return: true };
      },
    },
    ReplaceRoute: {
      operation: 'ReplaceRoute',
      params: ['RouteTableId', 'DestinationCidrBlock', ...TARGETS, 'DestinationIpv6CidrBlock', 'DestinationPrefixListId', 'LocalTarget', ...OTHER_TARGETS],
      handler: async (ctx, p) => {
        if (p.has('LocalTarget')) throw unsupported('the parameter LocalTarget');
        const target = routeTarget(p);
        await this.routing.replaceRoute(ctx.tenant, { routeTableId: p.required('RouteTableId'), destinationCidrBlock: ipv4Destination(p), ...target });
        return { return: true };
      },
    },
    DeleteRoute: {
      operation: 'DeleteRoute',
      params: ['RouteTableId', 'DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId'],
      handler: async (ctx, p) => {
        await this.routing.deleteRoute(ctx.tenant, { routeTableId: p.required('RouteTableId'), destinationCidrBlock: ipv4Destination(p) });
        return { return: true };
      },
    },
    AssociateRouteTable: {
      operation: 'AssociateRouteTable',
      params: ['RouteTableId', 'SubnetId', 'GatewayId'],
      handler: async (ctx, p) => {
        if (p.has('GatewayId')) throw unsupported('the parameter GatewayId (edge associations): give SubnetId');
        const associationId = await this.routing.associateRouteTable(ctx.tenant, { routeTableId: p.required('RouteTableId'), subnetId: p.required('SubnetId') });
        return { associationId, associationState: { state: 'associated' } };
      },
    },
    DisassociateRouteTable: {
      operation: 'DisassociateRouteTable',
      params: ['AssociationId'],
      handler: async (ctx, p) => {
        await this.routing.disassociateRouteTable(ctx.tenant, p.required('AssociationId'));
        return { return: true };
      },
    },
    ReplaceRouteTableAssociation: {
      operation: 'ReplaceRouteTableAssociation',
      params: ['AssociationId', 'RouteTableId'],
      handler: async (ctx, p) => {
        const newAssociationId = await this.routing.replaceRouteTableAssociation(ctx.tenant, { associationId: p.required('AssociationId'), routeTableId: p.required('RouteTableId') });
        return { newAssociationId, associationState: { state: 'associated' } };
      },
    },
  };
}
