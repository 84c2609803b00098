/**
 * `items` grouped by the instant `at` gives each (most commits have one): for the engine's stop and
 * termination handlers, which end each instance's billed resources at the instant it reached the
 * state (`reachedAt`), not at the commit's `now`, which a long advance of the clock leaves later.
 */
export function byInstant<T>(items: readonly T[], at: (item: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const t = at(item);
    const group = out.get(t);
    if (group) group.push(item);
    else out.set(t, [item]);
  }
  return out;
}
