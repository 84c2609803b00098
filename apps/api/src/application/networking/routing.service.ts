import { Injectable } from '@nestjs/common';
import { ApiError, idempotentMismatch, invalidParameter, notFound } from '../common/api-errors';
import { createdId, resourceId } from '../common/ids';
import { InternetGatewayEntity, RouteTableEntity, TenantEntity } from '../../persistence/entities';
import { RoutingRepository } from '../../persistence/routing.repository';
import { VpcPeeringRepository } from '../../persistence/vpc-peering.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { dependencyViolation, describe, DescribeQuery, GATEWAY_ID, notFoundError, Page, requireWellFormed, ROUTE_ASSOCIATION_ID, ROUTE_TABLE_ID } from './describe-query';
import { NetworkingService } from './networking.service';
import { NAT_GATEWAY_ID, natGatewayTargetNotFound, natRouteState, routableNatGateway } from './nat-gateways';
import { NatRoutes } from './nat-routes';
import { LOCAL_GATEWAY, routeAlreadyExists, routeDestination, routeState } from './routing';
import { PEERING_ID, peeringNotFound, peeringRouteState, routablePeering } from './vpc-peering';

export interface InternetGatewayView {
  readonly gateway: InternetGatewayEntity;
  readonly tags: Readonly<Record<string, string>>;
}

export interface RouteView {
  readonly destinationCidrBlock: string;
  /** The target: `local`, an internet gateway, (natGatewayId) a NAT gateway, or (vpcPeeringConnectionId) a VPC peering connection. */
  readonly gatewayId?: string;
  readonly natGatewayId?: string;
  readonly vpcPeeringConnectionId?: string;
  readonly origin: string;
  readonly state: 'active' | 'blackhole';
}

/** A table's associations: its subnets' (explicit), and the main one on the VPC's main table. */
export interface RouteTableAssociationView {
  readonly associationId: string;
  readonly subnetId?: string;
  readonly main: boolean;
}

export interface RouteTableView {
  readonly table: RouteTableEntity;
  readonly routes: readonly RouteView[];
  readonly associations: readonly RouteTableAssociationView[];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Internet gateways and route tables (EC2's CreateInternetGateway … DisassociateRouteTable;
 * docs/ec2-networking.md, "Internet gateways and route tables"). A VPC's main table and the
 * default VPC's gateway are made with the VPC (NetworkingService, routing.ts). Nimbus keeps them
 * as EC2 shows them; they do not change where the simulation's traffic goes. Every change is an
 * engine command; another tenant's resource is not found, as a missing one.
 */
/** CreateRoute's and ReplaceRoute's request: the target an internet gateway (or `local`'s table), a NAT gateway or a VPC peering connection. */
export type RouteCommand = { readonly routeTableId: string; readonly destinationCidrBlock: string }
  & ({ readonly gatewayId: string } | { readonly natGatewayId: string } | { readonly vpcPeeringConnectionId: string });

/** A stored route's target is a NAT gateway (routes.gateway_id holds its `nat-` id). */
const isNatTarget = (target: string): boolean => target.startsWith(`${NAT_GATEWAY_ID.prefix}-`);
/** Likewise a VPC peering connection (a `pcx-` id). */
const isPeeringTarget = (target: string): boolean => target.startsWith(`${PEERING_ID.prefix}-`);

@Injectable()
export class RoutingService {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly peerings: VpcPeeringRepository,
    private readonly networking: NetworkingService,
    private readonly engine: EngineService,
    /** Which instances a NAT gateway serves: every change of routes or associations below first reads its VPC's instances as routed until then. */
    private readonly natRoutes: NatRoutes,
  ) {}

  // ---- internet gateways ----

  createInternetGateway(tenant: TenantEntity, cmd: { readonly tags?: Readonly<Record<string, unknown>> }): Promise<InternetGatewayView> {
    const tags = this.networking.validTags(cmd.tags);
    return this.engine.command(async (tx, e) => {
      await this.networking.ensureDefaultVpc(tx, tenant.id);
      const gateway: InternetGatewayEntity = { id: resourceId('igw'), tenantId: tenant.id, vpcId: null, createdAt: e.now };
      await this.repo.insertGateway(tx, gateway);
      await this.networking.saveTags(tx, tenant.id, gateway.id, tags);
      return { gateway, tags };
    });
  }

