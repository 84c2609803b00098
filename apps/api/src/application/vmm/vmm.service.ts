import { Injectable } from '@nestjs/common';
import { DriverDomainState, findHostType, HOST_METRICS, Host, HostAllocation, HostState, HostView, InvalidParameterValue, mergeWorkload, MS_PER_HOUR, validateWorkload, Workload } from '@nimbus/hypervisor';
import { parseRebalancerPatch, RebalancerConfig, SchedulerConfig } from '@nimbus/scheduler';
import { setWorkload } from '@nimbus/simulation';
import { ApiError, invalidParameter } from '../common/api-errors';
import { InstanceEntity, TenantEntity } from '../../persistence/entities';
import { EventFilter, EventsRepository } from '../../persistence/events.repository';
import { MetricsRepository } from '../../persistence/metrics.repository';
import { Tx } from '../../persistence/tx';
import { drainHost, failHost, hostNotFound as hostNotFoundError, migrateVm, powerOffHost, powerOnHost, repairHost } from '@nimbus/simulation';
import { InstancesRepository } from '../../persistence/instances.repository';
import { checkInstanceId, requireInstance } from '../instances/require-instance';
import { storedWorkloadOf, VmmRepository } from '../../persistence/vmm.repository';
import { EngineService, StoredWorkload } from '../../engine/engine.service';
import { MetricSeries, MetricsWindow, parseWindow, readMetrics, readMetricsMany } from './metrics-query';
import {
  AdminEventsQuery, EventsPageQuery, FailHostCommand, HostQuery, HostRef, InstanceEventsQuery, InstanceRef, MetricsQuery, MetricsWindowQuery,
  MigrateInstanceCommand, SetWorkloadCommand, UpdateRebalancerConfigCommand, UpdateSchedulerConfigCommand,
} from './vmm.commands';

const DEFAULT_EVENTS_PAGE = 100;
const hostNotFound = hostNotFoundError;

/** An instance's workload; `cpuSetAtMs` is when its CPU model was set (absent: never set). */
export interface InstanceWorkload {
  readonly instanceId: string;
  readonly workload: Workload;
  readonly cpuSetAtMs?: number;
}

/** An instance's metrics over a window. */
export interface InstanceMetrics {
  readonly instanceId: string;
  readonly series: MetricSeries;
}

/** One event of the simulated timeline; a tenant's has no host or tenant id, and no host in its detail. */
export interface TimelineEvent {
  readonly time: number;
  readonly type: string;
  readonly instanceId?: string;
  readonly hostId?: string;
  readonly tenantId?: string;
  readonly detail: Record<string, unknown>;
}

export interface EventsPage {
  readonly events: TimelineEvent[];
  readonly nextToken?: string;
}

/** A host's fields as the hosts' listing shows them, copied (Host itself fits this type). */
export interface HostSnapshot {
  readonly id: string;
  readonly type: { readonly name: string };
  readonly availabilityZone: string;
  readonly state: HostState;
  readonly threads: number;
  readonly cpuCapacityMillicores: number;
  readonly memoryCapacityMiB: number;
  readonly allocation: Readonly<HostAllocation>;
}

/**
 * A host as it stood when the operation read it (a copy: the world moves on after the command,
 * even within the same group commit), with its VMM's allocation and its metrics over a window.
 */
export interface HostDetail {
  readonly host: HostSnapshot;
  readonly stateSince: number;
  readonly driverDomain: DriverDomainState;
  readonly instanceIds: string[];
  readonly incomingInstanceIds: string[];
  readonly utilization: HostView;
  readonly metrics: MetricSeries;
}

/** A live migration an operator started: where from and to, and its pre-copy plan. */
export interface MigrationStarted {
  readonly instanceId: string;
  readonly sourceHostId: string | null;
  readonly targetHostId: string;
  readonly rounds: number;
  readonly converged: boolean;
  readonly downtimeMs: number;
  readonly totalMs: number;
  readonly transferredMiB: number;
  readonly finalThrottlePercent: number;
}

/** The fleet's current totals and its metrics over a window. */
export interface FleetUtilization {
  readonly now: number;
  readonly current: Record<string, number>;
  readonly series: MetricSeries;
}

const HOST_FIELD = Object.fromEntries(HOST_METRICS.map((f, i) => [f, i])) as Record<(typeof HOST_METRICS)[number], number>;

/** Heatmap metrics: CPU (demanded CPU over capacity) or memory (resident over capacity). */
export const HEATMAP_METRICS = ['cpu', 'memory'] as const;
export type HeatmapMetric = (typeof HEATMAP_METRICS)[number];
/** Cells one heatmap answer holds at most (hosts × points). */
export const MAX_HEATMAP_CELLS = 2_000_000;

