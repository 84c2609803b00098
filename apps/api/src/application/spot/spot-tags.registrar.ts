import { Injectable, OnModuleInit } from '@nestjs/common';
import { EngineService } from '../../engine/engine.service';
import { TenantEntity } from '../../persistence/entities';
import { SpotRepository } from '../../persistence/spot.repository';
import { Tx } from '../../persistence/tx';
import { mergeTags, validateTags } from '../instances/tags';
import { notFoundError, requireWellFormed } from '../networking/describe-query';
import { TagsService } from '../tags/tags.service';
import { SPOT_REQUEST_ID } from './spot.service';

/**
 * Spot Instance requests (`sir-` ids, resource type `spot-instances-request`) for CreateTags,
 * DeleteTags and DescribeTags, as EC2 tags them; another tenant's request is a missing one.
 */
@Injectable()
export class SpotTagsRegistrar implements OnModuleInit {
  constructor(
    private readonly engine: EngineService,
    private readonly tags: TagsService,
    private readonly repo: SpotRepository,
  ) {}

  private async require(m: Tx, tenant: TenantEntity, id: string): Promise<Record<string, string>> {
    requireWellFormed(SPOT_REQUEST_ID, id);
    if (!(await this.repo.find(m, tenant.id, id))) throw notFoundError(SPOT_REQUEST_ID, id);
    return (await this.repo.tagsOf(m, [id])).get(id) ?? {};
  }

  onModuleInit(): void {
    const resourceType = 'spot-instances-request';
    this.tags.register({
      resourceType,
      idPrefix: 'sir',
      require: async (tenant, id) => void (await this.require(this.repo.reader, tenant, id)),
      put: (tenant, id, tags) => {
        const valid = validateTags({ ...tags });
        return this.engine.command(async (tx) => this.repo.setTags(tx, tenant.id, id, mergeTags(id, await this.require(tx, tenant, id), valid)));
      },
      tagsOf: (tenant, id) => this.require(this.repo.reader, tenant, id),
      deleteKey: (tenant, id, key) =>
        this.engine.command(async (tx) => {
          const tags = await this.require(tx, tenant, id);
          delete tags[key];
          await this.repo.setTags(tx, tenant.id, id, tags);
        }),
      listAll: async (tenant) => {
        const ids = (await this.repo.of(this.repo.reader, tenant.id)).map((r) => r.id);
        return [...(await this.repo.tagsOf(this.repo.reader, ids))].flatMap(([resourceId, t]) => Object.entries(t).map(([key, value]) => ({ resourceId, resourceType, key, value })));
      },
    });
  }
}
