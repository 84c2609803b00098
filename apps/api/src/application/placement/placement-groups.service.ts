import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_DB } from '../../persistence/data-source';
import { InvalidParameterCombination, PlacementStrategy } from '@nimbus/scheduler';
import { DataSource, EntityManager, Not } from 'typeorm';
import { ApiError } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { InstanceEntity, PlacementGroupEntity, TenantEntity } from '../../persistence/entities';
import { EngineService } from '../../engine/engine.service';
import { CreatePlacementGroupDto } from '../../http/rest/placement/placement.dto';

export const groupUnknown = (name: string) => new ApiError('InvalidPlacementGroup.Unknown', `The placement group '${name}' is unknown.`);

export function mapPlacementGroup(g: PlacementGroupEntity) {
  return {
    groupName: g.name,
    groupId: g.id,
    strategy: g.strategy,
    ...(g.partitionCount !== null ? { partitionCount: g.partitionCount } : {}),
    state: 'available',
    createdAt: new Date(g.createdAt).toISOString(),
  };
}

/** EC2's placement groups (CreatePlacementGroup, DescribePlacementGroups, DeletePlacementGroup), per tenant. */
@Injectable()
export class PlacementGroupsService {
  constructor(
    @InjectDataSource(READ_DB) private readonly db: DataSource,
    private readonly engine: EngineService,
  ) {}

  create(tenant: TenantEntity, dto: CreatePlacementGroupDto) {
    const strategy = dto.strategy as PlacementStrategy;
    if (dto.partitionCount !== undefined && strategy !== 'partition')
      throw new InvalidParameterCombination(`partitionCount applies only to the partition strategy, not ${strategy}`);
    return this.engine.command(async (tx, e) => {
      if (await tx.findOneBy(PlacementGroupEntity, { tenantId: tenant.id, name: dto.groupName }))
        throw new ApiError('InvalidPlacementGroup.Duplicate', `The placement group '${dto.groupName}' already exists.`);
      const row = tx.create(PlacementGroupEntity, {
        id: resourceId('pg'), tenantId: tenant.id, name: dto.groupName, strategy,
        partitionCount: strategy === 'partition' ? (dto.partitionCount ?? 2) : null, createdAt: e.now,
      });
      await tx.insert(PlacementGroupEntity, { ...row });
      e.scheduler.defineGroup({ groupId: row.id, strategy, ...(row.partitionCount !== null ? { partitionCount: row.partitionCount } : {}) });
      return mapPlacementGroup(row);
    });
  }

  async list(tenant: TenantEntity) {
    const rows = await this.db.getRepository(PlacementGroupEntity).find({ where: { tenantId: tenant.id }, order: { name: 'ASC' } });
    return { placementGroups: rows.map(mapPlacementGroup) };
  }

  /** Refused while any of its instances is not terminated (stopped ones stay members, as on EC2). */
  delete(tenant: TenantEntity, name: string) {
    return this.engine.command(async (tx, e) => {
      const row = await this.require(tx, tenant.id, name);
      const members = await tx.countBy(InstanceEntity, { placementGroupId: row.id, state: Not('terminated') });
      if (members > 0) throw new ApiError('InvalidPlacementGroup.InUse', `The placement group '${name}' is in use by ${members} instance(s); terminate them first.`);
      await tx.update(InstanceEntity, { placementGroupId: row.id }, { placementGroupId: null, partitionNumber: null });
      await tx.delete(PlacementGroupEntity, { id: row.id });
      e.scheduler.removeGroup(row.id);
    });
  }

  /** Another tenant's group is indistinguishable from a missing one. */
  async require(m: EntityManager, tenantId: string, name: string): Promise<PlacementGroupEntity> {
    const row = await m.findOneBy(PlacementGroupEntity, { tenantId, name });
    if (!row) throw groupUnknown(name);
    return row;
  }
}