/** Hosts × time: each host's utilization per period, a fraction (null where nothing was recorded). */
export interface FleetHeatmap {
  readonly metric: HeatmapMetric;
  readonly periodMs: number;
  readonly times: number[];
  readonly hosts: { readonly hostId: string; readonly availabilityZone: string; readonly state: string; readonly values: (number | null)[] }[];
}

/** Per zone: the share of host-time its hosts were not failed, over a window. */
export interface ZoneAvailability {
  readonly fromMs: number;
  readonly toMs: number;
  readonly zones: { readonly availabilityZone: string; readonly hosts: number; readonly hostHours: number; readonly failedHostHours: number; readonly availability: number | null }[];
}

/**
 * The VMM through the API (docs/model.md §3): tenants set workloads and read metrics and events;
 * operators fail, repair and drain hosts, migrate instances, tune the scheduler's ratios, and read
 * host and fleet utilization. Every change is one engine command (one transaction).
 */
@Injectable()
export class VmmService {
  constructor(
    private readonly instances: VmmRepository,
    private readonly eventLog: EventsRepository,
    private readonly metrics: MetricsRepository,
    private readonly engine: EngineService,
    private readonly instanceRows: InstancesRepository,
  ) {}

  // ---- tenant ----

  putWorkload(tenant: TenantEntity, cmd: SetWorkloadCommand): Promise<InstanceWorkload & { cpuSetAtMs: number }> {
    const id = cmd.instanceId;
    return this.engine.command(async (tx, e) => {
      const row = await this.requireInstance(tenant.id, id, tx);
      if (row.state === 'terminated' || !e.fleet.vm(id)) throw new ApiError('IncorrectInstanceState', `The instance '${id}' is terminated.`);
      const type = e.fleet.vm(id)!.instanceType;
      const update = validateWorkload(cmd.workload, { vcpus: type.vcpus, memoryMiB: type.memoryMiB });
      // Network peers must be the tenant's own live instances: anything else looks missing.
      const peers = (update.network ?? []).filter((f) => f.to !== 'internet').map((f) => f.to);
      for (const peer of peers) {
        const p = await this.instances.findOwned(tenant.id, peer, tx);
        if (!p || p.state === 'terminated') throw new InvalidParameterValue(`workload.network: instance '${peer}' does not exist`);
      }
      const stored = storedWorkloadOf(row) ?? { workload: {}, cpuSetAtMs: e.now };
      const workload = setWorkload(e.world, tenant.id, id, update);
      const next: StoredWorkload = { workload: mergeWorkload(stored.workload, update), cpuSetAtMs: update.cpu ? e.now : stored.cpuSetAtMs };
      // The data plane drops IO entries for detached volumes; what it holds is the truth.
      const persisted: StoredWorkload = { ...next, workload };
      await this.instances.saveWorkload(tx, id, persisted);
      return { instanceId: id, workload, cpuSetAtMs: persisted.cpuSetAtMs };
    });
  }

  async getWorkload(tenant: TenantEntity, q: InstanceRef): Promise<InstanceWorkload> {
    const id = q.instanceId;
    const stored = storedWorkloadOf(await this.requireInstance(tenant.id, id));
    return { instanceId: id, workload: stored?.workload ?? {}, ...(stored ? { cpuSetAtMs: stored.cpuSetAtMs } : {}) };
  }

  instanceMetrics(tenant: TenantEntity, q: MetricsQuery): Promise<InstanceMetrics> {
    const id = q.instanceId;
    return this.engine.read(async (e) => {
      await this.requireInstance(tenant.id, id);
      const w = parseWindow(q, e.now);
      return { instanceId: id, series: await this.series('vm', id, w) };
    });
  }

  async instanceEvents(tenant: TenantEntity, q: InstanceEventsQuery): Promise<EventsPage> {
    await this.requireInstance(tenant.id, q.instanceId);
    return this.events({ instanceId: q.instanceId, tenantId: tenant.id }, q, false);
  }

  // ---- admin: faults and maintenance ----

  failHost(cmd: FailHostCommand): Promise<HostDetail> {
    const id = cmd.hostId;
    return this.engine.command(async (_tx, e) => {
      failHost(e.world, id, cmd.component);
      return this.hostDetail(id, {});
    });
  }

  repairHost(cmd: HostRef): Promise<HostDetail> {
    const id = cmd.hostId;
    return this.engine.command(async (_tx, e) => {
      repairHost(e.world, id);
      return this.hostDetail(id, {});
    });
  }

