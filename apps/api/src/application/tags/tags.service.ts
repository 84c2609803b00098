import { Injectable } from '@nestjs/common';
import { TenantEntity } from '../../persistence/entities';
import { ApiError, invalidParameter } from '../common/api-errors';
import { InstancesService } from '../instances/instances.service';
import { checkDeletableTag, isSystemTag } from '../instances/tags';

/** One tag of one resource, as DescribeTags lists it. */
export interface ResourceTag {
  readonly resourceId: string;
  readonly resourceType: string;
  readonly key: string;
  readonly value: string;
}

/** A tag to delete: its key, and when a value is given, only if the tag has that value. */
export interface TagToDelete {
  readonly key: string;
  readonly value?: string;
}

/**
 * A kind of resource that carries tags. Each feature registers its own (instances here; volumes,
 * security groups, images… in their features) with `TagsService.register`, usually in its
 * service's onModuleInit; CreateTags / DeleteTags / DescribeTags then reach it by the id's prefix.
 * Each method acts on the tenant's resource only: another tenant's id is the type's NotFound.
 */
export interface TaggableResourceType {
  /** EC2's resource type name (`instance`, `volume`, `security-group`, …). */
  readonly resourceType: string;
  /** The id prefix before the dash (`i`, `vol`, `sg`, …). */
  readonly idPrefix: string;
  /** For ids without a prefix (Reserved Instances' UUIDs): the ids of this type. */
  readonly idPattern?: RegExp;
  /** Checks that the tenant's resource exists (the type's NotFound / Malformed otherwise). */
  require(tenant: TenantEntity, id: string): Promise<void>;
  /** Adds or replaces these tags (EC2's rules: at most 50 per resource). */
  put(tenant: TenantEntity, id: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** The resource's tags. */
  tagsOf(tenant: TenantEntity, id: string): Promise<Readonly<Record<string, string>>>;
  deleteKey(tenant: TenantEntity, id: string, key: string): Promise<void>;
  /** Every tag of the tenant's resources of this type. */
  listAll(tenant: TenantEntity): Promise<ResourceTag[]>;
}

const MAX_RESOURCES = 1000;

/** CreateTags, DeleteTags and DescribeTags over every registered resource type. */
@Injectable()
export class TagsService {
  private readonly byPrefix = new Map<string, TaggableResourceType>();

  constructor(instances: InstancesService) {
    this.register({
      resourceType: 'instance',
      idPrefix: 'i',
      require: async (tenant, id) => void (await instances.get(tenant, { instanceId: id })),
      put: async (tenant, id, tags) => void (await instances.putTags(tenant, { instanceId: id, tags })),
      tagsOf: async (tenant, id) => (await instances.get(tenant, { instanceId: id })).tags,
      deleteKey: (tenant, id, key) => instances.deleteTag(tenant, { instanceId: id, key }),
      listAll: async (tenant) => {
        const out: ResourceTag[] = [];
        let nextToken: string | undefined;
        do {
          const page = await instances.list(tenant, { tags: [], ...(nextToken ? { nextToken } : {}) });
          for (const d of page.instances) for (const [key, value] of Object.entries(d.tags)) out.push({ resourceId: d.row.id, resourceType: 'instance', key, value });
          nextToken = page.nextToken;
        } while (nextToken);
        return out;
      },
    });
  }

  /** Adds a taggable resource type (a feature's, at start). */
  register(type: TaggableResourceType): void {
    if (this.byPrefix.has(type.idPrefix)) throw new Error(`a taggable resource type with id prefix '${type.idPrefix}' is registered twice`);
    this.byPrefix.set(type.idPrefix, type);
  }

  resourceTypes(): string[] {
    return [...this.byPrefix.values()].map((t) => t.resourceType).sort();
  }

  /** CreateTags: every resource must be the tenant's before any is tagged. */
  async create(tenant: TenantEntity, resourceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    const targets = this.resolve(resourceIds);
    for (const [type, id] of targets) await type.require(tenant, id);
    for (const [type, id] of targets) await type.put(tenant, id, tags);
  }

  /** DeleteTags: a tag given with a value is deleted only if it has that value. */
  async delete(tenant: TenantEntity, resourceIds: readonly string[], tags: readonly TagToDelete[]): Promise<void> {
    // EC2's own tags stay: naming one is refused, and a DeleteTags naming no key leaves them.
    for (const t of tags) checkDeletableTag(t.key);
    const targets = this.resolve(resourceIds);
    for (const [type, id] of targets) await type.require(tenant, id);
    for (const [type, id] of targets) {
      const current = await type.tagsOf(tenant, id);
      const keys = tags.length === 0 ? Object.keys(current).filter((k) => !isSystemTag(k)) : tags.filter((t) => current[t.key] !== undefined && (t.value === undefined || current[t.key] === t.value)).map((t) => t.key);
      for (const key of keys) await type.deleteKey(tenant, id, key);
    }
  }

  /** DescribeTags: the tenant's tags on every registered type (or those named), by resource id and key. */
  async list(tenant: TenantEntity, resourceTypes?: readonly string[]): Promise<ResourceTag[]> {
    const out: ResourceTag[] = [];
    for (const type of this.byPrefix.values()) if (!resourceTypes || resourceTypes.includes(type.resourceType)) out.push(...(await type.listAll(tenant)));
    return out.sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private resolve(resourceIds: readonly string[]): [TaggableResourceType, string][] {
    if (resourceIds.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter ResourceId');
    if (resourceIds.length > MAX_RESOURCES) throw invalidParameter(`At most ${MAX_RESOURCES} resources per request`);
    return [...new Set(resourceIds)].map((id) => {
      const type = this.byPrefix.get(id.split('-', 1)[0]) ?? [...this.byPrefix.values()].find((t) => t.idPattern?.test(id));
      if (!type || !id.includes('-')) throw new ApiError('InvalidID', `The ID '${id.slice(0, 100)}' is not valid`);
      return [type, id];
    });
  }
}
