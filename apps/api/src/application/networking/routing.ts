import { ApiError, invalidParameter } from '../common/api-errors';
import { resourceId } from '../common/ids';
import type { RouteEntity, VpcEntity } from '../../persistence/entities';
import type { VpcRoutingRows } from '../../persistence/routing.repository';
import { formatCidr, isCanonical, parseCidr, within } from './cidr';

/** EC2's target of a VPC's own block: the local route. */
export const LOCAL_GATEWAY = 'local';
/** Where the default VPC's main table sends everything else. */
export const DEFAULT_ROUTE = '0.0.0.0/0';

/**
 * What a VPC is made with (EC2 User Guide, "Route tables", "Default VPCs"): a main route table
 * with the `local` route for the VPC's block; a default VPC also an internet gateway attached to
 * it and a route to it for 0.0.0.0/0.
 */
export function vpcRoutingRows(vpc: Pick<VpcEntity, 'id' | 'tenantId' | 'cidrBlock' | 'isDefault'>, now: number): VpcRoutingRows {
  const table = { id: resourceId('rtb'), tenantId: vpc.tenantId, vpcId: vpc.id, mainAssociationId: resourceId('rtbassoc'), createdAt: now };
  const route = (destinationCidrBlock: string, gatewayId: string): RouteEntity => ({
    routeTableId: table.id, destinationCidrBlock, tenantId: vpc.tenantId, gatewayId, origin: 'CreateRouteTable', createdAt: now,
  });
  if (!vpc.isDefault) return { table, routes: [route(vpc.cidrBlock, LOCAL_GATEWAY)] };
  const gateway = { id: resourceId('igw'), tenantId: vpc.tenantId, vpcId: vpc.id, createdAt: now };
  return { gateway, table, routes: [route(vpc.cidrBlock, LOCAL_GATEWAY), route(DEFAULT_ROUTE, gateway.id)] };
}

/**
 * A route's state (DescribeRouteTables): `active`, or `blackhole` once its internet gateway is
 * detached from the table's VPC or deleted, as EC2 shows it. The local route is always active.
 */
export function routeState(route: Pick<RouteEntity, 'gatewayId'>, vpcGatewayId: string | undefined): 'active' | 'blackhole' {
  return route.gatewayId === LOCAL_GATEWAY || route.gatewayId === vpcGatewayId ? 'active' : 'blackhole';
}

/**
 * A destination CreateRoute and ReplaceRoute take: an IPv4 block with its host bits zero, and (to
 * an internet gateway) not within the VPC's own block, which the local route covers; EC2 lets
 * only a more specific route to an interface or instance in there.
 */
export function routeDestination(text: string, vpcCidrBlock: string): string {
  const block = parseCidr(text);
  if (!block || !isCanonical(block)) throw invalidParameter(`Value (${text.slice(0, 43)}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`);
  const destination = formatCidr(block);
  if (within(parseCidr(vpcCidrBlock)!, block)) {
    throw invalidParameter(`The destination CIDR block ${destination} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.`);
  }
  return destination;
}

/** EC2's answer when a destination is already routed in the table. */
export const routeAlreadyExists = (destination: string) => new ApiError('RouteAlreadyExists', `The route identified by ${destination} already exists.`);
