import type { EngineService } from '../../engine/engine.service';
import type { TenantEntity } from '../../persistence/entities';
import type { Tx } from '../../persistence/tx';
import { mergeTags, validateTags } from '../instances/tags';
import type { ResourceTag, TaggableResourceType } from './tags.service';

/** A resource whose tags are a JSON object in a `tags` column of its own row. */
export interface RowWithTags {
  readonly id: string;
  readonly tags: string;
}

/** The tags a row keeps as JSON. */
export function tagsOf(row: { readonly tags: string }): Record<string, string> {
  return JSON.parse(row.tags) as Record<string, string>;
}

/** What a feature gives for its rows' tags to reach CreateTags, DeleteTags and DescribeTags. */
export interface RowTagsSource {
  /** EC2's resource type name (`image`, `snapshot`, `placement-group`, …). */
  readonly resourceType: string;
  /** The id prefix before the dash (`ami`, `snap`, `pg`, …). */
  readonly idPrefix: string;
  /**
   * The tenant's row with this id, read in `tx` (or the committed state without one). Throws the
   * type's NotFound (or Malformed) otherwise: another tenant's row is indistinguishable from a missing one.
   */
  row(tx: Tx | undefined, tenant: TenantEntity, id: string): Promise<RowWithTags>;
  setTags(tx: Tx, id: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** The tenant's own rows of this type (DescribeTags). */
  rows(tenant: TenantEntity): Promise<readonly RowWithTags[]>;
}

/**
 * The taggable type of rows that keep their tags as JSON (images, snapshots, placement groups,
 * Dedicated Hosts): each change reads the row and writes its tags in one engine command, under
 * EC2's tag rules (`validateTags`, at most 50 with `mergeTags`).
 */
export function rowTaggedType(engine: EngineService, source: RowTagsSource): TaggableResourceType {
  const { resourceType, idPrefix } = source;
  return {
    resourceType,
    idPrefix,
    require: async (tenant, id) => void (await source.row(undefined, tenant, id)),
    put: (tenant, id, tags) => {
      const valid = validateTags({ ...tags });
      return engine.command(async (tx) => {
        const row = await source.row(tx, tenant, id);
        await source.setTags(tx, row.id, mergeTags(id, tagsOf(row), valid));
      });
    },
    tagsOf: async (tenant, id) => tagsOf(await source.row(undefined, tenant, id)),
    deleteKey: (tenant, id, key) =>
      engine.command(async (tx) => {
        const row = await source.row(tx, tenant, id);
        const tags = tagsOf(row);
        delete tags[key];
        await source.setTags(tx, row.id, tags);
      }),
    listAll: async (tenant): Promise<ResourceTag[]> =>
      (await source.rows(tenant)).flatMap((r) => Object.entries(tagsOf(r)).map(([key, value]) => ({ resourceId: r.id, resourceType, key, value }))),
  };
}
