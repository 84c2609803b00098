import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { GroupBy, GROUP_BYS, OutputsSpec, SERIES_NAMES, SeriesName, TABLE_NAMES, TableName } from '../scenario';
import { ResultSeries, ResultTable, ScenarioResult, SERIES, TABLE_COLUMNS } from './result';
import { microUsd, seriesKey, ZonePartial } from './recorder';

export interface RunMeta {
  readonly scenario: string;
  readonly seed: number;
  readonly startMs: number;
  readonly bucketMs: number;
  readonly buckets: number;
  readonly cancelled: boolean;
  readonly simulatedMs: number;
  readonly outputs?: OutputsSpec;
  /** One host's monthly cost, USD decimal (the scenario's `policies.hostCost`); default not modelled. */
  readonly hostMonthlyUsd?: string;
}

/** Hours in a month of the host-cost figures (365 × 24 ÷ 12). */
export const HOURS_PER_MONTH = 730;

const cents = (usd: number | string): number => Math.round(Number(usd) * 100);

/**
 * The result from the zones' partial results. Zones are folded in name order and every figure
 * that spans zones (the fleet, a host type, a tenant, a product) is a sum of the zones' own
 * figures, so a result joined from cells that each ran one zone is the same, bit for bit, as the
 * result of one run of the whole fleet.
 */
