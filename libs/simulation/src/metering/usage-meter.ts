import { crossAzInboundRecord, DataPlane, FleetEvent, MILLICORE_MS_PER_CREDIT, MS_PER_DAY, MS_PER_SECOND, SimTime, VolumeIoCounter } from '@nimbus/hypervisor';
import {
  cpuSurplusMeterRecordId, dataTransferMeterRecordId, hostUsageRecordId, instanceUsageRecordId, monitoringUsageRecordId, natBytesMeterRecordId, natGatewayUsageRecordId, Platform, publicIpv4UsageRecordId, PublicIpv4State, snapshotUsageRecordId, UsageRecord, volumeIoMeterRecordId, volumeUsageRecordId,
} from '@nimbus/metering';

/**
 * What the engine's events say that billing needs, in event order (docs/model.md §5).
 * `running`/`not-running` bound a billed interval; `impaired`/`ok` an unavailability;
 * `violated`/`restored` a guarantee violation; `meter` is a reading of a VM's cumulative counters,
 * `volume-meter` of a metered volume's.
 */
export type UsageEvent =
  | { readonly kind: 'running' | 'not-running' | 'ok' | 'restored'; readonly vmId: string; readonly tenantId: string; readonly time: SimTime }
  | { readonly kind: 'impaired'; readonly vmId: string; readonly tenantId: string; readonly time: SimTime; readonly reason: string | null }
  | { readonly kind: 'violated'; readonly vmId: string; readonly tenantId: string; readonly time: SimTime; readonly detail: Readonly<Record<string, unknown>> }
  | MeterReading
  | VolumeMeterReading;

/** The usage events about an instance (all but a volume's reading). */
export type InstanceUsageEvent = Exclude<UsageEvent, VolumeMeterReading>;
export const isInstanceUsageEvent = (e: UsageEvent): e is InstanceUsageEvent => e.kind !== 'volume-meter';

export interface MeterReading {
  readonly kind: 'meter';
  readonly vmId: string;
  readonly tenantId: string;
  readonly time: SimTime;
  /** Cumulative surplus credits charged, vCPU-ms. */
  readonly surplusVcpuMs?: number;
  /** Cumulative bytes since launch. */
  readonly crossAzBytes?: number;
  readonly internetBytes?: number;
  /**
   * The NAT gateway that processed the internet bytes up to this reading (null: none), decided when
   * the reading was taken: a routing change reads its instances first (World.meterNow), so bytes
   * sent until the change are metered as they were routed. Absent: the instance's `natGatewayAt`
   * at the reading's time decides.
   */
  readonly natGatewayId?: string | null;
}

/**
 * A reading of a metered (standard) volume's I/O requests since it was created (whole requests:
 * the floor of the data plane's count, so readings only grow and their floors telescope).
 */
export interface VolumeMeterReading {
  readonly kind: 'volume-meter';
  readonly volumeId: string;
  readonly tenantId: string;
  readonly availabilityZone: string;
  readonly time: SimTime;
  readonly ioRequests: number;
}

/** A metered volume's data-plane state at a commit (DataPlaneSnapshots['volumes'][number]; `ioIopsMs` only on metered volumes). */
export interface MeteredVolumeSnapshot {
  readonly volumeId: string;
  readonly tenantId: string;
  readonly availabilityZone: string;
  readonly ioIopsMs?: number;
}

/** Meters of an instance's counters, and `volume-io` of a volume's (the meters' table keys both by the resource id). */
export type MeterName = 'surplus' | 'cross-az' | 'internet-out' | 'volume-io';

/** Whole I/O requests in the data plane's count (requests × 1,000). */
export const ioRequestsOf = (ioIopsMs: number): number => Math.floor(ioIopsMs / MS_PER_SECOND);

