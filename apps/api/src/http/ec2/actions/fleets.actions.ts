import { Injectable } from '@nestjs/common';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { CatalogService } from '../../../application/catalog/catalog.service';
import { ON_DEMAND_ALLOCATION_STRATEGIES, SPOT_ALLOCATION_STRATEGIES, FleetAllocationStrategy } from '../../../application/fleets/fleet-allocation';
import { FleetError, FleetInstances, FleetOverride, FleetsService, FleetView } from '../../../application/fleets/fleets.service';
import { LaunchTemplatesService } from '../../../application/launch-templates/launch-templates.service';
import { Ec2Actions, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { unsupported } from '../ec2-errors';
import { ec2Time } from '../ec2-xml';
import { launchFromTemplate, spotPriceParam } from './instances.actions';
import { matcher, page, tagSet } from './networking.actions';

/** A value among EC2's, or InvalidParameterValue naming the parameter and the values. */
function oneOf<T extends string>(v: string | undefined, name: string, values: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!(values as readonly string[]).includes(v)) throw invalidParameter(`Value (${v.slice(0, 64)}) for parameter ${name} is invalid. It must be one of: ${values.join(', ')}.`);
  return v as T;
}

/** Tags of a TagSpecification.N of `resourceType` (CreateFleet tags `fleet` and `instance`). */
function tagsOf(specs: readonly Ec2Params[], resourceType: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs) if (s.required('ResourceType') === resourceType) for (const t of s.structs('Tag')) out[t.required('Key')] = t.string('Value') ?? '';
  return out;
}

const fleetInstanceXml = (f: FleetInstances) => ({
  launchTemplateAndOverrides: f.launchTemplateAndOverrides, lifecycle: f.lifecycle, instanceIds: items(f.instanceIds), instanceType: f.instanceType,
});
const fleetErrorXml = (f: FleetError) => ({ launchTemplateAndOverrides: f.launchTemplateAndOverrides, lifecycle: f.lifecycle, errorCode: f.errorCode, errorMessage: f.errorMessage });

/** An EC2 FleetData (DescribeFleets). */
const fleetXml = (v: FleetView) => ({
  fleetId: v.fleetId, fleetState: v.state, type: v.type, createTime: ec2Time(v.createdAt),
  // An instant fleet's activity: fulfilled when its target was met, else error (DescribeFleets' activity-status values).
  activityStatus: v.target.fulfilledCapacity >= v.target.totalTargetCapacity ? 'fulfilled' : 'error',
  fulfilledCapacity: v.target.fulfilledCapacity, fulfilledOnDemandCapacity: v.target.fulfilledOnDemandCapacity,
  targetCapacitySpecification: {
    totalTargetCapacity: v.target.totalTargetCapacity, onDemandTargetCapacity: v.target.onDemandTargetCapacity, spotTargetCapacity: v.target.spotTargetCapacity,
    defaultTargetCapacityType: v.target.defaultTargetCapacityType, targetCapacityUnitType: 'units',
  },
  spotOptions: { allocationStrategy: v.target.spotAllocationStrategy },
  onDemandOptions: { allocationStrategy: v.target.onDemandAllocationStrategy },
  fleetInstanceSet: items(v.instances.map(fleetInstanceXml)), errorSet: items(v.errors.map(fleetErrorXml)), tagSet: tagSet(v.tags),
});

/**
 * EC2 Fleet (docs/ec2.md, "EC2 Fleet"): CreateFleet of type `instant` (`request` and `maintain`
 * refused), DescribeFleets, DeleteFleets. Each override's launch is the launch template version's
 * under the override, read as RunInstances reads a launch (launchFromTemplate).
 */
@Injectable()
export class FleetsEc2Actions implements Ec2ActionSource {
  constructor(
    private readonly fleets: FleetsService,
    private readonly launchTemplates: LaunchTemplatesService,
    private readonly catalog: CatalogService,
  ) {}

  private readonly typeOf = (name: string) => this.catalog.instanceType(name)?.type;

