import { Injectable } from '@nestjs/common';
import { REGION } from '@nimbus/hypervisor';
import { PlacementStrategy } from '@nimbus/scheduler';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { DedicatedHostsService, DedicatedHostView } from '../../../application/placement/dedicated-hosts.service';
import { PlacementGroupsService } from '../../../application/placement/placement-groups.service';
import { tagsOf } from '../../../application/tags/row-tags';
import { PlacementGroupEntity } from '../../../persistence/entities';
import { Ec2Actions, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { eachWithOutcome, unsupported } from '../ec2-errors';
import { filterMatcher } from '../ec2-filters';
import { pageOf, refuseMaxResultsWithIds } from '../ec2-pages';
import { tagSet, tagSpecs } from './networking.actions';
import { ec2Time } from '../ec2-xml';


/** A placement group's ARN (EC2's `arn:aws:ec2:<region>:<account>:placement-group/<name>`), shown and read by the `group-arn` filter. */
const groupArn = (g: PlacementGroupEntity, accountId: string) => `arn:aws:ec2:${REGION}:${accountId}:placement-group/${g.name}`;
/** A spread group's level: `rack`, the only one Nimbus simulates (host-level spread is for Outposts); other strategies have none. */
const spreadLevel = (g: PlacementGroupEntity) => (g.strategy === 'spread' ? 'rack' : undefined);

function groupXml(g: PlacementGroupEntity, accountId: string) {
  return {
    groupName: g.name, state: 'available', strategy: g.strategy, partitionCount: g.partitionCount ?? undefined, groupId: g.id, tagSet: tagSet(tagsOf(g)),
    groupArn: groupArn(g, accountId), spreadLevel: spreadLevel(g),
  };
}

function hostXml(h: DedicatedHostView, ownerId: string) {
  const a = h.allocation;
  return {
    autoPlacement: a.autoPlacement ? 'on' : 'off',
    availabilityZone: h.availabilityZone,
    availableCapacity: { availableVCpus: h.availableVCpus },
    hostId: a.hostId,
    hostProperties: { cores: h.cores, instanceType: a.instanceType ?? undefined, instanceFamily: a.instanceFamily, sockets: h.sockets, totalVCpus: h.totalVCpus },
    instances: items(h.instances.map((i) => ({ instanceId: i.instanceId, instanceType: i.instanceType, ownerId }))),
    state: h.failed ? 'under-assessment' : 'available',
    allocationTime: ec2Time(a.allocatedAt),
    hostRecovery: 'off',
    allowsMultipleInstanceTypes: a.instanceType ? 'off' : 'on',
    ownerId,
    memberOfServiceLinkedResourceGroup: false,
    tagSet: tagSet(tagsOf(a)),
  };
}

/** Placement groups and Dedicated Hosts (PlacementGroupsService, DedicatedHostsService). */
@Injectable()
export class PlacementEc2Actions implements Ec2ActionSource {
  constructor(
    private readonly groups: PlacementGroupsService,
    private readonly hosts: DedicatedHostsService,
  ) {}

  readonly actions: Ec2Actions = {
    CreatePlacementGroup: {
      operation: 'CreatePlacementGroup',
      params: ['GroupName', 'Strategy', 'PartitionCount', 'SpreadLevel', 'TagSpecification'],
      handler: async (ctx, p) => {
        if (p.string('SpreadLevel') && p.string('SpreadLevel') !== 'rack') throw unsupported(`SpreadLevel '${p.string('SpreadLevel')}' (only rack)`);
        const g = await this.groups.create(ctx.tenant, {
          groupName: p.required('GroupName'), strategy: p.required('Strategy') as PlacementStrategy, partitionCount: p.int('PartitionCount', { min: 1 }), tags: tagSpecs(p, 'placement-group'),
        });
        return { placementGroup: groupXml(g, ctx.accountId) };
      },
    },
    DescribePlacementGroups: {
      operation: 'DescribePlacementGroups',
      params: ['GroupName', 'GroupId', 'Filter'],
      handler: async (ctx, p) => {
        const names = p.list('GroupName');
        const ids = p.list('GroupId');
        const all = await this.groups.list(ctx.tenant);
        for (const n of names) if (!all.some((g) => g.name === n)) throw new ApiError('InvalidPlacementGroup.Unknown', `The Placement Group '${n}' is unknown.`);
        for (const n of ids) if (!all.some((g) => g.id === n)) throw new ApiError('InvalidPlacementGroup.Unknown', `The Placement Group '${n}' is unknown.`);
        const match = filterMatcher(p.filters(), {
          'group-name': (g: PlacementGroupEntity) => g.name, 'group-id': (g) => g.id, strategy: (g) => g.strategy, state: () => 'available',
          'partition-count': (g) => (g.partitionCount !== null ? String(g.partitionCount) : undefined),
          'group-arn': (g) => groupArn(g, ctx.accountId), 'spread-level': spreadLevel,
          'tag-key': (g) => Object.keys(tagsOf(g)), 'tag-value': (g) => Object.values(tagsOf(g)),
        }, tagsOf);
        const list = all.filter((g) => (names.length === 0 || names.includes(g.name)) && (ids.length === 0 || ids.includes(g.id)) && match(g));
        return { placementGroupSet: items(list.map((g) => groupXml(g, ctx.accountId))) };
      },
    },
    DeletePlacementGroup: {
      operation: 'DeletePlacementGroup',
      params: ['GroupName'],
      handler: async (ctx, p) => {
        await this.groups.delete(ctx.tenant, p.required('GroupName'));
        return { return: true };
      },
    },
    AllocateHosts: {
      operation: 'AllocateHosts',
      params: ['AvailabilityZone', 'InstanceType', 'InstanceFamily', 'Quantity', 'AutoPlacement', 'ClientToken', 'HostRecovery', 'TagSpecification'],
      handler: async (ctx, p) => {
        const auto = p.string('AutoPlacement') ?? 'on';
        if (auto !== 'on' && auto !== 'off') throw invalidParameter(`Value (${auto}) for parameter AutoPlacement is invalid. It must be on or off.`);
        if (p.string('HostRecovery') === 'on') throw unsupported('host recovery (HostRecovery=on)');
        const hosts = await this.hosts.allocate(ctx.tenant, {
          tags: tagSpecs(p, 'dedicated-host'),
          availabilityZone: p.required('AvailabilityZone'), quantity: p.int('Quantity', { min: 1 }) ?? 1, autoPlacement: auto === 'on',
          ...(p.string('InstanceType') ? { instanceType: p.string('InstanceType') } : {}),
          ...(p.string('InstanceFamily') ? { instanceFamily: p.string('InstanceFamily') } : {}),
        });
        return { hostIdSet: items(hosts.map((h) => h.allocation.hostId)) };
      },
    },
    DescribeHosts: {
      operation: 'DescribeHosts',
      params: ['HostId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const ids = p.list('HostId');
        refuseMaxResultsWithIds(p, 'HostId');
        const list = ids.length > 0 ? await Promise.all(ids.map((id) => this.hosts.get(ctx.tenant, id))) : await this.hosts.list(ctx.tenant);
        const match = filterMatcher(p.filters(), {
          'auto-placement': (h: DedicatedHostView) => (h.allocation.autoPlacement ? 'on' : 'off'), 'availability-zone': (h) => h.availabilityZone,
          'instance-type': (h) => h.allocation.instanceType ?? undefined, state: (h) => (h.failed ? 'under-assessment' : 'available'), 'host-reservation-id': () => undefined,
          'tag-key': (h) => Object.keys(tagsOf(h.allocation)), 'tag-value': (h) => Object.values(tagsOf(h.allocation)),
        }, (h) => tagsOf(h.allocation));
        const { page, nextToken } = pageOf(list.filter(match), p.int('MaxResults', { min: 5, max: 500 }) ?? 500, p.string('NextToken') || undefined);
        return { hostSet: items(page.map((h) => hostXml(h, ctx.accountId))), nextToken };
      },
    },
    ReleaseHosts: {
      operation: 'ReleaseHosts',
      params: ['HostId'],
      handler: async (ctx, p) => {
        const ids = p.list('HostId');
        if (ids.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter HostId');
        const { ok, failed } = await eachWithOutcome(ids, (id) => this.hosts.release(ctx.tenant, id));
        return { successful: items(ok), unsuccessful: items(failed.map((f) => ({ resourceId: f.item, error: { code: f.code, message: f.message } }))) };
      },
    },
  };
}
