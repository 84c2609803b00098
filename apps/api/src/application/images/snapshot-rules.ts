import { ApiError, notFound } from '../common/api-errors';
import { checkEc2Id, resourceId } from '../common/ids';
import { SnapshotEntity } from '../../persistence/entities';
import { CatalogRepository } from '../../persistence/catalog.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';

// The rules of a tenant's EBS snapshots that more than one service needs (snapshots, images, volumes).

/**
 * How long a snapshot takes in simulated time: 30 s, plus 1 s per GiB of the volume (Nimbus's
 * model: EC2 publishes no figure; an 8 GiB root volume completes in 38 s, 1 TiB in about 17 min).
 */
const SNAPSHOT_BASE_MS = 30_000;
const SNAPSHOT_MS_PER_GIB = 1_000;

export function snapshotCompletesAt(startMs: number, sizeGiB: number): number {
  return startMs + SNAPSHOT_BASE_MS + sizeGiB * SNAPSHOT_MS_PER_GIB;
}

/** What a new snapshot is of: CreateSnapshot's volume, CreateImage's volumes, CopySnapshot's source. */
export interface NewSnapshot {
  readonly tenantId: string;
  /** The volume it was taken from; null for a copy (EC2 shows a copy's as the arbitrary vol-ffffffff). */
  readonly volumeId: string | null;
  readonly volumeSizeGiB: number;
  readonly description: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly imageId?: string;
  readonly sourceSnapshotId?: string;
  /** The key it is encrypted with (its volume's, its source's, or a copy's: ebs-encryption's `encryptionKeyOf`); null: not encrypted. */
  readonly kmsKeyId: string | null;
}

/** A new snapshot's row: `pending` from now until `snapshotCompletesAt`, whatever made it (one completion rule). */
export function newSnapshotRow(s: NewSnapshot, now: number): SnapshotEntity {
  return {
    id: resourceId('snap'), tenantId: s.tenantId, volumeId: s.volumeId, volumeSizeGiB: s.volumeSizeGiB, description: s.description, imageId: s.imageId ?? null,
    tags: JSON.stringify(s.tags), startedAt: now, completedAt: snapshotCompletesAt(now, s.volumeSizeGiB), sourceSnapshotId: s.sourceSnapshotId ?? null,
    kmsKeyId: s.kmsKeyId,
  };
}

/**
 * Stores new snapshots (`newSnapshotRow`'s) and, in the same transaction, begins billing their
 * storage from `startedAt` (a `snapshot-usage` interval each, until DeleteSnapshot): every way a
 * snapshot is made stores it here, so none is stored unbilled.
 */
export async function storeNewSnapshots(repo: CatalogRepository, engine: EngineService, tx: Tx, rows: readonly SnapshotEntity[]): Promise<void> {
  await repo.insertSnapshots(tx, rows);
  await engine.usage.openSnapshots(tx, rows);
}

export const snapshotNotFound = (id: string) => notFound('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);

export function checkSnapshotId(id: string): void {
  checkEc2Id('InvalidSnapshotID.Malformed', 'snap', id);
}

/**
 * The tenant's snapshot, completed, to create a volume from (another tenant's is a missing one, as
 * Nimbus has no public snapshots); a pending one is `IncorrectState`, as EC2 answers.
 */
export async function requireCompletedSnapshot(repo: CatalogRepository, tx: Tx | undefined, tenantId: string, id: string, now: number): Promise<SnapshotEntity> {
  checkSnapshotId(id);
  const row = await repo.snapshotRow(tx, id);
  if (!row || row.tenantId !== tenantId) throw snapshotNotFound(id);
  if (now < row.completedAt) throw new ApiError('IncorrectState', `Snapshot '${id}' is in invalid state - pending`);
  return row;
}
