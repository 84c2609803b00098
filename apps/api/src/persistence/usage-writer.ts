import { Catalog, DataPlane } from '@nimbus/hypervisor';
import { Platform, UsageRecord, volumeUsageRecordId } from '@nimbus/metering';
import { isInstanceUsageEvent, MeteredInstance, MeteredSnapshot, MeteredVolumeSnapshot, UsageEvent, UsageMeter, UsageWrite } from '@nimbus/simulation';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { InstanceEntity, SlaIntervalEntity, UsageMeterEntity, UsageRecordEntity } from './entities';
import { insertRows, selectWhere } from './fast-sql';
import { monitoredSince } from './monitoring-usage';

const BATCH = 200;

function chunks<T>(xs: readonly T[], n = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * Insert-or-ignore (`ON CONFLICT DO NOTHING`): a replayed key writes nothing. Plain statements
 * (fast-sql.ts): a busy fleet writes usage at every tick, where TypeORM's query builder cost more
 * than the database.
 */
async function insertIgnore(tx: EntityManager, entity: typeof UsageRecordEntity | typeof SlaIntervalEntity, rows: object[]): Promise<void> {
  await insertRows(tx, entity, rows, { ignore: true });
}

/** What metering needs of an instance's row. */
const METERED_COLUMNS = ['id', 'tenantId', 'instanceType', 'platform', 'imageId', 'tenancy', 'availabilityZone', 'monitoring', 'monitoringSince', 'spotInstanceRequestId'] as const;

/**
 * Which NAT gateway processes each instance's internet-bound bytes: the application answers it
 * from routing (application/networking/nat-routes.ts), in the write's transaction, from a cache
 * it keeps, so that a write reads nothing more unless routing changed.
 */
export interface NatAttribution {
  /** Per instance, the gateway at a reading's time (undefined: none), or undefined for an instance no NAT route reaches. */
  instances(tx: EntityManager): Promise<(instanceId: string) => ((time: number) => string | undefined) | undefined>;
}

/**
 * Stores what the world's usage meter plans (libs/simulation's UsageMeter: the rules and the keys
 * live there), in the transaction of the change it comes from, so a crash and the replay after it
 * bill nothing twice. Consecutive inserts are batched; closes run in order between them.
 */
export class UsageWriter {
  /** Usage records inserted (or found already there) by transactions that committed, since start: an operator's metric. */
  recordsWritten = 0;
  private recordsPending = 0;
  /** Set by the application (NatRoutes) at start; none: no bytes are a NAT gateway's. */
  natAttribution?: NatAttribution;

  constructor(
    private readonly meter: () => UsageMeter,
    /** The world's catalog (custom types and tenants' images too). */
    private readonly catalog: () => Catalog,
  ) {}

  /** The last stored meter readings of these instances and volumes (for the world's meter at start). */
  static async loadReadings(db: DataSource | EntityManager, resourceIds: readonly string[]): Promise<[string, number][]> {
    const m = db instanceof DataSource ? db.manager : db;
    const out: [string, number][] = [];
    for (const ids of chunks(resourceIds, 500)) for (const r of await m.find(UsageMeterEntity, { where: { instanceId: In(ids) } })) out.push([`${r.instanceId}|${r.meter}`, r.value]);
    return out;
  }

  /** Writes the usage that `events` and the VMs' and metered volumes' snapshots imply. */
  async write(tx: EntityManager, events: readonly UsageEvent[], snapshots: readonly MeteredSnapshot[], now: number, volumes: readonly MeteredVolumeSnapshot[] = []): Promise<void> {
    if (events.length === 0 && snapshots.length === 0 && volumes.length === 0) return;
    const wanted = [...new Set([...events.filter(isInstanceUsageEvent).filter((e) => e.kind === 'running' || e.kind === 'meter').map((e) => e.vmId), ...snapshots.map((s) => s.vmId)])];
    const rows = new Map<string, InstanceEntity>();
    for (const ids of chunks(wanted, 500))
      for (const r of await selectWhere(tx, InstanceEntity, {}, { in: { prop: 'id', values: ids }, columns: METERED_COLUMNS })) rows.set(r.id, r);
    const catalog = this.catalog();
    const natOf = rows.size > 0 && this.natAttribution ? await this.natAttribution.instances(tx) : undefined;
    const instances = (vmId: string): MeteredInstance | undefined => {
      const row = rows.get(vmId);
      if (!row) return undefined;
      const type = catalog.instanceType(row.instanceType);
      return {
        tenantId: row.tenantId, instanceType: row.instanceType, vcpus: type?.vcpus ?? 1, platform: row.platform as Platform,
        licenseModel: catalog.image(row.imageId)?.licenseModel ?? 'license-included', tenancy: row.tenancy, availabilityZone: row.availabilityZone,
        monitoredSince: monitoredSince(row), ...(row.spotInstanceRequestId ? { market: 'spot' as const } : {}),
        natGatewayAt: natOf?.(vmId),
      };
    };
    await this.apply(tx, this.meter().plan(events, snapshots, now, instances, volumes));
  }

  async apply(tx: EntityManager, writes: readonly UsageWrite[]): Promise<void> {
    let usage: object[] = [];
    let sla: object[] = [];
    const meters = new Map<string, UsageMeterEntity>();
    const flush = async () => {
      if (usage.length) await insertIgnore(tx, UsageRecordEntity, usage);
      if (sla.length) await insertIgnore(tx, SlaIntervalEntity, sla);
      usage = [];
      sla = [];
    };
    // Closes in a row that end the same resources at the same instant (an instance's compute and its
    // monitoring when it stops) are one statement: `kind IN (…)`. Only closes in a row: an insert
    // between two closes must land between them, or a later close would end the new record too.
    let closes = new Map<string, { resourceIds: readonly string[]; endMs: number; kinds: string[] }>();
    const closeNow = async () => {
      for (const c of closes.values()) {
        const kind = c.kinds.length === 1 ? c.kinds[0] : In(c.kinds);
        for (const ids of chunks(c.resourceIds, 500)) await tx.update(UsageRecordEntity, { resourceId: In(ids), kind, endMs: IsNull() }, { endMs: c.endMs });
      }
      closes = new Map();
    };
    for (const w of writes) {
      if (w.op !== 'close-usage') await closeNow();
      switch (w.op) {
        case 'insert-usage':
          this.recordsPending++;
          usage.push({ ...w.record, attrs: JSON.stringify(w.record.attrs) });
          break;
        case 'insert-sla':
          sla.push({ ...w.interval, detail: JSON.stringify(w.interval.detail) });
          break;
        case 'close-usage': {
          await flush();
          const key = `${w.endMs}|${w.resourceIds.join(',')}`;
          const same = closes.get(key);
          if (same) same.kinds.push(w.kind);
          else closes.set(key, { resourceIds: w.resourceIds, endMs: w.endMs, kinds: [w.kind] });
          break;
        }
        case 'close-sla':
          await flush();
          await tx.update(SlaIntervalEntity, { instanceId: w.instanceId, kind: w.kind, endMs: IsNull() }, { endMs: w.endMs });
          break;
        case 'meter':
          meters.set(`${w.instanceId}|${w.meter}`, { instanceId: w.instanceId, meter: w.meter, value: w.value, atMs: w.atMs });
          break;
      }
    }
    await closeNow();
    await flush();
    if (meters.size > 0) await insertRows(tx, UsageMeterEntity, [...meters.values()], { upsert: true });
  }

  /** Volumes created now: each begins a `volume-usage` interval. */
  openVolumes(tx: EntityManager, volumes: readonly { id: string; tenantId: string; createdAt: number; volumeType: string; sizeGiB: number; iops: number; throughputMiBps: number; availabilityZone: string }[]): Promise<void> {
    return this.apply(tx, volumes.map((v) => UsageMeter.openVolume({ ...v, volumeId: v.id })));
  }

  /**
   * A volume modified now (ModifyVolume): its `volume-usage` interval at the old configuration ends
   * now and one at the new begins. An interval that began now is changed in place instead.
   */
  async modifyVolume(tx: EntityManager, v: { id: string; tenantId: string; volumeType: string; sizeGiB: number; iops: number; throughputMiBps: number; availabilityZone: string }, openedAtMs: number, now: number): Promise<void> {
    if (openedAtMs === now) {
      const attrs = { volumeType: v.volumeType, sizeGiB: v.sizeGiB, iops: v.iops, throughputMiBps: v.throughputMiBps, availabilityZone: v.availabilityZone };
      await tx.update(UsageRecordEntity, { recordId: volumeUsageRecordId(v.id, now) }, { attrs: JSON.stringify(attrs) });
      return;
    }
    await this.apply(tx, [UsageMeter.closeVolumes([v.id], now), UsageMeter.openVolume({ ...v, volumeId: v.id, createdAt: now })]);
  }

  closeVolumes(tx: EntityManager, volumeIds: readonly string[], endMs: number): Promise<void> {
    return this.apply(tx, [UsageMeter.closeVolumes(volumeIds, endMs)]);
  }

  /** Snapshots created now: each begins a `snapshot-usage` interval. */
  openSnapshots(tx: EntityManager, snapshots: readonly { id: string; tenantId: string; startedAt: number; volumeSizeGiB: number }[]): Promise<void> {
    return this.apply(tx, snapshots.map((s) => UsageMeter.openSnapshot({ snapshotId: s.id, tenantId: s.tenantId, startedAt: s.startedAt, sizeGiB: s.volumeSizeGiB })));
  }

  closeSnapshots(tx: EntityManager, snapshotIds: readonly string[], endMs: number): Promise<void> {
    return this.apply(tx, [UsageMeter.closeSnapshots(snapshotIds, endMs)]);
  }

  openHost(tx: EntityManager, h: { hostId: string; tenantId: string; hostFamily: string; availabilityZone: string; startMs: number }): Promise<void> {
    return this.apply(tx, [UsageMeter.openHost(h)]);
  }

  closeHost(tx: EntityManager, hostId: string, endMs: number): Promise<void> {
    return this.apply(tx, [UsageMeter.closeHost(hostId, endMs)]);
  }

  openNatGateway(tx: EntityManager, g: { natGatewayId: string; tenantId: string; startMs: number }): Promise<void> {
    return this.apply(tx, [UsageMeter.openNatGateway(g)]);
  }

  closeNatGateway(tx: EntityManager, natGatewayId: string, endMs: number): Promise<void> {
    return this.apply(tx, [UsageMeter.closeNatGateway(natGatewayId, endMs)]);
  }

  /** Counters grown since they were last stored, as point records at `now` (an estimate). */
  liveRecords(
    dataPlane: DataPlane, vms: Parameters<UsageMeter['liveRecords']>[1], now: number, volumes: Parameters<UsageMeter['liveRecords']>[3] = [],
    natGatewayAt?: Parameters<UsageMeter['liveRecords']>[4],
  ): UsageRecord[] {
    return this.meter().liveRecords(dataPlane, vms, now, volumes, natGatewayAt);
  }

  commit(): void {
    this.meter().commit();
    this.recordsWritten += this.recordsPending;
    this.recordsPending = 0;
  }

  discard(): void {
    this.meter().discard();
    this.recordsPending = 0;
  }
}
