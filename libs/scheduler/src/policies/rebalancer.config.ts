import { InvalidParameterValue } from '@nimbus/hypervisor';
import { DEFAULT_MAX_CONCURRENT_MIGRATIONS } from './migration-executor';

/**
 * Hot-spot relief: a host whose demanded CPU utilization stays above `cpuThreshold` for
 * `windowSeconds` live-migrates one VM away, then leaves the host (and the destination) alone for
 * `cooldownSeconds`.
 */
export interface HotSpotConfig {
  readonly enabled: boolean;
  /** A fraction of the host's hardware threads (0.9 = 90 %). */
  readonly cpuThreshold: number;
  readonly windowSeconds: number;
  readonly cooldownSeconds: number;
}

/**
 * Consolidation: every `intervalSeconds`, a host whose demanded CPU utilization has stayed below
 * `cpuThreshold` for `windowSeconds` is emptied (if all its VMs fit elsewhere without making hot
 * spots) and, with `powerOff`, switched off.
 */
export interface ConsolidationConfig {
  readonly enabled: boolean;
  readonly cpuThreshold: number;
  readonly windowSeconds: number;
  readonly intervalSeconds: number;
  readonly powerOff: boolean;
}

export interface RebalancerConfig {
  readonly hotSpot: HotSpotConfig;
  readonly consolidation: ConsolidationConfig;
  /** Live migrations in flight at once, fleet-wide, for every reason (drains included). */
  readonly maxConcurrentMigrations: number;
}

export interface RebalancerConfigPatch {
  readonly hotSpot?: Partial<HotSpotConfig>;
  readonly consolidation?: Partial<ConsolidationConfig>;
  readonly maxConcurrentMigrations?: number;
}

/**
 * Off by default: rebalancing moves tenants' VMs and switches hosts off, which an operator turns
 * on deliberately. The thresholds are the literature's: Beloglazov & Buyya (CCPE 2012) use a
 * static upper threshold of 0.8–0.9 (THR); a 5-minute window is CloudSim's scheduling interval;
 * 0.2 is a common under-load threshold.
 */
export const DEFAULT_REBALANCER_CONFIG: RebalancerConfig = Object.freeze({
  hotSpot: Object.freeze({ enabled: false, cpuThreshold: 0.9, windowSeconds: 300, cooldownSeconds: 600 }),
  consolidation: Object.freeze({ enabled: false, cpuThreshold: 0.2, windowSeconds: 900, intervalSeconds: 300, powerOff: true }),
  maxConcurrentMigrations: DEFAULT_MAX_CONCURRENT_MIGRATIONS,
});

const MAX_SECONDS = 7 * 24 * 3600;
const MIN_CPU_THRESHOLD = 0.01;
const HOT_SPOT_KEYS = ['enabled', 'cpuThreshold', 'windowSeconds', 'cooldownSeconds'] as const;
const CONSOLIDATION_KEYS = ['enabled', 'cpuThreshold', 'windowSeconds', 'intervalSeconds', 'powerOff'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of a settings change (`PUT /v1/admin/rebalancer`): unknown fields and wrong types are refused. */
export function parseRebalancerPatch(body: unknown): RebalancerConfigPatch {
  if (!isObject(body)) throw new InvalidParameterValue('the body must be an object');
  const out: { hotSpot?: Record<string, unknown>; consolidation?: Record<string, unknown>; maxConcurrentMigrations?: number } = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'maxConcurrentMigrations') {
      if (typeof v !== 'number') throw new InvalidParameterValue('maxConcurrentMigrations must be a number');
      out.maxConcurrentMigrations = v;
    } else if (k === 'hotSpot' || k === 'consolidation') {
      if (!isObject(v)) throw new InvalidParameterValue(`${k} must be an object`);
      const allowed: readonly string[] = k === 'hotSpot' ? HOT_SPOT_KEYS : CONSOLIDATION_KEYS;
      for (const [f, fv] of Object.entries(v)) {
        if (!allowed.includes(f)) throw new InvalidParameterValue(`${k}.${f} is not a setting; use ${allowed.join(', ')}`);
        const boolean = f === 'enabled' || f === 'powerOff';
        if (boolean ? typeof fv !== 'boolean' : typeof fv !== 'number') throw new InvalidParameterValue(`${k}.${f} must be a ${boolean ? 'boolean' : 'number'}`);
      }
      out[k] = v;
    } else throw new InvalidParameterValue(`'${k}' is not a rebalancer setting; use hotSpot, consolidation, maxConcurrentMigrations`);
  }
  return out as RebalancerConfigPatch;
}

/** `base` with `patch` applied (each block merged field by field), checked as a whole. */
export function mergeRebalancerConfig(base: RebalancerConfig, patch: RebalancerConfigPatch): RebalancerConfig {
  const c: RebalancerConfig = {
    hotSpot: { ...base.hotSpot, ...(patch.hotSpot ?? {}) },
    consolidation: { ...base.consolidation, ...(patch.consolidation ?? {}) },
    maxConcurrentMigrations: patch.maxConcurrentMigrations ?? base.maxConcurrentMigrations,
  };
  // A threshold is a fraction of the host's CPU from 1 % to 100 %: below 1 % every host is a hot spot (or none is idle).
  const fraction = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < MIN_CPU_THRESHOLD || v > 1) throw new InvalidParameterValue(`${name} must be from ${MIN_CPU_THRESHOLD} to 1 (a fraction of the host's CPU), got ${v}`);
  };
  const secs = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min || v > MAX_SECONDS) throw new InvalidParameterValue(`${name} must be a whole number of seconds from ${min} to ${MAX_SECONDS}, got ${v}`);
  };
  fraction('hotSpot.cpuThreshold', c.hotSpot.cpuThreshold);
  secs('hotSpot.windowSeconds', c.hotSpot.windowSeconds, 0);
  secs('hotSpot.cooldownSeconds', c.hotSpot.cooldownSeconds, 0);
  fraction('consolidation.cpuThreshold', c.consolidation.cpuThreshold);
  secs('consolidation.windowSeconds', c.consolidation.windowSeconds, 0);
  secs('consolidation.intervalSeconds', c.consolidation.intervalSeconds, 1);
  // Below the hot-spot threshold, or consolidating would make the hot spots relief then undoes.
  if (c.consolidation.cpuThreshold >= c.hotSpot.cpuThreshold)
    throw new InvalidParameterValue(`consolidation.cpuThreshold (${c.consolidation.cpuThreshold}) must be below hotSpot.cpuThreshold (${c.hotSpot.cpuThreshold})`);
  if (!Number.isSafeInteger(c.maxConcurrentMigrations) || c.maxConcurrentMigrations < 1 || c.maxConcurrentMigrations > 1000)
    throw new InvalidParameterValue(`maxConcurrentMigrations must be an integer from 1 to 1000, got ${c.maxConcurrentMigrations}`);
  for (const [k, v] of Object.entries(c.hotSpot)) if (k === 'enabled' && typeof v !== 'boolean') throw new InvalidParameterValue('hotSpot.enabled must be a boolean');
  for (const [k, v] of Object.entries(c.consolidation))
    if ((k === 'enabled' || k === 'powerOff') && typeof v !== 'boolean') throw new InvalidParameterValue(`consolidation.${k} must be a boolean`);
  return Object.freeze({ hotSpot: Object.freeze(c.hotSpot), consolidation: Object.freeze(c.consolidation), maxConcurrentMigrations: c.maxConcurrentMigrations });
}
