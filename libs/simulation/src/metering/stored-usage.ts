import { UsageRecord } from '@nimbus/metering';
import { RESERVED_USAGE_KIND, StoredUsageRecord } from './usage-meter';

/**
 * A stored usage record as libs/metering's record: the one reading of what is stored, for the API's
 * usage store (apps/api persistence/usage-store.ts, from the database's rows) and an offline run's
 * recorder alike. An open interval (`endMs` null) is read as ending at `closeAtMs`: now for an
 * estimate, the month's end for a close (the rater cuts at the month anyway, and units are counted
 * from the period start, so the month's part is the same whenever the interval later ends: a closed
 * month re-rates to the same cents). Records are built field by field, one object shape per kind.
 */
export function usageRecordOf(r: StoredUsageRecord, closeAtMs: number): UsageRecord {
  const a = r.attrs as Record<string, any>;
  const startMs = r.startMs;
  const endMs = r.endMs === null ? Math.max(startMs, closeAtMs) : r.endMs;
  switch (r.kind) {
    case RESERVED_USAGE_KIND: {
      // Its end is its term's: billed so far (an estimate) it ends at closeAtMs, never after the term.
      const termEndMs = r.endMs === null ? Infinity : r.endMs;
      return {
        kind: 'reserved-instance', recordId: r.recordId, tenantId: r.tenantId, reservedInstancesId: a.reservedInstancesId, instanceType: a.instanceType, scope: a.scope,
        ...(a.availabilityZone !== undefined ? { availabilityZone: a.availabilityZone } : {}), instanceCount: r.quantity ?? 1, offering: a.offering,
        fixedPrice: a.fixedPrice, usagePrice: a.usagePrice, termStartMs: startMs, startMs, endMs: Math.min(termEndMs, Math.max(startMs, closeAtMs)),
      };
    }
    case 'instance-usage': {
      const periodStartMs = r.periodStartMs ?? startMs;
      return {
        kind: 'instance-usage', recordId: r.recordId, tenantId: r.tenantId, instanceId: r.resourceId, instanceType: a.instanceType, vcpus: a.vcpus,
        platform: a.platform, licenseModel: a.licenseModel, tenancy: a.tenancy, availabilityZone: a.availabilityZone, startMs, endMs,
        startsPeriod: periodStartMs === startMs, periodStartMs, ...(a.market === 'spot' ? { market: 'spot' as const } : {}),
        ...(a.interrupted === true ? { interrupted: true as const } : {}),
      };
    }
    case 'host-usage': {
      const periodStartMs = r.periodStartMs ?? startMs;
      return {
        kind: 'host-usage', recordId: r.recordId, tenantId: r.tenantId, hostId: r.resourceId, hostFamily: a.hostFamily, availabilityZone: a.availabilityZone,
        startMs, endMs, startsPeriod: periodStartMs === startMs, periodStartMs,
      };
    }
    case 'nat-gateway': {
      const periodStartMs = r.periodStartMs ?? startMs;
      return { kind: 'nat-gateway', recordId: r.recordId, tenantId: r.tenantId, natGatewayId: r.resourceId, startMs, endMs, startsPeriod: periodStartMs === startMs, periodStartMs };
    }
    case 'volume-usage':
      return {
        kind: 'volume-usage', recordId: r.recordId, tenantId: r.tenantId, volumeId: r.resourceId, volumeType: a.volumeType, sizeGiB: a.sizeGiB, iops: a.iops,
        throughputMiBps: a.throughputMiBps, availabilityZone: a.availabilityZone, startMs, endMs,
      };
    case 'snapshot-usage':
      return { kind: 'snapshot-usage', recordId: r.recordId, tenantId: r.tenantId, snapshotId: r.resourceId, sizeGiB: a.sizeGiB, startMs, endMs };
    case 'public-ipv4':
      return { kind: 'public-ipv4', recordId: r.recordId, tenantId: r.tenantId, publicIp: r.resourceId, state: a.state, startMs, endMs };
    case 'monitoring':
      return { kind: 'monitoring', recordId: r.recordId, tenantId: r.tenantId, instanceId: r.resourceId, startMs, endMs };
    case 'cpu-surplus':
      return {
        kind: 'cpu-surplus', recordId: r.recordId, tenantId: r.tenantId, instanceId: r.resourceId, instanceType: a.instanceType, platform: a.platform,
        surplusVcpuMs: r.quantity ?? 0, atMs: startMs,
      };
    case 'volume-io':
      return { kind: 'volume-io', recordId: r.recordId, tenantId: r.tenantId, volumeId: r.resourceId, volumeType: 'standard', requests: r.quantity ?? 0, atMs: startMs };
    case 'nat-bytes':
      return { kind: 'nat-bytes', recordId: r.recordId, tenantId: r.tenantId, natGatewayId: r.resourceId, instanceId: a.instanceId, bytes: r.quantity ?? 0, atMs: startMs };
    case 'data-transfer':
      return { kind: 'data-transfer', recordId: r.recordId, tenantId: r.tenantId, instanceId: r.resourceId, direction: a.direction, bytes: r.quantity ?? 0, atMs: startMs };
  }
}
