import { Injectable, OnModuleInit } from '@nestjs/common';
import { EngineService } from '../../engine/engine.service';
import { DedicatedHostsRepository } from '../../persistence/dedicated-hosts.repository';
import { PlacementGroupsRepository } from '../../persistence/placement-groups.repository';
import { rowTaggedType } from '../tags/row-tags';
import { TagsService } from '../tags/tags.service';
import { DedicatedHostsService } from './dedicated-hosts.service';
import { PlacementGroupsService } from './placement-groups.service';

/**
 * Registers placement groups (`pg-` ids) and Dedicated Hosts (`h-` ids) with TagsService
 * (application/tags), so that CreateTags, DeleteTags and DescribeTags reach them as EC2's do; their
 * tags are JSON on their rows (`rowTaggedType`), found as the features find them. (The services
 * cannot take TagsService themselves: TagsService depends on the instances feature, which depends on them.)
 */
@Injectable()
export class PlacementTagsRegistrar implements OnModuleInit {
  constructor(
    private readonly engine: EngineService,
    private readonly tags: TagsService,
    private readonly groups: PlacementGroupsService,
    private readonly groupRows: PlacementGroupsRepository,
    private readonly hosts: DedicatedHostsService,
    private readonly hostRows: DedicatedHostsRepository,
  ) {}

  onModuleInit(): void {
    this.tags.register(rowTaggedType(this.engine, {
      resourceType: 'placement-group',
      idPrefix: 'pg',
      row: (tx, tenant, id) => this.groups.requireById(tx, tenant.id, id),
      setTags: (tx, id, tags) => this.groupRows.setTags(tx, id, tags),
      rows: (tenant) => this.groups.list(tenant),
    }));
    this.tags.register(rowTaggedType(this.engine, {
      resourceType: 'dedicated-host',
      idPrefix: 'h',
      row: async (tx, tenant, id) => ({ id, tags: (await this.hosts.require(tx, tenant.id, id)).tags }),
      setTags: (tx, id, tags) => this.hostRows.setTags(tx, id, tags),
      rows: async (tenant) => (await this.hosts.list(tenant)).map((h) => ({ id: h.allocation.hostId, tags: h.allocation.tags })),
    }));
  }
}
