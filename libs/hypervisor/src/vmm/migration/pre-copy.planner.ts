/**
 * Pre-copy live migration (Clark et al., "Live Migration of Virtual Machines", NSDI 2005; docs/model.md
 * §3.7). Memory M, dirty rate D, link bandwidth B:
 * - round 0 copies all of M while the guest runs; round i copies what the guest dirtied during
 *   round i−1: V(i) = V(i−1) × D / B (never more than M);
 * - pre-copy stops when what is left is below a threshold, or after a maximum number of rounds;
 *   then the VM is paused and the rest is sent (stop-and-copy);
 * - downtime = stop-and-copy / B + a fixed resume cost (re-attaching devices, ARP announcement);
 *   total = Σ pre-copy rounds + downtime.
 * If D ≥ B every round dirties at least what it sent, so pre-copy never converges. Then either
 * give up (the VM stays where it is), or — with auto-converge — throttle the guest's vCPUs as QEMU
 * does (migration/ram.c, `migration_trigger_throttle`): when the pages dirtied during a round
 * exceed `throttle-trigger-threshold` (50 %) of the bytes sent in it for the second time, throttle
 * the guest (`cpu-throttle-initial` 20 %), then raise it by `cpu-throttle-increment` (10 points)
 * every further second time, up to `max-cpu-throttle` (99 %). We assume the dirty rate falls in
 * proportion to the CPU left to the guest: D' = D × (1 − throttle).
 *
 * Durations are integer milliseconds (SimTime), each phase rounded up to the next whole ms (a
 * 1e-9 ms tolerance absorbs float noise); the amounts carried between rounds are exact.
 */
export interface AutoConvergeOptions {
  readonly initialThrottlePercent?: number;
  readonly incrementPercent?: number;
  readonly maxThrottlePercent?: number;
  /** Dirtied bytes over sent bytes, in percent, above which a round counts as "too dirty". */
  readonly triggerThresholdPercent?: number;
}

/** QEMU's defaults for auto-converge (MigrationParameters). */
export const QEMU_AUTO_CONVERGE = {
  initialThrottlePercent: 20,
  incrementPercent: 10,
  maxThrottlePercent: 99,
  triggerThresholdPercent: 50,
} as const;

export interface PreCopyInput {
  readonly memoryMiB: number;
  readonly dirtyRateMiBps: number;
  readonly bandwidthMiBps: number;
  readonly stopThresholdMiB: number;
  /** Pre-copy rounds at most, round 0 included (≥ 1). */
  readonly maxRounds: number;
  readonly resumeCostMs: number;
  /** `true` for QEMU's defaults. */
  readonly autoConverge?: boolean | AutoConvergeOptions;
}

export interface PreCopyRound {
  readonly copiedMiB: number;
  readonly durationMs: number;
  /** The guest's vCPU throttle during this round (auto-converge), percent. */
  readonly throttlePercent: number;
  /** What the guest dirtied during the round: the next round's (or stop-and-copy's) amount. */
  readonly dirtiedMiB: number;
}

export type PreCopyOutcome = 'threshold' | 'max-rounds' | 'not-converging';

export interface PreCopyPlan {
  readonly rounds: PreCopyRound[];
  /** The remainder fell below the threshold. */
  readonly converged: boolean;
  /** The VM moved (false only when the migration was given up). */
  readonly completed: boolean;
  readonly stopReason: PreCopyOutcome;
  readonly reason?: string;
  readonly stopAndCopyMiB: number;
  readonly stopAndCopyMs: number;
  /** stop-and-copy + resume cost. */
  readonly downtimeMs: number;
  /** Σ rounds + downtime. */
  readonly totalMs: number;
  /** Total sent over the link. */
  readonly transferredMiB: number;
  /** With auto-converge: the guest's dirty rate under the final throttle. */
  readonly throttledDirtyRateMiBps?: number;
  readonly finalThrottlePercent: number;
}