/** What billing knows of an instance when it meters it (its attributes at launch). */
export interface MeteredInstance {
  readonly tenantId: string;
  readonly instanceType: string;
  readonly vcpus: number;
  readonly platform: Platform;
  readonly licenseModel: string;
  readonly tenancy: string;
  readonly availabilityZone: string;
  /**
   * Detailed monitoring: enabled since this instant (the launch, MonitorInstances), or absent /
   * null when disabled. A `running` at or after it opens a `monitoring` interval; one enabled later
   * while the instance ran was opened by whoever enabled it (openMonitoring).
   */
  readonly monitoredSince?: SimTime | null;
  /**
   * The NAT gateway that processes the instance's internet-bound bytes read at a time, if any: the
   * app answers it from routing (apps/api application/networking/nat-routes.ts), which this lib
   * does not know. Absent for an instance no NAT route reaches, which then costs nothing more.
   */
  readonly natGatewayAt?: (time: SimTime) => string | undefined;
  /** `spot` for a Spot Instance (its intervals carry it: the rater prices them at the Spot price); absent for On-Demand. */
  readonly market?: 'spot';
}

/** The stored kind of a Reserved Instance's term (libs/metering's `reserved-instance`; the column holds 16 characters). */
export const RESERVED_USAGE_KIND = 'reserved';

/** A usage record as stored: an open interval (`endMs` null) or a point quantity. */
export interface StoredUsageRecord {
  readonly recordId: string;
  readonly tenantId: string;
  readonly kind: 'instance-usage' | 'cpu-surplus' | 'data-transfer' | 'volume-usage' | 'snapshot-usage' | 'public-ipv4' | 'monitoring' | 'host-usage' | 'nat-gateway' | 'nat-bytes' | 'volume-io' | typeof RESERVED_USAGE_KIND;
  readonly resourceId: string;
  readonly startMs: SimTime;
  readonly endMs: SimTime | null;
  readonly periodStartMs: SimTime | null;
  readonly quantity: number | null;
  readonly attrs: Readonly<Record<string, unknown>>;
}

export interface SlaIntervalRecord {
  readonly id: string;
  readonly kind: 'unavailable' | 'guarantee-violation';
  readonly tenantId: string;
  readonly instanceId: string;
  readonly startMs: SimTime;
  readonly endMs: null;
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * The writes that usage implies, in order. Inserts are idempotent (insert-or-ignore by key);
 * closes end the one open interval (`… WHERE end_ms IS NULL`), so a replay closes nothing twice.
 */
export type UsageWrite =
  | { readonly op: 'insert-usage'; readonly record: StoredUsageRecord }
  | { readonly op: 'insert-sla'; readonly interval: SlaIntervalRecord }
  | { readonly op: 'close-usage'; readonly kind: StoredUsageRecord['kind']; readonly resourceIds: readonly string[]; readonly endMs: SimTime }
  | { readonly op: 'close-sla'; readonly kind: SlaIntervalRecord['kind']; readonly instanceId: string; readonly endMs: SimTime }
  | { readonly op: 'meter'; readonly instanceId: string; readonly meter: MeterName; readonly value: number; readonly atMs: SimTime };

/** A VM's data-plane state worth metering at a commit (DataPlaneSnapshots['vms'][number]). */
export interface MeteredSnapshot {
  readonly vmId: string;
  readonly credits?: { readonly charged: number };
  readonly transfer?: { readonly crossAzBytes: number; readonly internetBytes: number };
}

/** Integer vCPU-ms from the credit account's exact millicore-ms (floored: readings only grow, so floors telescope). */
const vcpuMsOfMillicoreMs = (m: number): number => Math.floor(m / 1000);

/** The next UTC midnight strictly after `now`: meters are read then (usage by day; month ends exact). */
export const nextMidnight = (now: SimTime): SimTime => Math.floor(now / MS_PER_DAY) * MS_PER_DAY + MS_PER_DAY;

/**
 * Turns fleet events into usage records and SLA intervals (docs/model.md §5). Deterministic keys:
 * an instance's interval is `instance:<id>:<running since>`; a meter's delta is keyed by the
 * reading it ends at (`surplus:<id>:@<reading>`), so reading the same counter twice adds nothing.
 * Meter readings become the base for the next delta only once the caller says they were stored
 * (`commit`); a failed store (`discard`) meters again from the last stored readings.
 */
export class UsageMeter {
  private readonly meters = new Map<string, number>();
  private pending = new Map<string, number>();

