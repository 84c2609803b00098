import { DomainError, InvalidParameterValue } from '../../errors';
import { SimTime } from '../../engine/sim-time';
import { NON_BOOT_VOLUME_TYPES, PROVISIONED_IOPS_TYPES, resolveVolume, VolumeSpec, VolumeType } from './ebs-volume';

/**
 * EC2's Elastic Volumes (ModifyVolume; docs/model.md §3.3): a volume's type, size, IOPS and
 * throughput change in place while it stays attached. The new configuration is billed and
 * delivered from the request; the modification is `modifying`, then `optimizing`, then
 * `completed`. A volume never shrinks; a modification must complete before the next, and a
 * volume takes at most four in a rolling 24 hours (AWS EBS User Guide, "Modify a volume using
 * Amazon EBS Elastic Volumes"; ModifyVolume in the EC2 API Reference). Between types: any of gp2,
 * gp3, io1, io2, st1, sc1 within the target type's limits (so st1/sc1 from 125 GiB), except that a
 * root volume never becomes st1 or sc1 ("Requirements when modifying volumes"); previous-generation
 * Magnetic (standard) volumes are not modified, nor made.
 */
export interface VolumeModificationRequest {
  readonly type?: VolumeType;
  readonly sizeGiB?: number;
  readonly iops?: number;
  readonly throughputMiBps?: number;
}

/** When one modification began and completes (its history, for the rate rule). */
export interface ModificationTimes {
  readonly startMs: SimTime;
  readonly completedAtMs: SimTime;
}

export type VolumeModificationState = 'modifying' | 'optimizing' | 'completed';

/** Estimates (not AWS figures): `modifying` lasts a minute; `optimizing` 5 minutes plus 1 s per GiB of the new size. */
export const MODIFYING_MS = 60_000;
export const OPTIMIZING_BASE_MS = 300_000;
export const OPTIMIZING_MS_PER_GIB = 1_000;
export const MAX_MODIFICATIONS_PER_DAY = 4;
const DAY_MS = 86_400_000;

/**
 * The volume's new spec: each field the request leaves out keeps its value when the type stays,
 * else takes the new type's default (so gp2 → gp3 gets gp3's 3,000 IOPS and 125 MiB/s). Checked as
 * CreateVolume checks a spec, and against the rules of Elastic Volumes. `rootVolume`: the volume is
 * an instance's root (boot) device.
 */
export function modifiedSpec(
  current: VolumeSpec, req: VolumeModificationRequest, history: readonly ModificationTimes[], now: SimTime, options: { readonly rootVolume?: boolean } = {},
): VolumeSpec {
  if (req.type === undefined && req.sizeGiB === undefined && req.iops === undefined && req.throughputMiBps === undefined)
    throw new DomainError('MissingParameter', 'A volume modification needs at least one of the size, type, IOPS or throughput.');
  if (current.type === 'standard')
    throw new InvalidParameterValue('Volumes of type standard (Magnetic, previous generation) cannot be modified: create a volume of a current type from a snapshot instead.');
  if (req.type === 'standard') throw new InvalidParameterValue('A volume cannot be modified to type standard (Magnetic, previous generation).');
  if (options.rootVolume && req.type !== undefined && NON_BOOT_VOLUME_TYPES.includes(req.type) && req.type !== current.type)
    throw new InvalidParameterValue(`A root volume cannot be modified to ${req.type}: ${NON_BOOT_VOLUME_TYPES.join(' and ')} volumes cannot be boot volumes.`);
  const last = history[history.length - 1];
  if (last && now < last.completedAtMs)
    throw new DomainError('IncorrectModificationState', `The volume is being modified (until ${new Date(last.completedAtMs).toISOString()}): a modification must complete before the next one.`);
  const recent = history.filter((m) => m.startMs > now - DAY_MS);
  if (recent.length >= MAX_MODIFICATIONS_PER_DAY)
    throw new DomainError(
      'IncorrectModificationState',
      `The volume has reached the limit of ${MAX_MODIFICATIONS_PER_DAY} modifications in a rolling 24-hour period; retry after ${new Date(recent[recent.length - MAX_MODIFICATIONS_PER_DAY].startMs + DAY_MS).toISOString()}.`,
    );
  const type = req.type ?? current.type;
  const sameType = type === current.type;
  const sizeGiB = req.sizeGiB ?? current.sizeGiB;
  if (sizeGiB < current.sizeGiB) throw new InvalidParameterValue(`A volume cannot shrink: its size is ${current.sizeGiB} GiB, the new size ${sizeGiB} GiB.`);
  const provisioned = PROVISIONED_IOPS_TYPES.includes(type);
  const iops = req.iops ?? (sameType && provisioned ? current.iops : undefined);
  const throughputMiBps = req.throughputMiBps ?? (sameType && type === 'gp3' ? current.throughputMiBps : undefined);
  const spec = resolveVolume({ type, sizeGiB, iops, throughputMiBps });
  if (spec.type === current.type && spec.sizeGiB === current.sizeGiB && spec.iops === current.iops && spec.throughputMiBps === current.throughputMiBps)
    throw new InvalidParameterValue('The modification asks for the configuration the volume already has.');
  return spec;
}

/** When a modification started at `startMs` to a volume of `targetSizeGiB` reaches `optimizing` and `completed`. */
export function modificationSchedule(startMs: SimTime, targetSizeGiB: number): { optimizingAtMs: SimTime; completedAtMs: SimTime } {
  const optimizingAtMs = startMs + MODIFYING_MS;
  return { optimizingAtMs, completedAtMs: optimizingAtMs + OPTIMIZING_BASE_MS + OPTIMIZING_MS_PER_GIB * targetSizeGiB };
}

/** A modification's state and progress (0–100, whole percent of its whole duration) at `now`. */
export function modificationStatus(m: ModificationTimes & { readonly optimizingAtMs: SimTime }, now: SimTime): { state: VolumeModificationState; progress: number } {
  if (now >= m.completedAtMs) return { state: 'completed', progress: 100 };
  const progress = Math.floor((100 * Math.max(0, now - m.startMs)) / (m.completedAtMs - m.startMs));
  return { state: now < m.optimizingAtMs ? 'modifying' : 'optimizing', progress };
}
