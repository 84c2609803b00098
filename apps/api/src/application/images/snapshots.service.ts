import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-errors';
import { checkSnapshotId, newSnapshotRow, requireCompletedSnapshot, snapshotNotFound, storeNewSnapshots } from './snapshot-rules';
import { SnapshotEntity, TenantEntity } from '../../persistence/entities';
import { CatalogRepository } from '../../persistence/catalog.repository';
import { EngineService } from '../../engine/engine.service';
import { validateTags } from '../instances/tags';
import { rowTaggedType, tagsOf } from '../tags/row-tags';
import { Tx } from '../../persistence/tx';
import { VolumesService } from '../volumes/volumes.service';
import { TagsService } from '../tags/tags.service';
import { CopySnapshotCommand, CreateSnapshotCommand, DescribeSnapshotsQuery } from './images.commands';
import { awsManagedEbsKeyArn, encryptionKeyOf, NO_ENCRYPTION_BY_DEFAULT } from '../volumes/ebs-encryption';

export { snapshotCompletesAt, snapshotNotFound } from './snapshot-rules';

/** A snapshot as DescribeSnapshots and GET /v1/snapshots show it: status and progress from simulated time. */
export interface SnapshotView {
  readonly row: SnapshotEntity;
  readonly ownerId: string;
  readonly status: 'pending' | 'completed';
  /** Whole percent, as EC2's `progress` (`"45%"`). */
  readonly progressPercent: number;
  readonly tags: Readonly<Record<string, string>>;
}

export function snapshotView(row: SnapshotEntity, accountId: string, now: number): SnapshotView {
  const done = now >= row.completedAt;
  const progressPercent = done ? 100 : Math.floor(((now - row.startedAt) / (row.completedAt - row.startedAt)) * 100);
  return { row, ownerId: accountId, status: done ? 'completed' : 'pending', progressPercent, tags: tagsOf(row) };
}

/** One entry of a snapshot's createVolumePermission: an account (`userId`) or the group `all`. */
export interface CreateVolumePermission {
  readonly userId?: string;
  readonly group?: 'all';
}

function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > 255) throw new ApiError('InvalidParameterValue', 'description must be at most 255 characters');
}

/** EBS snapshots (CreateSnapshot, DescribeSnapshots, DeleteSnapshot; /v1/snapshots): private to their tenant. */
@Injectable()
export class SnapshotsService {
  constructor(
    private readonly engine: EngineService,
    private readonly repo: CatalogRepository,
    private readonly volumes: VolumesService,
    tags: TagsService,
  ) {
    // CreateTags / DeleteTags / DescribeTags on the tenant's snapshots.
    tags.register(rowTaggedType(engine, {
      resourceType: 'snapshot',
      idPrefix: 'snap',
      row: (tx, tenant, id) => this.ownSnapshot(tx, tenant, id),
      setTags: (tx, id, t) => this.repo.setSnapshotTags(tx, id, t),
      rows: async (tenant) => (await this.describe(tenant)).map((v) => v.row),
    }));
  }

  create(tenant: TenantEntity, cmd: CreateSnapshotCommand): Promise<SnapshotView> {
    checkDescription(cmd.description);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    return this.engine.command(async (tx, e) => {
      const volume = await this.volumes.requireOwned(tenant.id, cmd.volumeId, tx);
      // A snapshot of an encrypted volume is encrypted with its key (the User Guide: "all snapshots created from the volume").
      const row = newSnapshotRow({ tenantId: tenant.id, volumeId: volume.id, volumeSizeGiB: volume.sizeGiB, description: cmd.description ?? null, tags, kmsKeyId: volume.kmsKeyId }, e.now);
      await storeNewSnapshots(this.repo, e, tx, [row]);
      return snapshotView(row, tenant.accountId, e.now);
    });
  }

  /**
   * CopySnapshot within the region: a new snapshot of the tenant's, of its source's size, pending
   * then completed as any snapshot is (`snapshotCompletesAt`). The source is the tenant's own
   * (another tenant's is a missing one: Nimbus shares no snapshot) and completed (a pending one is
   * `IncorrectState`, as CreateVolume answers it). Its volume is none (EC2 shows a copy's as the
   * arbitrary vol-ffffffff). Encrypted as the User Guide's outcomes have it (`encryptionKeyOf`): a
   * copy of an encrypted snapshot keeps its key unless `KmsKeyId` re-encrypts it; a copy of a plain
   * one is encrypted when asked (`Encrypted`) or by the account's encryption by default.
   */
  copy(tenant: TenantEntity, cmd: CopySnapshotCommand): Promise<SnapshotView> {
    checkDescription(cmd.description);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    encryptionKeyOf(cmd, null, NO_ENCRYPTION_BY_DEFAULT, tenant.accountId);
    return this.engine.command(async (tx, e) => {
      const source = await requireCompletedSnapshot(this.repo, tx, tenant.id, cmd.sourceSnapshotId, e.now);
      const kmsKeyId = encryptionKeyOf(cmd, source.kmsKeyId, await this.volumes.encryptionDefaults(tenant.id, tx), tenant.accountId);
      const row = newSnapshotRow({
        tenantId: tenant.id, volumeId: null, volumeSizeGiB: source.volumeSizeGiB, description: cmd.description ?? null, tags, sourceSnapshotId: source.id, kmsKeyId,
      }, e.now);
      await storeNewSnapshots(this.repo, e, tx, [row]);
      return snapshotView(row, tenant.accountId, e.now);
    });
  }