  async describeInternetGateways(tenant: TenantEntity, q: DescribeQuery<InternetGatewayView>): Promise<Page<InternetGatewayView>> {
    await this.networking.ensureDefaultForRead(tenant.id);
    const m = this.repo.reader;
    const rows = await this.repo.gatewaysOf(m, tenant.id);
    const tags = await this.networking.tagsOf(m, rows.map((r) => r.id));
    return describe(rows.map((gateway) => ({ gateway, tags: tags.get(gateway.id) ?? {} })), (v) => v.gateway.id, GATEWAY_ID, q);
  }

  /** DeleteInternetGateway: refused while attached (DependencyViolation), as on EC2. */
  deleteInternetGateway(tenant: TenantEntity, gatewayId: string): Promise<void> {
    return this.engine.command(async (tx) => {
      const gateway = await this.requireGateway(tx, tenant.id, gatewayId);
      if (gateway.vpcId !== null) throw dependencyViolation('internetGateway', gateway.id);
      await this.networking.deleteTags(tx, gateway.id);
      await this.repo.deleteGateway(tx, gateway.id);
    });
  }

  /** AttachInternetGateway: a gateway to one VPC, a VPC to one gateway. */
  attachInternetGateway(tenant: TenantEntity, cmd: { readonly internetGatewayId: string; readonly vpcId: string }): Promise<void> {
    return this.engine.command(async (tx) => {
      const gateway = await this.requireGateway(tx, tenant.id, cmd.internetGatewayId);
      const vpc = await this.networking.requireVpc(tx, tenant.id, cmd.vpcId);
      if (gateway.vpcId !== null) throw new ApiError('Resource.AlreadyAssociated', `resource ${gateway.id} is already attached to network ${gateway.vpcId}`);
      const other = await this.repo.gatewayOfVpc(tx, vpc.id);
      if (other) throw invalidParameter(`Network ${vpc.id} already has an internet gateway attached`);
      await this.repo.setGatewayVpc(tx, gateway.id, vpc.id);
    });
  }

  /**
   * DetachInternetGateway: only from the VPC it is attached to (Gateway.NotAttached), and not while
   * the VPC's interfaces hold public addresses (EC2's DependencyViolation: unmap them first). Routes
   * to it become blackholes.
   */
  detachInternetGateway(tenant: TenantEntity, cmd: { readonly internetGatewayId: string; readonly vpcId: string }): Promise<void> {
    return this.engine.command(async (tx) => {
      const gateway = await this.requireGateway(tx, tenant.id, cmd.internetGatewayId);
      const vpc = await this.networking.requireVpc(tx, tenant.id, cmd.vpcId);
      if (gateway.vpcId !== vpc.id) throw new ApiError('Gateway.NotAttached', `resource ${gateway.id} is not attached to network ${vpc.id}`);
      if ((await this.repo.mappedPublicIps(tx, vpc.id)) > 0) {
        throw new ApiError('DependencyViolation', `Network ${vpc.id} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`);
      }
      await this.repo.setGatewayVpc(tx, gateway.id, null);
    });
  }

  private async requireGateway(m: Tx, tenantId: string, id: string): Promise<InternetGatewayEntity> {
    requireWellFormed(GATEWAY_ID, id);
    const gateway = await this.repo.findGateway(m, tenantId, id);
    if (!gateway) throw notFoundError(GATEWAY_ID, id);
    return gateway;
  }

  // ---- route tables ----

