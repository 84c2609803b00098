import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES } from '@nimbus/hypervisor';
import { Decimal } from 'decimal.js';
import { ApiError, idempotentMismatch, invalidParameter } from '../common/api-errors';
import { createdId } from '../common/ids';
import { requestHash as hashOf } from '../common/request-hash';
import { describe, DescribeQuery, IdKind, Page, requireWellFormed } from '../networking/describe-query';
import { FleetEntity, TenantEntity } from '../../persistence/entities';
import { FleetsRepository } from '../../persistence/fleets.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { InstancesService } from '../instances/instances.service';
import type { RunInstancesCommand } from '../instances/instances.commands';
import { validateTags } from '../instances/tags';
import { SpotMarket } from '../spot/spot-market';
import { allocateFleet, FleetAllocationStrategy, FleetPool } from './fleet-allocation';

export const FLEET_ID: IdKind = { prefix: 'fleet', notFound: 'InvalidFleetId.NotFound', malformed: 'InvalidFleetId.Malformed', noun: 'fleet ID' };

export type FleetLifecycle = 'on-demand' | 'spot';

/** One override of a launch template config: the launch it makes (the template's data under the override), and how it counts. */
export interface FleetOverride {
  /** RunInstances' launch of the template version with the override's type, subnet and zone (counts and market are the fleet's). */
  readonly launch: RunInstancesCommand;
  readonly weight: number;
  readonly priority?: number;
  /** The override's MaxPrice (Spot only), a decimal string. */
  readonly maxPrice?: string;
  /** EC2's launchTemplateAndOverrides, as the answer echoes it. */
  readonly echo: Readonly<Record<string, unknown>>;
}

/** CreateFleet of type `instant`, as the application takes it (docs/ec2.md, "EC2 Fleet"). */
export interface CreateFleetCommand {
  readonly overrides: readonly FleetOverride[];
  readonly totalTargetCapacity: number;
  readonly onDemandTargetCapacity?: number;
  readonly spotTargetCapacity?: number;
  readonly defaultTargetCapacityType: FleetLifecycle;
  readonly spotAllocationStrategy: FleetAllocationStrategy;
  readonly onDemandAllocationStrategy: FleetAllocationStrategy;
  readonly tags?: Readonly<Record<string, unknown>>;
  readonly clientToken?: string;
}

export interface FleetInstances {
  readonly launchTemplateAndOverrides: Readonly<Record<string, unknown>>;
  readonly lifecycle: FleetLifecycle;
  readonly instanceType: string;
  readonly instanceIds: string[];
}

export interface FleetError {
  readonly launchTemplateAndOverrides: Readonly<Record<string, unknown>>;
  readonly lifecycle: FleetLifecycle;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** What was asked of the capacity, as DescribeFleets answers it. */
export interface FleetTarget {
  readonly totalTargetCapacity: number;
  readonly onDemandTargetCapacity: number;
  readonly spotTargetCapacity: number;
  readonly defaultTargetCapacityType: FleetLifecycle;
  readonly fulfilledCapacity: number;
  readonly fulfilledOnDemandCapacity: number;
  readonly spotAllocationStrategy: string;
  readonly onDemandAllocationStrategy: string;
}

export interface FleetView {
  readonly fleetId: string;
  readonly type: string;
  readonly state: string;
  readonly createdAt: number;
  readonly target: FleetTarget;
  readonly instances: readonly FleetInstances[];
  readonly errors: readonly FleetError[];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The codes of a launch that could not be made for want of capacity, quota or price: an instant
 * fleet lists them per override (errorSet) and goes on with the other overrides. Each is thrown
 * before the launch writes anything (InstancesService.launchWith); any other error refuses the fleet.
 */
const LAUNCH_ERRORS = new Set(['InsufficientInstanceCapacity', 'VcpuLimitExceeded', 'SpotMaxPriceTooLow', 'InstanceLimitExceeded', 'MaxSpotInstanceCountExceeded']);

/** EC2's message for a launch that got fewer instances than it asked for room (InsufficientInstanceCapacity). */
const NO_CAPACITY = 'There is not enough capacity to fulfill your request.';

const viewOf = (r: FleetEntity): FleetView => ({
  fleetId: r.id, type: r.type, state: r.state, createdAt: r.createdAt, target: JSON.parse(r.request) as FleetTarget,
  instances: JSON.parse(r.instances) as FleetInstances[], errors: JSON.parse(r.errors) as FleetError[], tags: JSON.parse(r.tags) as Record<string, string>,
});

/**
 * EC2 Fleet, type `instant` (docs/ec2.md, "EC2 Fleet"; docs/model.md, "EC2 Fleet"): the target is
 * split into On-Demand and Spot capacity, each allocated over the overrides (fleet-allocation.ts),
 * and every instance is launched by RunInstances' own launch (InstancesService.launchIn): quotas,
 * placement, the Spot price and maximum, the one-time `sir-` requests and billing as for any launch.
 */
@Injectable()
export class FleetsService {
  constructor(
    private readonly repo: FleetsRepository,
    private readonly engine: EngineService,
    private readonly instances: InstancesService,
    private readonly market: SpotMarket,
  ) {}

