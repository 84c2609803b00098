import { InstanceType } from '../../catalog/instance-types';
import { MS_PER_DAY, SimTime, assertSimTime } from '../../engine/sim-time';

/**
 * CPU credits of a burstable (T-family) instance, with EC2's rules (AWS EC2 User Guide,
 * "Key concepts for burstable performance instances", standard and unlimited mode concepts):
 *
 * - one credit = one vCPU at 100 % for one minute; the instance earns b × n × 60 credits per hour
 *   continuously, "at a millisecond-level resolution", and every use spends — so the balance moves
 *   at (b × n − used) and only use above the baseline drains it;
 * - earned credits are capped at 24 hours of earnings; beyond the cap they are discarded;
 * - T3 instances get no launch credits (EC2: "T4g, T3a and T3 instances do not receive launch
 *   credits because they support Unlimited mode"), so a new account starts at 0 by default;
 * - `standard`: at zero balance the VM is limited to its baseline b × n. (EC2 lowers it "gradually"
 *   near zero; we drop it in one step at the exact millisecond the balance reaches zero.)
 * - `unlimited`: at zero balance the VM keeps bursting on surplus credits (a negative balance,
 *   `CPUSurplusCreditBalance`). Later earnings pay the surplus down first. Surplus is charged
 *   (`CPUSurplusCreditsCharged`) when (a) it would exceed 24 hours of earnings — the excess is
 *   charged as it accrues (EC2 bills it at the end of that hour; the total is the same),
 *   (b) the instance stops or terminates, (c) it switches from unlimited to standard.
 * - T3 credits survive a stop for seven days, then are lost.
 *
 * Exact integration: the balance is an integer of millicore-milliseconds (1 credit = 1000 millicores
 * × 60,000 ms = 6 × 10^7), and with integer millicores of use the rate per ms is an integer, so a
 * fluid interval adds exactly rate × Δt — no drift however many events.
 */
export type CreditMode = 'standard' | 'unlimited';

/** 1 credit = 1 vCPU (1000 millicores) × 1 minute (60,000 ms). */
export const MILLICORE_MS_PER_CREDIT = 60_000_000;
/** Earned credits accrue up to 24 hours of earnings (and surplus up to the same amount). */
export const CREDIT_ACCRUAL_CAP_MS = MS_PER_DAY;
/** T3/T3a/T4g keep their balance for seven days after a stop. */
export const CREDIT_PERSISTENCE_AFTER_STOP_MS = 7 * MS_PER_DAY;
/** T3 launch credits: none (see above). */
export const T3_LAUNCH_CREDITS = 0;

/**
 * The credit mode of a burstable instance launched without a credit specification. EC2 launches
 * T3, T3a and T4g as `unlimited` by default (T2 as `standard`; the catalog has T3 only): AWS EC2
 * User Guide, "Unlimited mode for burstable performance instances".
 */
export function defaultCreditMode(_type: InstanceType): CreditMode {
  return 'unlimited';
}

export interface CreditAccountOptions {
  readonly vcpus: number;
  /** Baseline fraction of each vCPU (t3.micro: 0.1). */
  readonly baselinePerVcpu: number;
  readonly mode: CreditMode;
  readonly startMs: SimTime;
  /** Starting balance in credits; defaults to T3's launch credits (0). */
  readonly initialCredits?: number;
}

/** What survives a restart: the account's exact integers at `nowMs`. */
export interface CreditSnapshot {
  readonly mode: CreditMode;
  readonly nowMs: SimTime;
  readonly balance: number;
  readonly charged: number;
  readonly spent: number;
  readonly stoppedAtMs: SimTime | null;
}

export class CreditAccount {
  readonly vcpus: number;
  /** b × n in millicores: the rate credits are earned at, and the standard-mode floor. */
  readonly baselineMillicores: number;
  /** 24 h of earnings, millicore-ms. */
  readonly capMillicoreMs: number;
  private modeValue: CreditMode;
  private nowMs: SimTime;
  /** > 0 earned credits, < 0 surplus credits (unlimited only), millicore-ms. */
  private balance: number;
  private charged = 0;
  private spent = 0;
  private stoppedAtMs: SimTime | undefined;

  constructor(options: CreditAccountOptions) {
    const { vcpus, baselinePerVcpu, mode, startMs } = options;
    if (!Number.isInteger(vcpus) || vcpus < 1) throw new RangeError(`vcpus must be a positive integer, got ${vcpus}`);
    if (!(baselinePerVcpu > 0 && baselinePerVcpu <= 1)) throw new RangeError(`baselinePerVcpu must be in (0, 1], got ${baselinePerVcpu}`);
    assertSimTime(startMs, 'startMs');
    this.vcpus = vcpus;
    this.baselineMillicores = Math.round(baselinePerVcpu * vcpus * 1000);
    this.capMillicoreMs = this.baselineMillicores * CREDIT_ACCRUAL_CAP_MS;
    this.modeValue = mode;
    this.nowMs = startMs;
    const initial = Math.round((options.initialCredits ?? T3_LAUNCH_CREDITS) * MILLICORE_MS_PER_CREDIT);
    if (!(initial >= 0 && initial <= this.capMillicoreMs))
      throw new RangeError(`initialCredits must be between 0 and ${this.capMillicoreMs / MILLICORE_MS_PER_CREDIT}`);
    this.balance = initial;
  }

