import { SimTime, assertSimTime } from '../../engine/sim-time';

/**
 * Host power (docs/model.md §3.9): a SPECpower_ssj2008-style table of watts at 0 %, 10 %, …, 100 % CPU
 * utilization, interpolated linearly in between — what CloudSim's `PowerModelSpecPower` does
 * (Beloglazov & Buyya, "Optimal online deterministic algorithms and adaptive heuristics for energy
 * and performance efficient dynamic consolidation of virtual machines in Cloud data centers",
 * CCPE 2012, with the HP ProLiant ML110 G4 / G5 tables). A switched-off host draws nothing.
 */
export const POWER_CURVE_POINTS = 11;

/** CloudSim's `PowerModelSpecPowerHpProLiantMl110G4Xeon3040` (SPECpower results, watts). */
export const HP_PROLIANT_ML110_G4_WATTS: readonly number[] = [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117];
/** CloudSim's `PowerModelSpecPowerHpProLiantMl110G5Xeon3075`. */
export const HP_PROLIANT_ML110_G5_WATTS: readonly number[] = [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135];

const JOULES_PER_KWH = 3_600_000;

export function checkPowerCurve(curve: readonly number[]): void {
  if (curve.length !== POWER_CURVE_POINTS) throw new RangeError(`a power curve has ${POWER_CURVE_POINTS} points (0 %, 10 %, …, 100 %), got ${curve.length}`);
  for (const w of curve) if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`power curve watts must be finite and ≥ 0, got ${w}`);
}

/** Watts at `utilization` (0..1), linear between the two surrounding table points. */
export function powerWatts(curve: readonly number[], utilization: number): number {
  checkPowerCurve(curve);
  return interpolate(curve, utilization);
}

/** Energy of a constant utilization held for `durationMs`, kWh. */
export function energyKWh(curve: readonly number[], utilization: number, durationMs: number): number {
  if (!(durationMs >= 0)) throw new RangeError(`durationMs must be ≥ 0, got ${durationMs}`);
  return (powerWatts(curve, utilization) * durationMs) / 1000 / JOULES_PER_KWH;
}

function interpolate(curve: readonly number[], utilization: number): number {
  if (!(utilization >= 0 && utilization <= 1)) throw new RangeError(`utilization must be within 0..1, got ${utilization}`);
  const x = utilization * 10;
  const lower = Math.floor(x);
  if (lower >= 10) return curve[10];
  const frac = x - lower;
  return frac === 0 ? curve[lower] : curve[lower] + (curve[lower + 1] - curve[lower]) * frac;
}

/**
 * A host's energy meter: power is constant between events (fluid model, docs/model.md §1), so energy
 * is watts × Δt added at each event. Joules are summed with Neumaier compensation so that millions
 * of small intervals add up to the same total as one long one (to ~1e-15 relative).
 */
export class EnergyMeter {
  private readonly curve: readonly number[];
  private nowMs: SimTime;
  private utilizationValue: number;
  private on: boolean;
  private joules = 0;
  private compensation = 0;
  /** The current draw, kept (a function of the curve, the utilization and on/off, recomputed when they change). */
  private wattsNow: number;

  constructor(curve: readonly number[], startMs: SimTime, utilization = 0, poweredOn = true) {
    checkPowerCurve(curve);
    assertSimTime(startMs, 'startMs');
    interpolate(curve, utilization);
    this.curve = curve.slice();
    this.nowMs = startMs;
    this.utilizationValue = utilization;
    this.on = poweredOn;
    this.wattsNow = this.on ? interpolate(this.curve, this.utilizationValue) : 0;
  }

  get now(): SimTime {
    return this.nowMs;
  }

  get poweredOn(): boolean {
    return this.on;
  }

  get utilization(): number {
    return this.utilizationValue;
  }

  /** Current draw: the curve at the current utilization, or 0 when switched off. */
  get watts(): number {
    return this.wattsNow;
  }

  /** Sets the energy already metered (a restart resumes the total). */
  restoreJoules(joules: number): void {
    if (!(joules >= 0) || !Number.isFinite(joules)) throw new RangeError(`energy must be finite and ≥ 0, got ${joules}`);
    this.joules = joules;
    this.compensation = 0;
  }

  get energyJoules(): number {
    return this.joules + this.compensation;
  }

  get energyKWh(): number {
    return this.energyJoules / JOULES_PER_KWH;
  }

  /** Integrates the current draw up to `toMs`. */
  advance(toMs: SimTime): void {
    assertSimTime(toMs, 'toMs');
    if (toMs < this.nowMs) throw new RangeError(`cannot meter backwards (${toMs} < ${this.nowMs})`);
    const add = (this.watts * (toMs - this.nowMs)) / 1000;
    const sum = this.joules + add;
    this.compensation += Math.abs(this.joules) >= Math.abs(add) ? this.joules - sum + add : add - sum + this.joules;
    this.joules = sum;
    this.nowMs = toMs;
  }

  /** Utilization changes at `atMs` (the interval before it is integrated at the old value). */
  setUtilization(atMs: SimTime, utilization: number): void {
    const watts = interpolate(this.curve, utilization);
    this.advance(atMs);
    this.utilizationValue = utilization;
    this.wattsNow = this.on ? watts : 0;
  }

  switchOff(atMs: SimTime): void {
    this.advance(atMs);
    this.on = false;
    this.wattsNow = 0;
  }

  switchOn(atMs: SimTime): void {
    this.advance(atMs);
    this.on = true;
    this.wattsNow = interpolate(this.curve, this.utilizationValue);
  }
}
