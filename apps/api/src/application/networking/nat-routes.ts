import { Injectable } from '@nestjs/common';
import { EngineService } from '../../engine/engine.service';
import type { NatGatewayEntity } from '../../persistence/entities';
import { NatRoutingRows, RoutingRepository } from '../../persistence/routing.repository';
import type { Tx } from '../../persistence/tx';
import type { NatAttribution } from '../../persistence/usage-writer';
import { NAT_GATEWAY_ID, natGatewayState } from './nat-gateways';
import { DEFAULT_ROUTE } from './routing';

type NatGatewayTimes = Pick<NatGatewayEntity, 'id' | 'readyAt' | 'failureCode' | 'deleteRequestedAt' | 'deletedAt'>;

/**
 * The rule (docs/model.md §5, "NAT gateways"): a subnet's internet-bound bytes go through the NAT
 * gateway its route table sends 0.0.0.0/0 to, the table being the subnet's explicit association,
 * else its VPC's main table. The simulated internet has no addresses, so the default route is the
 * one that covers it (a more specific route to part of the internet is not looked at). A route to
 * an internet gateway, or none: no NAT gateway. A gateway that failed never processes anything.
 */
export function natGatewaysBySubnet(rows: NatRoutingRows): Map<string, NatGatewayTimes> {
  const gateways = new Map(rows.gateways.map((g) => [g.id, g]));
  const natOfTable = new Map(rows.routes.map((r) => [r.routeTableId, gateways.get(r.gatewayId)]));
  const mainOfVpc = new Map(rows.tables.filter((t) => t.mainAssociationId !== null).map((t) => [t.vpcId, t.id]));
  const explicit = new Map(rows.associations.map((a) => [a.subnetId, a.routeTableId]));
  const out = new Map<string, NatGatewayTimes>();
  for (const s of rows.subnets) {
    const table = explicit.get(s.id) ?? mainOfVpc.get(s.vpcId);
    const g = table === undefined ? undefined : natOfTable.get(table);
    if (g !== undefined && g.failureCode === null) out.set(s.id, g);
  }
  return out;
}

/**
 * The gateway processes bytes read at `time` only if it was available then: natGatewayState at
 * that time, except that a gateway deleted since was still available before its deletion was
 * asked (natGatewayState answers for now, when it is deleting from the start).
 */
export function natGatewayProcessingAt(g: NatGatewayTimes, time: number): string | undefined {
  const before = g.deleteRequestedAt !== null && time < g.deleteRequestedAt ? { ...g, deleteRequestedAt: null, deletedAt: null } : g;
  return natGatewayState(before, time) === 'available' ? g.id : undefined;
}

/**
 * Which NAT gateway processes each instance's internet-bound bytes, for the usage writer (the
 * meter in libs/simulation knows no subnets or routes, and must not). Why here, and cached: the
 * write path meters on every commit that has readings, and must read nothing more for them;
 * routing changes are rare. So the instances behind a NAT route are kept in memory — usually none,
 * and then an instance costs one missed map lookup — and forgotten by every command that could
 * change them; the next write reads them again (natRouting: one statement when no route goes to a
 * NAT gateway). A gateway's own states follow the clock (pending → available), so they are
 * decided at each reading's time, not cached.
 *
 * Readings are taken at a UTC midnight, at a stop and for an estimate, not at every change of
 * route: so a command that changes routing (a route created, replaced or deleted, a table
 * associated, disassociated or replaced, a gateway deleted) first reads the counters of the
 * instances of its VPC, each reading carrying the gateway that served it until then
 * (`changing`). Bytes are thus billed as they were routed when they were sent, to the command.
 *
 * Only what a committed (or committing) group wrote is kept: a command forgets when it runs and
 * again if it or its group fails (engine.onAbort), and the write path, which reads in the group's
 * transaction after its commands, is the only one that fills it.
 */
@Injectable()
export class NatRoutes implements NatAttribution {
  /** Instance id → the gateway its subnet routes the internet to; undefined: not known (read at the next write). */
  private byInstance: Map<string, NatGatewayTimes> | undefined;
  /** The VPCs with a route to a NAT gateway (a launch there may add an instance behind one). */
  private vpcs = new Set<string>();

  constructor(
    private readonly repo: RoutingRepository,
    private readonly engine: EngineService,
  ) {
    engine.usage.natAttribution = this;
  }

  /** For the write path, in its transaction. */
  async instances(tx: Tx): Promise<(instanceId: string) => ((time: number) => string | undefined) | undefined> {
    const byInstance = this.byInstance ?? (this.byInstance = await this.read(tx, true));
    if (byInstance.size === 0) return () => undefined;
    return (instanceId) => {
      const g = byInstance.get(instanceId);
      return g === undefined ? undefined : (time) => natGatewayProcessingAt(g, time);
    };
  }

  /** For an estimate (a read, outside the write path): the gateway of a VM's bytes now, from what is known, or the committed state (not kept). */
  async now(): Promise<(vmId: string, time: number) => string | undefined> {
    const byInstance = this.byInstance ?? (await this.read(this.repo.reader, false));
    return (vmId, time) => {
      const g = byInstance.get(vmId);
      return g === undefined ? undefined : natGatewayProcessingAt(g, time);
    };
  }

  /**
   * Inside a command, before it changes routes, associations or a gateway of these VPCs: their
   * instances' counters are read now as routed until now, and what is known is forgotten (again
   * if the command or its group fails).
   */
  async changing(tx: Tx, vpcIds: readonly string[]): Promise<void> {
    const byInstance = this.byInstance ?? (await this.read(tx, false));
    const now = this.engine.now;
    const instances = await this.repo.primaryInterfacesIn(tx, 'vpcId', vpcIds);
    this.engine.world.meterNow(instances.map(({ instanceId }) => {
      const g = byInstance.get(instanceId);
      return { vmId: instanceId, natGatewayId: (g && natGatewayProcessingAt(g, now)) ?? null };
    }));
    this.forget();
    this.engine.onAbort(() => this.forget());
  }

  /** Inside a launch: instances just given interfaces in these VPCs (`unknown`: an existing interface, whose VPC is not at hand). */
  launched(vpcIds: Iterable<string>, unknown = false): void {
    if (this.byInstance === undefined) return;
    if (unknown || [...vpcIds].some((v) => this.vpcs.has(v))) {
      this.forget();
      this.engine.onAbort(() => this.forget());
    }
  }

  private forget(): void {
    this.byInstance = undefined;
    this.vpcs = new Set();
  }

  private async read(m: Tx, keep: boolean): Promise<Map<string, NatGatewayTimes>> {
    const rows = await this.repo.natRouting(m, DEFAULT_ROUTE, `${NAT_GATEWAY_ID.prefix}-`);
    const bySubnet = natGatewaysBySubnet(rows);
    const byInstance = new Map<string, NatGatewayTimes>();
    for (const { instanceId, subnetId } of await this.repo.primaryInterfacesIn(m, 'subnetId', [...bySubnet.keys()])) byInstance.set(instanceId, bySubnet.get(subnetId)!);
    if (keep) this.vpcs = new Set(rows.tables.map((t) => t.vpcId));
    return byInstance;
  }
}
