import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_DB } from '../../persistence/data-source';
import { isAvailabilityZone, MS_PER_HOUR, resolveVolume, VolumeSpec } from '@nimbus/hypervisor';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { ID_PATTERN, resourceId } from '../common/ids';
import { InstanceEntity, TenantEntity, VolumeEntity } from '../../persistence/entities';
import { EngineService, StoredWorkload } from '../../engine/engine.service';
import { compareDevices, DEFAULT_ATTACH_DEVICES, LAUNCH_DEVICES, MAX_ATTACHMENTS, validateDevice } from './devices';
import { decodeVolumePageToken, encodePageToken } from './page-token';
import { AttachVolumeDto, CreateVolumeDto, LaunchVolumeDto, ListVolumesQueryDto } from '../../http/rest/volumes/volume.dto';
import { InstanceVolumeView, mapAttachment, mapInstanceVolume, mapVolume } from '../../http/rest/volumes/volume.mapper';

const DEFAULT_PAGE_SIZE = 1000;
/** Terminated instances stay visible for one simulated hour (MODEL.md §3.6), as in InstancesService. */
const TERMINATED_VISIBLE_MS = MS_PER_HOUR;
/** Bound parameters per IN (...) list, well under SQLite's and PostgreSQL's limits. */
const IN_BATCH = 500;

/** The volume types whose IOPS are provisioned, and count against the tenant's quota (gp2 is 3 IOPS/GiB with burst). */
const PROVISIONED_TYPES = ['gp3', 'io2'];
const provisionedIops = (spec: VolumeSpec) => (PROVISIONED_TYPES.includes(spec.type) ? spec.iops : 0);

const volumeNotFound = (id: string) => notFound('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
const instanceNotFound = (id: string) => notFound('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);

class MaxIopsLimitExceeded extends ApiError {
  constructor(limit: number, used: number, requested: number) {
    super(
      'MaxIOPSLimitExceeded',
      `You have requested more provisioned IOPS than your current limit of ${limit} allows: ${used} provisioned, ${requested} requested (quota).`,
    );
  }
}

/** What the data plane must be told when instances terminate (EngineService.dataPlane fits). */
export interface VolumeDataPlane {
  detachVolume(volumeId: string): void;
  removeVolume(volumeId: string): void;
}

function chunks<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += IN_BATCH) out.push(xs.slice(i, i + IN_BATCH));
  return out;
}

/**
 * EBS-like volumes (MODEL.md §3.3): CreateVolume, Describe, Attach, Detach, Delete, the tenant's
 * provisioned-IOPS quota, and the volumes launched with instances. Every change runs as an engine
 * command (one serial transaction), and tells the data plane after the rows are written.
 */
@Injectable()
export class VolumesService {
  constructor(
    @InjectDataSource(READ_DB) private readonly db: DataSource,
    private readonly engine: EngineService,
  ) {
    engine.onTerminated((tx, ids, now, e) => this.onInstancesTerminated(tx, ids, now, e.dataPlane));
  }

  create(tenant: TenantEntity, dto: CreateVolumeDto) {
    const spec = resolveVolume({ type: dto.type, sizeGiB: dto.sizeGiB, iops: dto.iops, throughputMiBps: dto.throughputMiBps });
    const az = dto.availabilityZone;
    if (!isAvailabilityZone(az)) throw invalidParameter(`availabilityZone '${az}' does not exist`);
    const { clientToken } = dto;

    return this.engine.command(async (tx, e) => {
      // Idempotency without a token column: a token names its volume (the id is derived from the
      // tenant and the token), and the stored volume is the request it was used with.
      const id = clientToken === undefined ? resourceId('vol') : tokenVolumeId(tenant.id, clientToken);
      if (clientToken !== undefined) {
        const previous = await tx.findOneBy(VolumeEntity, { id });
        if (previous) {
          if (previous.tenantId !== tenant.id || !sameVolume(previous, az, spec))
            throw new ApiError('IdempotentParameterMismatch', `The client token '${clientToken}' was used with a different request`);
          return mapVolume(previous);
        }
      }
      await this.checkIopsQuota(tx, tenant.id, provisionedIops(spec));
      const row = newVolumeRow(id, tenant.id, az, spec, e.now);
      await tx.insert(VolumeEntity, { ...row });
      await e.usage.openVolumes(tx, [row]);
      e.dataPlane.addVolume({ volumeId: id, tenantId: tenant.id, availabilityZone: az, spec });
      return mapVolume(row);
    });
  }

