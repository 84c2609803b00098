/**
 * The statistics CloudSim's adaptive overload detectors use (its `MathUtil`, CloudSim 3.0.3), as it
 * computes them, quirks included, so that thresholds come out as CloudSim's do.
 */

/** The median (Apache Commons Math's 50th percentile: the mean of the two middle values of an even count). */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : sorted[mid - 1] + 0.5 * (sorted[mid] - sorted[mid - 1]);
}

/** Median absolute deviation: the median of |median − xᵢ| (0 for no data). */
export function mad(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const m = median(values);
  return median(values.map((x) => Math.abs(m - x)));
}

/**
 * Interquartile range as CloudSim takes it: sort, then Q1 and Q3 are the values at positions
 * round(¼(n+1)) and round(¾(n+1)) (1-based, Java's round half up), with no interpolation.
 */
export function iqr(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const q1 = Math.floor(0.25 * (n + 1) + 0.5) - 1;
  const q3 = Math.floor(0.75 * (n + 1) + 0.5) - 1;
  return sorted[q3] - sorted[q1];
}

/**
 * The length of `data` up to and including its last non-zero value (CloudSim's
 * `countNonZeroBeginning`); for an array of zeros it answers 1, as CloudSim's does.
 */
export function countNonZeroBeginning(data: ArrayLike<number>): number {
  let i = data.length - 1;
  while (i >= 0) {
    if (data[i--] !== 0) break;
  }
  return i + 2;
}

/** `data` without its trailing zeros (CloudSim's `trimZeroTail`). */
export function trimZeroTail(data: ArrayLike<number>): number[] {
  return Array.prototype.slice.call(data, 0, countNonZeroBeginning(data)) as number[];
}

/** Ordinary least squares of y on x: [intercept, slope] (Apache Commons Math's SimpleRegression). */
export function linearRegression(x: readonly number[], y: readonly number[]): [number, number] {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const slope = sxy / sxx;
  return [my - slope * mx, slope];
}

/** CloudSim's tricube weights for n points (`getTricubeWeigts`): 1/k, the first three equal. */
export function tricubeWeights(n: number): number[] {
  const w = new Array<number>(n).fill(0);
  const top = n - 1;
  for (let i = 2; i < n; i++) {
    const k = Math.pow(1 - Math.pow((top - i) / top, 3), 3);
    w[i] = k > 0 ? 1 / k : Number.MAX_VALUE;
  }
  w[0] = w[1] = w[2];
  return w;
}

/** Tricube weights times bisquare weights of the residuals (`getTricubeBisquareWeigts`). */
export function tricubeBisquareWeights(residuals: readonly number[]): number[] {
  const n = residuals.length;
  const w = tricubeWeights(n);
  const w2 = new Array<number>(n).fill(0);
  const s6 = median(residuals.map(Math.abs)) * 6;
  for (let i = 2; i < n; i++) {
    const k = Math.pow(1 - Math.pow(residuals[i] / s6, 2), 2);
    w2[i] = k > 0 ? (1 / k) * w[i] : Number.MAX_VALUE;
  }
  w2[0] = w2[1] = w2[2];
  return w2;
}

/**
 * CloudSim's weighted regression (`createWeigthedLinearRegression`): the points are scaled by √w
 * only when at least 40 % of the weights are ≤ 0. Its weights are never ≤ 0 (they are 1/k or
 * Double.MAX_VALUE), so in CloudSim this is ordinary least squares; kept as published.
 */
export function weightedRegression(x: readonly number[], y: readonly number[], weights: readonly number[]): [number, number] {
  const zeros = weights.filter((w) => w <= 0).length;
  if (zeros >= 0.4 * weights.length) {
    return linearRegression(x.map((v, i) => Math.sqrt(weights[i]) * v), y.map((v, i) => Math.sqrt(weights[i]) * v));
  }
  return linearRegression(x, y);
}

const positions = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Local regression (Cleveland's loess as CloudSim applies it) of y at x = 1..n: [intercept, slope]. */
export function loessEstimates(y: readonly number[]): [number, number] {
  return weightedRegression(positions(y.length), y, tricubeWeights(y.length));
}

/** Robust local regression: a second fit with bisquare weights of the first fit's residuals (`getRobustLoessParameterEstimates`). */
export function robustLoessEstimates(y: readonly number[]): [number, number] {
  const x = positions(y.length);
  const first = weightedRegression(x, y, tricubeWeights(y.length));
  const residuals = y.map((v, i) => v - (first[0] + first[1] * x[i]));
  const second = weightedRegression(x, y, tricubeBisquareWeights(residuals));
  return Number.isNaN(second[0]) || Number.isNaN(second[1]) ? first : second;
}
