import { Injectable, OnModuleInit } from '@nestjs/common';
import { EngineService } from '../../engine/engine.service';
import { LaunchTemplatesRepository } from '../../persistence/launch-templates.repository';
import { rowTaggedType } from '../tags/row-tags';
import { TagsService } from '../tags/tags.service';
import { LaunchTemplatesService } from './launch-templates.service';

/**
 * Registers launch templates (`lt-` ids, resource type `launch-template`) with TagsService, so that
 * CreateTags, DeleteTags and DescribeTags reach them as EC2's do; their tags are JSON on their rows
 * (`rowTaggedType`). (The PlacementTagsRegistrar pattern: TagsService depends on the instances
 * feature, which the launch templates feature depends on.)
 */
@Injectable()
export class LaunchTemplateTagsRegistrar implements OnModuleInit {
  constructor(
    private readonly engine: EngineService,
    private readonly tags: TagsService,
    private readonly templates: LaunchTemplatesService,
    private readonly rows: LaunchTemplatesRepository,
  ) {}

  onModuleInit(): void {
    this.tags.register(rowTaggedType(this.engine, {
      resourceType: 'launch-template',
      idPrefix: 'lt',
      row: (tx, tenant, id) => this.templates.require(tx, tenant.id, { id }),
      setTags: (tx, id, tags) => this.rows.setTags(tx, id, tags),
      rows: (tenant) => this.templates.all(tenant),
    }));
  }
}
