import fc from 'fast-check';
import { HP_PROLIANT_ML110_G4_WATTS, HP_PROLIANT_ML110_G5_WATTS } from '@nimbus/hypervisor';
import { applyScenarioOverrides, builtInScenario, formatScenarioError, validateScenario } from '../scenario';
import { CloudSimDatacenter, CloudSimHostSpec, CsHost, CsVm, LocalRegression, metricsOf, minimumMigrationTime } from './cloudsim-model';
import { iqr, mad, median } from './cloudsim-stats';

const g4: CloudSimHostSpec = { type: 'g4', pes: 2, mipsPerPe: 1860, ramMiB: 4096, bwKbps: 1_000_000, powerCurve: HP_PROLIANT_ML110_G4_WATTS };
const g5: CloudSimHostSpec = { type: 'g5', pes: 2, mipsPerPe: 2660, ramMiB: 4096, bwKbps: 1_000_000, powerCurve: HP_PROLIANT_ML110_G5_WATTS };
const vmSpec = (mips: number, ramMiB: number, util: number[] = [0]) => ({ name: `vm${mips}`, type: `t${mips}`, mips, pes: 1, ramMiB, bwKbps: 100_000, utilization: Float64Array.from(util) });
/** The host's CPU shares, one per guest (`alloc` keeps entries past them). */
const sharesOf = (h: CsHost) => h.alloc.slice(0, h.guests.length);

describe('CloudSim power model (SPECpower tables, linear interpolation)', () => {
  it('a G4 at 50 % draws the table’s 102 W; at 55 % halfway to 106 W; a G5 at 100 % its 135 W', () => {
    const host = new CsHost(0, g4);
    expect(host.watts(0.5)).toBeCloseTo(102, 12);
    expect(host.watts(0.55)).toBeCloseTo(104, 12);
    expect(new CsHost(1, g5).watts(1)).toBe(135);
  });

  it('power never falls as utilization rises (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (a, b, isG4) => {
        const host = new CsHost(0, isG4 ? g4 : g5);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(host.watts(lo)).toBeLessThanOrEqual(host.watts(hi) + 1e-9);
      }),
    );
  });
});

