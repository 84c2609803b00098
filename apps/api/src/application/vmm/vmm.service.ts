import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_DB } from '../../persistence/data-source';
import { findHostType, InvalidParameterValue, mergeWorkload, MS_PER_HOUR, validateWorkload } from '@nimbus/hypervisor';
import { fitsOnHost, parseRebalancerPatch, ratiosFor, SchedulerConfig } from '@nimbus/scheduler';
import { DataSource, EntityManager, FindOptionsWhere, LessThan } from 'typeorm';
import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { ID_PATTERN } from '../common/ids';
import { InstanceEntity, SimEventEntity, TenantEntity } from '../../persistence/entities';
import { EngineService, StoredWorkload } from '../../engine/engine.service';
import { mapHost } from '../../http/rest/hosts/host.mapper';
import { parseWindow, readMetrics } from './metrics-query';

const DEFAULT_EVENTS_PAGE = 100;
const hostNotFound = (id: string) => notFound('InvalidHostID.NotFound', `The host ID '${id}' does not exist`);
const instanceNotFound = (id: string) => notFound('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);

export type WindowQuery = { from?: unknown; to?: unknown; period?: unknown };

/**
 * The VMM through the API (MODEL.md §3): tenants set workloads and read metrics and events;
 * operators fail, repair and drain hosts, migrate instances, tune the scheduler's ratios, and read
 * host and fleet utilization. Every change is one engine command (one transaction).
 */
@Injectable()
export class VmmService {
  constructor(
    @InjectDataSource(READ_DB) private readonly db: DataSource,
    private readonly engine: EngineService,
  ) {}

  // ---- tenant ----

  putWorkload(tenant: TenantEntity, id: string, body: unknown) {
    return this.engine.command(async (tx, e) => {
      const row = await this.requireInstance(tx, tenant.id, id);
      if (row.state === 'terminated' || !e.fleet.vm(id)) throw new ApiError('IncorrectInstanceState', `The instance '${id}' is terminated.`);
      const type = e.fleet.vm(id)!.instanceType;
      const update = validateWorkload(body, { vcpus: type.vcpus, memoryMiB: type.memoryMiB });
      // Network peers must be the tenant's own live instances: anything else looks missing.
      const peers = (update.network ?? []).filter((f) => f.to !== 'internet').map((f) => f.to);
      for (const peer of peers) {
        const p = await tx.findOneBy(InstanceEntity, { id: peer, tenantId: tenant.id });
        if (!p || p.state === 'terminated') throw new InvalidParameterValue(`workload.network: instance '${peer}' does not exist`);
      }
      const stored = row.workload ? (JSON.parse(row.workload) as StoredWorkload) : { workload: {}, cpuSetAtMs: e.now };
      const workload = e.dataPlane.setWorkload(id, update);
      const next: StoredWorkload = { workload: mergeWorkload(stored.workload, update), cpuSetAtMs: update.cpu ? e.now : stored.cpuSetAtMs };
      // The data plane drops IO entries for detached volumes; what it holds is the truth.
      const persisted: StoredWorkload = { ...next, workload };
      await tx.update(InstanceEntity, { id }, { workload: JSON.stringify(persisted) });
      return { instanceId: id, workload, cpuSetAt: new Date(persisted.cpuSetAtMs).toISOString() };
    });
  }

  async getWorkload(tenant: TenantEntity, id: string) {
    const row = await this.requireInstance(this.db.manager, tenant.id, id);
    const stored = row.workload ? (JSON.parse(row.workload) as StoredWorkload) : undefined;
    return { instanceId: id, workload: stored?.workload ?? {}, ...(stored ? { cpuSetAt: new Date(stored.cpuSetAtMs).toISOString() } : {}) };
  }

  instanceMetrics(tenant: TenantEntity, id: string, q: WindowQuery) {
    return this.engine.read(async (e) => {
      await this.requireInstance(this.db.manager, tenant.id, id);
      const w = parseWindow(q, e.now);
      const points = await readMetrics(this.db.manager, 'vm', id, w, e.dataPlane.openBucket('vm', id), e.pendingBuckets('vm', id));
      return { instanceId: id, periodSeconds: w.periodMs / 1000, points };
    });
  }

  async instanceEvents(tenant: TenantEntity, id: string, q: { maxResults?: unknown; nextToken?: unknown }) {
    await this.requireInstance(this.db.manager, tenant.id, id);
    return this.events({ instanceId: id, tenantId: tenant.id }, q, false);
  }

  // ---- admin: faults and maintenance ----

  failHost(id: string, component: 'host' | 'driver-domain') {
    return this.engine.command(async (_tx, e) => {
      const host = e.fleet.host(id);
      if (!host) throw hostNotFound(id);
      if (component === 'driver-domain') e.dataPlane.failDriverDomain(id);
      else e.dataPlane.failHost(id);
      return this.hostDetail(id, {});
    });
  }

  repairHost(id: string) {
    return this.engine.command(async (_tx, e) => {
      const host = e.fleet.host(id);
      if (!host) throw hostNotFound(id);
      if (host.driverDomain === 'failed') e.dataPlane.repairDriverDomain(id);
      e.dataPlane.repairHost(id);
      return this.hostDetail(id, {});
    });
  }

  drainHost(id: string) {
    return this.engine.command(async (_tx, e) => {
      const host = e.fleet.host(id);
      if (!host) throw hostNotFound(id);
      if (host.state === 'failed' || host.state === 'off')
        throw new ApiError('IncorrectHostState', `The host '${id}' is ${host.state}: repair it before draining it.`);
      // A host consolidation is emptying becomes the operator's: it stays drained, not switched off.
      if (host.state !== 'draining' || e.maintenance.purposeOf(id) !== 'maintenance') e.maintenance.drain(id);
      return this.hostDetail(id, {});
    });
  }

  /** Switches an empty available host off (it draws nothing and takes no instances until switched on). */
  powerOffHost(id: string) {
    return this.engine.command(async (_tx, e) => {
      if (!e.fleet.host(id)) throw hostNotFound(id);
      e.rebalancer.powerOff(id, 'operator');
      return this.hostDetail(id, {});
    });
  }

  /** Switches an off host on: available at once. */
  powerOnHost(id: string) {
    return this.engine.command(async (_tx, e) => {
      const host = e.fleet.host(id);
      if (!host) throw hostNotFound(id);
      if (host.state === 'failed' || host.state === 'draining')
        throw new ApiError('IncorrectHostState', `The host '${id}' is ${host.state}, not off: repair it to return it to service.`);
      e.rebalancer.powerOn(id, 'operator');
      return this.hostDetail(id, {});
    });
  }

  migrate(instanceId: string, targetHostId: string) {
    return this.engine.command(async (_tx, e) => {
      if (!ID_PATTERN('i').test(instanceId)) throw new ApiError('InvalidInstanceID.Malformed', `Invalid id: '${instanceId}'`);
      const vm = e.fleet.vm(instanceId);
      if (!vm) throw instanceNotFound(instanceId);
      if (!e.fleet.host(targetHostId)) throw hostNotFound(targetHostId);
      if (e.dataPlane.isMigrating(instanceId)) throw new ApiError('IncorrectInstanceState', `The instance '${instanceId}' is already migrating.`);
      const target = e.fleet.host(targetHostId)!;
      const current = e.fleet.host(vm.hostId ?? '');
      if (current && current.availabilityZone !== target.availabilityZone)
        throw invalidParameter(`host '${targetHostId}' is in ${target.availabilityZone}; live migration stays in the instance's zone (${current.availabilityZone})`);
      if (!target.type.families.includes(vm.instanceType.family))
        throw invalidParameter(`host '${targetHostId}' (${target.type.name}) cannot run ${vm.instanceType.family} instances`);
      // Tenancy, Dedicated Hosts and placement groups bind an operator's move too (MODEL.md §4).
      const refusal = target === current ? null : e.scheduler.refusalForMove(instanceId, targetHostId);
      if (refusal) throw invalidParameter(`instance '${instanceId}' may not move to host '${targetHostId}': ${refusal}`);
      // The target holds the VM's resources from the start: the placement's capacity rule (MODEL.md §4) applies to it too.
      const r = ratiosFor(e.scheduler.config, target.availabilityZone, target.type.name);
      const need = { reservationMillicores: vm.cpu.reservationMillicores, limitMillicores: vm.cpu.limitMillicores, memoryMiB: target.memoryFootprintMiB(vm.instanceType.memoryMiB) };
      if (target !== current && !fitsOnHost(target, r, target.allocation, need))
        throw invalidParameter(`host '${targetHostId}' has no room for instance '${instanceId}' (${vm.instanceType.name})`);
      const plan = e.rebalancer.executor.startNow({ vmId: instanceId, reason: 'operator', targetHostId });
      if (!plan) throw new ApiError('MigrationNotConverging', `The instance '${instanceId}' dirties memory faster than the migration link and auto-converge is off.`);
      return {
        instanceId, sourceHostId: current?.id ?? null, targetHostId, rounds: plan.rounds.length, converged: plan.converged,
        expectedDowntimeMs: plan.downtimeMs, expectedTotalMs: plan.totalMs, transferredMiB: plan.transferredMiB, finalThrottlePercent: plan.finalThrottlePercent,
      };
    });
  }

  // ---- admin: views ----

  /** A host with its VMM's current allocation, and its metrics over a window. */
  async hostDetail(id: string, q: WindowQuery) {
    const e = this.engine;
    const h = e.fleet.host(id);
    if (!h) throw hostNotFound(id);
    const w = parseWindow(q, e.now);
    const metrics = await readMetrics(this.db.manager, 'host', id, w, e.dataPlane.openBucket('host', id), e.pendingBuckets('host', id));
    return {
      ...mapHost(h),
      stateSince: new Date(h.stateSince).toISOString(),
      driverDomain: h.driverDomain,
      instanceIds: [...h.vmIds].sort(),
      incomingInstanceIds: [...h.incoming].sort(),
      utilization: e.dataPlane.hostView(id),
      metrics: { periodSeconds: w.periodMs / 1000, points: metrics },
    };
  }

  host(id: string, q: WindowQuery) {
    return this.engine.read(() => this.hostDetail(id, q));
  }

  fleetUtilization(q: WindowQuery) {
    return this.engine.read(async (e) => {
      const w = parseWindow(q, e.now, 24 * MS_PER_HOUR);
      const points = await readMetrics(this.db.manager, 'fleet', 'fleet', w, e.dataPlane.openBucket('fleet', 'fleet'), e.pendingBuckets('fleet', 'fleet'));
      return { now: new Date(e.now).toISOString(), current: e.dataPlane.fleetTotals(), periodSeconds: w.periodMs / 1000, points };
    });
  }

  adminEvents(q: { hostId?: unknown; instanceId?: unknown; type?: unknown; maxResults?: unknown; nextToken?: unknown }) {
    const where: FindOptionsWhere<SimEventEntity> = {};
    for (const k of ['hostId', 'instanceId', 'type'] as const) {
      const v = q[k];
      if (v === undefined) continue;
      if (typeof v !== 'string' || v.length > 48) throw invalidParameter(`${k} must be a string`);
      where[k] = v;
    }
    return this.events(where, q, true);
  }

  schedulerConfig() {
    return this.engine.scheduler.config;
  }

  putSchedulerConfig(body: unknown) {
    return this.engine.setSchedulerConfig(parseSchedulerConfig(body));
  }

  rebalancerConfig() {
    return this.engine.rebalancer.config;
  }

  putRebalancerConfig(body: unknown) {
    return this.engine.setRebalancerConfig(parseRebalancerPatch(body));
  }

  // ---- helpers ----

  private async events(where: FindOptionsWhere<SimEventEntity>, q: { maxResults?: unknown; nextToken?: unknown }, admin: boolean) {
    const limit = q.maxResults === undefined ? DEFAULT_EVENTS_PAGE : Number(q.maxResults);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidParameter('maxResults must be an integer from 1 to 1000');
    let after: number | undefined;
    if (q.nextToken !== undefined) {
      after = typeof q.nextToken === 'string' && /^\d{1,15}$/.test(q.nextToken) ? Number(q.nextToken) : NaN;
      if (!Number.isSafeInteger(after)) throw new ApiError('InvalidPaginationToken', 'nextToken is not a token this API issued');
    }
    // Newest first, as EC2's event listings read; the token is the last sequence number seen.
    const rows = await this.db.manager.find(SimEventEntity, {
      where: after === undefined ? where : { ...where, seq: LessThan(after) },
      order: { seq: 'DESC' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      events: page.map((r) => ({
        time: new Date(r.time).toISOString(), type: r.type,
        ...(r.instanceId ? { instanceId: r.instanceId } : {}),
        ...(admin && r.hostId ? { hostId: r.hostId } : {}),
        ...(admin && r.tenantId ? { tenantId: r.tenantId } : {}),
        detail: admin ? JSON.parse(r.detail) : tenantDetail(JSON.parse(r.detail) as Record<string, unknown>),
      })),
      ...(rows.length > limit ? { nextToken: String(page[page.length - 1].seq) } : {}),
    };
  }

  private async requireInstance(m: EntityManager, tenantId: string, id: string): Promise<InstanceEntity> {
    if (!ID_PATTERN('i').test(id)) throw new ApiError('InvalidInstanceID.Malformed', `Invalid id: '${id}' (expecting 'i-' and 17 hex digits)`);
    const row = await m.findOneBy(InstanceEntity, { id, tenantId });
    if (!row || (row.state === 'terminated' && row.stateSince <= this.engine.now - MS_PER_HOUR)) throw instanceNotFound(id);
    return row;
  }
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
