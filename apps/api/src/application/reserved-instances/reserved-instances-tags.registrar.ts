import { Injectable, OnModuleInit } from '@nestjs/common';
import { EngineService } from '../../engine/engine.service';
import { TenantEntity } from '../../persistence/entities';
import { Tx } from '../../persistence/tx';
import { mergeTags, validateTags } from '../instances/tags';
import { TagsService } from '../tags/tags.service';
import { isReservedInstancesId, ReservedInstancesService, riNotFound } from './reserved-instances.service';

/** Reserved Instances (UUID ids, resource type `reserved-instances`) for CreateTags, DeleteTags and DescribeTags; another tenant's is a missing one. */
@Injectable()
export class ReservedInstancesTagsRegistrar implements OnModuleInit {
  constructor(
    private readonly engine: EngineService,
    private readonly tags: TagsService,
    private readonly ris: ReservedInstancesService,
  ) {}

  private async require(m: Tx, tenant: TenantEntity, id: string): Promise<Record<string, string>> {
    if (!isReservedInstancesId(id) || !(await this.ris.repo.find(m, tenant.id, id))) throw riNotFound(id);
    return (await this.ris.repo.tagsOf(m, [id])).get(id) ?? {};
  }

  onModuleInit(): void {
    const resourceType = 'reserved-instances';
    const repo = this.ris.repo;
    this.tags.register({
      resourceType,
      idPrefix: 'reserved-instances',
      idPattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      require: async (tenant, id) => void (await this.require(repo.reader, tenant, id)),
      put: (tenant, id, tags) => {
        const valid = validateTags({ ...tags });
        return this.engine.command(async (tx) => repo.setTags(tx, tenant.id, id, mergeTags(id, await this.require(tx, tenant, id), valid)));
      },
      tagsOf: (tenant, id) => this.require(repo.reader, tenant, id),
      deleteKey: (tenant, id, key) =>
        this.engine.command(async (tx) => {
          const tags = await this.require(tx, tenant, id);
          delete tags[key];
          await repo.setTags(tx, tenant.id, id, tags);
        }),
      listAll: async (tenant) => {
        const ids = (await repo.of(repo.reader, tenant.id)).map((r) => r.id);
        return [...(await repo.tagsOf(repo.reader, ids))].flatMap(([resourceId, t]) => Object.entries(t).map(([key, value]) => ({ resourceId, resourceType, key, value })));
      },
    });
  }
}
