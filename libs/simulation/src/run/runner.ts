import { FleetEvent, MS_PER_HOUR, SimTime } from '@nimbus/hypervisor';
import type { PlacementRefusal } from '../commands/launch';
import { UsageEvent } from '../metering/usage-meter';
import { ClosedBucket } from '../world/change-set';
import { World } from '../world/world';

/** Observes an offline run: every fleet event, every closed metric bucket, every refused placement. */
export interface ResultsSink {
  event?(e: FleetEvent): void;
  bucket?(b: ClosedBucket): void;
  /** What billing would meter: running intervals, unavailability, guarantee violations, meter readings. */
  usage?(e: UsageEvent): void;
  refusal?(r: PlacementRefusal): void;
  /** After each slice, with the world at the slice's end. */
  slice?(world: World, reachedMs: SimTime): void;
}

export interface RunProgress {
  readonly startMs: SimTime;
  readonly untilMs: SimTime;
  readonly simulatedTime: SimTime;
  /** 0 to 1, of the simulated span. */
  readonly fraction: number;
  /** Engine events run so far in this run. */
  readonly events: number;
  readonly slices: number;
}

export interface RunOptions {
  readonly until: SimTime;
  /** Simulated time per slice: progress is reported and cancellation checked between slices (default one hour). */
  readonly sliceMs?: number;
  readonly onProgress?: (p: RunProgress) => void;
  /** Checked between slices; an AbortSignal fits. */
  readonly signal?: { readonly aborted: boolean };
  readonly sink?: ResultsSink;
}

export interface RunOutcome {
  /** False when the signal stopped the run before `until`: what ran is kept, marked so. */
  readonly completed: boolean;
  readonly reachedMs: SimTime;
  readonly events: number;
  readonly slices: number;
}

/**
 * Drives a world offline (docs/model.md §1): runs it to `until` in slices of simulated time, as
 * fast as the engine goes, with progress after each slice and cancellation between slices. Closed
 * metric buckets and usage events reach the sink as the world's change set is taken at each slice
 * (nothing else of the change set is kept: an offline run has no store).
 */
export function runWorld(world: World, options: RunOptions): RunOutcome {
  const sliceMs = options.sliceMs ?? MS_PER_HOUR;
  if (!(sliceMs > 0)) throw new RangeError(`sliceMs must be positive, got ${sliceMs}`);
  const sink = options.sink ?? {};
  const startMs = world.now;
  const untilMs = Math.max(options.until, startMs);
  const off: (() => void)[] = [];
  if (sink.event) off.push(world.observe((e) => sink.event!(e)));
  if (sink.refusal) off.push(world.onRefusal((r) => sink.refusal!(r)));
  let events = 0;
  let slices = 0;
  const drain = () => {
    const { changes } = world.takeChanges();
    if (sink.usage) for (const u of changes.usage) sink.usage(u);
    if (sink.bucket) for (const b of changes.buckets) sink.bucket(b);
  };
  // A series' bucket closes when the series next changes: at the end the open ones are read as they stand.
  const finish = (completed: boolean): RunOutcome => {
    // (Peeking may close a bucket through the world's change set: drain it after.)
    const open = world.dataPlane.openBuckets();
    drain();
    if (sink.bucket) for (const b of open) sink.bucket(b);
    return { completed, reachedMs: world.now, events, slices };
  };
  try {
    drain();
    while (world.now < untilMs) {
      if (options.signal?.aborted) return finish(false);
      const target = Math.min(untilMs, world.now + sliceMs);
      events += world.runUntil(target);
      slices++;
      drain();
      sink.slice?.(world, world.now);
      options.onProgress?.({ startMs, untilMs, simulatedTime: world.now, fraction: untilMs === startMs ? 1 : (world.now - startMs) / (untilMs - startMs), events, slices });
    }
    return finish(true);
  } finally {
    for (const f of off) f();
  }
}
