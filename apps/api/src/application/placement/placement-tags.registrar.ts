import { Injectable, OnModuleInit } from '@nestjs/common';
import { ResourceTag, TagsService } from '../tags/tags.service';
import { DedicatedHostsService } from './dedicated-hosts.service';
import { PlacementGroupsService, tagsOf } from './placement-groups.service';

const rowsOf = (resourceType: string, rows: readonly { readonly id: string; readonly tags: string }[]): ResourceTag[] =>
  rows.flatMap((r) => Object.entries(tagsOf(r)).map(([key, value]) => ({ resourceId: r.id, resourceType, key, value })));

/**
 * Registers placement groups (`pg-` ids) and Dedicated Hosts (`h-` ids) with TagsService
 * (application/tags), so that CreateTags, DeleteTags and DescribeTags reach them as EC2's do; each
 * operation is the feature's service's, a write in its own engine command. (The services cannot take
 * TagsService themselves: TagsService depends on the instances feature, which depends on them.)
 */
@Injectable()
export class PlacementTagsRegistrar implements OnModuleInit {
  constructor(
    private readonly tags: TagsService,
    private readonly groups: PlacementGroupsService,
    private readonly hosts: DedicatedHostsService,
  ) {}

  onModuleInit(): void {
    this.tags.register({
      resourceType: 'placement-group',
      idPrefix: 'pg',
      require: async (tenant, id) => void (await this.groups.requireById(undefined, tenant.id, id)),
      put: (tenant, id, tags) => this.groups.putTags(tenant, id, tags),
      tagsOf: async (tenant, id) => tagsOf(await this.groups.requireById(undefined, tenant.id, id)),
      deleteKey: (tenant, id, key) => this.groups.deleteTag(tenant, id, key),
      listAll: async (tenant) => rowsOf('placement-group', await this.groups.list(tenant)),
    });
    this.tags.register({
      resourceType: 'dedicated-host',
      idPrefix: 'h',
      require: async (tenant, id) => void (await this.hosts.require(undefined, tenant.id, id)),
      put: (tenant, id, tags) => this.hosts.putTags(tenant, id, tags),
      tagsOf: async (tenant, id) => tagsOf(await this.hosts.require(undefined, tenant.id, id)),
      deleteKey: (tenant, id, key) => this.hosts.deleteTag(tenant, id, key),
      listAll: async (tenant) => rowsOf('dedicated-host', (await this.hosts.list(tenant)).map((h) => ({ id: h.allocation.hostId, tags: h.allocation.tags }))),
    });
  }
}