describe('CloudSim statistics', () => {
  it('IQR of 0.1, 0.2, …, 1.2 takes the 3rd and 10th sorted values: 1.0 − 0.3 = 0.7', () => {
    expect(iqr([1.2, 0.1, 1.1, 0.2, 1.0, 0.3, 0.9, 0.4, 0.8, 0.5, 0.7, 0.6].map((x) => x))).toBeCloseTo(0.7, 12);
  });

  it('MAD of 1, 2, 3, 4, 100 is 1 (median 3, deviations 2, 1, 0, 1, 97); the median of an even count averages the middle two', () => {
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('LR predicts a rising series one migration interval ahead: 0.1 … 1.0 → 1.1 at step 11, × 1.2 = 1.32', () => {
    const newestFirst = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
    // 1,740 MB at 1 Gbit/s ÷ 2 takes 27.84 s: one 300 s interval.
    expect(new LocalRegression(false, 1.2, 300).predict(newestFirst, 27.84)).toBeCloseTo(1.32, 10);
    expect(new LocalRegression(true, 1.2, 300).predict(newestFirst, 27.84)).toBeCloseTo(1.32, 10);
    expect(new LocalRegression(false, 1.2, 300).predict(newestFirst.slice(0, 9), 27.84)).toBeUndefined();
  });
});

describe('CloudSim host state history', () => {
  it('SLATAH of a hand-made history: oversubscribed 300 s of 600 s active = 50 %; one shutdown after 900 s', () => {
    const host = new CsHost(0, { ...g4, mipsPerPe: 1000 }); // 2,000 MIPS
    const a = new CsVm(0, vmSpec(2000, 512));
    const b = new CsVm(1, vmSpec(2000, 512));
    host.add(a);
    host.add(b);
    const at = (t: number, ra: number, rb: number) => {
      a.req = ra;
      b.req = rb;
      host.update(t, 300, Number.NaN);
    };
    at(300, 1500, 1000); // 2,500 asked of 2,000: a's 1,500 is capped at one 1,000-MIPS core, so 2,000 is given
    expect(sharesOf(host)).toEqual([1000, 1000]);
    expect(host.utilizationMips).toBe(2000);
    at(600, 500, 1000);
    at(900, 0, 0);
    at(1200, 0, 0);
    host.closeHistory(1200);
    expect(host.activeSeconds).toBe(600);
    expect(host.violationSeconds).toBe(300);
    expect(host.shutdowns).toBe(1);
    expect(host.secondsBeforeShutdown).toBe(900);
  });

  it('MMT picks the VM with the least RAM, the first of equals', () => {
    const host = new CsHost(0, g5);
    const vms = [new CsVm(0, vmSpec(1000, 1740)), new CsVm(1, vmSpec(500, 613)), new CsVm(2, vmSpec(500, 613))];
    for (const v of vms) host.add(v);
    expect(minimumMigrationTime(host)).toBe(vms[1]);
  });
});

describe('CloudSim data centre', () => {
  it('NonPowerAware meters every host at full power: 2 G4 + 2 G5 over one 300.1 s interval', () => {
    const dc = new CloudSimDatacenter({ hosts: [g4, g5, g4, g5], vms: [vmSpec(500, 613, [0.5, 0.5, 0.5])], policy: { kind: 'npa' }, intervalSeconds: 300 });
    dc.start();
    dc.intervalAt(300.1);
    dc.finish(300.1);
    expect(metricsOf(dc).energyKWh).toBeCloseTo(((2 * 117 + 2 * 135) * 300.1) / 3_600_000, 12);
  });

  it('hosts re-share their CPU once the last migration ending at a time completes, found by the model itself', () => {
    // Three VMs asking 300 MIPS (30 % of 1,000), one per host after placement: THR-MMT empties the
    // two least utilized hosts onto host 1, two migrations of 613 MB at 1 Gbit/s ÷ 2: 9.808 s each.
    const vms = [0, 1, 2].map(() => vmSpec(1000, 613, [0.3, 0.3, 0.3]));
    const dc = new CloudSimDatacenter({ hosts: [g5, g5, g5], vms, policy: { kind: 'thr', threshold: 0.8 }, intervalSeconds: 300 });
    dc.start();
    const { migrations, durations } = dc.intervalAt(300.1);
    expect(migrations.map((m) => [m.vm.id, m.target.id])).toEqual([[0, 1], [2, 1]]);
    expect(durations).toEqual([9.808, 9.808]);
    const end = 300.1 + 9.808;
    expect(() => dc.completeMigration(migrations[0], end + 1)).toThrow(RangeError);
    dc.completeMigration(migrations[0], end);
    dc.completeMigration(migrations[1], end);
    const [h0, h1, h2] = dc.hosts;
    expect(h1.guests.map((g) => g.id)).toEqual([1, 0, 2]);
    expect(sharesOf(h1)).toEqual([300, 300, 300]);
    expect(h1.utilizationMips).toBe(900);
    for (const h of [h0, h2]) {
      expect(h.guests).toEqual([]);
      expect(sharesOf(h)).toEqual([]);
      expect(h.utilizationMips).toBe(0);
    }
  });

  it('no host is given more than its MIPS after THR placement, whatever the demand (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 6, maxLength: 6 }), { minLength: 4, maxLength: 24 }), (traces) => {
        const types = [[2500, 870], [2000, 1740], [1000, 1740], [500, 613]];
        const vms = traces.map((tr, i) => vmSpec(types[i % 4][0], types[i % 4][1], [...tr.map((p) => p / 100), tr[5] / 100]));
        const dc = new CloudSimDatacenter({ hosts: [g4, g5, g4, g5, g4, g5, g4, g5, g4, g5, g4, g5], vms, policy: { kind: 'thr', threshold: 0.8 }, intervalSeconds: 300 });
        dc.start();
        for (let k = 1; k <= 4; k++) {
          const t = 0.1 + 300 * k;
          const { migrations, durations } = dc.intervalAt(t);
          const ends = migrations.map((m, i) => ({ m, end: t + durations[i] })).sort((a, b) => a.end - b.end);
          for (const { m, end } of ends) dc.completeMigration(m, end);
          for (const h of dc.hosts) expect(sharesOf(h).reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(h.totalMips + 1e-6);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('a CloudSim scenario document', () => {
  const base = () => builtInScenario('cloudsim-planetlab-20110303')!;
  const errorsOf = (overrides: unknown) => {
    const v = validateScenario(applyScenarioOverrides(base(), overrides));
    return v.ok ? [] : v.errors.map(formatScenarioError);
  };

  it('the built-in is valid, and each policy may be given with or without its parameter', () => {
    expect(errorsOf({})).toEqual([]);
    for (const policy of ['npa', 'dvfs', 'iqr-mmt', 'mad-mmt', 'lr-mmt', 'lrr-mmt']) expect(errorsOf({ policies: { cloudsim: { policy, parameter: null } } })).toEqual([]);
    expect(errorsOf({ policies: { cloudsim: { policy: 'iqr-mmt', parameter: 2 } } })).toEqual([]);
  });

  it('says which field makes it no CloudSim run', () => {
    expect(errorsOf({ policies: { cloudsim: { policy: 'dvfs', parameter: 1 } } })).toEqual(["/policies/cloudsim/parameter: is not used by 'dvfs': remove it"]);
    expect(errorsOf({ policies: { cloudsim: { policy: 'thr-mmt', parameter: 1.2 } } })).toEqual(['/policies/cloudsim/parameter: must be ≤ 1 (a utilization threshold) for thr-mmt']);
    expect(errorsOf({ bucketSeconds: 600, durationHours: 24 })).toEqual([]);
    expect(errorsOf({ bucketSeconds: 450, durationHours: 3 })).toEqual(['/bucketSeconds: must be a multiple of 300 s (the scheduling interval) for a CloudSim run']);
    const { mipsPerCore: _, ...g4WithoutMips } = base().hostTypes![0];
    expect(errorsOf({ hostTypes: [g4WithoutMips, base().hostTypes![1]] })).toEqual(['/hostTypes/0/mipsPerCore: is required for a CloudSim run']);
    expect(errorsOf({ faults: { hosts: { mtbfHours: 100, mttrHours: 1 } } })).toEqual(['/faults: is not modelled by a CloudSim run: remove it']);
  });
});
