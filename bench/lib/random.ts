/**
 * A seeded PRNG (mulberry32): benchmarks must build the same fleet and the same request stream on
 * every run, so that two runs differ only by the machine.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from `[item, weight]` pairs in proportion to the weights. */
export function weightedPicker<T>(random: () => number, table: readonly (readonly [T, number])[]): () => T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  return () => {
    let r = random() * total;
    for (const [item, w] of table) if ((r -= w) < 0) return item;
    return table[table.length - 1][0];
  };
}