  async list(tenant: TenantEntity, q: ListVolumesQueryDto) {
    const limit = q.maxResults ?? DEFAULT_PAGE_SIZE;
    const qb = this.db
      .getRepository(VolumeEntity)
      .createQueryBuilder('v')
      .where('v.tenantId = :tenantId', { tenantId: tenant.id })
      .andWhere("v.state <> 'deleted'");
    if (q.state) qb.andWhere('v.state = :state', { state: q.state });
    if (q.instanceId) qb.andWhere('v.instanceId = :instanceId', { instanceId: q.instanceId });
    if (q.availabilityZone) qb.andWhere('v.availabilityZone = :az', { az: q.availabilityZone });
    if (q.nextToken) qb.andWhere('v.id > :after', { after: decodeVolumePageToken(q.nextToken) });
    const rows = await qb.orderBy('v.id', 'ASC').take(limit + 1).getMany();
    const page = rows.slice(0, limit);
    return {
      volumes: page.map(mapVolume),
      ...(rows.length > limit ? { nextToken: encodePageToken(page[page.length - 1].id) } : {}),
    };
  }

  /** A volume, with what its IO gets right now (MODEL.md §3.3: delivered, demanded, throttled; gp2's burst balance). */
  get(tenant: TenantEntity, id: string) {
    return this.engine.read(async (e) => {
      const v = mapVolume(await this.requireVolume(this.db.manager, tenant.id, id));
      const io = e.dataPlane.volumeView(id);
      return {
        ...v,
        performance: {
          iopsDemanded: io.iopsDemanded, iopsDelivered: io.iopsDelivered, iopsThrottled: io.iopsThrottled, throughputMiBps: io.throughputMiBps,
          ...(io.burstBalancePercent !== null ? { burstBalancePercent: io.burstBalancePercent } : {}),
        },
      };
    });
  }

