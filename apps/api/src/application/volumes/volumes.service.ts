import { Injectable } from '@nestjs/common';
import {
  DataPlane, Image, imageBlockDevices, isAvailabilityZone, isRootDeviceName, modificationSchedule, modificationStatus, modifiedSpec, NON_BOOT_VOLUME_TYPES, PROVISIONED_IOPS_TYPES, resolveVolume, rootDeviceOf, VolumeModificationState, VolumeSpec, VolumeType,
} from '@nimbus/hypervisor';
import { ApiError, idempotentMismatch, invalidParameter, notFound } from '../common/api-errors';
import { byInstant } from '../common/by-instant';
import { checkEc2Id, resourceId, tokenId } from '../common/ids';
import { InstanceEntity, TenantEntity, VolumeEntity, VolumeModificationEntity } from '../../persistence/entities';
import { Tx } from '../../persistence/tx';
import { InstancesRepository } from '../../persistence/instances.repository';
import { requireInstance } from '../instances/require-instance';
import { CatalogRepository } from '../../persistence/catalog.repository';
import { checkSnapshotId, requireCompletedSnapshot } from '../images/snapshot-rules';
import { inBatches, volumeSpecOf, VolumesRepository } from '../../persistence/volumes.repository';
import { storedWorkloadOf, VmmRepository } from '../../persistence/vmm.repository';
import { EngineService } from '../../engine/engine.service';
import { compareDevices, DEFAULT_ATTACH_DEVICES, isDeviceOf, launchDevices, MAX_ATTACHMENTS, validateDevice, validateDeviceOf } from './devices';
import { decodeVolumePageToken, encodePageToken } from './page-token';
import { mergeTags, validateTags } from '../instances/tags';
import type { ResourceTag } from '../tags/tags.service';
import { checkEncryptionAsked, defaultKeyArn, EbsEncryptionDefaults, encryptionKeyOf, kmsKeyArn, NO_ENCRYPTION_BY_DEFAULT } from './ebs-encryption';
import { AttachVolumeCommand, CreateVolumeCommand, DeleteOnTerminationChange, LaunchBlockDeviceMapping, LaunchVolumes, ListVolumesQuery, ModifyVolumeCommand, PlacedLaunchVolume, VolumeRef } from './volumes.commands';

const DEFAULT_PAGE_SIZE = 1000;

/** The volume types whose IOPS are provisioned count them against the tenant's quota (gp2 is 3 IOPS/GiB with burst; HDD and Magnetic have none to set). */
const PROVISIONED_TYPES = PROVISIONED_IOPS_TYPES;
/** A tenant's stored encryption settings as the rule reads them (no row: off, the AWS managed key). */
const defaultsOf = (row: { byDefault: boolean; kmsKeyId: string | null } | null): EbsEncryptionDefaults =>
  row ? { byDefault: row.byDefault, kmsKeyArn: row.kmsKeyId } : NO_ENCRYPTION_BY_DEFAULT;
const provisionedIops = (spec: VolumeSpec) => (PROVISIONED_TYPES.includes(spec.type) ? spec.iops : 0);

/** EC2 refuses st1/sc1 as a boot volume (EC2 User Guide: "Bootable st1/sc1 volumes are not supported"). */
function checkBootable(type: VolumeType, what: string): void {
  if (NON_BOOT_VOLUME_TYPES.includes(type))
    throw new ApiError('InvalidBlockDeviceMapping', `${what}: a ${type} volume cannot be a root (boot) volume; ${NON_BOOT_VOLUME_TYPES.join(' and ')} volumes can only be data volumes.`);
}

