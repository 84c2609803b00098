import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Like, Not } from 'typeorm';
import { READ_DB } from './data-source';
import { InternetGatewayEntity, NatGatewayEntity, PublicIpAllocationEntity, NetworkInterfaceEntity, RouteEntity, RouteTableAssociationEntity, RouteTableEntity, SubnetEntity } from './entities';
import { Tx } from './tx';

/** A VPC's routing as it is made with it: its main table and routes, and the default VPC's gateway. */
export interface VpcRoutingRows {
  readonly gateway?: InternetGatewayEntity;
  readonly table: RouteTableEntity;
  readonly routes: readonly RouteEntity[];
}

/**
 * What decides which NAT gateway processes a subnet's internet-bound bytes: every route for
 * `destination` to a NAT gateway, the tables holding them, the subnets of those tables' VPCs with
 * their explicit associations (an explicit one overrides the main table), and the gateways.
 */
export interface NatRoutingRows {
  readonly routes: readonly Pick<RouteEntity, 'routeTableId' | 'gatewayId'>[];
  readonly tables: readonly Pick<RouteTableEntity, 'id' | 'vpcId' | 'mainAssociationId'>[];
  readonly subnets: readonly Pick<SubnetEntity, 'id' | 'vpcId'>[];
  readonly associations: readonly Pick<RouteTableAssociationEntity, 'routeTableId' | 'subnetId'>[];
  readonly gateways: readonly NatGatewayEntity[];
}

/**
 * Internet gateways, route tables, their routes and subnet associations (entities/networking.entity.ts).
 * Every lookup of a tenant's resource takes the tenant id, so another tenant's row is never found.
 */