  delete(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      const v = await this.requireVolume(tx, tenant.id, id);
      if (v.state === 'in-use') throw new ApiError('VolumeInUse', `Volume ${id} is currently attached to ${v.instanceId}`);
      await tx.update(VolumeEntity, { id }, { state: 'deleted', deletedAt: e.now });
      await e.usage.closeVolumes(tx, [id], e.now);
      e.dataPlane.removeVolume(id);
    });
  }

  attach(tenant: TenantEntity, id: string, dto: AttachVolumeDto) {
    const requestedDevice = dto.device === undefined ? undefined : validateDevice(dto.device);
    return this.engine.command(async (tx, e) => {
      const v = await this.requireVolume(tx, tenant.id, id);
      const instance = await this.requireInstance(tx, tenant.id, dto.instanceId);
      if (v.state !== 'available') throw new ApiError('VolumeInUse', `${id} is already attached to an instance`);
      // The fleet knows the current state (the row is written when the command commits); it forgets terminated VMs.
      const state = e.fleet.vm(instance.id)?.state ?? 'terminated';
      if (state === 'shutting-down' || state === 'terminated')
        throw new ApiError('IncorrectInstanceState', `The instance '${instance.id}' is in state '${state}': volumes can be attached only to pending, running, stopping or stopped instances.`);
      if (instance.availabilityZone !== v.availabilityZone)
        throw new ApiError(
          'InvalidVolume.ZoneMismatch',
          `The volume '${id}' is not in the same availability zone as instance '${instance.id}' (${v.availabilityZone}, ${instance.availabilityZone}).`,
        );
      const attached = await tx.find(VolumeEntity, { where: { instanceId: instance.id, state: 'in-use' } });
      if (attached.length >= MAX_ATTACHMENTS)
        throw new ApiError('AttachmentLimitExceeded', `Instance '${instance.id}' already has ${attached.length} volumes attached, the most it may have.`);
      const taken = new Set(attached.map((a) => a.device));
      let device = requestedDevice;
      if (device === undefined) {
        device = DEFAULT_ATTACH_DEVICES.find((d) => !taken.has(d));
        if (device === undefined)
          throw invalidParameter(`Every device from ${DEFAULT_ATTACH_DEVICES[0]} to ${DEFAULT_ATTACH_DEVICES.at(-1)} is in use on instance '${instance.id}': name a device.`);
      } else if (taken.has(device)) {
        throw invalidParameter(`Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`);
      }
      const change = { state: 'in-use', instanceId: instance.id, device, attachTime: e.now, deleteOnTermination: false };
      await tx.update(VolumeEntity, { id }, change);
      e.dataPlane.attachVolume(id, instance.id);
      return mapAttachment({ ...v, ...change }, 'attached');
    });
  }

  detach(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      const v = await this.requireVolume(tx, tenant.id, id);
      if (v.state !== 'in-use') throw new ApiError('IncorrectState', `Volume '${id}' is in the '${v.state}' state.`);
      await tx.update(VolumeEntity, { id }, { state: 'available', instanceId: null, device: null, attachTime: null, deleteOnTermination: false });
      e.dataPlane.detachVolume(id);
      // The data plane dropped the workload's IO on this volume: the stored workload follows.
      const instance = await tx.findOneBy(InstanceEntity, { id: v.instanceId! });
      if (instance?.workload) {
        const stored = JSON.parse(instance.workload) as StoredWorkload;
        const workload = e.dataPlane.workloadOf(instance.id);
        await tx.update(InstanceEntity, { id: instance.id }, { workload: JSON.stringify({ ...stored, workload }) });
      }
      return mapAttachment(v, 'detached');
    });
  }

  /** Σ IOPS of the tenant's gp3 and io2 volumes that are not deleted. */
  async provisionedIopsUsed(tenantId: string, m: EntityManager = this.db.manager): Promise<number> {
    const row = await m
      .createQueryBuilder(VolumeEntity, 'v')
      .select('COALESCE(SUM(v.iops), 0)', 'used')
      .where('v.tenantId = :tenantId', { tenantId })
      .andWhere('v.volumeType IN (:...types)', { types: PROVISIONED_TYPES })
      .andWhere("v.state <> 'deleted'")
      .getRawOne<{ used: string | number }>();
    return Number(row?.used ?? 0);
  }

  // ---- launching with volumes (RunInstances' `volumes`) ----

  /** Validates a launch's volumes as CreateVolume would, before anything is placed. */
  resolveLaunchVolumes(volumes: LaunchVolumeDto[] | undefined): VolumeSpec[] {
    const list = volumes ?? [];
    if (list.length > MAX_ATTACHMENTS) throw new ApiError('AttachmentLimitExceeded', `An instance may have at most ${MAX_ATTACHMENTS} volumes, got ${list.length}.`);
    return list.map((v) => resolveVolume({ type: v.type, sizeGiB: v.sizeGiB, iops: v.iops, throughputMiBps: v.throughputMiBps }));
  }

  /**
   * How many instances (at most maxCount) the tenant's provisioned-IOPS quota has room for, each
   * with these volumes; fewer than minCount throws MaxIOPSLimitExceeded.
   */
  /**
   * How many instances the tenant's provisioned-IOPS quota lets launch with these volumes: a
   * function of (minCount, at most) that throws MaxIOPSLimitExceeded below minCount.
   */
  async iopsAllowance(tx: EntityManager, tenantId: string, specs: VolumeSpec[]): Promise<(minCount: number, maxCount: number) => number> {
    const perInstance = specs.reduce((sum, s) => sum + provisionedIops(s), 0);
    if (perInstance === 0) return (_minCount, maxCount) => maxCount;
    const { limit, used } = await this.iopsQuota(tx, tenantId);
    return (minCount, maxCount) => {
      const allowed = Math.min(maxCount, Math.floor(Math.max(0, limit - used) / perInstance));
      if (allowed < minCount) throw new MaxIopsLimitExceeded(limit, used, perInstance * minCount);
      return allowed;
    };
  }

  /**
   * Creates each instance's volumes in its zone, attached as /dev/xvda, /dev/sdf, /dev/sdg, … and
   * deleted on termination; call after the VMs were launched. Returns them by instance.
   */
  async createForInstances(
    tx: EntityManager, e: EngineService, tenantId: string, availabilityZone: string, instanceIds: string[], specs: VolumeSpec[],
  ): Promise<Map<string, InstanceVolumeView[]>> {
    const out = new Map<string, InstanceVolumeView[]>();
    if (specs.length === 0) return out;
    const rows = instanceIds.flatMap((instanceId) =>
      specs.map((spec, n): VolumeEntity => ({
        ...newVolumeRow(resourceId('vol'), tenantId, availabilityZone, spec, e.now),
        state: 'in-use', instanceId, device: LAUNCH_DEVICES[n], attachTime: e.now, deleteOnTermination: true,
      })),
    );
    // Copies: on SQLite, TypeORM merges the re-read default columns back into the inserted objects by
    // position, not by id, and so may swap the ids of a multi-row insert.
    for (const batch of chunks(rows)) await tx.insert(VolumeEntity, batch.map((r) => ({ ...r })));
    await e.usage.openVolumes(tx, rows);
    rows.forEach((r, n) => {
      e.dataPlane.addVolume({ volumeId: r.id, tenantId, availabilityZone, spec: specs[n % specs.length] });
      e.dataPlane.attachVolume(r.id, r.instanceId!);
      out.set(r.instanceId!, [...(out.get(r.instanceId!) ?? []), mapInstanceVolume(r)]);
    });
    return out;
  }

  /** The attached volumes of these instances (one query per 500 ids), root first. */
  async attachedTo(m: EntityManager, instanceIds: string[]): Promise<Map<string, InstanceVolumeView[]>> {
    const out = new Map<string, InstanceVolumeView[]>();
    for (const ids of chunks(instanceIds)) {
      const rows = await m.find(VolumeEntity, { where: { instanceId: In(ids), state: 'in-use' } });
      rows.sort((a, b) => compareDevices(a.device!, b.device!));
      for (const r of rows) out.set(r.instanceId!, [...(out.get(r.instanceId!) ?? []), mapInstanceVolume(r)]);
    }
    return out;
  }

  /**
   * For the engine, when instances reach `terminated`: their volumes with deleteOnTermination are
   * deleted, the others detached (available again). Idempotent: volumes already handled are skipped.
   */
  async onInstancesTerminated(tx: EntityManager, instanceIds: string[], now: number, dataPlane: VolumeDataPlane): Promise<void> {
    for (const ids of chunks(instanceIds)) {
      const rows = await tx.find(VolumeEntity, { where: { instanceId: In(ids), state: 'in-use' } });
      if (rows.length === 0) continue;
      const detachedAttachment = { instanceId: null, device: null, attachTime: null, deleteOnTermination: false };
      const toDelete = rows.filter((r) => r.deleteOnTermination).map((r) => r.id);
      const toDetach = rows.filter((r) => !r.deleteOnTermination).map((r) => r.id);
      if (toDelete.length > 0) await tx.update(VolumeEntity, { id: In(toDelete) }, { ...detachedAttachment, state: 'deleted', deletedAt: now });
      await this.engine.usage.closeVolumes(tx, toDelete, now);
      if (toDetach.length > 0) await tx.update(VolumeEntity, { id: In(toDetach) }, { ...detachedAttachment, state: 'available' });
      for (const id of [...toDelete, ...toDetach]) dataPlane.detachVolume(id);
      for (const id of toDelete) dataPlane.removeVolume(id);
    }
  }

  // ---- helpers ----

  private async iopsQuota(tx: EntityManager, tenantId: string) {
    const limit = (await tx.findOneByOrFail(TenantEntity, { id: tenantId })).quotaProvisionedIops;
    return { limit, used: await this.provisionedIopsUsed(tenantId, tx) };
  }

  private async checkIopsQuota(tx: EntityManager, tenantId: string, requested: number): Promise<void> {
    if (requested === 0) return;
    const { limit, used } = await this.iopsQuota(tx, tenantId);
    if (used + requested > limit) throw new MaxIopsLimitExceeded(limit, used, requested);
  }

  /** Another tenant's volume, or a deleted one, is indistinguishable from a missing one. */
  private async requireVolume(m: EntityManager, tenantId: string, id: string): Promise<VolumeEntity> {
    if (!ID_PATTERN('vol').test(id)) throw new ApiError('InvalidVolumeID.Malformed', `Invalid id: '${id}' (expecting 'vol-' and 17 hex digits)`);
    const row = await m.findOneBy(VolumeEntity, { id, tenantId });
    if (!row || row.state === 'deleted') throw volumeNotFound(id);
    return row;
  }

  /** As InstancesService: another tenant's instance, or one terminated over an hour ago, is missing. */
  private async requireInstance(m: EntityManager, tenantId: string, id: string): Promise<InstanceEntity> {
    if (!ID_PATTERN('i').test(id)) throw new ApiError('InvalidInstanceID.Malformed', `Invalid id: '${id}' (expecting 'i-' and 17 hex digits)`);
    const row = await m.findOneBy(InstanceEntity, { id, tenantId });
    if (!row || (row.state === 'terminated' && row.stateSince <= this.engine.now - TERMINATED_VISIBLE_MS)) throw instanceNotFound(id);
    return row;
  }
}

/** The volume id a client token names: `vol-` and 17 hex digits of a hash of the tenant and the token. */
function tokenVolumeId(tenantId: string, clientToken: string): string {
  return `vol-${createHash('sha256').update(`CreateVolume\0${tenantId}\0${clientToken}`).digest('hex').slice(0, 17)}`;
}

/** Whether a stored volume is what this request creates (defaults spelled out or not). */
function sameVolume(v: VolumeEntity, availabilityZone: string, spec: VolumeSpec): boolean {
  return v.availabilityZone === availabilityZone && v.volumeType === spec.type && v.sizeGiB === spec.sizeGiB
    && v.iops === spec.iops && v.throughputMiBps === spec.throughputMiBps;
}

function newVolumeRow(id: string, tenantId: string, availabilityZone: string, spec: VolumeSpec, now: number): VolumeEntity {
  return {
    id, tenantId, availabilityZone, volumeType: spec.type, sizeGiB: spec.sizeGiB, iops: spec.iops, throughputMiBps: spec.throughputMiBps,
    state: 'available', instanceId: null, device: null, attachTime: null, deleteOnTermination: false, createdAt: now, deletedAt: null, runtime: null,
  };
}