const volumeNotFound = (id: string) => notFound('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);

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

/** A page of DescribeVolumes. */
export interface VolumePage {
  readonly volumes: VolumeEntity[];
  readonly nextToken?: string;
}

/** A volume and what its IO gets right now (the data plane's view). */
export interface VolumeDetail {
  readonly volume: VolumeEntity;
  readonly performance: ReturnType<DataPlane['volumeView']>;
}

/**
 * EBS-like volumes (docs/model.md §3.3): CreateVolume, Describe, Attach, Detach, Delete, the tenant's
 * provisioned-IOPS quota, and the volumes launched with instances. Every change runs as an engine
 * command (one serial transaction), and tells the data plane after the rows are written.
 */
@Injectable()
export class VolumesService {
  constructor(
    private readonly repo: VolumesRepository,
    private readonly instances: VmmRepository,
    private readonly engine: EngineService,
    private readonly instanceRows: InstancesRepository,
    private readonly catalog: CatalogRepository,
  ) {
    engine.onTerminated((tx, ids, _now, e, reachedAt) => this.onInstancesTerminated(tx, ids, reachedAt, e.dataPlane));
  }

  /**
   * CreateVolume: the volume as stored (the stored one again for a repeated client token). From a
   * snapshot, it is the tenant's completed snapshot's size unless a larger size is asked.
   */
  create(tenant: TenantEntity, cmd: CreateVolumeCommand): Promise<VolumeEntity> {
    if (cmd.sizeGiB === undefined && cmd.snapshotId === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter size or snapshotId');
    if (cmd.sizeGiB !== undefined) resolveVolume({ type: cmd.type, sizeGiB: cmd.sizeGiB, iops: cmd.iops, throughputMiBps: cmd.throughputMiBps });
    const az = cmd.availabilityZone;
    if (!isAvailabilityZone(az)) throw invalidParameter(`availabilityZone '${az}' does not exist`);
    const { clientToken } = cmd;
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    encryptionKeyOf(cmd, null, NO_ENCRYPTION_BY_DEFAULT, tenant.accountId);

    return this.engine.command(async (tx, e) => {
      const snapshot = cmd.snapshotId === undefined ? undefined : await this.fromSnapshot(tx, tenant.id, cmd.snapshotId, cmd.sizeGiB, e.now);
      const sizeGiB = snapshot?.sizeGiB ?? cmd.sizeGiB!;
      const spec = resolveVolume({ type: cmd.type, sizeGiB, iops: cmd.iops, throughputMiBps: cmd.throughputMiBps });
      const kmsKeyId = encryptionKeyOf(cmd, snapshot?.kmsKeyId ?? null, await this.encryptionDefaults(tenant.id, tx), tenant.accountId);
      // Idempotency without a token column: a token names its volume (the id is derived from the
      // tenant and the token), and the stored volume is the request it was used with.
      const id = clientToken === undefined ? resourceId('vol') : tokenVolumeId(tenant.id, clientToken);
      if (clientToken !== undefined) {
        const previous = await this.repo.findById(tx, id);
        if (previous) {
          // The encryption asked must be the stored volume's; what the account's default gave it is not part of the request.
          const otherEncryption = (cmd.kmsKeyId !== undefined && previous.kmsKeyId !== kmsKeyId) || (cmd.encrypted === true && previous.kmsKeyId === null);
          if (previous.tenantId !== tenant.id || !sameVolume(previous, az, spec) || previous.snapshotId !== (cmd.snapshotId ?? null) || otherEncryption)
            throw idempotentMismatch(clientToken);
          return previous;
        }
      }
      await this.checkIopsQuota(tx, tenant.id, provisionedIops(spec));
      const row = newVolumeRow(id, tenant.id, az, spec, e.now, cmd.snapshotId ?? null, kmsKeyId);
      await this.repo.insert(tx, [row]);
      await this.repo.saveTags(tx, tenant.id, id, tags);
      await e.usage.openVolumes(tx, [row]);
      e.dataPlane.addVolume({ volumeId: id, tenantId: tenant.id, availabilityZone: az, spec });
      return row;
    });
  }

  async list(tenant: TenantEntity, q: ListVolumesQuery): Promise<VolumePage> {
    const limit = q.maxResults ?? DEFAULT_PAGE_SIZE;
    const afterId = q.nextToken ? decodeVolumePageToken(q.nextToken) : undefined;
    const rows = await this.repo.page(tenant.id, { state: q.state, instanceId: q.instanceId, availabilityZone: q.availabilityZone, afterId }, limit + 1);
    const page = rows.slice(0, limit);
    return { volumes: page, ...(rows.length > limit ? { nextToken: encodePageToken(page[page.length - 1].id) } : {}) };
  }

  /** A volume, with what its IO gets right now (docs/model.md §3.3: delivered, demanded, throttled; gp2's burst balance). */
  get(tenant: TenantEntity, q: VolumeRef): Promise<VolumeDetail> {
    return this.engine.read(async (e) => {
      const volume = await this.requireVolume(tenant.id, q.volumeId);
      return { volume, performance: e.dataPlane.volumeView(q.volumeId) };
    });
  }

  delete(tenant: TenantEntity, cmd: VolumeRef): Promise<void> {
    const id = cmd.volumeId;
    return this.engine.command(async (tx, e) => {
      const v = await this.requireVolume(tenant.id, id, tx);
      if (v.state === 'in-use') throw new ApiError('VolumeInUse', `Volume ${id} is currently attached to ${v.instanceId}`);
      await this.repo.markDeleted(tx, [id], e.now);
      await e.usage.closeVolumes(tx, [id], e.now);
      e.dataPlane.removeVolume(id);
    });
  }

  /** AttachVolume: the volume as attached. */
  attach(tenant: TenantEntity, cmd: AttachVolumeCommand): Promise<VolumeEntity> {
    const id = cmd.volumeId;
    const requestedDevice = cmd.device === undefined ? undefined : validateDevice(cmd.device);
    return this.engine.command(async (tx, e) => {
      const v = await this.requireVolume(tenant.id, id, tx);
      const instance = await this.requireInstance(tx, tenant.id, cmd.instanceId);
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
      const attached = await this.repo.attachedTo(tx, [instance.id]);
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
      validateDeviceOf(device, instance.rootDeviceName, instance.id);
      if (device === instance.rootDeviceName) checkBootable(v.volumeType as VolumeType, `Volume '${id}' at ${device}`);
      const change = { state: 'in-use', instanceId: instance.id, device, attachTime: e.now, deleteOnTermination: false };
      await this.repo.setAttachment(tx, id, change);
      e.dataPlane.attachVolume(id, instance.id);
      return { ...v, ...change };
    });
  }

  /** DetachVolume: the volume as it was attached. */
  detach(tenant: TenantEntity, cmd: VolumeRef): Promise<VolumeEntity> {
    const id = cmd.volumeId;
    return this.engine.command(async (tx, e) => {
      const v = await this.requireVolume(tenant.id, id, tx);
      if (v.state !== 'in-use') throw new ApiError('IncorrectState', `Volume '${id}' is in the '${v.state}' state.`);
      const instance = await this.instances.findById(tx, v.instanceId!);
      // EC2: a root volume leaves only a stopped instance (its words, IncorrectState).
      if (instance && v.device === instance.rootDeviceName && instance.state !== 'stopped') {
        throw new ApiError('IncorrectState', `Unable to detach root volume '${id}' from instance '${instance.id}'`);
      }
      await this.repo.markAvailable(tx, [id]);
      e.dataPlane.detachVolume(id);
      // The data plane dropped the workload's IO on this volume: the stored workload follows.
      const stored = instance && storedWorkloadOf(instance);
      if (instance && stored) await this.instances.saveWorkload(tx, instance.id, { ...stored, workload: e.dataPlane.workloadOf(instance.id) });
      return v;
    });
  }

  /**
   * ModifyInstanceAttribute's blockDeviceMapping: whether each volume attached to the instance at
   * a device is deleted when the instance terminates. Every device must hold a volume (all or none
   * change).
   */
  setDeleteOnTermination(tenant: TenantEntity, instanceId: string, changes: readonly DeleteOnTerminationChange[]): Promise<void> {
    return this.engine.command(async (tx) => {
      const instance = await this.requireInstance(tx, tenant.id, instanceId);
      const attached = await this.repo.attachedTo(tx, [instance.id]);
      const planned = changes.map((c) => {
        const v = attached.find((a) => a.device === c.device);
        if (!v) throw invalidParameter(`No volume is attached to instance '${instance.id}' at ${c.device}.`);
        if (c.volumeId !== undefined && c.volumeId !== v.id) throw invalidParameter(`The volume at ${c.device} of instance '${instance.id}' is '${v.id}', not '${c.volumeId}'.`);
        return { v, deleteOnTermination: c.deleteOnTermination };
      });
      for (const { v, deleteOnTermination } of planned)
        await this.repo.setAttachment(tx, v.id, { state: v.state, instanceId: v.instanceId, device: v.device, attachTime: v.attachTime, deleteOnTermination });
    });
  }

  /**
   * ModifyVolumeAttribute's AutoEnableIO: kept and answered by DescribeVolumeAttribute. It decides
   * what happens to a volume whose IO EC2 disables after an impairment, which Nimbus does not
   * simulate: nothing else reads it.
   */
  setAutoEnableIO(tenant: TenantEntity, volumeId: string, autoEnableIO: boolean): Promise<void> {
    return this.engine.command(async (tx) => {
      await this.requireVolume(tenant.id, volumeId, tx);
      await this.repo.setAutoEnableIO(tx, volumeId, autoEnableIO);
    });
  }

  /** Σ IOPS of the tenant's gp3 and io2 volumes that are not deleted. */
  provisionedIopsUsed(tenantId: string, tx?: Tx): Promise<number> {
    return this.repo.iopsOf(tenantId, PROVISIONED_TYPES, tx);
  }

  // ---- launching with volumes (RunInstances' `volumes`) ----

  /**
   * Places a launch's volumes on their devices, root first, and validates them as CreateVolume
   * would, before anything is looked up: those with a size fully, those from a snapshot as far as
   * they can be without it (the id's form; the rest in `launchVolumeSpecs`).
   *
   * REST's `volumes` are exactly the volumes launched: the first is the root and the others take
   * /dev/sdf, /dev/sdg, …; none asked, the instance has none. EC2's `blockDeviceMappings` change
   * the image's own mapping, as EC2 matches them by DeviceName. The image's mapping is its
   * block devices (a CreateImage image's volumes, each from its snapshot, at its device) with the
   * default root volume (`defaultRootVolume`) at the image's root device (`rootDeviceOf`) when they have none
   * there, so every EC2 launch has a root volume. A request mapping at a device of the image's
   * changes that volume, what it omits (size, type, snapshot, DeleteOnTermination) the image's;
   * at any other device it is a data volume (gp2 unless typed). A device named twice, or not a
   * device name, is `InvalidBlockDeviceMapping`.
   */
  resolveLaunchVolumes(launch: LaunchVolumes, image: Image): PlacedLaunchVolume[] {
    const list = placeLaunchVolumes(launch, image);
    if (list.length > MAX_ATTACHMENTS) throw new ApiError('AttachmentLimitExceeded', `An instance may have at most ${MAX_ATTACHMENTS} volumes, got ${list.length}.`);
    if (list.length > 0) checkBootable(list[0].type, `The root device ${list[0].device}`);
    for (const v of list) {
      checkEncryptionAsked(v);
      if (v.snapshotId !== undefined) checkSnapshotId(v.snapshotId);
      else if (v.sizeGiB === undefined) throw new ApiError('MissingParameter', `The launch volume at ${v.device} needs its size (sizeGiB, Ebs.VolumeSize) or a snapshot (snapshotId, Ebs.SnapshotId)`);
      if (v.sizeGiB !== undefined && v.snapshotSizeGiB !== undefined && v.sizeGiB < v.snapshotSizeGiB) throw smallerThanSnapshot(v.sizeGiB, v.snapshotId!, v.snapshotSizeGiB);
      if (v.sizeGiB !== undefined) resolveVolume({ type: v.type, sizeGiB: v.sizeGiB, iops: v.iops, throughputMiBps: v.throughputMiBps });
    }
    return list;
  }

  /**
   * A launch's volume specs, snapshots and encryption keys, in the command's transaction: a volume
   * from a snapshot as CreateVolume makes one, encrypted as CreateVolume's (ebs-encryption's
   * `encryptionKeyOf`: the mapping's Encrypted and KmsKeyId, its snapshot's key, the account's
   * encryption by default).
   */
  async launchVolumeSpecs(
    tx: Tx, tenant: TenantEntity, volumes: readonly PlacedLaunchVolume[] | undefined, now: number,
  ): Promise<{ specs: VolumeSpec[]; snapshotIds: (string | null)[]; kmsKeyIds: (string | null)[] }> {
    const specs: VolumeSpec[] = [];
    const snapshotIds: (string | null)[] = [];
    const kmsKeyIds: (string | null)[] = [];
    const defaults = volumes !== undefined && volumes.length > 0 ? await this.encryptionDefaults(tenant.id, tx) : NO_ENCRYPTION_BY_DEFAULT;
    for (const v of volumes ?? []) {
      // The image's root snapshot, Amazon's (unencrypted): nothing to look up.
      const snapshot = v.snapshotId === undefined ? undefined
        : v.snapshotSizeGiB !== undefined ? { sizeGiB: v.sizeGiB ?? v.snapshotSizeGiB, kmsKeyId: null }
          : await this.fromSnapshot(tx, tenant.id, v.snapshotId, v.sizeGiB, now, smallerThanSnapshot);
      specs.push(resolveVolume({ type: v.type, sizeGiB: snapshot?.sizeGiB ?? v.sizeGiB!, iops: v.iops, throughputMiBps: v.throughputMiBps }));
      snapshotIds.push(v.snapshotId ?? null);
      kmsKeyIds.push(encryptionKeyOf(v, snapshot?.kmsKeyId ?? null, defaults, tenant.accountId));
    }
    return { specs, snapshotIds, kmsKeyIds };
  }

  /**
   * A volume's size from the tenant's completed snapshot: the snapshot's, or a larger one asked
   * (a smaller one: CreateVolume's `InvalidParameterValue`, unless a launch's `tooSmall`); and the
   * snapshot's key (null: not encrypted), which the volume inherits.
   */
  private async fromSnapshot(
    tx: Tx, tenantId: string, snapshotId: string, sizeGiB: number | undefined, now: number,
    tooSmall = (size: number, id: string, snapshotGiB: number): ApiError => invalidParameter(`Volume of ${size} GiB is smaller than snapshot '${id}', expect size >= ${snapshotGiB}`),
  ): Promise<{ sizeGiB: number; kmsKeyId: string | null }> {
    const snapshot = await requireCompletedSnapshot(this.catalog, tx, tenantId, snapshotId, now);
    if (sizeGiB !== undefined && sizeGiB < snapshot.volumeSizeGiB) throw tooSmall(sizeGiB, snapshot.id, snapshot.volumeSizeGiB);
    return { sizeGiB: sizeGiB ?? snapshot.volumeSizeGiB, kmsKeyId: snapshot.kmsKeyId };
  }

  // ---- Amazon EBS encryption by default (ebs-encryption.ts) ----

  /**
   * Each tenant's encryption by default as committed, kept once read in a command: every launch with
   * volumes asks for it, and it changes only through changeEncryptionDefaults. Only committed state
   * enters it (a command's read is remembered after its group commits); a change forgets the tenant's
   * at once and bumps its generation, so a value read before the change never comes back.
   */
  private readonly encryption = new Map<string, EbsEncryptionDefaults>();
  private readonly encryptionGenerations = new Map<string, number>();

  /** The tenant's encryption by default and default key (none set: off, the AWS managed key), in `tx` (a command's) or the committed state. */
  async encryptionDefaults(tenantId: string, tx?: Tx): Promise<EbsEncryptionDefaults> {
    const known = this.encryption.get(tenantId);
    if (known) return known;
    const generation = this.encryptionGenerations.get(tenantId) ?? 0;
    const row = await this.repo.encryptionDefaults(tenantId, tx);
    const defaults = defaultsOf(row);
    if (tx) this.engine.afterCommit(() => (this.encryptionGenerations.get(tenantId) ?? 0) === generation && this.encryption.set(tenantId, defaults));
    return defaults;
  }

  /** GetEbsDefaultKmsKeyId: the ARN of the key new volumes are encrypted with when no key is named. */
  async defaultKmsKeyArn(tenant: TenantEntity): Promise<string> {
    return defaultKeyArn(await this.encryptionDefaults(tenant.id), tenant.accountId);
  }

  /** Enable/DisableEbsEncryptionByDefault: whether the tenant's new volumes (and snapshot copies) are encrypted whatever they ask; the setting now. */
  setEncryptionByDefault(tenant: TenantEntity, byDefault: boolean): Promise<EbsEncryptionDefaults> {
    return this.changeEncryptionDefaults(tenant, (d) => ({ ...d, byDefault }));
  }

  /**
   * ModifyEbsDefaultKmsKeyId (a key in any of EC2's forms) and ResetEbsDefaultKmsKeyId (undefined:
   * the AWS managed key again): the default key's ARN now. It changes no existing volume.
   */
  async setDefaultKmsKey(tenant: TenantEntity, kmsKeyId: string | undefined): Promise<string> {
    const kmsKeyArnSet = kmsKeyId === undefined ? null : kmsKeyArn(kmsKeyId, tenant.accountId);
    return defaultKeyArn(await this.changeEncryptionDefaults(tenant, (d) => ({ ...d, kmsKeyArn: kmsKeyArnSet })), tenant.accountId);
  }

  private changeEncryptionDefaults(tenant: TenantEntity, change: (d: EbsEncryptionDefaults) => EbsEncryptionDefaults): Promise<EbsEncryptionDefaults> {
    return this.engine.command(async (tx) => {
      this.encryptionGenerations.set(tenant.id, (this.encryptionGenerations.get(tenant.id) ?? 0) + 1);
      this.encryption.delete(tenant.id);
      const row = await this.repo.encryptionDefaults(tenant.id, tx);
      const next = change(defaultsOf(row));
      await this.repo.saveEncryptionDefaults(tx, { tenantId: tenant.id, byDefault: next.byDefault, kmsKeyId: next.kmsKeyArn });
      return next;
    });
  }

  /**
   * How many instances the tenant's provisioned-IOPS quota lets launch with these volumes: a
   * function of (minCount, at most) that throws MaxIOPSLimitExceeded below minCount.
   */
  async iopsAllowance(tx: Tx, tenantId: string, specs: VolumeSpec[]): Promise<(minCount: number, maxCount: number) => number> {
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
   * Creates each instance's volumes in its zone, attached at their devices (`resolveLaunchVolumes`:
   * the root device, /dev/sdf, /dev/sdg, … for REST's) and deleted on termination unless kept;
   * call after the VMs were launched. Returns them by instance (map them with
   * http/rest/volumes/volume.mapper's mapInstanceVolume).
   */
  async createForInstances(
    tx: Tx, e: EngineService, tenantId: string, availabilityZone: string, instanceIds: string[], specs: VolumeSpec[], keepOnTermination: readonly boolean[] = [],
    snapshotIds: readonly (string | null)[], devices: readonly string[], kmsKeyIds: readonly (string | null)[] = [],
  ): Promise<Map<string, VolumeEntity[]>> {
    const out = new Map<string, VolumeEntity[]>();
    if (specs.length === 0) return out;
    const rows = instanceIds.flatMap((instanceId) =>
      specs.map((spec, n): VolumeEntity => ({
        ...newVolumeRow(resourceId('vol'), tenantId, availabilityZone, spec, e.now, snapshotIds[n] ?? null, kmsKeyIds[n] ?? null),
        state: 'in-use', instanceId, device: devices[n], attachTime: e.now, deleteOnTermination: !keepOnTermination[n],
      })),
    );
    // On PostgreSQL the group's transaction is pipelined (persistence/pipeline.ts): both are sent, not awaited.
    await this.repo.insert(tx, rows);
    await e.usage.openVolumes(tx, rows);
    rows.forEach((r, n) => {
      e.dataPlane.addVolume({ volumeId: r.id, tenantId, availabilityZone, spec: specs[n % specs.length] });
      e.dataPlane.attachVolume(r.id, r.instanceId!);
      out.set(r.instanceId!, [...(out.get(r.instanceId!) ?? []), r]);
    });
    return out;
  }

  /**
   * The attached volumes of these instances, root first (map them with
   * http/rest/volumes/volume.mapper's mapInstanceVolume).
   */
  async attachedTo(m: Tx, instanceIds: readonly string[]): Promise<Map<string, VolumeEntity[]>> {
    const out = new Map<string, VolumeEntity[]>();
    const rows = await this.repo.attachedTo(m, instanceIds);
    rows.sort((a, b) => compareDevices(a.device!, b.device!));
    for (const r of rows) out.set(r.instanceId!, [...(out.get(r.instanceId!) ?? []), r]);
    return out;
  }

  /**
   * For the engine, when instances reach `terminated`: their volumes with deleteOnTermination are
   * deleted, the others detached (available again). A deleted volume is billed until its instance
   * reached `terminated` (`reachedAt`), not until the commit that records it. Idempotent: volumes
   * already handled are skipped.
   */
  async onInstancesTerminated(tx: Tx, instanceIds: string[], reachedAt: (instanceId: string) => number, dataPlane: VolumeDataPlane): Promise<void> {
    for (const ids of inBatches(instanceIds)) {
      const rows = await this.repo.attachedTo(tx, ids);
      if (rows.length === 0) continue;
      const toDelete = rows.filter((r) => r.deleteOnTermination);
      const toDetach = rows.filter((r) => !r.deleteOnTermination).map((r) => r.id);
      for (const [at, group] of byInstant(toDelete, (r) => reachedAt(r.instanceId!))) {
        const deleted = group.map((r) => r.id);
        await this.repo.markDeleted(tx, deleted, at);
        await this.engine.usage.closeVolumes(tx, deleted, at);
      }
      await this.repo.markAvailable(tx, toDetach);
      for (const { id } of toDelete) {
        dataPlane.detachVolume(id);
        dataPlane.removeVolume(id);
      }
      for (const id of toDetach) dataPlane.detachVolume(id);
    }
  }

  // ---- helpers ----

  private iopsQuota(tx: Tx, tenantId: string): Promise<{ limit: number; used: number }> {
    return this.repo.iopsQuota(tx, tenantId, PROVISIONED_TYPES);
  }

  private async checkIopsQuota(tx: Tx, tenantId: string, requested: number): Promise<void> {
    if (requested === 0) return;
    const { limit, used } = await this.iopsQuota(tx, tenantId);
    if (used + requested > limit) throw new MaxIopsLimitExceeded(limit, used, requested);
  }

  /** The tenant's volume, not deleted (InvalidVolume.NotFound otherwise, another tenant's too): CreateSnapshot's look-up. */
  requireOwned(tenantId: string, id: string, tx?: Tx): Promise<VolumeEntity> {
    return this.requireVolume(tenantId, id, tx);
  }

  // ---- Elastic Volumes (ModifyVolume) ----

  /**
   * ModifyVolume: the volume's new type, size, IOPS or throughput (libs/hypervisor's Elastic
   * Volumes rules), delivered and billed from now. The modification is then `modifying`,
   * `optimizing` and `completed` on the engine's clock.
   */
  modify(tenant: TenantEntity, cmd: ModifyVolumeCommand): Promise<VolumeModification> {
    return this.engine.command(async (tx, e) => {
      const v = await this.requireVolume(tenant.id, cmd.volumeId, tx);
      const history = await this.repo.modificationsOf(tx, v.id);
      const current = volumeSpecOf(v);
      const rootVolume = v.state === 'in-use' && isRootDeviceName(v.device ?? '');
      const spec = modifiedSpec(current, { type: cmd.type, sizeGiB: cmd.sizeGiB, iops: cmd.iops, throughputMiBps: cmd.throughputMiBps }, history, e.now, { rootVolume });
      await this.checkIopsQuota(tx, tenant.id, Math.max(0, provisionedIops(spec) - provisionedIops(current)));
      const row: VolumeModificationEntity = {
        volumeId: v.id, tenantId: tenant.id, startMs: e.now, ...modificationSchedule(e.now, spec.sizeGiB),
        originalType: v.volumeType, originalSizeGiB: v.sizeGiB, originalIops: v.iops, originalThroughputMiBps: v.throughputMiBps,
        targetType: spec.type, targetSizeGiB: spec.sizeGiB, targetIops: spec.iops, targetThroughputMiBps: spec.throughputMiBps,
      };
      await this.repo.insertModification(tx, row);
      const changed = { volumeType: spec.type, sizeGiB: spec.sizeGiB, iops: spec.iops, throughputMiBps: spec.throughputMiBps };
      await this.repo.setSpec(tx, v.id, changed);
      await e.usage.modifyVolume(tx, { ...v, ...changed }, history.length > 0 ? history[history.length - 1].startMs : v.createdAt, e.now);
      e.dataPlane.modifyVolume(v.id, spec);
      return modificationOf(row, e.now);
    });
  }

  /** DescribeVolumesModifications: the latest modification of each of the tenant's volumes (these, or all that were modified). */
  async modifications(tenant: TenantEntity, volumeIds?: readonly string[]): Promise<VolumeModification[]> {
    if (volumeIds) for (const id of volumeIds) await this.requireVolume(tenant.id, id);
    const rows = await this.repo.latestModifications(tenant.id, volumeIds);
    const now = this.engine.now;
    return rows.map((r) => modificationOf(r, now));
  }

  // ---- tags (CreateTags / DeleteTags / DescribeTags reach them through VolumeTagsRegistrar) ----

  /** Puts these (valid) tags on volumes just created in the caller's command (a launch's: EC2's TagSpecification with ResourceType=volume). */
  async tagVolumes(tx: Tx, tenantId: string, volumeIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    for (const id of volumeIds) await this.repo.saveTags(tx, tenantId, id, tags);
  }

  /** These volumes' tags, by id (the committed state; ids the caller has already found). */
  tagsOf(volumeIds: readonly string[]): Promise<Map<string, Record<string, string>>> {
    return this.repo.tagsOf(volumeIds);
  }

  /** Adds or replaces tags of the tenant's volume: at most 50 a volume (TagLimitExceeded), EC2's rules for each. */
  putTags(tenant: TenantEntity, volumeId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const valid = validateTags({ ...tags });
    return this.engine.command(async (tx) => {
      await this.requireVolume(tenant.id, volumeId, tx);
      mergeTags(volumeId, (await this.repo.tagsOf([volumeId], tx)).get(volumeId) ?? {}, valid);
      await this.repo.saveTags(tx, tenant.id, volumeId, valid);
    });
  }

  deleteTag(tenant: TenantEntity, volumeId: string, key: string): Promise<void> {
    return this.engine.command(async (tx) => {
      await this.requireVolume(tenant.id, volumeId, tx);
      await this.repo.deleteTag(tx, volumeId, key);
    });
  }

  /** The tags of the tenant's volume (InvalidVolume.NotFound / .Malformed otherwise). */
  async tagsOfVolume(tenant: TenantEntity, volumeId: string): Promise<Readonly<Record<string, string>>> {
    await this.requireVolume(tenant.id, volumeId);
    return (await this.repo.tagsOf([volumeId])).get(volumeId) ?? {};
  }

  /** Every tag of the tenant's volumes (a deleted volume has none). */
  async tagRows(tenant: TenantEntity): Promise<ResourceTag[]> {
    return (await this.repo.tagsOfTenant(tenant.id)).map((t) => ({ resourceId: t.volumeId, resourceType: 'volume', key: t.key, value: t.value }));
  }

  /** The tenant's volume, not deleted (InvalidVolume.NotFound / .Malformed otherwise). */
  async require(tenant: TenantEntity, volumeId: string): Promise<void> {
    await this.requireVolume(tenant.id, volumeId);
  }

  private async requireVolume(tenantId: string, id: string, tx?: Tx): Promise<VolumeEntity> {
    checkEc2Id('InvalidVolumeID.Malformed', 'vol', id);
    const row = await this.repo.findOwned(tenantId, id, tx);
    if (!row || row.state === 'deleted') throw volumeNotFound(id);
    return row;
  }

  /** The one instance-visibility rule (application/instances/require-instance.ts). */
  private requireInstance(tx: Tx, tenantId: string, id: string): Promise<InstanceEntity> {
    return requireInstance(this.instanceRows, tx, tenantId, id, this.engine.now);
  }
}

/** A modification as clients see it: its state and progress at `now`. */
export interface VolumeModification {
  readonly volumeId: string;
  readonly state: VolumeModificationState;
  readonly progress: number;
  readonly startMs: number;
  /** When it completed; null while it has not. */
  readonly endMs: number | null;
  readonly original: { readonly type: VolumeType; readonly sizeGiB: number; readonly iops: number; readonly throughputMiBps: number };
  readonly target: { readonly type: VolumeType; readonly sizeGiB: number; readonly iops: number; readonly throughputMiBps: number };
}

function modificationOf(r: VolumeModificationEntity, now: number): VolumeModification {
  const { state, progress } = modificationStatus(r, now);
  return {
    volumeId: r.volumeId, state, progress, startMs: r.startMs, endMs: state === 'completed' ? r.completedAtMs : null,
    original: { type: r.originalType as VolumeType, sizeGiB: r.originalSizeGiB, iops: r.originalIops, throughputMiBps: r.originalThroughputMiBps },
    target: { type: r.targetType as VolumeType, sizeGiB: r.targetSizeGiB, iops: r.targetIops, throughputMiBps: r.targetThroughputMiBps },
  };
}

/** The volume id a client token names (tokenId: the same id for the same tenant and token). */
const tokenVolumeId = (tenantId: string, clientToken: string): string => tokenId('vol', `CreateVolume\0${tenantId}\0${clientToken}`);

/** Whether a stored volume is what this request creates (defaults spelled out or not). */
function sameVolume(v: VolumeEntity, availabilityZone: string, spec: VolumeSpec): boolean {
  return v.availabilityZone === availabilityZone && v.volumeType === spec.type && v.sizeGiB === spec.sizeGiB
    && v.iops === spec.iops && v.throughputMiBps === spec.throughputMiBps;
}

function newVolumeRow(id: string, tenantId: string, availabilityZone: string, spec: VolumeSpec, now: number, snapshotId: string | null, kmsKeyId: string | null): VolumeEntity {
  return {
    id, tenantId, availabilityZone, volumeType: spec.type, sizeGiB: spec.sizeGiB, iops: spec.iops, throughputMiBps: spec.throughputMiBps,
    state: 'available', instanceId: null, device: null, attachTime: null, deleteOnTermination: false, createdAt: now, deletedAt: null, runtime: null, snapshotId, autoEnableIO: false,
    kmsKeyId,
  };
}

/** A launch's volumes on their devices, root first (the rule: VolumesService.resolveLaunchVolumes). */
function placeLaunchVolumes({ volumes, blockDeviceMappings: mappings }: LaunchVolumes, image: Image): PlacedLaunchVolume[] {
  const root = rootDeviceOf(image);
  if (mappings === undefined) {
    const devices = launchDevices(root);
    return (volumes ?? []).map((v, n) => ({ ...v, device: devices[n] }));
  }
  if (volumes !== undefined) throw new ApiError('InvalidParameterCombination', 'A launch takes volumes or block device mappings, not both');
  const seen = new Set<string>();
  for (const { device } of mappings) {
    // A root device name other than the image's is not a device of its instances (EC2 reserves both for roots).
    if (!isDeviceOf(device, root)) throw new ApiError('InvalidBlockDeviceMapping', `Invalid device name ${device}`);
    // EC2 names the device without its /dev/ ("The device 'xvdb' is used in more than one block-device mapping").
    if (seen.has(device)) throw new ApiError('InvalidBlockDeviceMapping', `The device '${device.replace(/^\/dev\//, '')}' is used in more than one block-device mapping`);
    seen.add(device);
  }
  const imageVolumes = imageLaunchVolumes(image);
  const asked = new Map(mappings.map((m) => [m.device, m]));
  return [
    ...imageVolumes.map((v) => changedBy(v, asked.get(v.device))),
    ...mappings.filter((m) => !imageVolumes.some((v) => v.device === m.device)).map((m): PlacedLaunchVolume => ({ ...m, type: m.type ?? DEFAULT_LAUNCH_VOLUME_TYPE })),
  ];
}

/** RunInstances' default `Ebs.VolumeType` for a mapping that names none (and the image has no volume at its device). */
const DEFAULT_LAUNCH_VOLUME_TYPE: VolumeType = 'gp2';

/**
 * The volumes an EC2 launch of the image gets before its request changes them, root first: the
 * image's block device mapping (`imageBlockDevices`: a CreateImage image's snapshots, and the
 * default root of those with none at the root device). The default root's snapshot is Amazon's,
 * its size known without a look-up (`snapshotSizeGiB`).
 */
function imageLaunchVolumes(image: Image): PlacedLaunchVolume[] {
  const own = new Set((image.blockDevices ?? []).map((b) => b.snapshotId));
  return imageBlockDevices(image).map((b): PlacedLaunchVolume => ({
    device: b.deviceName, type: b.volumeType, sizeGiB: b.volumeSizeGiB, snapshotId: b.snapshotId, deleteOnTermination: b.deleteOnTermination,
    ...(b.iops !== undefined ? { iops: b.iops } : {}), ...(b.throughputMiBps !== undefined ? { throughputMiBps: b.throughputMiBps } : {}),
    ...(own.has(b.snapshotId) ? {} : { snapshotSizeGiB: b.volumeSizeGiB }),
  }));
}

/**
 * A launch volume smaller than the snapshot it is made from: EC2's code and words for RunInstances
 * ("Volume of size 4GB is smaller than  snapshot 'snap-…', expect size >= 8GB", its two spaces too).
 */
export function smallerThanSnapshot(sizeGiB: number, snapshotId: string, snapshotGiB: number): ApiError {
  return new ApiError('InvalidBlockDeviceMapping', `Volume of size ${sizeGiB}GB is smaller than  snapshot '${snapshotId}', expect size >= ${snapshotGiB}GB`);
}

/**
 * The image's volume as a request's mapping at its device changes it (EC2: what the mapping omits
 * is the image's). A snapshot named without a size is that snapshot's size (the image's size was
 * its own snapshot's); another type keeps none of the image's IOPS and throughput (the new type's
 * defaults, or the mapping's).
 */
function changedBy(v: PlacedLaunchVolume, m: LaunchBlockDeviceMapping | undefined): PlacedLaunchVolume {
  if (!m) return v;
  const given = Object.fromEntries(Object.entries(m).filter(([, value]) => value !== undefined)) as Partial<PlacedLaunchVolume>;
  let base: PlacedLaunchVolume = v;
  if (m.snapshotId !== undefined && m.snapshotId !== v.snapshotId) base = { ...base, sizeGiB: m.sizeGiB, snapshotSizeGiB: undefined };
  if (m.type !== undefined && m.type !== v.type) base = { ...base, iops: undefined, throughputMiBps: undefined };
  return { ...base, ...given };
}
