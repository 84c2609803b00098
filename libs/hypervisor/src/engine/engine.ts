import { EventQueue, QueueEntry } from './event-queue';
import { SimTime, assertSimTime } from './sim-time';

export type Action = (now: SimTime) => void;
export type Listener<E> = (event: E) => void;

/** A handle to a scheduled action; pass it to `Engine.cancel`. */
export type Scheduled = QueueEntry<Action>;

/**
 * The discrete-event engine (SimPy's Environment, in spirit): time is a field, actions wait in a
 * heap keyed by (time, sequence), and `step()` / `runUntil(t)` drive it. Wall-clock pacing lives
 * outside, in the app. Domain events are published synchronously to listeners in emit order.
 */
export class Engine<E = unknown> {
  private readonly queue = new EventQueue<Action>();
  private readonly listeners: Listener<E>[] = [];
  private current: SimTime;
  private processed = 0;
  private halted = false;

  constructor(start: SimTime = 0) {
    assertSimTime(start, 'start');
    this.current = start;
  }

  get now(): SimTime {
    return this.current;
  }

  /** Actions run so far (a cost measure: the engine's work grows with this, not with time). */
  get eventsProcessed(): number {
    return this.processed;
  }

  get pending(): number {
    return this.queue.size;
  }

  schedule(at: SimTime, action: Action): Scheduled {
    assertSimTime(at, 'at');
    if (at < this.current) throw new RangeError(`cannot schedule in the past: ${at} < now ${this.current}`);
    return this.queue.push(at, action);
  }

  scheduleIn(delayMs: SimTime, action: Action): Scheduled {
    return this.schedule(this.current + delayMs, action);
  }

  cancel(handle: Scheduled): void {
    this.queue.cancel(handle);
  }

  nextEventTime(): SimTime | undefined {
    return this.queue.peek()?.time;
  }

  /** Runs the next action, advancing the clock to its time. False when nothing is scheduled. */
  step(): boolean {
    const entry = this.queue.pop();
    if (!entry) return false;
    this.current = entry.time;
    this.processed++;
    entry.item(this.current);
    return true;
  }

  /**
   * Runs every action scheduled at or before `until`, then sets the clock to `until` — unless an
   * action called `halt()`: then it returns at once, the clock at that action's time, and the
   * actions still due wait for the next call (the caller does what cannot run inside the loop, an
   * asynchronous write, at that very instant, then runs on).
   */
  runUntil(until: SimTime): number {
    assertSimTime(until, 'until');
    if (until < this.current) throw new RangeError(`cannot run backwards: ${until} < now ${this.current}`);
    let n = 0;
    this.halted = false;
    for (let next = this.queue.peek(); next && next.time <= until; next = this.queue.peek()) {
      this.step();
      n++;
      if (this.halted) {
        this.halted = false;
        return n;
      }
    }
    this.current = until;
    return n;
  }

  /** From inside an action: the running `runUntil` stops after it (see runUntil). */
  halt(): void {
    this.halted = true;
  }

  subscribe(listener: Listener<E>): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(event: E): void {
    for (const l of this.listeners) l(event);
  }
}