export function assembleResult(meta: RunMeta, partials: readonly ZonePartial[]): ScenarioResult {
  const zones = [...partials].sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  const n = meta.buckets;
  const sum = (keys: (p: ZonePartial) => string): number[] | undefined => {
    let out: number[] | undefined;
    for (const p of zones) {
      const points = p.series.get(keys(p));
      if (!points) continue;
      if (!out) out = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i++) out[i] += points[i];
    }
    return out;
  };
  const all: ResultSeries[] = [];
  const byKey = new Map<string, number[]>();
  for (const name of SERIES_NAMES) {
    const info = SERIES[name];
    if (info.ratio) continue;
    for (const groupBy of info.groupBys) {
      const groups: [string, number[] | undefined][] =
        groupBy === 'fleet'
          ? [['fleet', sum((p) => seriesKey(name, 'zone', p.zone))]]
          : groupBy === 'zone'
            ? zones.filter((p) => p.zone !== '').map((p) => [p.zone, p.series.get(seriesKey(name, 'zone', p.zone))])
            : groupsOf(zones, name, groupBy).map((g) => [g, sum(() => seriesKey(name, groupBy, g))]);
      for (const [group, points] of groups) if (points) byKey.set(seriesKey(name, groupBy, group), points);
    }
  }
  for (const name of SERIES_NAMES) {
    const info = SERIES[name];
    for (const groupBy of info.groupBys) {
      const groups = [...byKey.keys()].filter((k) => k.startsWith(`${info.ratio ? info.ratio[0] : name}|${groupBy}|`)).map((k) => k.split('|')[2]);
      for (const group of groups) {
        let points: number[];
        if (info.ratio) {
          const num = byKey.get(seriesKey(info.ratio[0], groupBy, group))!;
          const den = byKey.get(seriesKey(info.ratio[1], groupBy, group));
          points = num.map((x, i) => (den && den[i] > 0 ? (100 * x) / den[i] : 0));
        } else points = byKey.get(seriesKey(name, groupBy, group))!;
        all.push({ name, unit: info.unit, bucketMs: meta.bucketMs, groupBy, group, points });
      }
    }
  }

  const tenants = new Map<string, number[]>();
  for (const p of zones) {
    for (const [id, row] of p.tenants) {
      const t = tenants.get(id);
      if (!t) tenants.set(id, [...row]);
      else row.forEach((x, i) => (t[i] = i >= 7 ? (cents(t[i]) + cents(x)) / 100 : t[i] + x));
    }
  }
  const licences = new Map<string, number[]>();
  for (const p of zones) {
    for (const [key, row] of p.licences) {
      const l = licences.get(key);
      if (!l) licences.set(key, [...row]);
      else row.forEach((x, i) => (l[i] += x));
    }
  }
  const sorted = <T>(m: Map<string, T>) => [...m.keys()].sort().map((k) => [k, m.get(k)!] as const);
  const tables: Record<TableName, (string | number)[][]> = {
    tenants: sorted(tenants).map(([id, row]) => [id, ...row]),
    refusals: zones.flatMap((p) => p.refusals),
    migrations: zones.flatMap((p) => p.migrations),
    revenue: zones.flatMap((p) => p.revenue),
    licences: sorted(licences).map(([key, row]) => [...key.split('|'), ...row]),
    hosts: zones.flatMap((p) => p.hosts),
    byolLicences: zones.flatMap((p) => p.byolLicences),
  };

  const fleet = (name: SeriesName): number[] => byKey.get(seriesKey(name, 'fleet', 'fleet')) ?? new Array<number>(n).fill(0);
  const total = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const hours = meta.bucketMs / 3_600_000;
  const capacity = total(fleet('cpuCapacityCores'));
  let charges = 0;
  let credits = 0;
  for (const row of tables.revenue) {
    const c = cents(row[5]);
    if (c >= 0) charges += c;
    else credits -= c;
  }
  const headline: Record<string, number> = {
    energyKWh: total(fleet('energyKWh')),
    revenueUsd: charges / 100,
    slaCreditsUsd: credits / 100,
    netRevenueUsd: (charges - credits) / 100,
    accruedRevenueUsd: total(fleet('revenueUsd')),
    migrations: total(fleet('migrations')),
    migrationDowntimeMs: total(fleet('migrationDowntimeMs')),
    requestsAccepted: total(fleet('requestsAccepted')),
    refused: total(fleet('requestsRefused')),
    instancesLaunched: total(fleet('instancesLaunched')),
    instanceHours: total(fleet('instances')) * hours,
    vcpuHours: total(fleet('vcpus')) * hours,
    guaranteeViolationHours: total(fleet('guaranteeViolatedInstances')) * hours,
    hostsPeak: Math.max(0, ...fleet('hostsOn')),
    hostsOffHours: total(fleet('hostsOff')) * hours,
    meanCpuUtilization: capacity > 0 ? (100 * total(fleet('cpuAllocatedCores'))) / capacity : 0,
    ...overheadFigures(fleet, n, hours),
    ...instanceFigures(byKey, hours),
  };
  // ---- memory, applications and host cost (docs/scenarios.md, "Headline figures") ----
  const hostsUsedPeak = Math.max(0, ...fleet('hostsUsed'));
  const applicationMeans = total(fleet('applications'));
  const monthlyHostCents = Math.round((hostsUsedPeak * microUsd(meta.hostMonthlyUsd ?? '0')) / 10_000);
  const hostCents = Math.round((monthlyHostCents * n * hours) / HOURS_PER_MONTH);
  Object.assign(headline, {
    hostsUsedPeak,
    energyHostsUsedKWh: (total(fleet('hostsUsedPowerWatts')) * hours) / 1000,
    swappedGuestHours: total(fleet('swappedInstances')) * hours,
    memoryPerApplicationMiB: applicationMeans > 0 ? (total(fleet('memoryResidentMiB')) + total(fleet('vmmMemoryMiB'))) / applicationMeans : 0,
    monthlyHostCostUsd: monthlyHostCents / 100,
    hostCostUsd: hostCents / 100,
    netOfHostCostUsd: (charges - credits - hostCents) / 100,
    instancesMonthlyUsd: n > 0 ? (total(fleet('revenueUsd')) * HOURS_PER_MONTH) / (n * hours) : 0,
  });
  // ---- live-migration experiment (issue 12): availability and the migrations' network cost ----
  // Unavailable: instance-hours impaired (a host failure until recovery) plus the migrations' downtime (the VM paused for stop-and-copy).
  const unavailableHours = total(fleet('impairedInstances')) * hours + headline.migrationDowntimeMs / 3_600_000;
  headline.unavailableHours = unavailableHours;
  headline.availabilityPercent = headline.instanceHours > 0 ? 100 * (1 - unavailableHours / headline.instanceHours) : 100;
  headline.migrationGiB = total(fleet('migrationMiB')) / 1024;
  // ---- licensing-models experiment (issue 12): what tenants pay, AWS and the licences they bring ----
  let byolCents = 0;
  for (const row of tables.byolLicences) byolCents += cents(row[5]);
  headline.byolLicenceUsd = byolCents / 100;
  headline.tenantCostUsd = (charges - credits + byolCents) / 100;

  const keepSeries = new Set<string>(meta.outputs?.series ?? SERIES_NAMES);
  const keepGroups = new Set<GroupBy>(meta.outputs?.groupBy ?? GROUP_BYS);
  const keepTables = new Set<string>(meta.outputs?.tables ?? TABLE_NAMES);
  const result: ScenarioResult = {
    version: 1,
    scenario: meta.scenario,
    seed: meta.seed,
    cancelled: meta.cancelled,
    startMs: meta.startMs,
    simulatedMs: meta.simulatedMs,
    events: zones.reduce((s, p) => s + p.events, 0),
    bucketMs: meta.bucketMs,
    digest: '',
    headline,
    series: all.filter((s) => keepSeries.has(s.name) && keepGroups.has(s.groupBy)),
    tables: TABLE_NAMES.filter((t) => keepTables.has(t)).map((name): ResultTable => ({ name, columns: [...TABLE_COLUMNS[name]], rows: tables[name] })),
  };
  return { ...result, digest: digestOf(result) };
}

// ---- driver domain, virtualization overhead, per-instance figures ----

