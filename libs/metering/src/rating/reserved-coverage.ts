import { MS_PER_HOUR } from '../calendar/billing-month';
import { instanceFamilyOf, normalizationQuarterUnits } from '../pricing/reserved-pricing';

/** A Reserved Instance's share of the month: what can cover usage, [startMs, endMs) of its term. */
export interface CoveringReservation {
  readonly reservedInstancesId: string;
  readonly instanceType: string;
  readonly scope: 'Region' | 'Availability Zone';
  /** Zonal RIs only. */
  readonly availabilityZone?: string;
  readonly instanceCount: number;
  readonly startMs: number;
  readonly endMs: number;
}

/** Billed On-Demand usage (Linux/UNIX, default tenancy) of one instance inside one clock hour. */
export interface CoverablePiece {
  /** ⌊t / 3,600,000⌋ of the piece's start: the clock hour its billed ms belong to. */
  readonly hour: number;
  readonly instanceType: string;
  readonly availabilityZone: string;
  /** Integer ms the On-Demand rate would bill (after the granularity rule). */
  readonly billedMs: number;
}

/** What coverUsage decided: the covered ms of each piece, and each reservation's use (input order). */
export interface Coverage {
  readonly covered: number[];
  /**
   * The units × ms each reservation gave in the hours it was given (≤ reservationUnits × its
   * instance count × its ms): the "RI hours used" of AWS Cost Explorer's utilization, before ÷ units × 1 h.
   */
  readonly used: number[];
}

/**
 * The units an RI's capacity is counted in: its normalization factor (in quarters, as the rule
 * counts) where its type has one, else 1 (it covers its own type, one instance-ms per ms).
 */
export const reservationUnits = (r: Pick<CoveringReservation, 'instanceType'>): number => normalizationQuarterUnits(r.instanceType) ?? 1;

const overlap = (r: CoveringReservation, from: number, to: number): number => Math.max(0, Math.min(r.endMs, to) - Math.max(r.startMs, from));

/**
 * The one place Reserved Instances meet usage (docs/model.md §5, "Reserved Instances"; EC2 User
 * Guide, "How Reserved Instance discounts are applied"). In each clock hour:
 *
 * - an RI can cover at most 3,600 s × its instance count of usage per clock hour ("A Reserved
 *   Instance billing benefit can apply to a maximum of 3600 seconds (one hour) of instance usage per
 *   clock-hour": AWS whitepaper, "Usage billing"), prorated by the part of the hour inside its term;
 * - zonal RIs apply first, to usage of exactly their type in their zone;
 * - then regional RIs, to their type in any zone or, with instance size flexibility (a type with a
 *   normalization factor), to any size of the family, in normalized units: an m5.xlarge RI (8) covers
 *   two m5.large hours (4 each), an m5.large RI half an m5.xlarge hour; "Size flexible Reserved
 *   Instances apply to the smallest instance sizes first" (AWS CUR User Guide);
 * - usage the hour's RIs cannot cover stays On-Demand.
 *
 * Returns the covered ms of each piece (integers, ≤ its billedMs) and what each reservation gave, in
 * its units × ms (reservationUnits). Covered + uncovered is the billed total by construction, and no
 * RI gives more than its capacity: covered ms × the piece's units is taken from the RI's units × ms,
 * rounding down. RIs and pieces are visited in a fixed order (ids, sizes, types, zones), so the result
 * does not depend on input order.
 */
export function coverUsage(pieces: readonly CoverablePiece[], reservations: readonly CoveringReservation[]): Coverage {
  const covered = new Array<number>(pieces.length).fill(0);
  const used = new Array<number>(reservations.length).fill(0);
  if (reservations.length === 0) return { covered, used };
  const index = new Map(reservations.map((r, j) => [r, j]));
  const byId = (a: CoveringReservation, b: CoveringReservation) => (a.reservedInstancesId < b.reservedInstancesId ? -1 : a.reservedInstancesId > b.reservedInstancesId ? 1 : 0);
  const zonal = reservations.filter((r) => r.scope === 'Availability Zone').sort(byId);
  const regional = reservations.filter((r) => r.scope === 'Region').sort(byId);
  const units = (t: string) => normalizationQuarterUnits(t) ?? 0;
  const byHour = new Map<number, number[]>();
  pieces.forEach((p, i) => {
    let list = byHour.get(p.hour);
    if (!list) byHour.set(p.hour, (list = []));
    list.push(i);
  });
  for (const [hour, list] of byHour) {
    list.sort((a, b) => {
      const pa = pieces[a];
      const pb = pieces[b];
      return units(pa.instanceType) - units(pb.instanceType) || cmp(pa.instanceType, pb.instanceType) || cmp(pa.availabilityZone, pb.availabilityZone) || a - b;
    });
    const from = hour * MS_PER_HOUR;
    const to = from + MS_PER_HOUR;
    for (const r of zonal) {
      let left = r.instanceCount * overlap(r, from, to);
      for (const i of list) {
        if (left === 0) break;
        const p = pieces[i];
        if (p.instanceType !== r.instanceType || p.availabilityZone !== r.availabilityZone) continue;
        const take = Math.min(left, p.billedMs - covered[i]);
        covered[i] += take;
        left -= take;
        used[index.get(r)!] += take * reservationUnits(r);
      }
    }
    for (const r of regional) {
      const ru = normalizationQuarterUnits(r.instanceType);
      // Without a normalization factor an RI covers its own type only, one instance-ms per ms.
      let left = r.instanceCount * overlap(r, from, to) * (ru ?? 1);
      const family = instanceFamilyOf(r.instanceType);
      for (const i of list) {
        if (left === 0) break;
        const p = pieces[i];
        const pu = ru === undefined ? (p.instanceType === r.instanceType ? 1 : undefined) : instanceFamilyOf(p.instanceType) === family ? normalizationQuarterUnits(p.instanceType) : undefined;
        if (pu === undefined) continue;
        const take = Math.min(Math.floor(left / pu), p.billedMs - covered[i]);
        covered[i] += take;
        left -= take * pu;
        used[index.get(r)!] += take * pu;
      }
    }
  }
  return { covered, used };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
