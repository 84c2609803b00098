import { InvalidParameterValue } from '../../errors';

/**
 * What a guest does (API.md, `PUT /v1/instances/{id}/workload`): its demand for CPU, EBS IO,
 * memory and network, from the moment it is set. A new instance is idle. Each part is optional
 * and replaces only that part of the current workload (`mergeWorkload`).
 *
 * The input is untrusted JSON: `validateWorkload` rejects unknown keys at every level, wrong types,
 * non-finite numbers and missing fields, and returns a fresh object with the defaults filled in.
 */
export type CpuWorkload =
  | { model: 'constant'; cores: number }
  | { model: 'diurnal'; meanCores: number; amplitudeCores: number; peakHourUtc: number; stepSeconds: number }
  | { model: 'trace'; periodSeconds: number; cores: number[]; repeat: boolean }
  | { model: 'random-walk'; meanCores: number; volatility: number; seed: number; stepSeconds: number };

export interface IoWorkload {
  volumeId: string;
  iops: number;
  throughputMiBps: number;
}

export interface MemoryWorkload {
  workingSetMiB: number;
  dirtyRateMiBps: number;
}

export interface NetworkWorkload {
  /** `'internet'` or an instance id (`i-` + 17 hex). */
  to: string;
  mbps: number;
}

/**
 * The guest's privileged operations (system calls, page-table updates, IO port writes) per second
 * for each core of CPU it runs: they cost the VMM extra CPU by mode (docs/model.md §3.1, the
 * per-privileged-op-rate term of the virtualization table).
 */
export interface PrivilegedOpsWorkload {
  opsPerSecPerCore: number;
}

export interface Workload {
  cpu?: CpuWorkload;
  io?: IoWorkload[];
  memory?: MemoryWorkload;
  network?: NetworkWorkload[];
  privileged?: PrivilegedOpsWorkload;
}

/** What the instance's type allows: demand is bounded by its vCPUs and its memory. */
export interface WorkloadLimits {
  vcpus: number;
  memoryMiB: number;
}

/** A new instance is idle: no part set, zero demand everywhere. */
export const IDLE_WORKLOAD: Workload = Object.freeze({});

export const CPU_MODELS = ['constant', 'diurnal', 'trace', 'random-walk'] as const;
/** Diurnal and random-walk step bounds (seconds): one minute (CloudWatch's finest period) to one day. */
export const WORKLOAD_MIN_STEP_SECONDS = 60;
export const WORKLOAD_MAX_STEP_SECONDS = 86_400;
export const DIURNAL_DEFAULT_STEP_SECONDS = 900;
export const RANDOM_WALK_DEFAULT_STEP_SECONDS = 300;
export const TRACE_MAX_POINTS = 10_000;
/** One IO entry per attached volume: EC2's EBS attachment limit on Nitro instances. */
export const WORKLOAD_MAX_IO_ENTRIES = 28;
export const WORKLOAD_MAX_NETWORK_FLOWS = 16;
/** io2 Block Express maximum IOPS and a generous MiB/s bound; real caps are the volume's and the type's. */
export const WORKLOAD_MAX_IOPS = 256_000;
export const WORKLOAD_MAX_THROUGHPUT_MIBPS = 10_000;
export const WORKLOAD_MAX_DIRTY_RATE_MIBPS = 100_000;
export const WORKLOAD_MAX_MBPS = 100_000;
/** A generous bound: a core doing nothing but system calls manages a few million per second. */
export const WORKLOAD_MAX_PRIVILEGED_OPS_PER_SEC_PER_CORE = 10_000_000;

const VOLUME_ID = /^vol-[0-9a-f]{17}$/;
/** A flow's destination: the internet or another instance (`i-` and 17 hex digits). */
const FLOW_DESTINATION = /^(?:internet|i-[0-9a-f]{17})$/;