  create(tenant: TenantEntity, cmd: CreateFleetCommand): Promise<FleetView> {
    const { clientToken, ...asked } = cmd;
    const requestHash = clientToken === undefined ? null : hashOf(asked);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    const total = cmd.totalTargetCapacity;
    // The capacity of each market: those asked, and the rest of the total in the default type (TargetCapacitySpecificationRequest).
    const onDemandAsked = Math.min(cmd.onDemandTargetCapacity ?? 0, total);
    const spotAsked = Math.min(cmd.spotTargetCapacity ?? 0, total - onDemandAsked);
    const rest = total - onDemandAsked - spotAsked;
    const onDemandTarget = onDemandAsked + (cmd.defaultTargetCapacityType === 'on-demand' ? rest : 0);
    const spotTarget = spotAsked + (cmd.defaultTargetCapacityType === 'spot' ? rest : 0);
    return this.engine.command(async (tx, e) => {
      const id = createdId('fleet', 'CreateFleet', tenant.id, clientToken);
      if (clientToken !== undefined) {
        const before = await this.repo.byClientToken(tx, tenant.id, clientToken);
        if (before) {
          if (before.requestHash !== requestHash) throw idempotentMismatch(clientToken);
          return viewOf(before);
        }
      }
      const fleetInstances: FleetInstances[] = [];
      const errors: FleetError[] = [];
      const fulfilled = { 'on-demand': 0, spot: 0 };
      for (const [lifecycle, target, strategy] of [['on-demand', onDemandTarget, cmd.onDemandAllocationStrategy], ['spot', spotTarget, cmd.spotAllocationStrategy]] as const) {
        if (target <= 0) continue;
        fulfilled[lifecycle] = await this.fill(tx, e, tenant, cmd, lifecycle, target, strategy, fleetInstances, errors);
      }
      const target: FleetTarget = {
        totalTargetCapacity: total, onDemandTargetCapacity: onDemandTarget, spotTargetCapacity: spotTarget, defaultTargetCapacityType: cmd.defaultTargetCapacityType,
        fulfilledCapacity: fulfilled['on-demand'] + fulfilled.spot, fulfilledOnDemandCapacity: fulfilled['on-demand'],
        spotAllocationStrategy: cmd.spotAllocationStrategy, onDemandAllocationStrategy: cmd.onDemandAllocationStrategy,
      };
      const row: FleetEntity = {
        id, tenantId: tenant.id, type: 'instant', state: 'active', clientToken: clientToken ?? null, requestHash, createdAt: e.now,
        request: JSON.stringify(target), instances: JSON.stringify(fleetInstances), errors: JSON.stringify(errors), tags: JSON.stringify(tags),
      };
      await this.repo.insert(tx, row);
      return viewOf(row);
    });
  }