  drainHost(cmd: HostRef): Promise<HostDetail> {
    const id = cmd.hostId;
    return this.engine.command(async (_tx, e) => {
      drainHost(e.world, id);
      return this.hostDetail(id, {});
    });
  }

  /** Switches an empty available host off (it draws nothing and takes no instances until switched on). */
  powerOffHost(cmd: HostRef): Promise<HostDetail> {
    const id = cmd.hostId;
    return this.engine.command(async (_tx, e) => {
      powerOffHost(e.world, id);
      return this.hostDetail(id, {});
    });
  }

  /** Switches an off host on: available at once. */
  powerOnHost(cmd: HostRef): Promise<HostDetail> {
    const id = cmd.hostId;
    return this.engine.command(async (_tx, e) => {
      powerOnHost(e.world, id);
      return this.hostDetail(id, {});
    });
  }

  migrate(cmd: MigrateInstanceCommand): Promise<MigrationStarted> {
    const { instanceId, targetHostId } = cmd;
    return this.engine.command(async (_tx, e) => {
      checkInstanceId(instanceId);
      // The target's zone, family, tenancy, group and capacity rules: libs/simulation's migrateVm.
      const { sourceHostId, plan } = migrateVm(e.world, instanceId, targetHostId);
      return {
        instanceId, sourceHostId, targetHostId, rounds: plan.rounds.length, converged: plan.converged,
        downtimeMs: plan.downtimeMs, totalMs: plan.totalMs, transferredMiB: plan.transferredMiB, finalThrottlePercent: plan.finalThrottlePercent,
      };
    });
  }

  // ---- admin: views ----

  host(q: HostQuery): Promise<HostDetail> {
    return this.engine.read(() => this.hostDetail(q.hostId, q));
  }

  fleetUtilization(q: MetricsWindowQuery): Promise<FleetUtilization> {
    return this.engine.read(async (e) => {
      const w = parseWindow(q, e.now, 24 * MS_PER_HOUR);
      const series = await this.series('fleet', 'fleet', w);
      return { now: e.now, current: e.dataPlane.fleetTotals(), series };
    });
  }

  /** Every host's CPU or memory utilization over a window, one value per period (the fleet heatmap). */
  fleetHeatmap(q: MetricsWindowQuery & { metric?: unknown }): Promise<FleetHeatmap> {
    const metric = (q.metric ?? 'cpu') as HeatmapMetric;
    if (!HEATMAP_METRICS.includes(metric)) throw invalidParameter(`metric must be one of ${HEATMAP_METRICS.join(', ')}, got '${String(q.metric)}'`);
    return this.engine.read(async (e) => {
      const w = parseWindow(q, e.now, 24 * MS_PER_HOUR);
      const hosts = [...e.fleet.hosts()].sort((a, b) => (a.id < b.id ? -1 : 1));
      const first = Math.floor(w.fromMs / w.periodMs) * w.periodMs;
      const times: number[] = [];
      for (let t = first; t < w.toMs; t += w.periodMs) times.push(t);
      if (times.length * hosts.length > MAX_HEATMAP_CELLS)
        throw invalidParameter(`the heatmap would hold ${times.length * hosts.length} cells; at most ${MAX_HEATMAP_CELLS} (raise period or narrow from/to)`);
      const slot = new Map(times.map((t, i) => [t, i]));
      const out: FleetHeatmap['hosts'][number][] = [];
      // The fields read, in this order: [cpuUtilization] or [memoryResidentMiB, memoryCapacityMiB].
      const fields = metric === 'cpu' ? [HOST_FIELD.cpuUtilization] : [HOST_FIELD.memoryResidentMiB, HOST_FIELD.memoryCapacityMiB];
      await this.eachHostSeries(hosts, w, fields, (h, series) => {
        const values: (number | null)[] = times.map(() => null);
        for (const p of series.points) {
          const i = slot.get(p.time);
          if (i === undefined) continue;
          values[i] = metric === 'cpu' ? p.mean[0] / 100 : p.mean[1] > 0 ? p.mean[0] / p.mean[1] : 0;
        }
        out.push({ hostId: h.id, availabilityZone: h.availabilityZone, state: h.state, values });
      });
      return { metric, periodMs: w.periodMs, times, hosts: out };
    });
  }

