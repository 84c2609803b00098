import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_DB } from '../../persistence/data-source';
import { CpuParams, CreditMode, findImage, findInstanceType, IncorrectInstanceState, InstanceType, MS_PER_HOUR, resolveCpuParams, Vm } from '@nimbus/hypervisor';
import { LaunchValidationRequest, LicenseCountingType, validateLaunch } from '@nimbus/scheduler';
import { launch, rebootVm, startVm, stopVm, terminateVm } from '@nimbus/simulation';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { ID_PATTERN, resourceId } from '../common/ids';
import { InstanceEntity, InstanceTagEntity, PlacementGroupEntity, ReservationEntity, TenantEntity } from '../../persistence/entities';
import { EngineService } from '../../engine/engine.service';
import { limitOf, LicensesService } from '../licenses/licenses.service';
import { DedicatedHostsService } from '../placement/dedicated-hosts.service';
import { PlacementGroupsService } from '../placement/placement-groups.service';
import { VolumesService } from '../volumes/volumes.service';
import { ListInstancesQueryDto, RunInstancesDto } from '../../http/rest/instances/instance.dto';
import { GroupNames, mapInstance, mapTransition } from '../../http/rest/instances/instance.mapper';
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
    @InjectDataSource(READ_DB) private readonly db: DataSource,
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
    // The launch rules (launch-validation.ts): here on the request alone, again below once the group and license configuration are found.
    const launchRequest: LaunchValidationRequest = {
      instanceType: type, image, tenancy: dto.tenancy, hostId: dto.hostId, partitionNumber: dto.partitionNumber, availabilityZone: dto.availabilityZone,
      minCount: dto.minCount, maxCount: dto.maxCount, creditSpecification: dto.creditSpecification,
      ...(dto.placementGroup !== undefined ? { placementGroup: { name: dto.placementGroup } } : {}),
      ...(dto.licenseConfigurationId !== undefined ? { licenseConfiguration: {} } : {}),
    };
    const tenancy = validateLaunch(launchRequest);
    const cpu = this.cpuParams(type, dto);
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
      if (dto.hostId !== undefined) await this.dedicatedHosts.require(tx, tenant.id, dto.hostId);
      const license = dto.licenseConfigurationId !== undefined ? await this.licenses.require(tx, tenant.id, dto.licenseConfigurationId) : undefined;
      validateLaunch({
        ...launchRequest,
        ...(group ? { placementGroup: { name: group.name, definition: e.scheduler.group(group.id) } } : {}),
        ...(license ? { licenseConfiguration: { countingType: license.countingType as LicenseCountingType } } : {}),
      });

      // The world's launch: the vCPU quota, then the IOPS quota, placement and licence admission, all or nothing.
      const quota = (await tx.findOneByOrFail(TenantEntity, { id: tenant.id })).quotaOnDemandVcpus;
      const capByIops = await this.volumes.iopsAllowance(tx, tenant.id, volumeSpecs);
      const licensed = license ? await this.licenses.licensedInstances(tx, e.fleet, license.id) : [];
      const launched = launch(e.world, {
        tenantId: tenant.id, instanceType: type, image, cpu, minCount: dto.minCount, maxCount: dto.maxCount, availabilityZone: dto.availabilityZone, tenancy,
        ...(dto.hostId !== undefined ? { hostId: dto.hostId } : {}),
        ...(group ? { placementGroup: { groupId: group.id, ...(dto.partitionNumber !== undefined ? { partition: dto.partitionNumber } : {}) } } : {}),
        creditMode: dto.creditSpecification, autoRecovery: dto.maintenanceOptions?.autoRecovery !== 'disabled',
        vcpuQuota: quota, capCount: (allowed) => capByIops(dto.minCount, allowed),
        ...(license ? { license: { limit: limitOf(license), existing: licensed, product: image.byolProduct! } } : {}),
        newVmId: () => resourceId('i'),
      });

      const reservation = tx.create(ReservationEntity, { id: resourceId('r'), tenantId: tenant.id, clientToken: clientToken ?? null, requestHash, createdAt: e.now });
      await tx.insert(ReservationEntity, reservation);
      const rows = launched.vms.map((vm, i) => {
        const partition = launched.partitions?.[i];
        return {
          ...this.newRow(vm, reservation.id, launched.availabilityZone, dto, launched.creditMode, e.now),
          tenancy, placementGroupId: group?.id ?? null, partitionNumber: partition ?? null,
          dedicatedHostId: tenancy === 'host' ? vm.hostId : null, licenseConfigurationId: license?.id ?? null,
        };
      });
      // Copies: TypeORM writes re-read column defaults back into the inserted objects by position,
      // which on SQLite can swap them between rows of one INSERT.
      await insertInBatches(tx, InstanceEntity, rows.map((r) => ({ ...r })));
      await insertInBatches(tx, InstanceTagEntity, rows.flatMap((r) => Object.entries(tags).map(([key, value]) => ({ instanceId: r.id, key, value, tenantId: tenant.id }))));
      const volumes = await this.volumes.createForInstances(tx, e, tenant.id, launched.availabilityZone, rows.map((r) => r.id), volumeSpecs);
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
      const placed = e.fleet.needsPlacementToStart(id);
      const quota = placed ? (await tx.findOneByOrFail(TenantEntity, { id: tenant.id })).quotaOnDemandVcpus : undefined;
      // A stopped instance keeps its zone (its subnet), tenancy, group and partition, but not its
      // host, as on EC2 — except on a Dedicated Host, to which it returns (host affinity).
      const transition = startVm(e.world, tenant.id, id, { availabilityZone: row.availabilityZone, dedicatedHostId: row.dedicatedHostId ?? undefined, vcpuQuota: quota });
      if (!placed) return mapTransition(transition);
      await tx.update(InstanceEntity, { id }, { launchTime: e.now, stateReason: null });
      return mapTransition(transition);
    });
  }

  stop(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'stopped');
      const t = stopVm(e.world, tenant.id, id);
      if (t.previous !== t.current) await tx.update(InstanceEntity, { id }, { stateReason: USER_SHUTDOWN });
      return mapTransition(t);
    });
  }

  reboot(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') throw new IncorrectInstanceState(id, row.state, 'rebooted');
      return mapTransition(rebootVm(e.world, tenant.id, id));
    });
  }

  terminate(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      const row = await this.requireVisible(tx, tenant.id, id);
      if (row.state === 'terminated') return mapTransition({ vmId: id, previous: 'terminated', current: 'terminated' });
      const t = terminateVm(e.world, tenant.id, id);
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

  private newRow(vm: Vm, reservationId: string, availabilityZone: string, dto: RunInstancesDto, creditMode: CreditMode | undefined, now: number): InstanceEntity {
    return {
      id: vm.vmId, tenantId: vm.tenantId, reservationId, imageId: vm.image.imageId, instanceType: vm.instanceType.name,
      platform: vm.image.platform, tenancy: dto.tenancy ?? 'default', availabilityZone, hostId: vm.hostId, state: vm.state,
      stateReason: null, stateSince: vm.stateSince, transitionAt: vm.transitionAt, launchTime: now,
      cpuReservationMillicores: vm.cpu.reservationMillicores, cpuLimitMillicores: vm.cpu.limitMillicores, cpuWeight: vm.cpu.weight,
      creditSpecification: creditMode ?? null,
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
