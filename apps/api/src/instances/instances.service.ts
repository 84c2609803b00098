import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CpuParams, defaultCreditMode, findImage, findInstanceType, IncorrectInstanceState, InstanceType, isAvailabilityZone, isBurstable,
  MS_PER_HOUR, resolveCpuParams, Tenancy, Vm,
} from '@nimbus/hypervisor';
import {
  admitLicenses, checkLicensable, checkVcpuQuota, InsufficientCapacityOnHost, InsufficientInstanceCapacity, InvalidParameterCombination,
  LicenseCountingType, LicensedInstance, PlacementDecision,
} from '@nimbus/scheduler';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { ID_PATTERN, resourceId } from '../common/ids';
import { InstanceEntity, InstanceTagEntity, PlacementGroupEntity, ReservationEntity, TenantEntity } from '../database/entities';
import { EngineService } from '../engine/engine.service';
import { licensedHost, limitOf, LicensesService } from '../licenses/licenses.service';
import { DedicatedHostsService } from '../placement/dedicated-hosts.service';
import { PlacementGroupsService } from '../placement/placement-groups.service';
import { VolumesService } from '../volumes/volumes.service';
import { ListInstancesQueryDto, RunInstancesDto } from './instance.dto';
import { GroupNames, mapInstance, mapTransition } from './instance.mapper';
import { decodePageToken, encodePageToken } from './page-token';
import { MAX_TAGS, validateTags } from './tags';

/** Terminated instances stay visible for one simulated hour (MODEL.md §3.6). */
const TERMINATED_VISIBLE_MS = MS_PER_HOUR;
const DEFAULT_PAGE_SIZE = 1000;
const USER_SHUTDOWN = 'Client.UserInitiatedShutdown';