export function validateWorkload(input: unknown, limits: WorkloadLimits): Workload {
  const { vcpus, memoryMiB } = limits;
  if (!Number.isInteger(vcpus) || vcpus < 1) throw new RangeError(`limits.vcpus must be a positive integer, got ${vcpus}`);
  if (!Number.isInteger(memoryMiB) || memoryMiB < 1) throw new RangeError(`limits.memoryMiB must be a positive integer, got ${memoryMiB}`);
  const o = record(input, 'workload', ['cpu', 'io', 'memory', 'network', 'privileged']);
  const out: Workload = {};
  if (o.cpu !== undefined) out.cpu = cpuWorkload(o.cpu, vcpus);
  if (o.io !== undefined) out.io = ioWorkload(o.io);
  if (o.memory !== undefined) {
    const m = record(o.memory, 'workload.memory', ['workingSetMiB', 'dirtyRateMiBps']);
    out.memory = {
      workingSetMiB: num(m, 'workload.memory', 'workingSetMiB', 0, memoryMiB, { integer: true, maxIs: "the instance's memory in MiB" }),
      dirtyRateMiBps: num(m, 'workload.memory', 'dirtyRateMiBps', 0, WORKLOAD_MAX_DIRTY_RATE_MIBPS),
    };
  }
  if (o.network !== undefined) out.network = networkWorkload(o.network);
  if (o.privileged !== undefined) {
    const p = record(o.privileged, 'workload.privileged', ['opsPerSecPerCore']);
    out.privileged = { opsPerSecPerCore: num(p, 'workload.privileged', 'opsPerSecPerCore', 0, WORKLOAD_MAX_PRIVILEGED_OPS_PER_SEC_PER_CORE) };
  }
  return out;
}

/** Each part present in `update` replaces that part of `current`; omitted parts are kept. */
export function mergeWorkload(current: Workload, update: Workload): Workload {
  const out: Workload = {};
  const cpu = update.cpu ?? current.cpu;
  const io = update.io ?? current.io;
  const memory = update.memory ?? current.memory;
  const network = update.network ?? current.network;
  const privileged = update.privileged ?? current.privileged;
  if (cpu !== undefined) out.cpu = cpu;
  if (io !== undefined) out.io = io;
  if (memory !== undefined) out.memory = memory;
  if (network !== undefined) out.network = network;
  if (privileged !== undefined) out.privileged = privileged;
  return out;
}

function cpuWorkload(input: unknown, vcpus: number): CpuWorkload {
  const at = 'workload.cpu';
  if (!isObject(input)) throw new InvalidParameterValue(`${at} must be an object, got ${show(input)}`);
  const model = input.model as CpuWorkload['model'];
  if (!CPU_MODELS.includes(model))
    throw new InvalidParameterValue(
      model === undefined ? `${at}.model is required` : `${at}.model must be one of ${CPU_MODELS.join(', ')}, got ${show(model)}`,
    );
  const cores = { maxIs: "the instance's vCPUs" };
  const step = (o: Record<string, unknown>, fallback: number) =>
    num(o, at, 'stepSeconds', WORKLOAD_MIN_STEP_SECONDS, WORKLOAD_MAX_STEP_SECONDS, { integer: true, default: fallback });
  switch (model) {
    case 'constant': {
      const o = record(input, at, ['model', 'cores']);
      return { model, cores: num(o, at, 'cores', 0, vcpus, cores) };
    }
    case 'diurnal': {
      const o = record(input, at, ['model', 'meanCores', 'amplitudeCores', 'peakHourUtc', 'stepSeconds']);
      return {
        model,
        meanCores: num(o, at, 'meanCores', 0, vcpus, cores),
        amplitudeCores: num(o, at, 'amplitudeCores', 0, vcpus, cores),
        peakHourUtc: num(o, at, 'peakHourUtc', 0, 24, { below: true }),
        stepSeconds: step(o, DIURNAL_DEFAULT_STEP_SECONDS),
      };
    }
    case 'trace': {
      const o = record(input, at, ['model', 'periodSeconds', 'cores', 'repeat']);
      const periodSeconds = num(o, at, 'periodSeconds', 1, WORKLOAD_MAX_STEP_SECONDS, { integer: true });
      const points = list(o.cores, `${at}.cores`, 1, TRACE_MAX_POINTS);
      const repeat = o.repeat === undefined ? false : o.repeat;
      if (typeof repeat !== 'boolean') throw new InvalidParameterValue(`${at}.repeat must be a boolean, got ${show(repeat)}`);
      return { model, periodSeconds, cores: points.map((_, i) => num(points, `${at}.cores`, i, 0, vcpus, cores)), repeat };
    }
    case 'random-walk': {
      const o = record(input, at, ['model', 'meanCores', 'volatility', 'seed', 'stepSeconds']);
      return {
        model,
        meanCores: num(o, at, 'meanCores', 0, vcpus, cores),
        volatility: num(o, at, 'volatility', 0, vcpus, cores),
        seed: num(o, at, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, { integer: true }),
        stepSeconds: step(o, RANDOM_WALK_DEFAULT_STEP_SECONDS),
      };
    }
  }
}

