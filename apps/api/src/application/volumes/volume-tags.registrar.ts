import { Injectable, OnModuleInit } from '@nestjs/common';
import { TagsService } from '../tags/tags.service';
import { VolumesService } from './volumes.service';

/**
 * Registers volumes with TagsService (application/tags), so that CreateTags, DeleteTags and
 * DescribeTags reach them by their `vol-` ids; each operation is VolumesService's, a write in its
 * own engine command. (VolumesService cannot take TagsService itself: TagsService depends on the
 * instances feature, which depends on volumes.)
 */
@Injectable()
export class VolumeTagsRegistrar implements OnModuleInit {
  constructor(
    private readonly tags: TagsService,
    private readonly volumes: VolumesService,
  ) {}

  onModuleInit(): void {
    this.tags.register({
      resourceType: 'volume',
      idPrefix: 'vol',
      require: (tenant, id) => this.volumes.require(tenant, id),
      put: (tenant, id, tags) => this.volumes.putTags(tenant, id, tags),
      tagsOf: (tenant, id) => this.volumes.tagsOfVolume(tenant, id),
      deleteKey: (tenant, id, key) => this.volumes.deleteTag(tenant, id, key),
      listAll: (tenant) => this.volumes.tagRows(tenant),
    });
  }
}