  /** The last stored readings (`<vmId>|<meter>` → value), e.g. loaded from the database. */
  load(readings: Iterable<readonly [string, number]>): void {
    this.meters.clear();
    this.pending.clear();
    for (const [k, v] of readings) this.meters.set(k, v);
  }

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
   * (credits = exact millicore-ms / 6·10^7, so rounding recovers the integer); bytes from
   * `dataTransferOf`.
   */
  read(dataPlane: DataPlane, vmId: string, tenantId: string, time: SimTime, withSurplus = true): MeterReading | undefined {
    let t: { crossAzBytes: number; internetBytes: number };
    let surplusVcpuMs: number | undefined;
    try {
      t = dataPlane.dataTransferOf(vmId);
      if (withSurplus) {
        const charged = dataPlane.vmView(vmId).surplusCreditsCharged;
        if (charged !== null) surplusVcpuMs = vcpuMsOfMillicoreMs(Math.round(charged * MILLICORE_MS_PER_CREDIT));
      }
    } catch {
      return undefined; // not (or no longer) known to the data plane: nothing to read
    }
    if (!surplusVcpuMs && t.crossAzBytes === 0 && t.internetBytes === 0) return undefined;
    return { kind: 'meter', vmId, tenantId, time, surplusVcpuMs, crossAzBytes: Math.floor(t.crossAzBytes), internetBytes: Math.floor(t.internetBytes) };
  }

  /**
   * Readings of every instance with a counter and of every metered volume, taken at a UTC midnight
   * `time` (the data plane is there) and stamped at the last ms of the day that ends there
   * (`time − 1`): what they count was used in that day, and a point record belongs to the day and
   * month of its time, so a month's last day is billed in that month.
   */
  dailyReadings(dataPlane: DataPlane, vms: Iterable<{ vmId: string; tenantId: string; state: string }>, time: SimTime): (MeterReading | VolumeMeterReading)[] {
    const out: (MeterReading | VolumeMeterReading)[] = [];
    const stamp = time - 1;
    for (const vm of vms) {
      if (vm.state === 'terminated') continue;
      const r = this.read(dataPlane, vm.vmId, vm.tenantId, stamp);
      if (r) out.push(r);
    }
    for (const c of dataPlane.ioRequestCounters()) {
      const ioRequests = ioRequestsOf(c.ioIopsMs);
      if (ioRequests > 0) out.push({ kind: 'volume-meter', volumeId: c.volumeId, tenantId: c.tenantId, availabilityZone: c.availabilityZone, time: stamp, ioRequests });
    }
    return out;
  }

  /**
   * The writes that `events` imply, plus a reading of every VM in `snapshots` and of every
   * metered volume in `volumes` at `now`. `instances` answers what billing knows of a VM (its
   * launch attributes); a VM it does not know is not metered.
   */
  plan(
    events: readonly UsageEvent[], snapshots: readonly MeteredSnapshot[], now: SimTime, instances: (vmId: string) => MeteredInstance | undefined,
    volumes: readonly MeteredVolumeSnapshot[] = [],
  ): UsageWrite[] {
    const all: UsageEvent[] = [...events];
    for (const s of snapshots) {
      const surplusVcpuMs = s.credits ? vcpuMsOfMillicoreMs(s.credits.charged) : undefined;
      const t = s.transfer;
      if (!surplusVcpuMs && !t) continue;
      all.push({ kind: 'meter', vmId: s.vmId, tenantId: '', time: now, surplusVcpuMs, crossAzBytes: t ? Math.floor(t.crossAzBytes) : undefined, internetBytes: t ? Math.floor(t.internetBytes) : undefined });
    }
    for (const v of volumes) {
      if (v.ioIopsMs === undefined) continue;
      all.push({ kind: 'volume-meter', volumeId: v.volumeId, tenantId: v.tenantId, availabilityZone: v.availabilityZone, time: now, ioRequests: ioRequestsOf(v.ioIopsMs) });
    }
    const out: UsageWrite[] = [];
    const closeSla = (instanceId: string, kind: SlaIntervalRecord['kind'], endMs: SimTime) => out.push({ op: 'close-sla', kind, instanceId, endMs });
    for (const e of all) {
      switch (e.kind) {
        case 'running': {
          const i = instances(e.vmId);
          if (!i) break;
          out.push({ op: 'insert-usage', record: {
            recordId: instanceUsageRecordId(e.vmId, e.time), tenantId: i.tenantId, kind: 'instance-usage', resourceId: e.vmId, startMs: e.time, endMs: null, periodStartMs: e.time,
            quantity: null, attrs: {
              instanceType: i.instanceType, vcpus: i.vcpus, platform: i.platform, licenseModel: i.licenseModel, tenancy: i.tenancy, availabilityZone: i.availabilityZone,
              ...(i.market !== undefined ? { market: i.market } : {}),
            },
          } });
          if (i.monitoredSince != null && i.monitoredSince <= e.time) out.push(UsageMeter.openMonitoring({ instanceId: e.vmId, tenantId: i.tenantId, startMs: e.time }));
          break;
        }
        case 'not-running':
          out.push({ op: 'close-usage', kind: 'instance-usage', resourceIds: [e.vmId], endMs: e.time });
          out.push(UsageMeter.closeMonitoring([e.vmId], e.time));
          closeSla(e.vmId, 'unavailable', e.time);
          closeSla(e.vmId, 'guarantee-violation', e.time);
          break;
        case 'impaired':
          out.push({ op: 'insert-sla', interval: { id: `unavailable:${e.vmId}:${e.time}`, kind: 'unavailable', tenantId: e.tenantId, instanceId: e.vmId, startMs: e.time, endMs: null, detail: { reason: e.reason } } });
          break;
        case 'ok':
          closeSla(e.vmId, 'unavailable', e.time);
          break;
        case 'violated':
          out.push({ op: 'insert-sla', interval: { id: `guarantee-violation:${e.vmId}:${e.time}`, kind: 'guarantee-violation', tenantId: e.tenantId, instanceId: e.vmId, startMs: e.time, endMs: null, detail: e.detail } });
          break;
        case 'restored':
          closeSla(e.vmId, 'guarantee-violation', e.time);
          break;
        case 'meter':
          this.planMeter(e, instances(e.vmId), out);
          break;
        case 'volume-meter':
          this.planVolumeMeter(e, out);
          break;
      }
    }
    return out;
  }

