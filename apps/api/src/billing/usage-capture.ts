import { crossAzInboundRecord, DataPlane, findImage, findInstanceType, FleetEvent, MILLICORE_MS_PER_CREDIT, MS_PER_DAY } from '@nimbus/hypervisor';
import {
  cpuSurplusMeterRecordId, dataTransferMeterRecordId, hostUsageRecordId, instanceUsageRecordId, Platform, UsageRecord, volumeUsageRecordId,
} from '@nimbus/metering';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { InstanceEntity, SlaIntervalEntity, UsageMeterEntity, UsageRecordEntity, VolumeEntity } from '../database/entities';

/**
 * What the engine's journal says that billing needs, in event order. `running`/`not-running`
 * bound a billed interval; `impaired`/`ok` an unavailability; `violated`/`restored` a guarantee
 * violation; `meter` is a reading of an instance's cumulative counters.
 */
export type UsageEvent =
  | { readonly kind: 'running' | 'not-running' | 'ok' | 'restored'; readonly vmId: string; readonly tenantId: string; readonly time: number }
  | { readonly kind: 'impaired'; readonly vmId: string; readonly tenantId: string; readonly time: number; readonly reason: string | null }
  | { readonly kind: 'violated'; readonly vmId: string; readonly tenantId: string; readonly time: number; readonly detail: Readonly<Record<string, unknown>> }
  | MeterReading;

export interface MeterReading {
  readonly kind: 'meter';
  readonly vmId: string;
  readonly tenantId: string;
  readonly time: number;
  /** Cumulative surplus credits charged, vCPU-ms. */
  readonly surplusVcpuMs?: number;
  /** Cumulative bytes since launch. */
  readonly crossAzBytes?: number;
  readonly internetBytes?: number;
}

/** The data plane's snapshot of one VM (DataPlaneSnapshots['vms'][number]). */
type VmSnapshot = ReturnType<DataPlane['takeSnapshots']>['vms'][number];

type MeterName = 'surplus' | 'cross-az' | 'internet-out';

const BATCH = 200;

/** Integer vCPU-ms from the credit account's exact millicore-ms (floored: readings only grow, so floors telescope). */
const vcpuMsOfMillicoreMs = (m: number): number => Math.floor(m / 1000);