  /**
   * CreateRouteTable: a table of the VPC with its local route, associated with nothing. A client
   * token (the SDKs send one) names the table, so a retry answers the table it made; the same token
   * for another VPC is IdempotentParameterMismatch.
   */
  createRouteTable(tenant: TenantEntity, cmd: { readonly vpcId: string; readonly clientToken?: string; readonly tags?: Readonly<Record<string, unknown>> }): Promise<RouteTableView> {
    const tags = this.networking.validTags(cmd.tags);
    return this.engine.command(async (tx, e) => {
      await this.networking.ensureDefaultVpc(tx, tenant.id);
      const vpc = await this.networking.requireVpc(tx, tenant.id, cmd.vpcId);
      const id = createdId('rtb', 'CreateRouteTable', tenant.id, cmd.clientToken);
      if (cmd.clientToken !== undefined) {
        const previous = await this.repo.findTable(tx, tenant.id, id);
        if (previous) {
          if (previous.vpcId !== vpc.id) throw idempotentMismatch(cmd.clientToken);
          return (await this.views(tx, [previous]))[0];
        }
      }
      const table: RouteTableEntity = { id, tenantId: tenant.id, vpcId: vpc.id, mainAssociationId: null, createdAt: e.now };
      await this.repo.insertTable(tx, table);
      await this.repo.insertRoute(tx, { routeTableId: table.id, destinationCidrBlock: vpc.cidrBlock, tenantId: tenant.id, gatewayId: LOCAL_GATEWAY, origin: 'CreateRouteTable', createdAt: e.now });
      await this.networking.saveTags(tx, tenant.id, table.id, tags);
      return (await this.views(tx, [table]))[0];
    });
  }

  async describeRouteTables(tenant: TenantEntity, q: DescribeQuery<RouteTableView>): Promise<Page<RouteTableView>> {
    await this.networking.ensureDefaultForRead(tenant.id);
    const m = this.repo.reader;
    return describe(await this.views(m, await this.repo.tablesOf(m, tenant.id)), (v) => v.table.id, ROUTE_TABLE_ID, q);
  }

  /** DeleteRouteTable: not the main table, nor one a subnet is associated with (DependencyViolation). */
  deleteRouteTable(tenant: TenantEntity, routeTableId: string): Promise<void> {
    return this.engine.command(async (tx) => {
      const table = await this.requireTable(tx, tenant.id, routeTableId);
      if (table.mainAssociationId !== null || (await this.repo.associationsOf(tx, [table.id])).length > 0) throw dependencyViolation('routeTable', table.id);
      await this.networking.deleteTags(tx, table.id);
      await this.repo.deleteTable(tx, table.id);
    });
  }

