/**
 * How many generated cases of a property reached its assertions. A property whose cases mostly
 * return early (or are discarded by fc.pre) checks little while it looks green; this makes that a
 * failure. Use one per property:
 *
 *   const reach = new Reach();
 *   fc.assert(fc.property(arb, (x) => { reach.run(); if (!interesting(x)) return; reach.hit(); expect(...) }));
 *   reach.expectAtLeast(0.5);
 */
export class Reach {
  private runs = 0;
  private hits = 0;

  /** Counts a generated case (call first in the predicate). */
  run(): void {
    this.runs++;
  }

  /** Counts a case that reached the assertions. */
  hit(): void {
    this.hits++;
  }

  get rate(): number {
    return this.runs === 0 ? 0 : this.hits / this.runs;
  }

  /** Fails unless at least `minRate` of the cases run so far reached the assertions (FC_REACH_LOG=1 prints the rate). */
  expectAtLeast(minRate = 0.5, label = 'property'): void {
    if (process.env.FC_REACH_LOG) process.stdout.write(`reach ${label}: ${this.hits}/${this.runs} = ${(this.rate * 100).toFixed(1)} %\n`);
    if (this.runs === 0 || this.rate < minRate) {
      throw new Error(`only ${this.hits} of ${this.runs} generated cases (${(this.rate * 100).toFixed(1)} %) reached the assertions; at least ${minRate * 100} % should: steer the generator toward the interesting region`);
    }
  }
}
