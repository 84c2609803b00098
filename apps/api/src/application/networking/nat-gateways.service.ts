import { Injectable } from '@nestjs/common';
import { ApiError, idempotentMismatch } from '../common/api-errors';
import { createdId, resourceId } from '../common/ids';
import { NatGatewayEntity, TenantEntity } from '../../persistence/entities';
import { NetworkingRepository } from '../../persistence/networking.repository';
import { RoutingRepository } from '../../persistence/routing.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { describe, DescribeQuery, Page, requireWellFormed } from './describe-query';
import { requireElasticIp } from './elastic-ips.service';
import {
  ConnectivityType, NAT_GATEWAY_DELETING_MS, NAT_GATEWAY_ID, NAT_GATEWAY_PENDING_MS, NAT_INTERFACE_ORIGIN, natGatewayNotFound, natGatewayState, NatGatewayState,
  natGatewayVisible, natInterfaceDescription, NO_FREE_ADDRESS, publicFailure, requireAllocationFor,
} from './nat-gateways';
import { NatRoutes } from './nat-routes';
import { NetworkingService } from './networking.service';

export interface CreateNatGatewayCommand {
  readonly subnetId: string;
  readonly connectivityType: ConnectivityType;
  readonly allocationId?: string;
  readonly privateIpAddress?: string;
  readonly clientToken?: string;
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** A NAT gateway as Describe shows it, in its state at the engine's now. */
export interface NatGatewayView {
  readonly gateway: NatGatewayEntity;
  readonly state: NatGatewayState;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * NAT gateways (EC2's CreateNatGateway, DescribeNatGateways, DeleteNatGateway; docs/ec2-networking.md,
 * "NAT gateways"; the rules in nat-gateways.ts). A gateway holds an interface of its subnet (origin
 * `nat_gateway`, its address taken as any interface's) and, public, the tenant's Elastic IP
 * associated with it (billed in use by the public-ipv4 rule) while it is pending or available; its
 * hours are a `nat-gateway` usage interval from creation to DeleteNatGateway. Every change is an
 * engine command; another tenant's gateway, subnet or Elastic IP is as a missing one.
 */
@Injectable()
export class NatGatewaysService {
  constructor(
    private readonly routing: RoutingRepository,
    private readonly addresses: NetworkingRepository,
    private readonly networking: NetworkingService,
    private readonly engine: EngineService,
    private readonly natRoutes: NatRoutes,
  ) {}

  /** DryRun's check: the subnet (and the Elastic IP) are the tenant's. */
  async check(tenant: TenantEntity, cmd: CreateNatGatewayCommand): Promise<void> {
    requireAllocationFor(cmd.connectivityType, cmd.allocationId);
    const m = this.routing.reader;
    await this.networking.requireSubnet(m, tenant.id, cmd.subnetId);
    if (cmd.allocationId !== undefined) await this.requireElasticIp(m, tenant.id, cmd.allocationId);
  }

  /**
   * CreateNatGateway: pending for NAT_GATEWAY_PENDING_MS, then available, or failed where EC2 fails
   * it (a public gateway in a VPC with no internet gateway attached, or its Elastic IP already
   * associated, or a subnet with no free address): a failed gateway takes no interface, no Elastic
   * IP and is not billed. A client token names the gateway, so a retry answers the gateway it made;
   * the same token with other parameters is IdempotentParameterMismatch.
   */
  create(tenant: TenantEntity, cmd: CreateNatGatewayCommand): Promise<NatGatewayView> {
    requireAllocationFor(cmd.connectivityType, cmd.allocationId);
    const tags = this.networking.validTags(cmd.tags);
    return this.engine.command(async (tx, e) => {
      await this.networking.ensureDefaultVpc(tx, tenant.id);
      const subnet = await this.networking.requireSubnet(tx, tenant.id, cmd.subnetId);
      const eip = cmd.allocationId !== undefined ? await this.requireElasticIp(tx, tenant.id, cmd.allocationId) : undefined;
      const id = createdId('nat', 'CreateNatGateway', tenant.id, cmd.clientToken);
      if (cmd.clientToken !== undefined) {
        const previous = await this.routing.findNatGateway(tx, tenant.id, id);
        if (previous) {
          const same = previous.subnetId === subnet.id && previous.connectivityType === cmd.connectivityType && previous.allocationId === (cmd.allocationId ?? null)
            && (cmd.privateIpAddress === undefined || previous.privateIp === cmd.privateIpAddress);
          if (!same) throw idempotentMismatch(cmd.clientToken);
          return (await this.views(tx, [previous], e.now))[0];
        }
      }
      let failure = eip ? publicFailure(subnet.vpcId, (await this.routing.gatewayOfVpc(tx, subnet.vpcId)) !== null, eip.allocationId!, eip.associationId !== null) : undefined;
      let eni: { id: string; privateIpAddress: string } | undefined;
      if (!failure) {
        try {
          eni = await this.networking.createManagedInterface(tx, tenant.id, subnet, { privateIpAddress: cmd.privateIpAddress, description: natInterfaceDescription(id), origin: NAT_INTERFACE_ORIGIN }, e.now);
        } catch (err) {
          // A subnet with no free address fails the gateway (EC2's failureCode); an address asked that cannot be had is the request's error.
          if (!(err instanceof ApiError) || err.code !== 'InsufficientFreeAddressesInSubnet' || cmd.privateIpAddress !== undefined) throw err;
          failure = NO_FREE_ADDRESS;
        }
      }
      if (eni && eip) await this.addresses.associateElasticIp(tx, eip, { networkInterfaceId: eni.id, privateIpAddress: eni.privateIpAddress, associationId: resourceId('eipassoc') }, e.now);
      const row: NatGatewayEntity = {
        id, tenantId: tenant.id, vpcId: subnet.vpcId, subnetId: subnet.id, connectivityType: cmd.connectivityType, allocationId: eip?.allocationId ?? null,
        publicIp: eip?.publicIp ?? null, networkInterfaceId: eni?.id ?? null, privateIp: eni?.privateIpAddress ?? null,
        failureCode: failure?.code ?? null, failureMessage: failure?.message ?? null, createdAt: e.now, readyAt: e.now + NAT_GATEWAY_PENDING_MS, deleteRequestedAt: null, deletedAt: null,
      };
      await this.routing.insertNatGateway(tx, row);
      await this.networking.saveTags(tx, tenant.id, id, tags);
      if (!failure) await e.usage.openNatGateway(tx, { natGatewayId: id, tenantId: tenant.id, startMs: e.now });
      return { gateway: row, state: natGatewayState(row, e.now), tags };
    });
  }

  /** DescribeNatGateways: the tenant's gateways still shown (natGatewayVisible); each id named must be one (NatGatewayNotFound). */
  async describe(tenant: TenantEntity, q: DescribeQuery<NatGatewayView>): Promise<Page<NatGatewayView>> {
    const m = this.routing.reader;
    const now = this.engine.now;
    const rows = (await this.routing.natGatewaysOf(m, tenant.id)).filter((g) => natGatewayVisible(g, now));
    const shown = new Set(rows.map((g) => g.id));
    for (const id of q.ids ?? []) {
      requireWellFormed(NAT_GATEWAY_ID, id);
      if (!shown.has(id)) throw natGatewayNotFound(id);
    }
    return describe(await this.views(m, rows, now), (v) => v.gateway.id, NAT_GATEWAY_ID, q);
  }

  /**
   * DeleteNatGateway: deleting for NAT_GATEWAY_DELETING_MS, then deleted. Its hours end now; its
   * interface goes and its Elastic IP is disassociated (still the tenant's, idle). Routes to it
   * become blackholes. Asked again while deleting, it answers the same; a deleted one is not found.
   */
  delete(tenant: TenantEntity, natGatewayId: string): Promise<string> {
    return this.engine.command(async (tx, e) => {
      requireWellFormed(NAT_GATEWAY_ID, natGatewayId);
      const g = await this.routing.findNatGateway(tx, tenant.id, natGatewayId);
      if (!g || !natGatewayVisible(g, e.now) || natGatewayState(g, e.now) === 'deleted') throw natGatewayNotFound(natGatewayId);
      if (g.deleteRequestedAt !== null) return g.id;
      // Its instances' bytes until now were its to process; from now, none are.
      await this.natRoutes.changing(tx, [g.vpcId]);
      if (g.failureCode === null) await e.usage.closeNatGateway(tx, g.id, e.now);
      if (g.networkInterfaceId !== null) await this.networking.deleteManagedInterface(tx, { id: g.networkInterfaceId, subnetId: g.subnetId }, e.now);
      await this.routing.updateNatGateway(tx, g.id, { deleteRequestedAt: e.now, deletedAt: e.now + NAT_GATEWAY_DELETING_MS });
      return g.id;
    });
  }

  /** DryRun's check for DeleteNatGateway. */
  async requireGateway(tenant: TenantEntity, natGatewayId: string): Promise<void> {
    requireWellFormed(NAT_GATEWAY_ID, natGatewayId);
    const g = await this.routing.findNatGateway(this.routing.reader, tenant.id, natGatewayId);
    if (!g || !natGatewayVisible(g, this.engine.now)) throw natGatewayNotFound(natGatewayId);
  }

  private requireElasticIp(m: Tx, tenantId: string, allocationId: string) {
    return requireElasticIp(this.addresses, m, tenantId, allocationId);
  }

  private async views(m: Tx, rows: readonly NatGatewayEntity[], now: number): Promise<NatGatewayView[]> {
    const tags = await this.networking.tagsOf(m, rows.map((r) => r.id));
    return rows.map((gateway) => ({ gateway, state: natGatewayState(gateway, now), tags: tags.get(gateway.id) ?? {} }));
  }
}