/**
 * The VMM's and the driver domain's cost, and what CPU demand was not met (docs/scenarios.md):
 * - `cpuEfficiencyPercent`: CPU given ÷ CPU demanded within limits (given + steal), the hosts' sums;
 * - `stealCoreHours`: CPU demanded within limits and not given;
 * - `virtualizationOverheadCores`, `driverDomainCores`: means over the run of the hardware threads
 *   less capacity less the driver domains, and of the driver domains;
 * - `hostsForCpuDemand`: hosts of the fleet's mean capacity per host on that would give all of that
 *   demand (mean hosts on × (given + steal) ÷ capacity): what a capacity planner would buy;
 * - `driverDomainFailures`, and `instancesImpairedPerDriverDomainFailure` (the blast radius; 0 with none).
 */
function overheadFigures(fleet: (name: SeriesName) => number[], buckets: number, hours: number): Record<string, number> {
  const total = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const given = total(fleet('cpuAllocatedCores'));
  const steal = total(fleet('stealCores'));
  const failures = total(fleet('driverDomainFailures'));
  const driverDomain = total(fleet('driverDomainCores'));
  const capacity = total(fleet('cpuCapacityCores'));
  return {
    cpuEfficiencyPercent: given + steal > 0 ? (100 * given) / (given + steal) : 100,
    stealCoreHours: steal * hours,
    virtualizationOverheadCores: buckets > 0 ? (total(fleet('cpuHardwareCores')) - total(fleet('cpuCapacityCores')) - driverDomain) / buckets : 0,
    driverDomainCores: buckets > 0 ? driverDomain / buckets : 0,
    hostsForCpuDemand: capacity > 0 ? (total(fleet('hostsOn')) * (given + steal)) / (buckets * capacity) : 0,
    driverDomainFailures: failures,
    instancesImpairedPerDriverDomainFailure: failures > 0 ? total(fleet('driverDomainImpairments')) / failures : 0,
  };
}

/**
 * With `outputs.instanceMetrics`, per tenant (`<figure>:<tenant>`): CPU lost (steal ÷ (given +
 * steal), %), steal in core-hours, IOPS demanded and delivered and throughput (means over the run).
 */
function instanceFigures(byKey: ReadonlyMap<string, number[]>, hours: number): Record<string, number> {
  const out: Record<string, number> = {};
  const total = (xs: readonly number[] | undefined) => (xs ?? []).reduce((s, x) => s + x, 0);
  const prefix = `${'instanceCpuCores' satisfies SeriesName}|tenant|`;
  const tenants = [...byKey.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
  for (const t of tenants) {
    const get = (name: SeriesName) => byKey.get(seriesKey(name, 'tenant', t));
    const given = total(get('instanceCpuCores'));
    const steal = total(get('instanceStealCores'));
    const buckets = get('instanceCpuCores')!.length;
    out[`cpuLostPercent:${t}`] = given + steal > 0 ? (100 * steal) / (given + steal) : 0;
    out[`stealCoreHours:${t}`] = steal * hours;
    out[`iopsDemanded:${t}`] = buckets > 0 ? total(get('instanceIopsDemanded')) / buckets : 0;
    out[`iopsDelivered:${t}`] = buckets > 0 ? total(get('instanceIopsDelivered')) / buckets : 0;
    out[`throughputMiBps:${t}`] = buckets > 0 ? total(get('instanceThroughputMiBps')) / buckets : 0;
  }
  return out;
}

function groupsOf(zones: readonly ZonePartial[], name: SeriesName, groupBy: string): string[] {
  const prefix = `${name}|${groupBy}|`;
  const groups = new Set<string>();
  for (const p of zones) for (const key of p.series.keys()) if (key.startsWith(prefix)) groups.add(key.slice(prefix.length));
  return [...groups].sort();
}

/** SHA-256 of the result's JSON with an empty digest (@noble/hashes: pure JS, so usable in a lib). */
export function digestOf(result: ScenarioResult): string {
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify({ ...result, digest: '' }))));
}

/**
 * A one-zone result (a cell's, run with every output kept) back as that zone's partial result:
 * the inverse of `assembleResult` for one zone.
 */
export function partialOfCell(result: ScenarioResult): ZonePartial {
  const zoneSeries = result.series.filter((s) => s.groupBy === 'zone');
  const zones = [...new Set(zoneSeries.map((s) => s.group))];
  if (zones.length !== 1) throw new RangeError(`a cell's result covers one zone, this one ${zones.length}`);
  const zone = zones[0];
  const series = new Map<string, number[]>();
  for (const s of result.series) {
    if (s.groupBy === 'fleet' || SERIES[s.name].ratio) continue;
    series.set(seriesKey(s.name, s.groupBy, s.groupBy === 'zone' ? zone : s.group), s.points);
  }
  const table = (name: TableName) => result.tables.find((t) => t.name === name)?.rows ?? [];
  return {
    zone,
    events: result.events,
    series,
    tenants: new Map(table('tenants').map((row) => [String(row[0]), row.slice(1) as number[]])),
    refusals: table('refusals'),
    migrations: table('migrations'),
    revenue: table('revenue'),
    licences: new Map(table('licences').map((row) => [`${row[0]}|${row[1]}`, row.slice(2) as number[]])),
    hosts: table('hosts'),
    byolLicences: table('byolLicences'),
  };
}