  /**
   * Availability per zone over a window (default: the last 30 days): each host's metric series
   * says how much of each period it was failed; a zone's availability is its hosts' time not
   * failed over their time recorded.
   */
  zoneAvailability(q: MetricsWindowQuery): Promise<ZoneAvailability> {
    return this.engine.read(async (e) => {
      const w = parseWindow(q, e.now, 30 * 24 * MS_PER_HOUR);
      const by = new Map<string, { hosts: number; ms: number; failedMs: number }>();
      const hosts = [...e.fleet.hosts()].sort((a, b) => (a.id < b.id ? -1 : 1));
      // Only `failed` is read.
      await this.eachHostSeries(hosts, w, [HOST_FIELD.failed], (h, series) => {
        const z = by.get(h.availabilityZone) ?? { hosts: 0, ms: 0, failedMs: 0 };
        z.hosts++;
        for (const p of series.points) {
          z.ms += p.coveredMs;
          z.failedMs += p.coveredMs * p.mean[0];
        }
        by.set(h.availabilityZone, z);
      });
      const zones = [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([availabilityZone, z]) => ({
        availabilityZone, hosts: z.hosts, hostHours: z.ms / MS_PER_HOUR, failedHostHours: z.failedMs / MS_PER_HOUR, availability: z.ms > 0 ? 1 - z.failedMs / z.ms : null,
      }));
      return { fromMs: w.fromMs, toMs: w.toMs, zones };
    });
  }

  adminEvents(q: AdminEventsQuery): Promise<EventsPage> {
    const where: { -readonly [K in keyof EventFilter]: EventFilter[K] } = {};
    for (const k of ['hostId', 'instanceId', 'type'] as const) {
      const v = q[k];
      if (v === undefined) continue;
      if (typeof v !== 'string' || v.length > 48) throw invalidParameter(`${k} must be a string`);
      where[k] = v;
    }
    return this.events(where, q, true);
  }

  schedulerConfig(): SchedulerConfig {
    return this.engine.scheduler.config;
  }

  putSchedulerConfig(cmd: UpdateSchedulerConfigCommand): Promise<SchedulerConfig> {
    return this.engine.setSchedulerConfig(parseSchedulerConfig(cmd.settings));
  }

  rebalancerConfig(): RebalancerConfig {
    return this.engine.rebalancer.config;
  }

  putRebalancerConfig(cmd: UpdateRebalancerConfigCommand): Promise<RebalancerConfig> {
    return this.engine.setRebalancerConfig(parseRebalancerPatch(cmd.settings));
  }

  // ---- helpers ----

  /** A host with its VMM's current allocation, and its metrics over a window (copied now: see HostDetail). */
  private async hostDetail(id: string, q: MetricsWindowQuery): Promise<HostDetail> {
    const e = this.engine;
    const h = e.fleet.host(id);
    if (!h) throw hostNotFound(id);
    const w = parseWindow(q, e.now);
    const metrics = await this.series('host', id, w);
    return { ...hostCopy(h), utilization: e.dataPlane.hostView(id), metrics };
  }

  /** One series over a window: the committed buckets, those closed since, and the open one. */
  private series(kind: 'vm' | 'host' | 'fleet', id: string, w: MetricsWindow): Promise<MetricSeries> {
    const e = this.engine;
    // Peek the open bucket before taking the pending ones: the peek may close some.
    const open = e.dataPlane.openBucket(kind, id);
    return readMetrics(this.metrics, kind, id, w, open, e.pendingBuckets(kind, id));
  }

  /**
   * Each host's series over a window, as `series` makes it, handed to `each` in the hosts' order:
   * a few queries for the whole fleet (readMetricsMany), not two per host. Its points hold `fields` only, in that order.
   */
  private eachHostSeries(hosts: readonly Host[], w: MetricsWindow, fields: readonly number[], each: (h: Host, series: MetricSeries) => void): Promise<void> {
    const e = this.engine;
    // Every open bucket peeked before the pending ones are taken: a peek may close some.
    const open = new Map(hosts.map((h) => [h.id, e.dataPlane.openBucket('host', h.id)]));
    const pending = e.pendingBucketsByKind('host');
    const byId = new Map(hosts.map((h) => [h.id, h]));
    return readMetricsMany(this.metrics, 'host', hosts.map((h) => h.id), w, (id) => ({ open: open.get(id), pending: pending.get(id) ?? [] }), (id, s) => each(byId.get(id)!, s), fields);
  }

