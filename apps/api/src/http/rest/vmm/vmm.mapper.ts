import { mapHost } from '../hosts/host.mapper';
import { METRIC_FIELDS } from '@nimbus/hypervisor';
import { MetricSeries } from '../../../application/vmm/metrics-query';
import {
  EventsPage, FleetHeatmap, FleetUtilization, ZoneAvailability, HostDetail, InstanceMetrics, InstanceWorkload, MigrationStarted,
} from '../../../application/vmm/vmm.service';

const iso = (ms: number) => new Date(ms).toISOString();
/** Fields reported at the bucket's end rather than as its mean (a balance, not a rate). */
const AT_END = new Set(['creditBalance', 'surplusCredits', 'energyKWh']);

/** Points by field name: each field's mean (or end value), the samples, and the max of each field. */
export function mapMetricPoints(s: MetricSeries) {
  const fields = METRIC_FIELDS[s.kind];
  return s.points.map((p) => {
    const point: Record<string, unknown> = { time: iso(p.time) };
    fields.forEach((f, i) => (point[f] = AT_END.has(f) ? p.end[i] : p.mean[i]));
    point.samples = p.count;
    point.max = Object.fromEntries(fields.map((f, i) => [f, p.max[i]]));
    return point;
  });
}

export function mapWorkload(w: InstanceWorkload) {
  return { instanceId: w.instanceId, workload: w.workload, ...(w.cpuSetAtMs !== undefined ? { cpuSetAt: iso(w.cpuSetAtMs) } : {}) };
}

export function mapInstanceMetrics(m: InstanceMetrics) {
  return { instanceId: m.instanceId, periodSeconds: m.series.periodMs / 1000, points: mapMetricPoints(m.series) };
}

export function mapEventsPage(p: EventsPage) {
  return {
    events: p.events.map((e) => ({
      time: iso(e.time), type: e.type,
      ...(e.instanceId !== undefined ? { instanceId: e.instanceId } : {}),
      ...(e.hostId !== undefined ? { hostId: e.hostId } : {}),
      ...(e.tenantId !== undefined ? { tenantId: e.tenantId } : {}),
      detail: e.detail,
    })),
    ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}),
  };
}

/** A host with its VMM's allocation, and its metrics over a window. */
export function mapHostDetail(d: HostDetail) {
  return {
    ...mapHost(d.host),
    stateSince: iso(d.stateSince),
    driverDomain: d.driverDomain,
    instanceIds: d.instanceIds,
    incomingInstanceIds: d.incomingInstanceIds,
    utilization: d.utilization,
    metrics: { periodSeconds: d.metrics.periodMs / 1000, points: mapMetricPoints(d.metrics) },
  };
}

export function mapMigration(m: MigrationStarted) {
  return {
    instanceId: m.instanceId, sourceHostId: m.sourceHostId, targetHostId: m.targetHostId, rounds: m.rounds, converged: m.converged,
    expectedDowntimeMs: m.downtimeMs, expectedTotalMs: m.totalMs, transferredMiB: m.transferredMiB, finalThrottlePercent: m.finalThrottlePercent,
  };
}

export function mapFleetUtilization(f: FleetUtilization) {
  return { now: iso(f.now), current: f.current, periodSeconds: f.series.periodMs / 1000, points: mapMetricPoints(f.series) };
}

/** The heatmap: times as ISO strings, each host's values as fractions rounded to 0.1 % (null: no data). */
export function mapFleetHeatmap(h: FleetHeatmap) {
  return {
    metric: h.metric, periodSeconds: h.periodMs / 1000, times: h.times.map(iso),
    hosts: h.hosts.map((x) => ({ ...x, values: x.values.map((v) => (v === null ? null : Math.round(v * 1000) / 1000)) })),
  };
}

export const mapZoneAvailability = (a: ZoneAvailability) => ({ from: iso(a.fromMs), to: iso(a.toMs), zones: a.zones });