  /** The value a meter last reached (planned in this batch, else stored), and `value` as its new reading if it grew. */
  private advanceMeter(resourceId: string, name: MeterName, value: number, atMs: SimTime, out: UsageWrite[]): number {
    const key = `${resourceId}|${name}`;
    const last = this.pending.get(key) ?? this.meters.get(key) ?? 0;
    if (value <= last) return 0;
    this.pending.set(key, value);
    out.push({ op: 'meter', instanceId: resourceId, meter: name, value, atMs });
    return value - last;
  }

  /** A `volume-io` point record of the requests since the last reading, keyed by the reading (a replay adds nothing). */
  private planVolumeMeter(e: VolumeMeterReading, out: UsageWrite[]): void {
    const requests = this.advanceMeter(e.volumeId, 'volume-io', e.ioRequests, e.time, out);
    if (requests > 0)
      out.push({ op: 'insert-usage', record: {
        recordId: volumeIoMeterRecordId(e.volumeId, e.ioRequests), tenantId: e.tenantId, kind: 'volume-io', resourceId: e.volumeId, startMs: e.time, endMs: e.time,
        periodStartMs: null, quantity: requests, attrs: { volumeType: 'standard', availabilityZone: e.availabilityZone },
      } });
  }

  private planMeter(e: MeterReading, i: MeteredInstance | undefined, out: UsageWrite[]): void {
    if (!i) return;
    const point = { tenantId: i.tenantId, resourceId: e.vmId, startMs: e.time, endMs: e.time, periodStartMs: null };
    const meter = (name: MeterName, value: number | undefined): number => (value === undefined ? 0 : this.advanceMeter(e.vmId, name, value, e.time, out));
    const surplus = meter('surplus', e.surplusVcpuMs);
    if (surplus > 0)
      out.push({ op: 'insert-usage', record: { ...point, recordId: cpuSurplusMeterRecordId(e.vmId, e.surplusVcpuMs!), kind: 'cpu-surplus', quantity: surplus, attrs: { instanceType: i.instanceType, platform: i.platform } } });
    const crossAz = meter('cross-az', e.crossAzBytes);
    if (crossAz > 0) {
      const record: StoredUsageRecord = { ...point, recordId: dataTransferMeterRecordId(e.vmId, 'cross-az', e.crossAzBytes!), kind: 'data-transfer', quantity: crossAz, attrs: { direction: 'cross-az' } };
      for (const r of [record, crossAzInboundRecord(record)]) out.push({ op: 'insert-usage', record: r });
    }
    const internet = meter('internet-out', e.internetBytes);
    if (internet > 0) {
      out.push({ op: 'insert-usage', record: { ...point, recordId: dataTransferMeterRecordId(e.vmId, 'internet-out', e.internetBytes!), kind: 'data-transfer', quantity: internet, attrs: { direction: 'internet-out' } } });
      // The same bytes, processed by the NAT gateway the instance's subnet routes the internet to (billed as well: docs/model.md §5).
      const nat = e.natGatewayId !== undefined ? (e.natGatewayId ?? undefined) : i.natGatewayAt?.(e.time);
      if (nat !== undefined)
        out.push({ op: 'insert-usage', record: { ...point, recordId: natBytesMeterRecordId(e.vmId, e.internetBytes!), kind: 'nat-bytes', resourceId: nat, quantity: internet, attrs: { instanceId: e.vmId } } });
    }
  }

