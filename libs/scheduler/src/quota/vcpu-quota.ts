import { InvalidParameterValue } from '@nimbus/hypervisor';
import { VcpuLimitExceeded } from '../contract';

export interface VcpuQuotaCheck {
  /** The tenant's running On-Demand vCPU limit for the region. */
  readonly limit: number;
  /** vCPUs the tenant's instances hold now (pending, running, stopping, shutting-down). */
  readonly used: number;
  readonly vcpusPerInstance: number;
  readonly minCount: number;
  readonly maxCount: number;
}

/**
 * How many of the requested instances the tenant's vCPU quota allows (at most maxCount). Checked
 * before placement, as EC2 does: fewer than minCount throws VcpuLimitExceeded.
 */
export function checkVcpuQuota(q: VcpuQuotaCheck): number {
  for (const [name, value] of Object.entries(q))
    if (!Number.isSafeInteger(value) || value < 0) throw new InvalidParameterValue(`${name} must be a non-negative integer, got ${value}`);
  if (q.vcpusPerInstance < 1) throw new InvalidParameterValue(`vcpusPerInstance must be at least 1, got ${q.vcpusPerInstance}`);
  if (q.minCount < 1 || q.maxCount < q.minCount) throw new InvalidParameterValue(`need 1 ≤ minCount ≤ maxCount, got ${q.minCount} and ${q.maxCount}`);
  const allowed = Math.min(q.maxCount, Math.floor(Math.max(0, q.limit - q.used) / q.vcpusPerInstance));
  if (allowed < q.minCount) throw new VcpuLimitExceeded(q.limit, q.used, q.minCount * q.vcpusPerInstance);
  return allowed;
}
