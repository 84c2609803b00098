import { Injectable, OnModuleInit } from '@nestjs/common';
import { TagsService } from '../tags/tags.service';
import { LaunchTemplatesService, tagsOf } from './launch-templates.service';

/**
 * Registers launch templates (`lt-` ids, resource type `launch-template`) with TagsService, so that
 * CreateTags, DeleteTags and DescribeTags reach them as EC2's do (the PlacementTagsRegistrar pattern:
 * TagsService depends on the instances feature, which the launch templates feature depends on).
 */
@Injectable()
export class LaunchTemplateTagsRegistrar implements OnModuleInit {
  constructor(
    private readonly tags: TagsService,
    private readonly templates: LaunchTemplatesService,
  ) {}

  onModuleInit(): void {
    this.tags.register({
      resourceType: 'launch-template',
      idPrefix: 'lt',
      require: async (tenant, id) => void (await this.templates.require(undefined, tenant.id, { id })),
      put: (tenant, id, tags) => this.templates.putTags(tenant, id, tags),
      tagsOf: async (tenant, id) => tagsOf(await this.templates.require(undefined, tenant.id, { id })),
      deleteKey: (tenant, id, key) => this.templates.deleteTag(tenant, id, key),
      listAll: async (tenant) =>
        (await this.templates.all(tenant)).flatMap((t) => Object.entries(tagsOf(t)).map(([key, value]) => ({ resourceId: t.id, resourceType: 'launch-template', key, value }))),
    });
  }
}