  /**
   * One market's capacity: rounds of allocation over the overrides still open, each launched by
   * the launch of RunInstances; an override that launches fewer than asked (or none: capacity,
   * quota, price) is closed with its error, and the rest is allocated again among the others.
   * The capacity units launched.
   */
  private async fill(
    tx: Tx, e: EngineService, tenant: TenantEntity, cmd: CreateFleetCommand, lifecycle: FleetLifecycle, target: number, strategy: FleetAllocationStrategy,
    fleetInstances: FleetInstances[], errors: FleetError[],
  ): Promise<number> {
    const launches: RunInstancesCommand[] = [];
    const pools: FleetPool[] = [];
    const fail = (i: number, errorCode: string, errorMessage: string) => errors.push({ launchTemplateAndOverrides: cmd.overrides[i].echo, lifecycle, errorCode, errorMessage });
    for (const [i, o] of cmd.overrides.entries()) {
      const maxPrice = o.maxPrice;
      const { spot: _templateMarket, ...base } = o.launch;
      const launch: RunInstancesCommand = { ...base, ...(lifecycle === 'spot' ? { spot: { ...(maxPrice !== undefined ? { maxPrice } : {}), type: 'one-time' } } : {}) };
      // The launch's checks first (a dry run of it, which also finds the zone a subnet pins); a bad override refuses the fleet.
      const zone: { value?: string } = {};
      try {
        await this.instances.launchIn(tx, e, tenant, { ...launch, spot: undefined, minCount: 1, maxCount: 1 }, { dryRun: true, zone });
      } catch (err) {
        if (!LAUNCH_ERRORS.has((err as { code?: string }).code ?? '')) throw err;
        fail(i, (err as ApiError).code, (err as Error).message);
        continue;
      }
      const availabilityZone = zone.value ?? AVAILABILITY_ZONES[0];
      launches[i] = { ...launch, availabilityZone };
      const price: Decimal = lifecycle === 'spot' ? this.market.price(launch.instanceType, availabilityZone, e.now) : this.market.onDemandLinuxHourly(launch.instanceType, e.now);
      pools.push({ index: i, weight: o.weight, price, ...(o.priority !== undefined ? { priority: o.priority } : {}) });
    }
    let open = pools;
    let units = 0;
    while (units < target && open.length > 0) {
      const closed = new Set<number>();
      for (const [i, n] of allocateFleet(open, target - units, strategy)) {
        let got = 0;
        try {
          const r = await this.instances.launchIn(tx, e, tenant, { ...launches[i], minCount: 1, maxCount: n });
          const ids = r?.instances.map((d) => d.row.id) ?? [];
          got = ids.length;
          if (got > 0) {
            const entry = fleetInstances.find((f) => f.launchTemplateAndOverrides === cmd.overrides[i].echo && f.lifecycle === lifecycle);
            if (entry) entry.instanceIds.push(...ids);
            else fleetInstances.push({ launchTemplateAndOverrides: cmd.overrides[i].echo, lifecycle, instanceType: launches[i].instanceType, instanceIds: ids });
          }
          if (got < n) fail(i, 'InsufficientInstanceCapacity', NO_CAPACITY);
        } catch (err) {
          if (!LAUNCH_ERRORS.has((err as { code?: string }).code ?? '')) throw err;
          fail(i, (err as ApiError).code, (err as Error).message);
        }
        units += got * open.find((p) => p.index === i)!.weight;
        if (got < n) closed.add(i);
      }
      if (closed.size === 0) break;
      open = open.filter((p) => !closed.has(p.index));
    }
    return units;
  }

  /** DescribeFleets: the tenant's fleets (another tenant's id answers exactly as a missing one). */
  async describe(tenant: TenantEntity, q: DescribeQuery<FleetView>): Promise<Page<FleetView>> {
    const rows = await this.repo.of(this.repo.reader, tenant.id);
    return describe(rows.map(viewOf), (v) => v.fleetId, FLEET_ID, q);
  }

  /**
   * DeleteFleets of instant fleets: "For instant fleets, EC2 Fleet must terminate the instances when
   * the fleet is deleted" (API Reference, DeleteFleets): TerminateInstances=false is refused. Each
   * fleet's instances still there are terminated (TerminateInstances' own path), and it is `deleted`.
   * A missing, malformed or another tenant's id is answered in the unsuccessful set, as EC2 does.
   */
  async delete(tenant: TenantEntity, ids: readonly string[], terminateInstances: boolean): Promise<{ deleted: FleetView[]; unsuccessful: { fleetId: string; code: string; message: string }[] }> {
    if (ids.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter FleetId');
    if (ids.length > 25) throw invalidParameter('You can delete up to 25 instant fleets in a single request.');
    if (!terminateInstances) throw invalidParameter('NoTerminateInstances is not supported for instant fleets: an instant fleet\'s instances are terminated with it.');
    const deleted: FleetView[] = [];
    const unsuccessful: { fleetId: string; code: string; message: string }[] = [];
    for (const id of ids) {
      try {
        requireWellFormed(FLEET_ID, id);
      } catch {
        unsuccessful.push({ fleetId: id, code: 'fleetIdMalformed', message: `The fleet ID '${id.slice(0, 64)}' is malformed` });
        continue;
      }
      const row = await this.repo.find(this.repo.reader, tenant.id, id);
      if (!row) {
        unsuccessful.push({ fleetId: id, code: 'fleetIdDoesNotExist', message: `The fleet ID '${id}' does not exist` });
        continue;
      }
      const view = viewOf(row);
      const mine = new Set(view.instances.flatMap((f) => f.instanceIds));
      const live = (await this.instances.list(tenant, { tags: [], matches: (d) => mine.has(d.row.id) && d.row.state !== 'terminated' })).instances.map((d) => d.row.id);
      if (live.length > 0) await this.instances.terminateAll(tenant, live);
      await this.engine.command((tx) => this.repo.setState(tx, tenant.id, id, 'deleted'));
      deleted.push({ ...view, state: 'deleted' });
    }
    return { deleted, unsuccessful };
  }
}
