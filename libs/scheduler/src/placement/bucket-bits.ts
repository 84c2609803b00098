/**
 * A bitset over bucket numbers, so that "the first non-empty bucket at or above k" costs one pass
 * over 32-bucket words instead of one step per bucket.
 */
export function bucketBits(buckets: number): Uint32Array {
  return new Uint32Array((buckets + 31) >>> 5);
}

export function setBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] |= 1 << (i & 31);
}

export function clearBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] &= ~(1 << (i & 31));
}

/** The lowest set bit ≥ from, or -1. */
export function nextSetBit(bits: Uint32Array, from: number): number {
  if (from < 0) from = 0;
  let w = from >>> 5;
  if (w >= bits.length) return -1;
  let word = bits[w] & (~0 << (from & 31));
  for (;;) {
    if (word !== 0) return (w << 5) + 31 - Math.clz32(word & -word);
    if (++w >= bits.length) return -1;
    word = bits[w];
  }
}

/** The highest set bit ≤ from, or -1. */
export function prevSetBit(bits: Uint32Array, from: number): number {
  if (from < 0) return -1;
  let w = from >>> 5;
  let word: number;
  if (w >= bits.length) {
    w = bits.length - 1;
    word = bits[w];
  } else {
    word = bits[w] & (~0 >>> (31 - (from & 31)));
  }
  for (;;) {
    if (word !== 0) return (w << 5) + 31 - Math.clz32(word);
    if (--w < 0) return -1;
    word = bits[w];
  }
}
