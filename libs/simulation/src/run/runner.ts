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
  const run = new SlicedRun(world, options);
  try {
    while (!run.done) {
      if (options.signal?.aborted) return run.finish(false);
      const progress = run.slice();
      options.onProgress?.(progress);
    }
    return run.finish(true);
  } finally {
    run.close();
  }
}

export interface AsyncRunOptions extends Omit<RunOptions, 'onProgress'> {
  /** Awaited before the next slice (a job can report progress, or yield to its event loop). */
  readonly onProgress?: (p: RunProgress) => void | Promise<void>;
}

/** `runWorld` for callers that await between slices: the same slices, sink and outcome. */
export async function runWorldAsync(world: World, options: AsyncRunOptions): Promise<RunOutcome> {
  const run = new SlicedRun(world, options);
  try {
    while (!run.done) {
      if (options.signal?.aborted) return run.finish(false);
      const progress = run.slice();
      await options.onProgress?.(progress);
    }
    return run.finish(true);
  } finally {
    run.close();
  }
}

/** One offline run, slice by slice: the sink subscribed on construction, until `close`. */
class SlicedRun {
  private readonly sliceMs: number;
  private readonly sink: ResultsSink;
  private readonly startMs: SimTime;
  private readonly untilMs: SimTime;
  private readonly off: (() => void)[] = [];
  private events = 0;
  private slices = 0;

  constructor(
    private readonly world: World,
    options: Omit<RunOptions, 'onProgress'>,
  ) {
    this.sliceMs = options.sliceMs ?? MS_PER_HOUR;
    if (!(this.sliceMs > 0)) throw new RangeError(`sliceMs must be positive, got ${this.sliceMs}`);
    this.sink = options.sink ?? {};
    this.startMs = world.now;
    this.untilMs = Math.max(options.until, this.startMs);
    const sink = this.sink;
    if (sink.event) this.off.push(world.observe((e) => sink.event!(e)));
    if (sink.refusal) this.off.push(world.onRefusal((r) => sink.refusal!(r)));
    this.drain();
  }

  get done(): boolean {
    return this.world.now >= this.untilMs;
  }

  /** Runs the next slice and says where the run stands. */
  slice(): RunProgress {
    const world = this.world;
    const target = Math.min(this.untilMs, world.now + this.sliceMs);
    this.events += world.runUntil(target);
    this.slices++;
    this.drain();
    this.sink.slice?.(world, world.now);
    const { startMs, untilMs } = this;
    return { startMs, untilMs, simulatedTime: world.now, fraction: untilMs === startMs ? 1 : (world.now - startMs) / (untilMs - startMs), events: this.events, slices: this.slices };
  }

  // A series' bucket closes when the series next changes: at the end the open ones are read as they stand.
  finish(completed: boolean): RunOutcome {
    // (Peeking may close a bucket through the world's change set: drain it after.)
    const open = this.world.dataPlane.openBuckets();
    this.drain();
    if (this.sink.bucket) for (const b of open) this.sink.bucket(b);
    return { completed, reachedMs: this.world.now, events: this.events, slices: this.slices };
  }

  close(): void {
    for (const f of this.off) f();
  }

  private drain(): void {
    const { changes } = this.world.takeChanges();
    if (this.sink.usage) for (const u of changes.usage) this.sink.usage(u);
    if (this.sink.bucket) for (const b of changes.buckets) this.sink.bucket(b);
  }
}