  /** CreateRoute to an internet gateway attached to the table's VPC, a NAT gateway of it (pending or available), or a VPC peering connection of it (pending, provisioning or active). */
  createRoute(tenant: TenantEntity, cmd: RouteCommand): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const { table, destination, target } = await this.routeTarget(tx, tenant.id, cmd, e.now);
      if (await this.repo.findRoute(tx, table.id, destination)) throw routeAlreadyExists(destination);
      await this.natRoutes.changing(tx, [table.vpcId]);
      await this.repo.insertRoute(tx, { routeTableId: table.id, destinationCidrBlock: destination, tenantId: tenant.id, gatewayId: target, origin: 'CreateRoute', createdAt: e.now });
    });
  }

  /** ReplaceRoute: an existing route's target (not the local route's). */
  replaceRoute(tenant: TenantEntity, cmd: RouteCommand): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const { table, destination, target } = await this.routeTarget(tx, tenant.id, cmd, e.now);
      await this.requireRoute(tx, table, destination);
      await this.natRoutes.changing(tx, [table.vpcId]);
      await this.repo.setRouteGateway(tx, table.id, destination, target);
    });
  }

  /** DeleteRoute: any route but the local one. */
  deleteRoute(tenant: TenantEntity, cmd: { readonly routeTableId: string; readonly destinationCidrBlock: string }): Promise<void> {
    return this.engine.command(async (tx) => {
      const table = await this.requireTable(tx, tenant.id, cmd.routeTableId);
      const route = await this.requireRoute(tx, table, cmd.destinationCidrBlock);
      if (route.gatewayId === LOCAL_GATEWAY) throw invalidParameter(`cannot remove local route ${route.destinationCidrBlock} in route table ${table.id}`);
      await this.natRoutes.changing(tx, [table.vpcId]);
      await this.repo.deleteRoute(tx, table.id, route.destinationCidrBlock);
    });
  }

  /** AssociateRouteTable: a subnet of the table's VPC, not already associated explicitly. The association id. */
  associateRouteTable(tenant: TenantEntity, cmd: { readonly routeTableId: string; readonly subnetId: string }): Promise<string> {
    return this.engine.command(async (tx, e) => {
      const table = await this.requireTable(tx, tenant.id, cmd.routeTableId);
      const subnet = await this.networking.requireSubnet(tx, tenant.id, cmd.subnetId);
      if (subnet.vpcId !== table.vpcId) throw invalidParameter(`Route table ${table.id} and subnet ${subnet.id} belong to different networks`);
      const existing = await this.repo.associationOfSubnet(tx, subnet.id);
      if (existing) throw new ApiError('Resource.AlreadyAssociated', `the specified association for route table ${table.id} conflicts with an existing association`);
      const id = resourceId('rtbassoc');
      await this.natRoutes.changing(tx, [table.vpcId]);
      await this.repo.insertAssociation(tx, { id, tenantId: tenant.id, routeTableId: table.id, subnetId: subnet.id, createdAt: e.now });
      return id;
    });
  }

  /** DisassociateRouteTable: a subnet's association (the subnet falls back to the main table); never the main association. */
  disassociateRouteTable(tenant: TenantEntity, associationId: string): Promise<void> {
    return this.engine.command(async (tx) => {
      requireWellFormed(ROUTE_ASSOCIATION_ID, associationId);
      const association = await this.repo.findAssociation(tx, tenant.id, associationId);
      if (!association) {
        const main = await this.repo.tableOfMainAssociation(tx, tenant.id, associationId);
        if (main) throw invalidParameter(`cannot disassociate the main route table association ${associationId}`);
        throw notFound(ROUTE_ASSOCIATION_ID.notFound, `The association ID '${associationId}' does not exist`);
      }
      await this.natRoutes.changing(tx, [(await this.networking.requireSubnet(tx, tenant.id, association.subnetId)).vpcId]);
      await this.repo.deleteAssociation(tx, association.id);
    });
  }

  /**
   * ReplaceRouteTableAssociation: a subnet's explicit association re-pointed to another table of
   * its VPC, or the VPC's main association moved to another of its tables (which becomes the main
   * table; the old one loses it). Either way under a new association id, which is the answer.
   */
  replaceRouteTableAssociation(tenant: TenantEntity, cmd: { readonly associationId: string; readonly routeTableId: string }): Promise<string> {
    return this.engine.command(async (tx, e) => {
      requireWellFormed(ROUTE_ASSOCIATION_ID, cmd.associationId);
      const association = await this.repo.findAssociation(tx, tenant.id, cmd.associationId);
      const main = association ? null : await this.repo.tableOfMainAssociation(tx, tenant.id, cmd.associationId);
      if (!association && !main) throw notFound(ROUTE_ASSOCIATION_ID.notFound, `The association ID '${cmd.associationId}' does not exist`);
      const table = await this.requireTable(tx, tenant.id, cmd.routeTableId);
      const id = resourceId('rtbassoc');
      await this.natRoutes.changing(tx, [table.vpcId]);
      if (association) {
        const subnet = await this.networking.requireSubnet(tx, tenant.id, association.subnetId);
        if (subnet.vpcId !== table.vpcId) throw invalidParameter(`Route table ${table.id} and subnet ${subnet.id} belong to different networks`);
        await this.repo.deleteAssociation(tx, association.id);
        await this.repo.insertAssociation(tx, { id, tenantId: tenant.id, routeTableId: table.id, subnetId: subnet.id, createdAt: e.now });
      } else {
        if (main!.vpcId !== table.vpcId) throw invalidParameter(`Route table ${table.id} and the main route table ${main!.id} belong to different networks`);
        await this.repo.moveMainAssociation(tx, main!.id, table.id, id);
      }
      return id;
    });
  }

  private async requireTable(m: Tx, tenantId: string, id: string): Promise<RouteTableEntity> {
    requireWellFormed(ROUTE_TABLE_ID, id);
    const table = await this.repo.findTable(m, tenantId, id);
    if (!table) throw notFoundError(ROUTE_TABLE_ID, id);
    return table;
  }

  private async requireRoute(m: Tx, table: RouteTableEntity, destination: string) {
    const route = await this.repo.findRoute(m, table.id, destination);
    if (!route) throw notFound('InvalidRoute.NotFound', `no route with destination-cidr-block ${destination.slice(0, 43)} in route table ${table.id}`);
    return route;
  }

  /**
   * A route's table, destination and target checked: an internet gateway of the tenant's attached
   * to the table's VPC, or a NAT gateway of the tenant's in that VPC that is pending or available
   * (else EC2's InvalidNatGatewayID.NotFound).
   */
  private async routeTarget(tx: Tx, tenantId: string, cmd: RouteCommand, now: number) {
    const table = await this.requireTable(tx, tenantId, cmd.routeTableId);
    const vpc = await this.networking.requireVpc(tx, tenantId, table.vpcId);
    const destination = routeDestination(cmd.destinationCidrBlock, vpc.cidrBlock);
    if ('natGatewayId' in cmd) {
      requireWellFormed(NAT_GATEWAY_ID, cmd.natGatewayId);
      const nat = await this.repo.findNatGateway(tx, tenantId, cmd.natGatewayId);
      if (!nat || !routableNatGateway(nat, now)) throw natGatewayTargetNotFound(cmd.natGatewayId);
      if (nat.vpcId !== table.vpcId) throw invalidParameter(`route table ${table.id} and network gateway ${nat.id} belong to different networks`);
      return { table, destination, target: nat.id };
    }
    if ('vpcPeeringConnectionId' in cmd) {
      // The connection must be pending, provisioning or active, with the table's VPC as the tenant's side of it.
      requireWellFormed(PEERING_ID, cmd.vpcPeeringConnectionId);
      const c = await this.peerings.find(tx, tenantId, cmd.vpcPeeringConnectionId);
      if (!c || !routablePeering(c, now)) throw peeringNotFound(cmd.vpcPeeringConnectionId);
      const ours = (c.requesterTenantId === tenantId && c.requesterVpcId === table.vpcId) || (c.accepterTenantId === tenantId && c.accepterVpcId === table.vpcId);
      if (!ours) throw invalidParameter(`route table ${table.id} and network gateway ${c.id} belong to different networks`);
      return { table, destination, target: c.id };
    }
    const gateway = await this.requireGateway(tx, tenantId, cmd.gatewayId);
    if (gateway.vpcId !== table.vpcId) throw invalidParameter(`route table ${table.id} and network gateway ${gateway.id} belong to different networks`);
    return { table, destination, target: gateway.id };
  }

  private async views(m: Tx, tables: readonly RouteTableEntity[]): Promise<RouteTableView[]> {
    const ids = tables.map((t) => t.id);
    const [routes, associations, tags] = [await this.repo.routesOf(m, ids), await this.repo.associationsOf(m, ids), await this.networking.tagsOf(m, ids)];
    const gatewayOf = new Map<string, string | undefined>();
    for (const vpcId of new Set(tables.map((t) => t.vpcId))) gatewayOf.set(vpcId, (await this.repo.gatewayOfVpc(m, vpcId))?.id);
    const nats = new Map((await this.repo.natGatewaysById(m, [...new Set(routes.filter((r) => isNatTarget(r.gatewayId)).map((r) => r.gatewayId))])).map((g) => [g.id, g]));
    const peerings = new Map((await this.peerings.byIds(m, [...new Set(routes.filter((r) => isPeeringTarget(r.gatewayId)).map((r) => r.gatewayId))])).map((c) => [c.id, c]));
    const now = this.engine.now;
    return tables.map((table) => ({
      table,
      // The local route first, as EC2 lists it; then the others as they were made.
      routes: routes.filter((r) => r.routeTableId === table.id).sort((a, b) => Number(b.gatewayId === LOCAL_GATEWAY) - Number(a.gatewayId === LOCAL_GATEWAY)).map((r) => (
        isNatTarget(r.gatewayId) ? { destinationCidrBlock: r.destinationCidrBlock, natGatewayId: r.gatewayId, origin: r.origin, state: natRouteState(nats.get(r.gatewayId), now) }
        : isPeeringTarget(r.gatewayId) ? { destinationCidrBlock: r.destinationCidrBlock, vpcPeeringConnectionId: r.gatewayId, origin: r.origin, state: peeringRouteState(peerings.get(r.gatewayId), now) }
        : { destinationCidrBlock: r.destinationCidrBlock, gatewayId: r.gatewayId, origin: r.origin, state: routeState(r, gatewayOf.get(table.vpcId)) }
      )),
      associations: [
        ...(table.mainAssociationId !== null ? [{ associationId: table.mainAssociationId, main: true }] : []),
        ...associations.filter((a) => a.routeTableId === table.id).map((a) => ({ associationId: a.id, subnetId: a.subnetId, main: false })),
      ],
      tags: tags.get(table.id) ?? {},
    }));
  }
}