  private async events(filter: EventFilter, q: EventsPageQuery, admin: boolean): Promise<EventsPage> {
    const limit = q.maxResults === undefined ? DEFAULT_EVENTS_PAGE : Number(q.maxResults);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidParameter('maxResults must be an integer from 1 to 1000');
    let after: number | undefined;
    if (q.nextToken !== undefined) {
      after = typeof q.nextToken === 'string' && /^\d{1,15}$/.test(q.nextToken) ? Number(q.nextToken) : NaN;
      if (!Number.isSafeInteger(after)) throw new ApiError('InvalidPaginationToken', 'nextToken is not a token this API issued');
    }
    // Newest first, as EC2's event listings read; the token is the last sequence number seen.
    const rows = await this.eventLog.newestFirst(filter, after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      events: page.map((r) => ({
        time: r.time, type: r.type,
        ...(r.instanceId ? { instanceId: r.instanceId } : {}),
        ...(admin && r.hostId ? { hostId: r.hostId } : {}),
        ...(admin && r.tenantId ? { tenantId: r.tenantId } : {}),
        detail: admin ? JSON.parse(r.detail) : tenantDetail(JSON.parse(r.detail) as Record<string, unknown>),
      })),
      ...(rows.length > limit ? { nextToken: String(page[page.length - 1].seq) } : {}),
    };
  }

  /** The one instance-visibility rule (application/instances/require-instance.ts), in a command or on the committed state. */
  private requireInstance(tenantId: string, id: string, tx?: Tx): Promise<InstanceEntity> {
    return requireInstance(this.instanceRows, tx ?? this.instanceRows.reader, tenantId, id, this.engine.now);
  }
}

/** The host's fields as they are now. */
function hostCopy(h: Host): Omit<HostDetail, 'utilization' | 'metrics'> {
  const a = h.allocation;
  return {
    host: {
      id: h.id, type: { name: h.type.name }, availabilityZone: h.availabilityZone, state: h.state,
      threads: h.threads, cpuCapacityMillicores: h.cpuCapacityMillicores, memoryCapacityMiB: h.memoryCapacityMiB,
      allocation: { reservedMillicores: a.reservedMillicores, limitMillicores: a.limitMillicores, memoryMiB: a.memoryMiB, vcpus: a.vcpus, vmCount: a.vmCount },
    },
    stateSince: h.stateSince,
    driverDomain: h.driverDomain,
    instanceIds: [...h.vmIds].sort(),
    incomingInstanceIds: [...h.incoming].sort(),
  };
}

/** Tenants never see the fleet: host ids are removed from what their events say. */
function tenantDetail(d: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(d).filter(([k]) => !/host/i.test(k)));
}

const RATIO_KEYS = ['cpuAllocationRatio', 'ramAllocationRatio'];
const NUMBER_KEYS = ['avoidViolationsWithinMs'];

/** The shape of `PUT /v1/admin/scheduler`; the values themselves are checked by the scheduler. */
function parseSchedulerConfig(body: unknown): Partial<SchedulerConfig> {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(body)) throw invalidParameter('the body must be an object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'weigher') {
      if (typeof v !== 'string') throw invalidParameter('weigher must be a string');
      out.weigher = v;
    } else if (RATIO_KEYS.includes(k)) {
      if (typeof v !== 'number') throw invalidParameter(`${k} must be a number`);
      out[k] = v;
    } else if (NUMBER_KEYS.includes(k)) {
      if (typeof v !== 'number') throw invalidParameter(`${k} must be a number`);
      out[k] = v;
    } else if (k === 'overrides') {
      if (!isObject(v)) throw invalidParameter('overrides must be an object');
      const overrides: Record<string, Record<string, Record<string, number>>> = {};
      for (const [scope, entries] of Object.entries(v)) {
        if (scope !== 'hostTypes' && scope !== 'availabilityZones') throw invalidParameter(`overrides.${scope} is not a setting; use hostTypes or availabilityZones`);
        if (!isObject(entries)) throw invalidParameter(`overrides.${scope} must be an object`);
        overrides[scope] = {};
        for (const [name, ratios] of Object.entries(entries)) {
          if (scope === 'hostTypes' && !findHostType(name)) throw invalidParameter(`overrides.hostTypes: host type '${name}' does not exist`);
          if (!isObject(ratios)) throw invalidParameter(`overrides.${scope}.${name} must be an object`);
          for (const [rk, rv] of Object.entries(ratios)) {
            if (!RATIO_KEYS.includes(rk)) throw invalidParameter(`overrides.${scope}.${name}.${rk} is not a setting`);
            if (typeof rv !== 'number') throw invalidParameter(`overrides.${scope}.${name}.${rk} must be a number`);
          }
          overrides[scope][name] = ratios as Record<string, number>;
        }
      }
      out.overrides = overrides;
    } else throw invalidParameter(`'${k}' is not a scheduler setting`);
  }
  return out as Partial<SchedulerConfig>;
}
