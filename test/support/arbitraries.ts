import fc from 'fast-check';

/**
 * A number in [min, max] spread evenly over the range, mostly on a grid of `steps` (both ends
 * included), sometimes any double (its edge cases). fc.double alone is uniform over the
 * representable doubles, so in [0, 1] nearly every value it draws is below 1e-10: a "fraction"
 * or "cores" drawn with it is almost always 0 in effect. The grid is unbiased (fc.integer favours
 * small values).
 */
export function uniformIn(min: number, max: number, steps = 1000): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.noBias(fc.integer({ min: 0, max: steps })).map((k) => (k === steps ? max : min + ((max - min) * k) / steps)) },
    { weight: 1, arbitrary: fc.double({ min, max, noNaN: true }) },
  );
}
