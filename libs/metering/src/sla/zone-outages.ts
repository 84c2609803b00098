import { SimTimeMs } from '../calendar/billing-month';
import { TimeInterval, ZoneOutage, mergeIntervals } from './availability';

/** An instance's running time in one zone (from its `instance-usage` records). */
export interface RunningInterval extends TimeInterval {
  readonly instanceId: string;
  readonly availabilityZone: string;
}

/** A time an instance was unavailable (impaired), whether or not it was running. */
export interface UnavailableInterval extends TimeInterval {
  readonly instanceId: string;
}

/**
 * When each zone was unavailable to one tenant, in the Amazon Compute SLA's sense: "all of your
 * running instances in the zone have no external connectivity" — at least one instance of the
 * tenant runs there, and every one that runs is impaired. Derived from the tenant's own running
 * and impaired intervals, so a host failure that takes down one of two instances in a zone is
 * not a zone outage, and one that takes down the only one is. A sweep over the interval edges.
 */
export function tenantZoneOutages(running: readonly RunningInterval[], unavailable: readonly UnavailableInterval[]): ZoneOutage[] {
  const runningByInstance = new Map<string, { zone: string; intervals: TimeInterval[] }>();
  for (const r of running) {
    const e = runningByInstance.get(r.instanceId) ?? { zone: r.availabilityZone, intervals: [] };
    e.intervals.push(r);
    runningByInstance.set(r.instanceId, e);
  }
  const downByInstance = new Map<string, TimeInterval[]>();
  for (const u of unavailable) {
    const list = downByInstance.get(u.instanceId) ?? [];
    list.push(u);
    downByInstance.set(u.instanceId, list);
  }
  // Per zone: edges of (running count, impaired-while-running count).
  const edgesByZone = new Map<string, [SimTimeMs, number, number][]>();
  for (const [instanceId, { zone, intervals }] of runningByInstance) {
    const edges = edgesByZone.get(zone) ?? [];
    edgesByZone.set(zone, edges);
    const up = mergeIntervals(intervals);
    for (const i of up) edges.push([i.startMs, 1, 0], [i.endMs, -1, 0]);
    const down = mergeIntervals(downByInstance.get(instanceId) ?? []);
    for (const d of down) {
      for (const i of up) {
        const s = Math.max(d.startMs, i.startMs);
        const e = Math.min(d.endMs, i.endMs);
        if (e > s) edges.push([s, 0, 1], [e, 0, -1]);
      }
    }
  }
  const out: ZoneOutage[] = [];
  for (const zone of [...edgesByZone.keys()].sort()) {
    const edges = edgesByZone.get(zone)!.sort((a, b) => a[0] - b[0]);
    let run = 0;
    let imp = 0;
    let since: number | undefined;
    for (let i = 0; i < edges.length; ) {
      const t = edges[i][0];
      // Apply every edge at this instant before judging the zone: a hand-over is not an outage.
      for (; i < edges.length && edges[i][0] === t; i++) {
        run += edges[i][1];
        imp += edges[i][2];
      }
      const down = run > 0 && imp >= run;
      if (down && since === undefined) since = t;
      else if (!down && since !== undefined) {
        if (t > since) out.push({ availabilityZone: zone, startMs: since, endMs: t });
        since = undefined;
      }
    }
  }
  return out;
}
