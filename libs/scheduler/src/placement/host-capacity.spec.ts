import { capacityShortfall, fitsOnHost, hostCapacity, HostHardware } from './host-capacity';
import { fleetOf } from '../testing/fleet-fixture';

// A host of 4 threads whose VMM keeps 200 millicores for itself, with 16,000 MiB for guests.
const hw: HostHardware = { threads: 4, cpuCapacityMillicores: 3800, memoryCapacityMiB: 16_000 };
const RATIO_1 = { cpuAllocationRatio: 1, ramAllocationRatio: 1 };
const RATIO_1_5 = { cpuAllocationRatio: 1.5, ramAllocationRatio: 1.5 };
const none = { reservedMillicores: 0, limitMillicores: 0, memoryMiB: 0 };
const need = (reservationMillicores: number, limitMillicores: number, memoryMiB: number) => ({ reservationMillicores, limitMillicores, memoryMiB });

describe('hostCapacity: the bounds of the placement capacity rule', () => {
  it('at ratio 1.0: reservations up to the VMM\'s CPU, limits up to the threads, memory up to guest memory', () => {
    expect(hostCapacity(hw, RATIO_1)).toEqual({ reservationMillicores: 3800, limitMillicores: 4000, memoryMiB: 16_000 });
  });

  it('at ratio 1.5: limits and memory scale, reservations never (they are guarantees)', () => {
    // 4 × 1000 × 1.5 = 6000; 16,000 × 1.5 = 24,000
    expect(hostCapacity(hw, RATIO_1_5)).toEqual({ reservationMillicores: 3800, limitMillicores: 6000, memoryMiB: 24_000 });
  });

  it('floors a fractional bound (an integer sum ≤ x exactly when it is ≤ ⌊x⌋)', () => {
    // 3 × 1000 × 1.3333 = 3999.9; 1001 × 1.5 = 1501.5
    expect(hostCapacity({ threads: 3, cpuCapacityMillicores: 2850, memoryCapacityMiB: 1001 }, { cpuAllocationRatio: 1.3333, ramAllocationRatio: 1.5 }))
      .toEqual({ reservationMillicores: 2850, limitMillicores: 3999, memoryMiB: 1501 });
  });

  it('reads a real host as the hypervisor computes it', () => {
    const { fleet } = fleetOf([['a', 'm5-host', 'us-east-1a']]);
    const host = fleet.host('a')!;
    expect(hostCapacity(host, { cpuAllocationRatio: 2, ramAllocationRatio: 1.5 })).toEqual({
      reservationMillicores: host.cpuCapacityMillicores,
      limitMillicores: host.threads * 2000,
      memoryMiB: Math.floor(host.memoryCapacityMiB * 1.5),
    });
  });
});

describe('capacityShortfall / fitsOnHost: the test of the placement capacity rule', () => {
  const allocated = { reservedMillicores: 3000, limitMillicores: 3000, memoryMiB: 12_000 };

  it('ratio 1.0: a request that fills the host exactly fits, in every dimension at once', () => {
    // 3000 + 800 = 3800, 3000 + 1000 = 4000, 12,000 + 4000 = 16,000
    expect(capacityShortfall(hostCapacity(hw, RATIO_1), allocated, need(800, 1000, 4000))).toEqual([]);
    expect(fitsOnHost(hw, RATIO_1, allocated, need(800, 1000, 4000))).toBe(true);
  });

  it.each([
    ['one millicore of reservation over', need(801, 1000, 4000), ['capacity: cpu-reservation']],
    ['one millicore of limit over', need(800, 1001, 4000), ['capacity: cpu-limit']],
    ['one MiB over', need(800, 1000, 4001), ['capacity: memory']],
    ['over in all three, every dimension named', need(801, 1001, 4001), ['capacity: cpu-reservation', 'capacity: cpu-limit', 'capacity: memory']],
  ])('ratio 1.0: %s does not fit', (_what, n, reasons) => {
    expect(capacityShortfall(hostCapacity(hw, RATIO_1), allocated, n)).toEqual(reasons);
    expect(fitsOnHost(hw, RATIO_1, allocated, n)).toBe(false);
  });

  it('ratio 1.5: limits up to 6000 and memory up to 24,000 fit exactly; one more does not', () => {
    expect(fitsOnHost(hw, RATIO_1_5, allocated, need(800, 3000, 12_000))).toBe(true);
    expect(capacityShortfall(hostCapacity(hw, RATIO_1_5), allocated, need(800, 3001, 12_000))).toEqual(['capacity: cpu-limit']);
    expect(capacityShortfall(hostCapacity(hw, RATIO_1_5), allocated, need(800, 3000, 12_001))).toEqual(['capacity: memory']);
  });

  it('ratio 1.5 never oversubscribes reservations: 3801 millicores reserved in all is refused', () => {
    expect(capacityShortfall(hostCapacity(hw, RATIO_1_5), allocated, need(801, 1000, 4000))).toEqual(['capacity: cpu-reservation']);
  });

  it('an empty host takes a request as large as the host, not one millicore more', () => {
    expect(fitsOnHost(hw, RATIO_1, none, need(3800, 4000, 16_000))).toBe(true);
    expect(fitsOnHost(hw, RATIO_1, none, need(3801, 4000, 16_000))).toBe(false);
  });

  it('a host that holds more than its bounds after the ratio is lowered (1.5 → 1.0) is short even for a request that needs none of it', () => {
    const over = { reservedMillicores: 0, limitMillicores: 5000, memoryMiB: 0 };
    expect(fitsOnHost(hw, RATIO_1_5, over, need(0, 0, 0))).toBe(true);
    expect(capacityShortfall(hostCapacity(hw, RATIO_1), over, need(0, 0, 0))).toEqual(['capacity: cpu-limit']);
  });
});