function ioWorkload(input: unknown): IoWorkload[] {
  const at = 'workload.io';
  const seen = new Set<string>();
  return list(input, at, 0, WORKLOAD_MAX_IO_ENTRIES).map((entry, i) => {
    const here = `${at}[${i}]`;
    const o = record(entry, here, ['volumeId', 'iops', 'throughputMiBps']);
    const volumeId = str(o, here, 'volumeId', VOLUME_ID, "a volume id ('vol-' and 17 hex digits)");
    if (seen.has(volumeId)) throw new InvalidParameterValue(`${here}.volumeId '${volumeId}' appears more than once`);
    seen.add(volumeId);
    return {
      volumeId,
      iops: num(o, here, 'iops', 0, WORKLOAD_MAX_IOPS),
      throughputMiBps: num(o, here, 'throughputMiBps', 0, WORKLOAD_MAX_THROUGHPUT_MIBPS),
    };
  });
}

function networkWorkload(input: unknown): NetworkWorkload[] {
  const at = 'workload.network';
  const seen = new Set<string>();
  return list(input, at, 0, WORKLOAD_MAX_NETWORK_FLOWS).map((entry, i) => {
    const here = `${at}[${i}]`;
    const o = record(entry, here, ['to', 'mbps']);
    const to = str(o, here, 'to', FLOW_DESTINATION, "'internet' or an instance id ('i-' and 17 hex digits)");
    if (seen.has(to)) throw new InvalidParameterValue(`${here}.to '${to}' appears more than once`);
    seen.add(to);
    return { to, mbps: num(o, here, 'mbps', 0, WORKLOAD_MAX_MBPS) };
  });
}

// ---- untrusted-JSON helpers; every message names the field by its path ----

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A plain object with no keys outside `allowed` (a key holding `undefined` counts as absent). */
function record(v: unknown, at: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isObject(v)) throw new InvalidParameterValue(`${at} must be an object, got ${show(v)}`);
  for (const key of Object.keys(v))
    if (!allowed.includes(key) && v[key] !== undefined)
      throw new InvalidParameterValue(`${at}.${key} is not a known field (expected ${allowed.length ? allowed.join(', ') : 'none'})`);
  return v;
}

function list(v: unknown, at: string, min: number, max: number): unknown[] {
  if (!Array.isArray(v)) throw new InvalidParameterValue(`${at} must be an array, got ${show(v)}`);
  if (v.length < min || v.length > max)
    throw new InvalidParameterValue(`${at} must have ${min ? `between ${min} and ${max}` : `at most ${max}`} entries, got ${v.length}`);
  return v;
}

interface NumRule {
  integer?: boolean;
  /** The upper bound is exclusive. */
  below?: boolean;
  /** What the upper bound is, shown in the message ("the instance's vCPUs"). */
  maxIs?: string;
  /** Used when the field is absent; without it the field is required. */
  default?: number;
}

function num(o: Record<string, unknown> | unknown[], at: string, key: string | number, min: number, max: number, rule: NumRule = {}): number {
  const name = typeof key === 'number' ? `${at}[${key}]` : `${at}.${key}`;
  const v = (o as Record<string | number, unknown>)[key];
  if (v === undefined) {
    if (rule.default !== undefined) return rule.default;
    throw new InvalidParameterValue(`${name} is required`);
  }
  const bound = `${max}${rule.maxIs ? ` (${rule.maxIs})` : ''}`;
  const range = rule.below ? `at least ${min} and below ${bound}` : `between ${min} and ${bound}`;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    v >= min &&
    (rule.below ? v < max : v <= max);
  if (!ok) throw new InvalidParameterValue(`${name} must be ${rule.integer ? 'an integer ' : ''}${range}, got ${show(v)}`);
  return (v as number) + 0; // + 0 turns -0 into 0
}

function str(o: Record<string, unknown>, at: string, key: string, pattern: RegExp, what: string): string {
  const v = o[key];
  if (v === undefined) throw new InvalidParameterValue(`${at}.${key} is required`);
  if (typeof v !== 'string' || !pattern.test(v)) throw new InvalidParameterValue(`${at}.${key} must be ${what}, got ${show(v)}`);
  return v;
}

/** A short rendering of an offending value for an error message. */
function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}
