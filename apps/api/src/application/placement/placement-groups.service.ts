import { definePlacementGroup, deletePlacementGroup } from '@nimbus/simulation';
import { Injectable } from '@nestjs/common';
import { InvalidParameterCombination } from '@nimbus/scheduler';
import { ApiError } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { PlacementGroupEntity, TenantEntity } from '../../persistence/entities';
import { PlacementGroupsRepository } from '../../persistence/placement-groups.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { validateTags } from '../instances/tags';
import { CreatePlacementGroupCommand } from './placement.commands';

export const groupUnknown = (name: string) => new ApiError('InvalidPlacementGroup.Unknown', `The placement group '${name}' is unknown.`);

/** EC2's placement groups (CreatePlacementGroup, DescribePlacementGroups, DeletePlacementGroup), per tenant. */
@Injectable()
export class PlacementGroupsService {
  constructor(
    private readonly repo: PlacementGroupsRepository,
    private readonly engine: EngineService,
  ) {}

  create(tenant: TenantEntity, cmd: CreatePlacementGroupCommand): Promise<PlacementGroupEntity> {
    const strategy = cmd.strategy;
    if (cmd.partitionCount !== undefined && strategy !== 'partition')
      throw new InvalidParameterCombination(`partitionCount applies only to the partition strategy, not ${strategy}`);
    const tags = validateTags({ ...cmd.tags });
    return this.engine.command(async (tx, e) => {
      if (await this.repo.findByName(tenant.id, cmd.groupName, tx))
        throw new ApiError('InvalidPlacementGroup.Duplicate', `The placement group '${cmd.groupName}' already exists.`);
      const row: PlacementGroupEntity = {
        id: resourceId('pg'), tenantId: tenant.id, name: cmd.groupName, strategy,
        partitionCount: strategy === 'partition' ? (cmd.partitionCount ?? 2) : null, createdAt: e.now, tags: JSON.stringify(tags),
      };
      await this.repo.insert(tx, row);
      definePlacementGroup(e.world, { groupId: row.id, strategy, ...(row.partitionCount !== null ? { partitionCount: row.partitionCount } : {}) });
      return row;
    });
  }

  list(tenant: TenantEntity): Promise<PlacementGroupEntity[]> {
    return this.repo.listOf(tenant.id);
  }

  /** Refused while any of its instances is not terminated (stopped ones stay members, as on EC2). */
  delete(tenant: TenantEntity, name: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const row = await this.require(tx, tenant.id, name);
      const members = await this.repo.countActiveMembers(tx, row.id);
      if (members > 0) throw new ApiError('InvalidPlacementGroup.InUse', `The placement group '${name}' is in use by ${members} instance(s); terminate them first.`);
      await this.repo.delete(tx, row.id);
      deletePlacementGroup(e.world, row.id);
    });
  }

  /** The tenant's group with this id (committed state without `tx`); another tenant's is unknown, as a missing one. */
  async requireById(tx: Tx | undefined, tenantId: string, id: string): Promise<PlacementGroupEntity> {
    const row = await this.repo.findById(tenantId, id, tx);
    if (!row) throw groupUnknown(id);
    return row;
  }

  /** Another tenant's group is indistinguishable from a missing one. */
  async require(tx: Tx, tenantId: string, name: string): Promise<PlacementGroupEntity> {
    const row = await this.repo.findByName(tenantId, name, tx);
    if (!row) throw groupUnknown(name);
    return row;
  }
}