@Injectable()
export class RoutingRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  async insertVpcRouting(tx: Tx, rows: VpcRoutingRows): Promise<void> {
    if (rows.gateway) await tx.insert(InternetGatewayEntity, { ...rows.gateway });
    await tx.insert(RouteTableEntity, { ...rows.table });
    for (const r of rows.routes) await tx.insert(RouteEntity, { ...r });
  }

  // ---- internet gateways ----

  findGateway(m: Tx, tenantId: string, id: string): Promise<InternetGatewayEntity | null> {
    return m.findOneBy(InternetGatewayEntity, { tenantId, id });
  }

  gatewaysOf(m: Tx, tenantId: string): Promise<InternetGatewayEntity[]> {
    return m.find(InternetGatewayEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  gatewayOfVpc(m: Tx, vpcId: string): Promise<InternetGatewayEntity | null> {
    return m.findOneBy(InternetGatewayEntity, { vpcId });
  }

  async insertGateway(tx: Tx, row: InternetGatewayEntity): Promise<void> {
    await tx.insert(InternetGatewayEntity, { ...row });
  }

  async setGatewayVpc(tx: Tx, id: string, vpcId: string | null): Promise<void> {
    await tx.update(InternetGatewayEntity, { id }, { vpcId });
  }

  async deleteGateway(tx: Tx, id: string): Promise<void> {
    await tx.delete(InternetGatewayEntity, { id });
  }

  /** Public addresses held by interfaces of the VPC (auto-assigned or Elastic IPs): EC2 keeps its gateway attached while any are mapped. */
  async mappedPublicIps(m: Tx, vpcId: string): Promise<number> {
    return m.createQueryBuilder(PublicIpAllocationEntity, 'p')
      .innerJoin(NetworkInterfaceEntity, 'n', 'n.id = p.networkInterfaceId')
      .where('n.vpcId = :vpcId', { vpcId })
      .getCount();
  }

  // ---- NAT gateways ----

  findNatGateway(m: Tx, tenantId: string, id: string): Promise<NatGatewayEntity | null> {
    return m.findOneBy(NatGatewayEntity, { tenantId, id });
  }

  natGatewaysOf(m: Tx, tenantId: string): Promise<NatGatewayEntity[]> {
    return m.find(NatGatewayEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  natGatewaysById(m: Tx, ids: readonly string[]): Promise<NatGatewayEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.find(NatGatewayEntity, { where: { id: In([...ids]) } });
  }

  /**
   * NatRoutingRows for routes to `destination` whose target is a NAT gateway (`targetPrefix`, its
   * ids' prefix), across tenants: one statement when no such route exists (the usual case).
   */
  async natRouting(m: Tx, destination: string, targetPrefix: string): Promise<NatRoutingRows> {
    const routes = await m.find(RouteEntity, { select: { routeTableId: true, gatewayId: true }, where: { destinationCidrBlock: destination, gatewayId: Like(`${targetPrefix}%`) } });
    if (routes.length === 0) return { routes, tables: [], subnets: [], associations: [], gateways: [] };
    const tables = await m.find(RouteTableEntity, { select: { id: true, vpcId: true, mainAssociationId: true }, where: { id: In(routes.map((r) => r.routeTableId)) } });
    const subnets = await m.find(SubnetEntity, { select: { id: true, vpcId: true }, where: { vpcId: In([...new Set(tables.map((t) => t.vpcId))]) } });
    const associations = subnets.length === 0 ? [] : await m.find(RouteTableAssociationEntity, { select: { routeTableId: true, subnetId: true }, where: { subnetId: In(subnets.map((s) => s.id)) } });
    return { routes, tables, subnets, associations, gateways: await this.natGatewaysById(m, [...new Set(routes.map((r) => r.gatewayId))]) };
  }

  /** The instances whose primary interface (device 0) is in one of these subnets (`subnetId`) or VPCs (`vpcId`), with its subnet. */
  async primaryInterfacesIn(m: Tx, where: 'subnetId' | 'vpcId', ids: readonly string[]): Promise<{ instanceId: string; subnetId: string }[]> {
    if (ids.length === 0) return [];
    const rows = await m.find(NetworkInterfaceEntity, { select: { instanceId: true, subnetId: true }, where: { [where]: In([...ids]), deviceIndex: 0, instanceId: Not(IsNull()) } });
    return rows.map((r) => ({ instanceId: r.instanceId!, subnetId: r.subnetId }));
  }

  async insertNatGateway(tx: Tx, row: NatGatewayEntity): Promise<void> {
    await tx.insert(NatGatewayEntity, { ...row });
  }

  async updateNatGateway(tx: Tx, id: string, change: Partial<NatGatewayEntity>): Promise<void> {
    await tx.update(NatGatewayEntity, { id }, change);
  }

  // ---- route tables ----

  findTable(m: Tx, tenantId: string, id: string): Promise<RouteTableEntity | null> {
    return m.findOneBy(RouteTableEntity, { tenantId, id });
  }

  tablesOf(m: Tx, tenantId: string): Promise<RouteTableEntity[]> {
    return m.find(RouteTableEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  /** The tenant's table holding this main association, if one does. */
  tableOfMainAssociation(m: Tx, tenantId: string, mainAssociationId: string): Promise<RouteTableEntity | null> {
    return m.findOneBy(RouteTableEntity, { tenantId, mainAssociationId });
  }

  /** Moves the VPC's main association to another table of it, under a new id. */
  async moveMainAssociation(tx: Tx, fromTableId: string, toTableId: string, newAssociationId: string): Promise<void> {
    await tx.update(RouteTableEntity, { id: fromTableId }, { mainAssociationId: null });
    await tx.update(RouteTableEntity, { id: toTableId }, { mainAssociationId: newAssociationId });
  }

  tablesOfVpc(m: Tx, vpcId: string): Promise<RouteTableEntity[]> {
    return m.find(RouteTableEntity, { where: { vpcId }, order: { id: 'ASC' } });
  }

  async insertTable(tx: Tx, row: RouteTableEntity): Promise<void> {
    await tx.insert(RouteTableEntity, { ...row });
  }

  /** A table with its routes (its associations must be gone). */
  async deleteTable(tx: Tx, id: string): Promise<void> {
    await tx.delete(RouteEntity, { routeTableId: id });
    await tx.delete(RouteTableEntity, { id });
  }

  routesOf(m: Tx, tableIds: readonly string[]): Promise<RouteEntity[]> {
    if (tableIds.length === 0) return Promise.resolve([]);
    return m.find(RouteEntity, { where: { routeTableId: In([...tableIds]) }, order: { createdAt: 'ASC', destinationCidrBlock: 'ASC' } });
  }

  findRoute(m: Tx, routeTableId: string, destinationCidrBlock: string): Promise<RouteEntity | null> {
    return m.findOneBy(RouteEntity, { routeTableId, destinationCidrBlock });
  }

  async insertRoute(tx: Tx, row: RouteEntity): Promise<void> {
    await tx.insert(RouteEntity, { ...row });
  }

  async setRouteGateway(tx: Tx, routeTableId: string, destinationCidrBlock: string, gatewayId: string): Promise<void> {
    await tx.update(RouteEntity, { routeTableId, destinationCidrBlock }, { gatewayId, origin: 'CreateRoute' });
  }

  async deleteRoute(tx: Tx, routeTableId: string, destinationCidrBlock: string): Promise<void> {
    await tx.delete(RouteEntity, { routeTableId, destinationCidrBlock });
  }

  // ---- associations ----

  associationsOf(m: Tx, tableIds: readonly string[]): Promise<RouteTableAssociationEntity[]> {
    if (tableIds.length === 0) return Promise.resolve([]);
    return m.find(RouteTableAssociationEntity, { where: { routeTableId: In([...tableIds]) }, order: { id: 'ASC' } });
  }

  findAssociation(m: Tx, tenantId: string, id: string): Promise<RouteTableAssociationEntity | null> {
    return m.findOneBy(RouteTableAssociationEntity, { tenantId, id });
  }

  associationOfSubnet(m: Tx, subnetId: string): Promise<RouteTableAssociationEntity | null> {
    return m.findOneBy(RouteTableAssociationEntity, { subnetId });
  }

  async insertAssociation(tx: Tx, row: RouteTableAssociationEntity): Promise<void> {
    await tx.insert(RouteTableAssociationEntity, { ...row });
  }

  async deleteAssociation(tx: Tx, id: string): Promise<void> {
    await tx.delete(RouteTableAssociationEntity, { id });
  }

  async deleteAssociationOfSubnet(tx: Tx, subnetId: string): Promise<void> {
    await tx.delete(RouteTableAssociationEntity, { subnetId });
  }
}