export function planPreCopy(input: PreCopyInput): PreCopyPlan {
  const { memoryMiB: M, dirtyRateMiBps: D, bandwidthMiBps: B, stopThresholdMiB, maxRounds, resumeCostMs } = input;
  if (!(M > 0) || !Number.isFinite(M)) throw new RangeError(`memoryMiB must be positive, got ${M}`);
  if (!(D >= 0) || !Number.isFinite(D)) throw new RangeError(`dirtyRateMiBps must be ≥ 0, got ${D}`);
  if (!(B > 0) || !Number.isFinite(B)) throw new RangeError(`bandwidthMiBps must be positive, got ${B}`);
  if (!(stopThresholdMiB >= 0)) throw new RangeError(`stopThresholdMiB must be ≥ 0, got ${stopThresholdMiB}`);
  if (!Number.isInteger(maxRounds) || maxRounds < 1) throw new RangeError(`maxRounds must be an integer ≥ 1, got ${maxRounds}`);
  if (!Number.isInteger(resumeCostMs) || resumeCostMs < 0) throw new RangeError(`resumeCostMs must be a non-negative integer, got ${resumeCostMs}`);
  const auto = resolveAutoConverge(input.autoConverge);

  if (D >= B && !auto) {
    return {
      rounds: [], converged: false, completed: false, stopReason: 'not-converging',
      reason: `dirty rate ${D} MiB/s ≥ bandwidth ${B} MiB/s: pre-copy cannot converge without auto-converge`,
      stopAndCopyMiB: 0, stopAndCopyMs: 0, downtimeMs: 0, totalMs: 0, transferredMiB: 0, finalThrottlePercent: 0,
    };
  }

  const rounds: PreCopyRound[] = [];
  let toSend = M;
  let throttle = 0;
  let highCount = 0;
  let transferred = 0;
  let elapsed = 0;
  let converged = false;
  while (rounds.length < maxRounds) {
    const seconds = toSend / B;
    const rate = (D * (100 - throttle)) / 100;
    const dirtied = Math.min(M, rate * seconds);
    rounds.push({ copiedMiB: toSend, durationMs: wholeMs(seconds * 1000), throttlePercent: throttle, dirtiedMiB: dirtied });
    elapsed += rounds[rounds.length - 1].durationMs;
    transferred += toSend;
    toSend = dirtied;
    if (toSend < stopThresholdMiB) {
      converged = true;
      break;
    }
    const copied = rounds[rounds.length - 1].copiedMiB;
    if (auto && dirtied * 100 > copied * auto.triggerThresholdPercent && ++highCount >= 2) {
      highCount = 0;
      throttle = throttle === 0 ? auto.initialThrottlePercent : Math.min(auto.maxThrottlePercent, throttle + auto.incrementPercent);
    }
  }
  const stopAndCopyMs = wholeMs((toSend / B) * 1000);
  const downtimeMs = stopAndCopyMs + resumeCostMs;
  return {
    rounds,
    converged,
    completed: true,
    stopReason: converged ? 'threshold' : 'max-rounds',
    ...(converged ? {} : { reason: `${maxRounds} pre-copy rounds left ${toSend} MiB above the ${stopThresholdMiB} MiB threshold` }),
    stopAndCopyMiB: toSend,
    stopAndCopyMs,
    downtimeMs,
    totalMs: elapsed + downtimeMs,
    transferredMiB: transferred + toSend,
    ...(auto ? { throttledDirtyRateMiBps: (D * (100 - throttle)) / 100 } : {}),
    finalThrottlePercent: throttle,
  };
}

function wholeMs(ms: number): number {
  return Math.ceil(ms - 1e-9);
}

function resolveAutoConverge(option: PreCopyInput['autoConverge']): Required<AutoConvergeOptions> | undefined {
  if (!option) return undefined;
  const o = { ...QEMU_AUTO_CONVERGE, ...(option === true ? {} : option) };
  for (const [k, v] of Object.entries(o))
    if (!Number.isInteger(v) || v < 0 || v > 100) throw new RangeError(`autoConverge.${k} must be an integer percent, got ${v}`);
  if (o.initialThrottlePercent < 1 || o.maxThrottlePercent > 99) throw new RangeError('auto-converge throttle must stay within 1..99 %');
  return o;
}