  /** An account as it was at `s.nowMs` (after a restart). */
  static restore(options: { readonly vcpus: number; readonly baselinePerVcpu: number }, s: CreditSnapshot): CreditAccount {
    const a = new CreditAccount({ ...options, mode: s.mode, startMs: s.nowMs });
    if (!Number.isSafeInteger(s.balance) || Math.abs(s.balance) > a.capMillicoreMs) throw new RangeError(`credit balance out of range: ${s.balance}`);
    a.balance = s.balance;
    a.charged = s.charged;
    a.spent = s.spent;
    a.stoppedAtMs = s.stoppedAtMs ?? undefined;
    return a;
  }

  snapshot(): CreditSnapshot {
    return { mode: this.modeValue, nowMs: this.nowMs, balance: this.balance, charged: this.charged, spent: this.spent, stoppedAtMs: this.stoppedAtMs ?? null };
  }

  /**
   * The next time, from now at a constant use, that the balance reaches a bound where its slope
   * changes: 0 (standard: the limit drops; unlimited: surplus starts or is paid off), the 24-hour
   * cap (earning stops), or minus the cap (unlimited: surplus is charged as it accrues).
   * Milliseconds from now, rounded up; Infinity if none.
   */
  timeUntilKinkMs(usedMillicores: number): number {
    if (this.stopped) return Infinity;
    const rate = this.baselineMillicores - usedMillicores;
    const b = this.balance;
    if (rate > 0) {
      if (b < 0) return Math.ceil(-b / rate);
      return b < this.capMillicoreMs ? Math.ceil((this.capMillicoreMs - b) / rate) : Infinity;
    }
    if (rate < 0) {
      if (b > 0) return Math.ceil(b / -rate);
      if (this.modeValue === 'unlimited' && b > -this.capMillicoreMs) return Math.ceil((b + this.capMillicoreMs) / -rate);
    }
    return Infinity;
  }

  /**
   * d(balance)/dt in millicore-ms per ms at a constant use, as it is right now (0 at a bound the use
   * pushes against).
   */
  balanceSlope(usedMillicores: number): number {
    if (this.stopped) return 0;
    const rate = this.baselineMillicores - usedMillicores;
    const b = this.balance;
    if (rate > 0 && b >= this.capMillicoreMs) return 0;
    if (rate < 0 && (this.modeValue === 'standard' ? b <= 0 : b <= -this.capMillicoreMs)) return 0;
    return rate;
  }

  get mode(): CreditMode {
    return this.modeValue;
  }

  get now(): SimTime {
    return this.nowMs;
  }

  get stopped(): boolean {
    return this.stoppedAtMs !== undefined;
  }

  /** Signed balance in millicore-ms: negative means surplus credits owed (unlimited). */
  get balanceMillicoreMs(): number {
    return this.balance;
  }

  /** `CPUCreditBalance`: earned credits available. */
  get balanceCredits(): number {
    return Math.max(0, this.balance) / MILLICORE_MS_PER_CREDIT;
  }

  /** `CPUSurplusCreditBalance`: surplus credits spent and not yet paid down or charged. */
  get surplusCredits(): number {
    return Math.max(0, -this.balance) / MILLICORE_MS_PER_CREDIT;
  }

  /** Cumulative `CPUSurplusCreditsCharged`, in millicore-ms (exact) — what metering bills. */
  get surplusChargedMillicoreMs(): number {
    return this.charged;
  }

  /** Cumulative surplus credits charged (1 credit = 1 vCPU-minute; EC2 bills per vCPU-hour). */
  get surplusCreditsCharged(): number {
    return this.charged / MILLICORE_MS_PER_CREDIT;
  }

  /** Cumulative `CPUCreditUsage`: credits spent by all use, in credits. */
  get creditsSpent(): number {
    return this.spent / MILLICORE_MS_PER_CREDIT;
  }

  get maxCredits(): number {
    return this.capMillicoreMs / MILLICORE_MS_PER_CREDIT;
  }

  /**
   * The limit the credits impose right now: all vCPUs, except a standard-mode account with no
   * credits left, which is held to its baseline. The engine combines it with the tenant's limit.
   */
  effectiveLimitMillicores(): number {
    if (this.modeValue === 'standard' && this.balance <= 0) return this.baselineMillicores;
    return this.vcpus * 1000;
  }