  /** LaunchTemplateConfigs.N: each override (or the template alone) as its launch. */
  private async overrides(ctx: Parameters<Ec2Actions[string]['handler']>[0], p: Ec2Params, instanceTags: Record<string, string>): Promise<FleetOverride[]> {
    const configs = p.structs('LaunchTemplateConfigs');
    if (configs.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter LaunchTemplateConfigs');
    const out: FleetOverride[] = [];
    for (const c of configs) {
      const spec = c.struct('LaunchTemplateSpecification');
      if (!spec) throw new ApiError('MissingParameter', 'The request must contain the parameter LaunchTemplateConfigs.N.LaunchTemplateSpecification');
      const overrides = c.structs('Overrides');
      for (const o of overrides.length > 0 ? overrides : [undefined]) {
        for (const f of o?.fields() ?? []) if (!['InstanceType', 'SubnetId', 'AvailabilityZone', 'MaxPrice', 'Priority', 'WeightedCapacity'].includes(f)) throw unsupported(`the override LaunchTemplateConfigs.N.Overrides.N.${f.slice(0, 64)}`);
        const request: Record<string, string> = { MinCount: '1', MaxCount: '1' };
        const type = o?.string('InstanceType');
        const subnet = o?.string('SubnetId');
        const zone = o?.string('AvailabilityZone');
        if (type) request.InstanceType = type;
        if (subnet) request.SubnetId = subnet;
        if (zone) request['Placement.AvailabilityZone'] = zone;
        Object.entries(instanceTags).forEach(([k, v], i) => {
          request['TagSpecification.1.ResourceType'] = 'instance';
          request[`TagSpecification.1.Tag.${i + 1}.Key`] = k;
          request[`TagSpecification.1.Tag.${i + 1}.Value`] = v;
        });
        const launch = await launchFromTemplate(this.launchTemplates, this.typeOf, ctx.tenant, spec, request);
        const maxPrice = o?.string('MaxPrice');
        const weight = o?.string('WeightedCapacity');
        const weighted = weight === undefined ? 1 : Number(weight);
        if (!Number.isFinite(weighted) || weighted <= 0) throw invalidParameter(`Value (${weight!.slice(0, 32)}) for parameter WeightedCapacity is invalid. It must be a positive number.`);
        const priority = o?.string('Priority');
        const prio = priority === undefined ? undefined : Number(priority);
        if (prio !== undefined && !Number.isFinite(prio)) throw invalidParameter(`Value (${priority!.slice(0, 32)}) for parameter Priority is invalid.`);
        out.push({
          launch, weight: weighted, ...(prio !== undefined ? { priority: prio } : {}), ...(maxPrice !== undefined ? { maxPrice: spotPriceParam(maxPrice, 'MaxPrice') } : {}),
          echo: {
            launchTemplateSpecification: { launchTemplateId: launch.launchTemplate!.id, version: String(launch.launchTemplate!.version) },
            overrides: { instanceType: launch.instanceType, subnetId: subnet, availabilityZone: zone, maxPrice, priority, weightedCapacity: weight },
          },
        });
      }
    }
    return out;
  }

  readonly actions: Ec2Actions = {
    CreateFleet: {
      operation: 'CreateFleet',
      params: ['Type', 'LaunchTemplateConfigs', 'TargetCapacitySpecification', 'SpotOptions', 'OnDemandOptions', 'TagSpecification', 'ClientToken',
        'ExcessCapacityTerminationPolicy', 'TerminateInstancesWithExpiration', 'ValidFrom', 'ValidUntil', 'ReplaceUnhealthyInstances', 'Context'],
      handler: async (ctx, p) => {
        const type = p.string('Type') ?? 'maintain';
        if (type === 'request' || type === 'maintain') throw unsupported(`EC2 Fleet of type '${type}' (Nimbus runs fleets of type 'instant' only)`);
        if (type !== 'instant') throw invalidParameter(`Value (${type.slice(0, 32)}) for parameter Type is invalid. It must be one of: request, maintain, instant.`);
        for (const f of ['ExcessCapacityTerminationPolicy', 'TerminateInstancesWithExpiration', 'ValidFrom', 'ValidUntil', 'ReplaceUnhealthyInstances', 'Context'])
          if (p.has(f)) throw unsupported(`the parameter ${f} (for instant fleets)`);
        const target = p.struct('TargetCapacitySpecification');
        if (!target) throw new ApiError('MissingParameter', 'The request must contain the parameter TargetCapacitySpecification');
        const unit = target.string('TargetCapacityUnitType');
        if (unit !== undefined && unit !== 'units') throw unsupported(`TargetCapacityUnitType '${unit.slice(0, 32)}' (units only)`);
        const spot = p.struct('SpotOptions');
        const onDemand = p.struct('OnDemandOptions');
        for (const f of spot?.fields() ?? []) if (f !== 'AllocationStrategy') throw unsupported(`SpotOptions.${f.slice(0, 64)}`);
        for (const f of onDemand?.fields() ?? []) if (f !== 'AllocationStrategy') throw unsupported(`OnDemandOptions.${f.slice(0, 64)}`);
        const specs = p.structs('TagSpecification');
        for (const s of specs) {
          const r = s.required('ResourceType');
          if (r !== 'fleet' && r !== 'instance') throw invalidParameter(`Value (${r.slice(0, 40)}) for parameter TagSpecification.ResourceType is invalid. It must be fleet or instance.`);
        }
        const spotTarget = target.int('SpotTargetCapacity', { min: 0 });
        const onDemandTarget = target.int('OnDemandTargetCapacity', { min: 0 });
        const clientToken = p.string('ClientToken');
        const view = await this.fleets.create(ctx.tenant, {
          overrides: await this.overrides(ctx, p, tagsOf(specs, 'instance')),
          totalTargetCapacity: target.int('TotalTargetCapacity', { min: 1 }) ?? (() => { throw new ApiError('MissingParameter', 'The request must contain the parameter TargetCapacitySpecification.TotalTargetCapacity'); })(),
          ...(spotTarget !== undefined ? { spotTargetCapacity: spotTarget } : {}), ...(onDemandTarget !== undefined ? { onDemandTargetCapacity: onDemandTarget } : {}),
          // "DefaultTargetCapacityType: ... on-demand | spot" (TargetCapacitySpecificationRequest); EC2's default for an instant fleet is on-demand.
          defaultTargetCapacityType: oneOf(target.string('DefaultTargetCapacityType'), 'DefaultTargetCapacityType', ['on-demand', 'spot'] as const, 'on-demand'),
          spotAllocationStrategy: oneOf<FleetAllocationStrategy>(spot?.string('AllocationStrategy'), 'SpotOptions.AllocationStrategy', SPOT_ALLOCATION_STRATEGIES, 'lowest-price'),
          onDemandAllocationStrategy: oneOf<FleetAllocationStrategy>(onDemand?.string('AllocationStrategy'), 'OnDemandOptions.AllocationStrategy', ON_DEMAND_ALLOCATION_STRATEGIES, 'lowest-price'),
          tags: tagsOf(specs, 'fleet'),
          ...(clientToken ? { clientToken } : {}),
        });
        return { fleetId: view.fleetId, errorSet: items(view.errors.map(fleetErrorXml)), fleetInstanceSet: items(view.instances.map(fleetInstanceXml)) };
      },
    },
    DescribeFleets: {
      operation: 'DescribeFleets',
      params: ['FleetId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.fleets.describe(ctx.tenant, {
          ids: p.list('FleetId'),
          match: matcher<FleetView>(p, { 'fleet-state': (v) => v.state, type: (v) => v.type, 'activity-status': (v) => fleetXml(v).activityStatus }),
          ...page(p, { min: 1, max: 1000 }),
        });
        return { fleetSet: items(r.items.map(fleetXml)), nextToken: r.nextToken };
      },
    },
    DeleteFleets: {
      operation: 'DeleteFleets',
      params: ['FleetId', 'TerminateInstances'],
      handler: async (ctx, p) => {
        const terminate = p.bool('TerminateInstances');
        if (terminate === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter TerminateInstances');
        const r = await this.fleets.delete(ctx.tenant, p.list('FleetId'), terminate);
        return {
          successfulFleetDeletionSet: items(r.deleted.map((v) => ({ currentFleetState: 'deleted_terminating', previousFleetState: 'active', fleetId: v.fleetId }))),
          unsuccessfulFleetDeletionSet: items(r.unsuccessful.map((u) => ({ error: { code: u.code, message: u.message }, fleetId: u.fleetId }))),
        };
      },
    },
  };
}