  /** The store that took the last `plan` committed: its readings are the new base. */
  commit(): void {
    for (const [k, v] of this.pending) this.meters.set(k, v);
    this.pending = new Map();
  }

  /** It did not commit: the next plan meters again from the committed readings. */
  discard(): void {
    this.pending = new Map();
  }

  /**
   * What the counters grew by since they were last metered, as point records at `now` (not stored):
   * an estimate closes its open intervals at now, and reads its meters at now the same way.
   * `volumes`: the metered volumes' counters (DataPlane.ioRequestCounters) to read as well;
   * `natGatewayAt`: the NAT gateway that processes a VM's internet bytes now, if any (the app's answer).
   */
  liveRecords(
    dataPlane: DataPlane, vms: Iterable<{ vmId: string; tenantId: string; state: string; instanceType: { name: string }; image: { platform: Platform } }>, now: SimTime,
    volumes: Iterable<VolumeIoCounter> = [], natGatewayAt: (vmId: string, time: SimTime) => string | undefined = () => undefined,
  ): UsageRecord[] {
    const out: UsageRecord[] = [];
    for (const c of volumes) {
      const requests = ioRequestsOf(c.ioIopsMs) - (this.meters.get(`${c.volumeId}|volume-io`) ?? 0);
      if (requests > 0) out.push({ kind: 'volume-io', recordId: `live:volume-io:${c.volumeId}`, tenantId: c.tenantId, volumeId: c.volumeId, volumeType: 'standard', requests, atMs: now });
    }
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
      if (internet > 0) {
        out.push({ ...base, kind: 'data-transfer', recordId: `live:internet-out:${vm.vmId}`, direction: 'internet-out', bytes: internet });
        const nat = natGatewayAt(vm.vmId, now);
        if (nat !== undefined) out.push({ kind: 'nat-bytes', recordId: `live:nat-bytes:${vm.vmId}`, tenantId: vm.tenantId, natGatewayId: nat, instanceId: vm.vmId, bytes: internet, atMs: now });
      }
    }
    return out;
  }

  // ---- volumes, snapshots and Dedicated Hosts ----

  /** A volume created at `createdAt` begins a `volume-usage` interval (its configuration is fixed). */
  static openVolume(v: { volumeId: string; tenantId: string; createdAt: SimTime; volumeType: string; sizeGiB: number; iops: number; throughputMiBps: number; availabilityZone: string }): UsageWrite {
    return { op: 'insert-usage', record: {
      recordId: volumeUsageRecordId(v.volumeId, v.createdAt), tenantId: v.tenantId, kind: 'volume-usage', resourceId: v.volumeId, startMs: v.createdAt, endMs: null,
      periodStartMs: null, quantity: null,
      attrs: { volumeType: v.volumeType, sizeGiB: v.sizeGiB, iops: v.iops, throughputMiBps: v.throughputMiBps, availabilityZone: v.availabilityZone },
    } };
  }

  static closeVolumes(volumeIds: readonly string[], endMs: SimTime): UsageWrite {
    return { op: 'close-usage', kind: 'volume-usage', resourceIds: volumeIds, endMs };
  }