  /** CopySnapshot's dry run: the checks of `copy`, on the committed state, copying nothing. */
  async checkCopy(tenant: TenantEntity, cmd: CopySnapshotCommand): Promise<void> {
    checkDescription(cmd.description);
    encryptionKeyOf(cmd, null, NO_ENCRYPTION_BY_DEFAULT, tenant.accountId);
    validateTags({ ...(cmd.tags ?? {}) });
    await requireCompletedSnapshot(this.repo, undefined, tenant.id, cmd.sourceSnapshotId, this.engine.now);
  }

  /**
   * Who besides its owner may create volumes from the tenant's snapshot (DescribeSnapshotAttribute's
   * createVolumePermission): no one. Nimbus's snapshots are private to their tenant — no account
   * or group is ever added (ModifySnapshotAttribute refuses adding) — so the list is empty, and
   * removing from it or resetting it (ResetSnapshotAttribute) leaves it so.
   */
  async createVolumePermissions(tenant: TenantEntity, snapshotId: string): Promise<readonly CreateVolumePermission[]> {
    await this.ownSnapshot(undefined, tenant, snapshotId);
    return [];
  }

  /**
   * What EC2 refuses when the tenant's snapshot would be shared (ModifySnapshotAttribute's
   * createVolumePermission add): an encrypted snapshot made public ("Encrypted snapshots ... cannot be
   * made public", the API reference), and one encrypted with the AWS managed key shared with accounts
   * ("Snapshots encrypted with your default KMS key cannot be shared with other accounts"; EC2's
   * answer is OperationNotPermitted, "Encrypted snapshots with EBS default key cannot be shared").
   */
  async checkSharing(tenant: TenantEntity, snapshotId: string, share: { readonly publicly: boolean; readonly withAccounts: boolean }): Promise<void> {
    const row = await this.ownSnapshot(undefined, tenant, snapshotId);
    if (row.kmsKeyId === null) return;
    if (share.publicly) throw new ApiError('OperationNotPermitted', 'Encrypted snapshots cannot be made public');
    if (share.withAccounts && row.kmsKeyId === awsManagedEbsKeyArn(tenant.accountId)) throw new ApiError('OperationNotPermitted', 'Encrypted snapshots with EBS default key cannot be shared');
  }

  /** The tenant's snapshots: EC2 has public snapshots too; Nimbus has none, so another owner selects nothing. */
  async describe(tenant: TenantEntity, q: DescribeSnapshotsQuery = {}): Promise<SnapshotView[]> {
    const ids = q.snapshotIds ?? [];
    for (const id of ids) checkSnapshotId(id);
    const now = this.engine.now;
    const rows = await this.repo.snapshotsOf(tenant.id);
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length > 0) throw snapshotNotFound(missing.join(', '));
    const owners = q.owners ?? [];
    const mine = owners.length === 0 || owners.some((o) => o === 'self' || o === tenant.accountId);
    if (!mine) return [];
    return rows.filter((r) => ids.length === 0 || ids.includes(r.id)).map((r) => snapshotView(r, tenant.accountId, now));
  }

  /** DeleteSnapshot: refused while an image (not deregistered) is backed by it. Its storage is billed until now. */
  delete(tenant: TenantEntity, snapshotId: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      const row = await this.ownSnapshot(tx, tenant, snapshotId);
      const image = await this.repo.imageUsing(tx, row);
      if (image) throw new ApiError('InvalidSnapshot.InUse', `The snapshot ${snapshotId} is currently in use by ${image}`);
      await this.repo.deleteSnapshot(tx, snapshotId);
      await e.usage.closeSnapshots(tx, [snapshotId], e.now);
    });
  }

  /** The tenant's snapshot (read in `tx`, or the committed state without one); another tenant's is NotFound, as a missing one. */
  private async ownSnapshot(tx: Tx | undefined, tenant: TenantEntity, snapshotId: string): Promise<SnapshotEntity> {
    checkSnapshotId(snapshotId);
    const row = await this.repo.snapshotRow(tx, snapshotId);
    if (!row || row.tenantId !== tenant.id) throw snapshotNotFound(snapshotId);
    return row;
  }
}