  /**
   * Milliseconds from now until the earned balance reaches zero at a constant use, rounded up to
   * the first whole millisecond at which it is ≤ 0; Infinity when the use does not drain it.
   * In standard mode that is when the limit drops to the baseline; in unlimited mode it is when
   * surplus spending starts (no allocation change).
   */
  timeUntilExhaustedMs(usedMillicores: number): number {
    const drain = usedMillicores - this.baselineMillicores;
    if (drain <= 0 || this.stopped) return Infinity;
    if (this.balance <= 0) return 0;
    return Math.ceil(this.balance / drain);
  }

  /** The next time the credits change what the VM may use: the event the engine must schedule. */
  timeUntilLimitChangeMs(usedMillicores: number): number {
    return this.modeValue === 'standard' ? this.timeUntilExhaustedMs(usedMillicores) : Infinity;
  }

  /**
   * Integrates a constant use from now to `toMs`. In standard mode, use above the baseline past the
   * exhaustion time means the engine missed the event from `timeUntilLimitChangeMs`: refused.
   */
  advance(toMs: SimTime, usedMillicores: number): void {
    assertSimTime(toMs, 'toMs');
    if (toMs < this.nowMs) throw new RangeError(`cannot advance credits backwards (${toMs} < ${this.nowMs})`);
    if (!Number.isSafeInteger(usedMillicores) || usedMillicores < 0 || usedMillicores > this.vcpus * 1000)
      throw new RangeError(`used must be an integer of millicores between 0 and ${this.vcpus * 1000}, got ${usedMillicores}`);
    const dt = toMs - this.nowMs;
    if (dt === 0) return;
    if (this.stopped) {
      if (usedMillicores !== 0) throw new RangeError('a stopped instance uses no CPU');
      this.nowMs = toMs;
      return;
    }
    const rate = this.baselineMillicores - usedMillicores;
    if (rate < 0 && this.modeValue === 'standard' && dt > this.timeUntilExhaustedMs(usedMillicores))
      throw new RangeError(
        `standard-mode credits run out ${this.timeUntilExhaustedMs(usedMillicores)} ms after ${this.nowMs}; ` +
          `use above the baseline (${usedMillicores} > ${this.baselineMillicores} millicores) cannot continue to ${toMs}`,
      );
    let next = this.balance + rate * dt;
    if (rate > 0) next = Math.min(next, this.capMillicoreMs);
    else if (this.modeValue === 'standard') next = Math.max(next, 0); // the sub-millisecond overshoot of the last ms
    else if (next < -this.capMillicoreMs) {
      this.charged += -this.capMillicoreMs - next;
      next = -this.capMillicoreMs;
    }
    this.balance = next;
    this.spent += usedMillicores * dt;
    this.nowMs = toMs;
  }

  /**
   * Carries the account to `toMs` at a constant use (capped at all vCPUs), with standard mode's
   * exhaustion: when the earned balance runs out before `toMs`, the use falls to the baseline from
   * that millisecond, as the VMM enforces (the host's event at that time recomputes the allocation;
   * this covers an account settled before it, or restored past it). Unlimited mode keeps the use.
   */
  carry(toMs: SimTime, usedMillicores: number): void {
    if (this.nowMs >= toMs) return;
    const used = Math.min(usedMillicores, this.vcpus * 1000);
    const until = this.nowMs + this.timeUntilLimitChangeMs(used);
    if (until < toMs) {
      this.advance(until, used);
      this.advance(toMs, Math.min(used, this.baselineMillicores));
    } else this.advance(toMs, used);
  }

  /** Switches credit mode now (advance first). Unlimited → standard charges the surplus (EC2). */
  setMode(mode: CreditMode): void {
    if (mode === this.modeValue) return;
    if (mode === 'standard') this.chargeSurplus();
    this.modeValue = mode;
  }

  /** Stop or terminate now (advance first): outstanding surplus is charged; earning pauses. */
  stop(): void {
    if (this.stopped) return;
    this.chargeSurplus();
    this.stoppedAtMs = this.nowMs;
  }

  /** Start again at `atMs`: the balance survives a stop of at most seven days. */
  start(atMs: SimTime): void {
    if (this.stoppedAtMs === undefined) return;
    assertSimTime(atMs, 'atMs');
    if (atMs < this.nowMs) throw new RangeError(`cannot start before now (${atMs} < ${this.nowMs})`);
    if (atMs - this.stoppedAtMs > CREDIT_PERSISTENCE_AFTER_STOP_MS) this.balance = 0;
    this.stoppedAtMs = undefined;
    this.nowMs = atMs;
  }

  private chargeSurplus(): void {
    if (this.balance < 0) {
      this.charged += -this.balance;
      this.balance = 0;
    }
  }
}
