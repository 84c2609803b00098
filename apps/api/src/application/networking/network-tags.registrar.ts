import { Injectable, OnModuleInit } from '@nestjs/common';
import { EngineService } from '../../engine/engine.service';
import { ResourceTag, TagsService } from '../tags/tags.service';
import { NetworkingService } from './networking.service';

/** The networking resources CreateTags, DeleteTags and DescribeTags reach, by id prefix. */
const TYPES: readonly { readonly idPrefix: string; readonly resourceType: string }[] = [
  { idPrefix: 'vpc', resourceType: 'vpc' },
  { idPrefix: 'subnet', resourceType: 'subnet' },
  { idPrefix: 'sg', resourceType: 'security-group' },
  { idPrefix: 'sgr', resourceType: 'security-group-rule' },
  { idPrefix: 'eni', resourceType: 'network-interface' },
  { idPrefix: 'key', resourceType: 'key-pair' },
  { idPrefix: 'eipalloc', resourceType: 'elastic-ip' },
  { idPrefix: 'igw', resourceType: 'internet-gateway' },
  { idPrefix: 'rtb', resourceType: 'route-table' },
  { idPrefix: 'acl', resourceType: 'network-acl' },
  { idPrefix: 'nat', resourceType: 'natgateway' },
  { idPrefix: 'dopt', resourceType: 'dhcp-options' },
];

/**
 * Registers the networking resources with TagsService (application/tags): each operation is the
 * networking feature's (NetworkingService.requireTaggable / putTags / removeTags / tagsOf /
 * tagRows), a write in its own engine command.
 */
@Injectable()
export class NetworkTagsRegistrar implements OnModuleInit {
  constructor(
    private readonly tags: TagsService,
    private readonly networking: NetworkingService,
    private readonly engine: EngineService,
  ) {}

  onModuleInit(): void {
    const reader = this.networking.reader;
    for (const { idPrefix, resourceType } of TYPES) {
      this.tags.register({
        resourceType,
        idPrefix,
        require: (tenant, id) => this.networking.requireTaggable(reader, tenant.id, id),
        put: (tenant, id, tags) => this.engine.command((tx) => this.networking.putTags(tx, tenant.id, id, tags)),
        tagsOf: async (tenant, id) => {
          await this.networking.requireTaggable(reader, tenant.id, id);
          return (await this.networking.tagsOf(reader, [id])).get(id) ?? {};
        },
        deleteKey: (tenant, id, key) => this.engine.command((tx) => this.networking.removeTags(tx, tenant.id, id, [{ key }])),
        listAll: async (tenant): Promise<ResourceTag[]> => (await this.networking.tagRows(tenant)).filter((r) => r.resourceType === resourceType),
      });
    }
  }
}