const instanceNotFound = (id: string) => notFound('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);

/**
 * One INSERT per batch: a request for 1,000 instances with 50 tags is 50,000 tag rows, past what
 * one statement may bind (SQLite: 32,766 parameters; PostgreSQL: 65,535).
 */
const INSERT_BATCH_ROWS = 500;

async function insertInBatches<T extends ObjectLiteral>(tx: EntityManager, entity: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH_ROWS) await tx.insert(entity, rows.slice(i, i + INSERT_BATCH_ROWS));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

@Injectable()
export class InstancesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly engine: EngineService,
    private readonly volumes: VolumesService,
    private readonly groups: PlacementGroupsService,
    private readonly dedicatedHosts: DedicatedHostsService,
    private readonly licenses: LicensesService,
  ) {}

  run(tenant: TenantEntity, dto: RunInstancesDto) {
    const image = findImage(dto.imageId);
    if (!image) throw notFound('InvalidAMIID.NotFound', `The image id '[${dto.imageId}]' does not exist`);
    const type = findInstanceType(dto.instanceType);
    if (!type) throw invalidParameter(`instanceType '${dto.instanceType}' does not exist`);
    if (dto.minCount > dto.maxCount) throw invalidParameter(`minCount (${dto.minCount}) must not exceed maxCount (${dto.maxCount})`);
    if (dto.availabilityZone !== undefined && !isAvailabilityZone(dto.availabilityZone))
      throw invalidParameter(`availabilityZone '${dto.availabilityZone}' does not exist`);
    if (dto.creditSpecification && !isBurstable(type))
      throw new ApiError('InvalidParameterCombination', `creditSpecification applies only to burstable types, not ${type.name}`);
    const cpu = this.cpuParams(type, dto);
    // EC2 infers host tenancy from a host id.
    const tenancy: Tenancy = dto.tenancy ?? (dto.hostId !== undefined ? 'host' : 'default');
    if (dto.hostId !== undefined && tenancy !== 'host') throw new InvalidParameterCombination(`hostId applies only to tenancy 'host', not '${tenancy}'`);
    if (dto.placementGroup !== undefined && tenancy === 'host') throw new InvalidParameterCombination('instances on Dedicated Hosts cannot be launched into a placement group');
    if (dto.partitionNumber !== undefined && dto.placementGroup === undefined) throw new InvalidParameterCombination('partitionNumber needs a partition placementGroup');
    if (dto.licenseConfigurationId !== undefined && !image.byolProduct)
      throw new InvalidParameterCombination(`image '${image.imageId}' is license-included: licenseConfigurationId applies only to BYOL images`);
    // BYOL terms that hold whatever the configuration (Windows Server needs a Dedicated Host).
    if (image.byolProduct) checkLicensable('Instance', image.byolProduct, tenancy);
    const tags = validateTags(dto.tags ?? {});
    const volumeSpecs = this.volumes.resolveLaunchVolumes(dto.volumes);
    const { clientToken, ...request } = dto;
    const requestHash = createHash('sha256').update(JSON.stringify(canonical(request))).digest('hex');

    return this.engine.command(async (tx, e) => {
      if (clientToken !== undefined) {
        const previous = await tx.findOneBy(ReservationEntity, { tenantId: tenant.id, clientToken });
        if (previous) {
          if (previous.requestHash !== requestHash)
            throw new ApiError('IdempotentParameterMismatch', `The client token '${clientToken}' was used with a different request`);
          return this.reservationView(tx, previous.id);
        }
      }
      // Another tenant's group, host or configuration answers exactly as a missing one.
      const group = dto.placementGroup !== undefined ? await this.groups.require(tx, tenant.id, dto.placementGroup) : undefined;
      if (group?.strategy === 'spread' && tenancy === 'dedicated') throw new InvalidParameterCombination('spread placement groups do not take dedicated-tenancy instances (as on EC2)');
      if (dto.partitionNumber !== undefined && group?.strategy !== 'partition')
        throw new InvalidParameterCombination(`partitionNumber applies only to partition groups; '${dto.placementGroup}' is a ${group?.strategy} group`);
      if (dto.partitionNumber !== undefined && dto.partitionNumber > (group?.partitionCount ?? 0))
        throw invalidParameter(`partitionNumber ${dto.partitionNumber} is not a partition of '${dto.placementGroup}', which has ${group?.partitionCount}`);
      if (dto.hostId !== undefined) await this.dedicatedHosts.require(tx, tenant.id, dto.hostId);
      const license = dto.licenseConfigurationId !== undefined ? await this.licenses.require(tx, tenant.id, dto.licenseConfigurationId) : undefined;
      if (license) checkLicensable(license.countingType as LicenseCountingType, image.byolProduct!, tenancy);

      const quota = (await tx.findOneByOrFail(TenantEntity, { id: tenant.id })).quotaOnDemandVcpus;
      const vcpusAllow = checkVcpuQuota({ limit: quota, used: e.fleet.vcpusInUse(tenant.id), vcpusPerInstance: type.vcpus, minCount: dto.minCount, maxCount: dto.maxCount });
      const allowed = await this.volumes.launchesWithinIopsQuota(tx, tenant.id, volumeSpecs, dto.minCount, vcpusAllow);
      const decision = e.scheduler.place({
        tenantId: tenant.id, instanceType: type, cpu, availabilityZone: dto.availabilityZone, minCount: dto.minCount, maxCount: allowed, tenancy,
        ...(dto.hostId !== undefined ? { hostId: dto.hostId } : {}),
        ...(group ? { placementGroup: { groupId: group.id, ...(dto.partitionNumber !== undefined ? { partition: dto.partitionNumber } : {}) } } : {}),
      });
      if (!decision.ok) throw this.capacityError(tenancy, type.name, decision, dto.availabilityZone, dto.hostId);
      const ids = decision.hostIds.map(() => resourceId('i'));
      // License admission, all or nothing, on the hosts placement chose (core and socket counting depend on them).
      if (license) {
        const added = decision.hostIds.map((hostId, i): LicensedInstance => {
          const host = tenancy === 'host' ? licensedHost(e.fleet, hostId) : undefined;
          return { instanceId: ids[i], vcpus: type.vcpus, product: image.byolProduct!, ...(host ? { dedicatedHost: host } : {}) };
        });
        admitLicenses(limitOf(license), await this.licenses.licensedInstances(tx, e.fleet, license.id), added);
      }

      const reservation = tx.create(ReservationEntity, { id: resourceId('r'), tenantId: tenant.id, clientToken: clientToken ?? null, requestHash, createdAt: e.now });
      await tx.insert(ReservationEntity, reservation);
      const rows = decision.hostIds.map((hostId, i) => {
        const partition = decision.partitions?.[i];
        const vm = e.fleet.launch(
          {
            vmId: ids[i], tenantId: tenant.id, instanceType: type, image, cpu, autoRecovery: dto.maintenanceOptions?.autoRecovery !== 'disabled', tenancy,
            ...(group ? { placementGroup: { groupId: group.id, ...(partition !== undefined ? { partition } : {}) } } : {}),
          },
          hostId,
        );
        if (isBurstable(type)) e.dataPlane.initVm(vm.vmId, { creditMode: dto.creditSpecification ?? defaultCreditMode(type) });
        return {
          ...this.newRow(vm, reservation.id, decision.availabilityZone, dto, e.now),
          tenancy, placementGroupId: group?.id ?? null, partitionNumber: partition ?? null,
          dedicatedHostId: tenancy === 'host' ? hostId : null, licenseConfigurationId: license?.id ?? null,
        };
      });
      // Copies: TypeORM writes re-read column defaults back into the inserted objects by position,
      // which on SQLite can swap them between rows of one INSERT.
      await insertInBatches(tx, InstanceEntity, rows.map((r) => ({ ...r })));
      await insertInBatches(tx, InstanceTagEntity, rows.flatMap((r) => Object.entries(tags).map(([key, value]) => ({ instanceId: r.id, key, value, tenantId: tenant.id }))));
      const volumes = await this.volumes.createForInstances(tx, e, tenant.id, decision.availabilityZone, rows.map((r) => r.id), volumeSpecs);
      const names: GroupNames = new Map(group ? [[group.id, group.name]] : []);
      return { reservationId: reservation.id, instances: rows.map((r) => mapInstance(r, tags, volumes.get(r.id), names)) };
    });
  }

  async list(tenant: TenantEntity, q: ListInstancesQueryDto, tagFilters: [string, string][]) {
    const limit = q.maxResults ?? DEFAULT_PAGE_SIZE;
    const qb = this.db
      .getRepository(InstanceEntity)
      .createQueryBuilder('i')
      .where('i.tenantId = :tenantId', { tenantId: tenant.id })
      .andWhere("NOT (i.state = 'terminated' AND i.stateSince <= :cutoff)", { cutoff: this.engine.now - TERMINATED_VISIBLE_MS });
    if (q.state) qb.andWhere('i.state = :state', { state: q.state });
    if (q.instanceType) qb.andWhere('i.instanceType = :type', { type: q.instanceType });
    if (q.availabilityZone) qb.andWhere('i.availabilityZone = :az', { az: q.availabilityZone });
    tagFilters.forEach(([key, value], n) => {
      qb.andWhere(
        `EXISTS (SELECT 1 FROM instance_tags t${n} WHERE t${n}.instance_id = i.id AND t${n}.tag_key = :k${n} AND t${n}.tag_value = :v${n})`,
        { [`k${n}`]: key, [`v${n}`]: value },
      );
    });
    if (q.nextToken) qb.andWhere('i.id > :after', { after: decodePageToken(q.nextToken) });
    const rows = await qb.orderBy('i.id', 'ASC').take(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const tags = await this.tagsOf(this.db.manager, page.map((r) => r.id));
    const volumes = await this.volumes.attachedTo(this.db.manager, page.map((r) => r.id));
    const names = await this.groupNames(this.db.manager, page);
    return {
      instances: page.map((r) => mapInstance(r, tags.get(r.id) ?? {}, volumes.get(r.id), names)),
      ...(rows.length > limit ? { nextToken: encodePageToken(page[page.length - 1].id) } : {}),
    };
  }

  async get(tenant: TenantEntity, id: string) {
    const row = await this.requireVisible(this.db.manager, tenant.id, id);
    return mapInstance(
      row, (await this.tagsOf(this.db.manager, [id])).get(id) ?? {}, (await this.volumes.attachedTo(this.db.manager, [id])).get(id), await this.groupNames(this.db.manager, [row]),
    );
  }

  start(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'started');
      if (!e.fleet.needsPlacementToStart(id)) return mapTransition(e.fleet.start(id));
      const vm = e.fleet.vm(id)!;
      const quota = (await tx.findOneByOrFail(TenantEntity, { id: tenant.id })).quotaOnDemandVcpus;
      checkVcpuQuota({ limit: quota, used: e.fleet.vcpusInUse(tenant.id), vcpusPerInstance: vm.instanceType.vcpus, minCount: 1, maxCount: 1 });
      // A stopped instance keeps its zone (its subnet), tenancy, group and partition, but not its
      // host, as on EC2 — except on a Dedicated Host, to which it returns (host affinity).
      const decision = e.scheduler.placeVm(id, row.availabilityZone, row.dedicatedHostId ?? undefined);
      if (!decision.ok) throw this.capacityError(row.tenancy as Tenancy, vm.instanceType.name, decision, row.availabilityZone, row.dedicatedHostId ?? undefined);
      const transition = e.fleet.start(id, decision.hostIds[0]);
      await tx.update(InstanceEntity, { id }, { launchTime: e.now, stateReason: null });
      return mapTransition(transition);
    });
  }

  stop(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'stopped');
      const t = e.fleet.stop(id);
      if (t.previous !== t.current) await tx.update(InstanceEntity, { id }, { stateReason: USER_SHUTDOWN });
      return mapTransition(t);
    });
  }

  reboot(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'rebooted');
      return mapTransition(e.fleet.reboot(id));
    });
  }

  terminate(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') return mapTransition({ vmId: id, previous: 'terminated', current: 'terminated' });
      const t = e.fleet.terminate(id);
      if (t.previous !== t.current) await tx.update(InstanceEntity, { id }, { stateReason: USER_SHUTDOWN });
      return mapTransition(t);
    });
  }

  putTags(tenant: TenantEntity, id: string, tags: Record<string, unknown>) {
    const valid = validateTags(tags);
    return this.engine.command(async (tx) => {
      await this.requireVisible(tx, tenant.id, id);
      const merged = { ...((await this.tagsOf(tx, [id])).get(id) ?? {}), ...valid };
      if (Object.keys(merged).length > MAX_TAGS) throw invalidParameter(`an instance may have at most ${MAX_TAGS} tags`);
      await tx.save(InstanceTagEntity, Object.entries(valid).map(([key, value]) => ({ instanceId: id, key, value, tenantId: tenant.id })));
      return { tags: merged };
    });
  }

  deleteTag(tenant: TenantEntity, id: string, key: string) {
    return this.engine.command(async (tx) => {
      await this.requireVisible(tx, tenant.id, id);
      await tx.delete(InstanceTagEntity, { instanceId: id, key });
    });
  }

  /** No host fits: InsufficientCapacityOnHost for Dedicated Hosts (EC2's code), else InsufficientInstanceCapacity naming the zone. */
  private capacityError(tenancy: Tenancy, typeName: string, decision: Extract<PlacementDecision, { ok: false }>, zone?: string, hostId?: string) {
    return tenancy === 'host' ? new InsufficientCapacityOnHost(typeName, decision.refusals, hostId) : new InsufficientInstanceCapacity(typeName, decision.refusals, zone);
  }

  private async groupNames(m: EntityManager, rows: InstanceEntity[]): Promise<GroupNames> {
    const ids = [...new Set(rows.map((r) => r.placementGroupId).filter((g): g is string => g !== null))];
    if (ids.length === 0) return new Map();
    return new Map((await m.find(PlacementGroupEntity, { where: { id: In(ids) } })).map((g) => [g.id, g.name]));
  }

  private cpuParams(type: InstanceType, dto: RunInstancesDto): CpuParams {
    const toMilli = (cores: number | undefined) => (cores === undefined ? undefined : Math.round(cores * 1000));
    return resolveCpuParams(type, {
      reservationMillicores: toMilli(dto.cpu?.reservation),
      limitMillicores: toMilli(dto.cpu?.limit),
      weight: dto.cpu?.weight,
    });
  }

  private newRow(vm: Vm, reservationId: string, availabilityZone: string, dto: RunInstancesDto, now: number): InstanceEntity {
    return {
      id: vm.vmId, tenantId: vm.tenantId, reservationId, imageId: vm.image.imageId, instanceType: vm.instanceType.name,
      platform: vm.image.platform, tenancy: dto.tenancy ?? 'default', availabilityZone, hostId: vm.hostId, state: vm.state,
      stateReason: null, stateSince: vm.stateSince, transitionAt: vm.transitionAt, launchTime: now,
      cpuReservationMillicores: vm.cpu.reservationMillicores, cpuLimitMillicores: vm.cpu.limitMillicores, cpuWeight: vm.cpu.weight,
      creditSpecification: isBurstable(vm.instanceType) ? (dto.creditSpecification ?? defaultCreditMode(vm.instanceType)) : null,
      workload: null, autoRecovery: dto.maintenanceOptions?.autoRecovery ?? 'default', status: 'ok', runtime: null,
      placementGroupId: null, partitionNumber: null, dedicatedHostId: null, licenseConfigurationId: null,
    };
  }

  private async reservationView(tx: EntityManager, reservationId: string) {
    const rows = await tx.find(InstanceEntity, { where: { reservationId }, order: { id: 'ASC' } });
    const tags = await this.tagsOf(tx, rows.map((r) => r.id));
    const volumes = await this.volumes.attachedTo(tx, rows.map((r) => r.id));
    const names = await this.groupNames(tx, rows);
    return { reservationId, instances: rows.map((r) => mapInstance(r, tags.get(r.id) ?? {}, volumes.get(r.id), names)) };
  }

  /** Another tenant's instance, or one terminated over an hour ago, is indistinguishable from a missing one. */
  private async requireVisible(m: EntityManager, tenantId: string, id: string): Promise<InstanceEntity> {
    if (!ID_PATTERN('i').test(id)) throw new ApiError('InvalidInstanceID.Malformed', `Invalid id: '${id}' (expecting 'i-' and 17 hex digits)`);
    const row = await m.findOneBy(InstanceEntity, { id, tenantId });
    if (!row || (row.state === 'terminated' && row.stateSince <= this.engine.now - TERMINATED_VISIBLE_MS)) throw instanceNotFound(id);
    return row;
  }

  private async tagsOf(m: EntityManager, ids: string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (ids.length === 0) return out;
    const rows = await m.find(InstanceTagEntity, { where: { instanceId: In(ids) }, order: { key: 'ASC' } });
    for (const t of rows) out.set(t.instanceId, { ...(out.get(t.instanceId) ?? {}), [t.key]: t.value });
    return out;
  }
}
