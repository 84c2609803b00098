/**
 * Weighted max-min fair division ("water-filling"), the core of every divider in the VMM
 * (CPU shares, IO shares, NIC bandwidth). Each item i has a cap u_i (what it can still use) and a
 * weight w_i; the result x_i = min(u_i, λ·w_i) for the one level λ at which Σ x_i = min(K, Σ u_i).
 * So capacity is idle only when every item is at its cap (work-conserving), and no item gets more
 * than its cap. Cost: one sort, O(n log n).
 *
 * Two flavours:
 * - integer (`waterFillInt`, `splitProportionalInt`): capacity, caps and weights are safe integers
 *   and so are the results; Σ x_i equals the divisible amount exactly (largest-remainder rounding,
 *   ties to the lower index, so the result is deterministic). Exact as long as capacity × Σ weights
 *   and cap × Σ weights stay below 2^53 (e.g. 10^6 weight × 1,000 items × 10^6 units = 10^15).
 * - float (`waterFillFloat`): for quantities that are not integral (size-normalised IO cost);
 *   results are within a relative 1e-12 of the exact division.
 */

/**
 * Divides `amount` (≤ Σ weights' items' natural shares) among `items` in proportion to `weights`,
 * in whole units: floor of each exact share, then the leftover units one each to the largest
 * remainders (Hamilton's method), ties to the lower index. Writes into `out` and returns Σ given.
 * Each x_i ≤ ⌈amount·w_i / W⌉, so an item whose exact share is below an integer cap stays below it.
 */
export function splitProportionalInt(
  amount: number,
  items: ArrayLike<number>,
  itemCount: number,
  weights: ArrayLike<number>,
  out: number[],
): number {
  if (itemCount === 0 || amount <= 0) {
    for (let k = 0; k < itemCount; k++) out[items[k]] = 0;
    return 0;
  }
  let totalWeight = 0;
  for (let k = 0; k < itemCount; k++) totalWeight += weights[items[k]];
  if (totalWeight <= 0) {
    for (let k = 0; k < itemCount; k++) out[items[k]] = 0;
    return 0;
  }
  let given = 0;
  const remainders = new Float64Array(itemCount);
  for (let k = 0; k < itemCount; k++) {
    const i = items[k];
    const product = amount * weights[i];
    const share = Math.floor(product / totalWeight);
    out[i] = share;
    remainders[k] = product - share * totalWeight;
    given += share;
  }
  let leftover = amount - given;
  if (leftover > 0) {
    const order = new Int32Array(itemCount);
    for (let k = 0; k < itemCount; k++) order[k] = k;
    order.sort((a, b) => remainders[b] - remainders[a] || items[a] - items[b]);
    for (let k = 0; k < itemCount && leftover > 0; k++, leftover--) out[items[order[k]]] += 1;
    given = amount;
  }
  return given;
}

/** What is left to split once every item whose cap is below its fair share has been given its cap. */
interface Unsaturated {
  /** Items still below their cap, in `active[from..]`. */
  readonly active: Int32Array;
  readonly from: number;
  readonly left: number;
  readonly weightLeft: number;
}

/**
 * The common part of weighted water-filling: when everything fits, every item gets its cap and
 * the total is returned; otherwise items with something to take are ordered by cap/weight ascending
 * (then index), and the saturated ones, which are exactly a prefix of that order, get their caps.
 * `exact` compares by cross-multiplication (integers) instead of division (floats).
 */
function saturate(capacity: number, caps: ArrayLike<number>, weights: ArrayLike<number>, out: number[], exact: boolean): Unsaturated | number {
  const n = caps.length;
  let totalCap = 0;
  for (let i = 0; i < n; i++) totalCap += caps[i];
  if (totalCap <= capacity) {
    for (let i = 0; i < n; i++) out[i] = caps[i];
    return totalCap;
  }
  const order = new Int32Array(n);
  let m = 0;
  let weightLeft = 0;
  for (let i = 0; i < n; i++) {
    if (caps[i] > 0) {
      order[m++] = i;
      weightLeft += weights[i];
    } else out[i] = 0;
  }
  const active = order.subarray(0, m);
  active.sort(
    exact
      ? (a, b) => caps[a] * weights[b] - caps[b] * weights[a] || a - b
      : (a, b) => caps[a] / weights[a] - caps[b] / weights[b] || a - b,
  );
  let left = capacity;
  let k = 0;
  // An item is saturated when its cap is at or below its share at the current level left/weightLeft.
  // Saturating one raises the level, so the saturated items are exactly a prefix of this order.
  for (; k < m; k++) {
    const i = active[k];
    if (caps[i] * weightLeft > left * weights[i]) break;
    out[i] = caps[i];
    left -= caps[i];
    weightLeft -= weights[i];
  }
  return { active, from: k, left, weightLeft };
}

/**
 * Integer weighted water-filling of `capacity` over items 0..n-1 with `caps` and positive integer
 * `weights`. Writes x_i into `out` (length ≥ n) and returns Σ x_i = min(capacity, Σ caps).
 */
export function waterFillInt(capacity: number, caps: ArrayLike<number>, weights: ArrayLike<number>, out: number[]): number {
  const rest = saturate(capacity, caps, weights, out, true);
  if (typeof rest === 'number') return rest;
  splitProportionalInt(rest.left, rest.active.subarray(rest.from), rest.active.length - rest.from, weights, out);
  return capacity;
}

/** Float weighted water-filling: same contract as `waterFillInt` for non-integral quantities. */
export function waterFillFloat(capacity: number, caps: ArrayLike<number>, weights: ArrayLike<number>, out: number[]): number {
  const rest = saturate(capacity, caps, weights, out, false);
  if (typeof rest === 'number') return rest;
  for (let k = rest.from; k < rest.active.length; k++) {
    const i = rest.active[k];
    // Strictly below its cap by the saturation test; min() guards the last ulp.
    out[i] = Math.min(caps[i], (rest.left * weights[i]) / rest.weightLeft);
  }
  return capacity;
}