  /** A snapshot created at `startedAt` (CreateSnapshot, CreateImage, CopySnapshot) begins a `snapshot-usage` interval at its volume's size. */
  static openSnapshot(s: { snapshotId: string; tenantId: string; startedAt: SimTime; sizeGiB: number }): UsageWrite {
    return { op: 'insert-usage', record: {
      recordId: snapshotUsageRecordId(s.snapshotId, s.startedAt), tenantId: s.tenantId, kind: 'snapshot-usage', resourceId: s.snapshotId, startMs: s.startedAt, endMs: null,
      periodStartMs: null, quantity: null, attrs: { sizeGiB: s.sizeGiB },
    } };
  }

  static closeSnapshots(snapshotIds: readonly string[], endMs: SimTime): UsageWrite {
    return { op: 'close-usage', kind: 'snapshot-usage', resourceIds: snapshotIds, endMs };
  }

  /**
   * A public IPv4 address held from `startMs` by `holderId` (the interface given an auto-assigned
   * address, or an Elastic IP's allocation), in one state (`in-use`: mapped to an interface;
   * `idle`: an Elastic IP associated with nothing), until it is released or changes state. Keyed
   * by the address, so a release closes it by the address alone.
   */
  static openPublicIpv4(a: { holderId: string; publicIp: string; tenantId: string; state: PublicIpv4State; startMs: SimTime }): UsageWrite {
    return { op: 'insert-usage', record: {
      recordId: publicIpv4UsageRecordId(a.holderId, a.publicIp, a.startMs), tenantId: a.tenantId, kind: 'public-ipv4', resourceId: a.publicIp, startMs: a.startMs, endMs: null,
      periodStartMs: null, quantity: null, attrs: { state: a.state },
    } };
  }

  static closePublicIpv4(publicIps: readonly string[], endMs: SimTime): UsageWrite {
    return { op: 'close-usage', kind: 'public-ipv4', resourceIds: publicIps, endMs };
  }

  /**
   * An instance running with detailed monitoring enabled from `startMs` (it began running monitored,
   * or monitoring was enabled while it ran), until it stops running or monitoring is disabled.
   */
  static openMonitoring(m: { instanceId: string; tenantId: string; startMs: SimTime }): UsageWrite {
    return { op: 'insert-usage', record: {
      recordId: monitoringUsageRecordId(m.instanceId, m.startMs), tenantId: m.tenantId, kind: 'monitoring', resourceId: m.instanceId, startMs: m.startMs, endMs: null,
      periodStartMs: null, quantity: null, attrs: {},
    } };
  }

  static closeMonitoring(instanceIds: readonly string[], endMs: SimTime): UsageWrite {
    return { op: 'close-usage', kind: 'monitoring', resourceIds: instanceIds, endMs };
  }

  /** A Dedicated Host allocated to a tenant: a `host-usage` interval billed per host-hour; its instances pay no compute. */
  static openHost(h: { hostId: string; tenantId: string; hostFamily: string; availabilityZone: string; startMs: SimTime }): UsageWrite {
    return { op: 'insert-usage', record: {
      recordId: hostUsageRecordId(h.hostId, h.startMs), tenantId: h.tenantId, kind: 'host-usage', resourceId: h.hostId, startMs: h.startMs, endMs: null,
      periodStartMs: h.startMs, quantity: null, attrs: { hostFamily: h.hostFamily, availabilityZone: h.availabilityZone },
    } };
  }

  static closeHost(hostId: string, endMs: SimTime): UsageWrite {
    return { op: 'close-usage', kind: 'host-usage', resourceIds: [hostId], endMs };
  }

  /** A NAT gateway created for a tenant: a `nat-gateway` interval billed per gateway-hour, each partial hour a full one. */
  static openNatGateway(g: { natGatewayId: string; tenantId: string; startMs: SimTime }): UsageWrite {
    return { op: 'insert-usage', record: {
      recordId: natGatewayUsageRecordId(g.natGatewayId, g.startMs), tenantId: g.tenantId, kind: 'nat-gateway', resourceId: g.natGatewayId, startMs: g.startMs, endMs: null,
      periodStartMs: g.startMs, quantity: null, attrs: {},
    } };
  }

  static closeNatGateway(natGatewayId: string, endMs: SimTime): UsageWrite {
    return { op: 'close-usage', kind: 'nat-gateway', resourceIds: [natGatewayId], endMs };
  }
}