function chunks<T>(xs: readonly T[], n = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Insert-or-ignore (SQLite `INSERT OR IGNORE`, PostgreSQL `ON CONFLICT DO NOTHING`): a replayed key writes nothing. */
async function insertIgnore(tx: EntityManager, entity: typeof UsageRecordEntity | typeof SlaIntervalEntity, rows: object[]): Promise<void> {
  for (const batch of chunks(rows)) await tx.createQueryBuilder().insert().into(entity).values(batch).orIgnore().execute();
}

/**
 * Turns the engine's journal into usage records and SLA intervals, inside the transaction that
 * commits the state change they come from (MODEL.md §5; ARCHITECTURE.md: a crash double-bills
 * nothing). Idempotent by construction:
 * - a record's key comes from its source event (`instance:<id>:<running since>`,
 *   `surplus:<id>:@<counter reading>`, …) and is inserted with insert-or-ignore;
 * - an open interval is closed by `UPDATE … WHERE end_ms IS NULL`, so it is closed once;
 * - meter deltas start from the last reading stored in the same transaction (`usage_meters`), and
 *   are keyed by the reading they end at, so reading the same counter again adds nothing.
 * Readings are kept in memory between commits (`pending`) and become the base for the next delta
 * only once their transaction commits.
 */
export class UsageCapture {
  private readonly meters = new Map<string, number>();
  private pending = new Map<string, number>();

  /** Maps one engine event to the usage events it implies (none for most). */
  observe(e: FleetEvent, dataPlane: DataPlane | undefined): UsageEvent[] {
    switch (e.type) {
      case 'vm.state-changed': {
        const out: UsageEvent[] = [];
        // A VM that was running reads its counters as it stops sending (still in the fleet and the data plane here).
        if (dataPlane && (e.previous === 'running' || e.previous === 'stopping' || e.previous === 'shutting-down')) {
          const reading = this.read(dataPlane, e.vmId, e.tenantId, e.time, false);
          if (reading) out.push(reading);
        }
        if (e.current === 'running' && e.previous !== 'running') out.push({ kind: 'running', vmId: e.vmId, tenantId: e.tenantId, time: e.time });
        if (e.previous === 'running' && e.current !== 'running') out.push({ kind: 'not-running', vmId: e.vmId, tenantId: e.tenantId, time: e.time });
        return out;
      }
      case 'vm.status-changed':
        return [e.status === 'impaired'
          ? { kind: 'impaired', vmId: e.vmId, tenantId: e.tenantId, time: e.time, reason: e.reason }
          : { kind: 'ok', vmId: e.vmId, tenantId: e.tenantId, time: e.time }];
      case 'timeline':
        if (!e.vmId || !e.tenantId) return [];
        if (e.kind === 'vm.guarantee-violated') return [{ kind: 'violated', vmId: e.vmId, tenantId: e.tenantId, time: e.time, detail: e.detail }];
        if (e.kind === 'vm.guarantee-restored') return [{ kind: 'restored', vmId: e.vmId, tenantId: e.tenantId, time: e.time }];
        return [];
      default:
        return [];
    }
  }

  /**
   * A reading of one VM's counters now. Surplus credits come from the credit account's view
   * (`surplusCreditsCharged`, credits = exact millicore-ms / 6·10^7, so rounding recovers the
   * integer); bytes from `dataTransferOf`.
   */
  read(dataPlane: DataPlane, vmId: string, tenantId: string, time: number, withSurplus = true): MeterReading | undefined {
    try {
      const t = dataPlane.dataTransferOf(vmId);
      let surplusVcpuMs: number | undefined;
      if (withSurplus) {
        const charged = dataPlane.vmView(vmId).surplusCreditsCharged;
        if (charged !== null) surplusVcpuMs = vcpuMsOfMillicoreMs(Math.round(charged * MILLICORE_MS_PER_CREDIT));
      }
      if (!surplusVcpuMs && t.crossAzBytes === 0 && t.internetBytes === 0) return undefined;
      return { kind: 'meter', vmId, tenantId, time, surplusVcpuMs, crossAzBytes: Math.floor(t.crossAzBytes), internetBytes: Math.floor(t.internetBytes) };
    } catch {
      return undefined; // not (or no longer) known to the data plane: nothing to read
    }
  }

  /** Readings of every instance with a counter, at a UTC midnight: usage by day, and month ends metered exactly. */
  dailyReadings(dataPlane: DataPlane, vms: Iterable<{ vmId: string; tenantId: string; state: string }>, time: number): MeterReading[] {
    const out: MeterReading[] = [];
    for (const vm of vms) {
      if (vm.state === 'terminated') continue;
      const r = this.read(dataPlane, vm.vmId, vm.tenantId, time);
      if (r) out.push(r);
    }
    return out;
  }

  /**
   * What the counters grew by since they were last metered, as point records at `now` (not stored):
   * an estimate closes its open intervals at now, and reads its meters at now the same way.
   */
  liveRecords(dataPlane: DataPlane, vms: Iterable<{ vmId: string; tenantId: string; state: string; instanceType: { name: string }; image: { platform: Platform } }>, now: number): UsageRecord[] {
    const out: UsageRecord[] = [];
    for (const vm of vms) {
      const r = this.read(dataPlane, vm.vmId, vm.tenantId, now);
      if (!r) continue;
      const since = (name: MeterName, value: number | undefined) => (value === undefined ? 0 : Math.max(0, value - (this.meters.get(`${vm.vmId}|${name}`) ?? 0)));
      const base = { tenantId: vm.tenantId, instanceId: vm.vmId, atMs: now };
      const surplus = since('surplus', r.surplusVcpuMs);
      if (surplus > 0) out.push({ ...base, kind: 'cpu-surplus', recordId: `live:surplus:${vm.vmId}`, instanceType: vm.instanceType.name, platform: vm.image.platform, surplusVcpuMs: surplus });
      const crossAz = since('cross-az', r.crossAzBytes);
      if (crossAz > 0) {
        const sent: UsageRecord = { ...base, kind: 'data-transfer', recordId: `live:cross-az:${vm.vmId}`, direction: 'cross-az', bytes: crossAz };
        out.push(sent, crossAzInboundRecord(sent));
      }
      const internet = since('internet-out', r.internetBytes);
      if (internet > 0) out.push({ ...base, kind: 'data-transfer', recordId: `live:internet-out:${vm.vmId}`, direction: 'internet-out', bytes: internet });
    }
    return out;
  }

  /** The next UTC midnight strictly after `now`. */
  static nextMidnight(now: number): number {
    return Math.floor(now / MS_PER_DAY) * MS_PER_DAY + MS_PER_DAY;
  }

  /** The last metered readings of the live instances (at start, and after a rebuild). */
  async load(db: DataSource | EntityManager, instanceIds: readonly string[]): Promise<void> {
    this.meters.clear();
    this.pending.clear();
    const m = db instanceof DataSource ? db.manager : db;
    for (const ids of chunks(instanceIds, 500)) {
      for (const r of await m.find(UsageMeterEntity, { where: { instanceId: In(ids) } })) this.meters.set(`${r.instanceId}|${r.meter}`, r.value);
    }
  }

  /** The transaction that wrote the last `write` committed: its readings are the new base. */
  commit(): void {
    for (const [k, v] of this.pending) this.meters.set(k, v);
    this.pending = new Map();
  }

  /** It did not commit: the next write meters again from the committed readings. */
  discard(): void {
    this.pending = new Map();
  }

  /** Writes the usage the journal implies, in the journal's transaction. */
  async write(tx: EntityManager, events: readonly UsageEvent[], snapshots: readonly VmSnapshot[], now: number): Promise<void> {
    const all: UsageEvent[] = [...events];
    for (const s of snapshots) {
      const surplusVcpuMs = s.credits ? vcpuMsOfMillicoreMs(s.credits.charged) : undefined;
      const t = s.transfer;
      if (!surplusVcpuMs && !t) continue;
      all.push({ kind: 'meter', vmId: s.vmId, tenantId: '', time: now, surplusVcpuMs, crossAzBytes: t ? Math.floor(t.crossAzBytes) : undefined, internetBytes: t ? Math.floor(t.internetBytes) : undefined });
    }
    if (all.length === 0) return;
    const starting = [...new Set(all.filter((e) => e.kind === 'running' || e.kind === 'meter').map((e) => e.vmId))];
    const rows = new Map<string, InstanceEntity>();
    for (const ids of chunks(starting, 500)) for (const r of await tx.find(InstanceEntity, { where: { id: In(ids) } })) rows.set(r.id, r);

    let usageRows: object[] = [];
    let slaRows: object[] = [];
    const meterRows = new Map<string, UsageMeterEntity>();
    const flush = async () => {
      if (usageRows.length) await insertIgnore(tx, UsageRecordEntity, usageRows);
      if (slaRows.length) await insertIgnore(tx, SlaIntervalEntity, slaRows);
      usageRows = [];
      slaRows = [];
    };
    const closeSla = async (vmId: string, kind: string, time: number) => {
      await flush();
      await tx.update(SlaIntervalEntity, { instanceId: vmId, kind, endMs: IsNull() }, { endMs: time });
    };

    for (const e of all) {
      switch (e.kind) {
        case 'running': {
          const row = rows.get(e.vmId);
          if (!row) break;
          const type = findInstanceType(row.instanceType);
          const image = findImage(row.imageId);
          const attrs = {
            instanceType: row.instanceType, vcpus: type?.vcpus ?? 1, platform: row.platform, licenseModel: image?.licenseModel ?? 'license-included',
            tenancy: row.tenancy, availabilityZone: row.availabilityZone,
          };
          usageRows.push({
            recordId: instanceUsageRecordId(e.vmId, e.time), tenantId: row.tenantId, kind: 'instance-usage', resourceId: e.vmId,
            startMs: e.time, endMs: null, periodStartMs: e.time, quantity: null, attrs: JSON.stringify(attrs),
          });
          break;
        }
        case 'not-running':
          await flush();
          await tx.update(UsageRecordEntity, { resourceId: e.vmId, kind: 'instance-usage', endMs: IsNull() }, { endMs: e.time });
          await closeSla(e.vmId, 'unavailable', e.time);
          await closeSla(e.vmId, 'guarantee-violation', e.time);
          break;
        case 'impaired':
          slaRows.push({ id: `unavailable:${e.vmId}:${e.time}`, kind: 'unavailable', tenantId: e.tenantId, instanceId: e.vmId, startMs: e.time, endMs: null, detail: JSON.stringify({ reason: e.reason }) });
          break;
        case 'ok':
          await closeSla(e.vmId, 'unavailable', e.time);
          break;
        case 'violated':
          slaRows.push({ id: `guarantee-violation:${e.vmId}:${e.time}`, kind: 'guarantee-violation', tenantId: e.tenantId, instanceId: e.vmId, startMs: e.time, endMs: null, detail: JSON.stringify(e.detail) });
          break;
        case 'restored':
          await closeSla(e.vmId, 'guarantee-violation', e.time);
          break;
        case 'meter': {
          const row = rows.get(e.vmId);
          if (!row) break;
          const platform = row.platform;
          const meter = (name: MeterName, value: number | undefined, make: (delta: number) => { recordId: string }) => {
            if (value === undefined) return undefined;
            const key = `${e.vmId}|${name}`;
            const last = this.pending.get(key) ?? this.meters.get(key) ?? 0;
            if (value <= last) return undefined;
            const row = make(value - last);
            usageRows.push(row);
            this.pending.set(key, value);
            meterRows.set(key, { instanceId: e.vmId, meter: name, value, atMs: e.time });
            return row;
          };
          const point = { tenantId: row.tenantId, resourceId: e.vmId, startMs: e.time, endMs: e.time, periodStartMs: null };
          meter('surplus', e.surplusVcpuMs, (delta) => ({
            ...point, recordId: cpuSurplusMeterRecordId(e.vmId, e.surplusVcpuMs!), kind: 'cpu-surplus', quantity: delta,
            attrs: JSON.stringify({ instanceType: row.instanceType, platform }),
          }));
          const crossAz = meter('cross-az', e.crossAzBytes, (delta) => ({
            ...point, recordId: dataTransferMeterRecordId(e.vmId, 'cross-az', e.crossAzBytes!), kind: 'data-transfer', quantity: delta, attrs: JSON.stringify({ direction: 'cross-az' }),
          }));
          // Billed in each direction: the receiving end too (crossAzInboundRecord).
          if (crossAz) usageRows.push(crossAzInboundRecord(crossAz));
          meter('internet-out', e.internetBytes, (delta) => ({
            ...point, recordId: dataTransferMeterRecordId(e.vmId, 'internet-out', e.internetBytes!), kind: 'data-transfer', quantity: delta,
            attrs: JSON.stringify({ direction: 'internet-out' }),
          }));
          break;
        }
      }
    }
    await flush();
    if (meterRows.size > 0) for (const batch of chunks([...meterRows.values()])) await tx.upsert(UsageMeterEntity, batch, ['instanceId', 'meter']);
  }

  // ---- volumes and Dedicated Hosts (called by their services, in their command's transaction) ----

  /** Volumes created now: each begins a `volume-usage` interval (its configuration is fixed; a modification would cut a new one). */
  async openVolumes(tx: EntityManager, volumes: readonly VolumeEntity[]): Promise<void> {
    await insertIgnore(tx, UsageRecordEntity, volumes.map((v) => ({
      recordId: volumeUsageRecordId(v.id, v.createdAt), tenantId: v.tenantId, kind: 'volume-usage', resourceId: v.id, startMs: v.createdAt,
      endMs: null, periodStartMs: null, quantity: null,
      attrs: JSON.stringify({ volumeType: v.volumeType, sizeGiB: v.sizeGiB, iops: v.iops, throughputMiBps: v.throughputMiBps, availabilityZone: v.availabilityZone }),
    })));
  }

  /** Volumes deleted at `endMs`: their open intervals end. */
  async closeVolumes(tx: EntityManager, volumeIds: readonly string[], endMs: number): Promise<void> {
    for (const ids of chunks(volumeIds, 500)) await tx.update(UsageRecordEntity, { resourceId: In(ids), kind: 'volume-usage', endMs: IsNull() }, { endMs });
  }

  /**
   * A Dedicated Host allocated to a tenant at `startMs` (for the Dedicated Hosts API to call): a
   * `host-usage` interval billed per host-hour; instances with tenancy `host` pay no compute.
   */
  async openHost(tx: EntityManager, h: { hostId: string; tenantId: string; hostFamily: string; availabilityZone: string; startMs: number }): Promise<void> {
    await insertIgnore(tx, UsageRecordEntity, [{
      recordId: hostUsageRecordId(h.hostId, h.startMs), tenantId: h.tenantId, kind: 'host-usage', resourceId: h.hostId, startMs: h.startMs, endMs: null,
      periodStartMs: h.startMs, quantity: null, attrs: JSON.stringify({ hostFamily: h.hostFamily, availabilityZone: h.availabilityZone }),
    }]);
  }

  /** The Dedicated Host released at `endMs`. */
  async closeHost(tx: EntityManager, hostId: string, endMs: number): Promise<void> {
    await tx.update(UsageRecordEntity, { resourceId: hostId, kind: 'host-usage', endMs: IsNull() }, { endMs });
  }
}
