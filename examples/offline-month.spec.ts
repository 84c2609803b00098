import { offlineMonth } from './offline-month';

describe('an offline month with the libraries alone (examples/offline-month.ts)', () => {
  // Two m5-hosts (one per zone: 2 × 28 cores × 2 threads = 112 threads, 512 GiB less 8 GiB for the
  // hypervisor). An m5.24xlarge has 384 GiB: one fits per host, so the third launch is refused for
  // memory. Each runs 1 core of constant demand for 30 days after a 15 s Linux boot.
  const r = offlineMonth({ hostsPerZone: 1, vms: 3, days: 30, demandCores: 1, instanceType: 'm5.24xlarge' });

  it('launches through the scheduler and reports the refusal as an event, with its reason', () => {
    expect(r.launched).toBe(2);
    expect(r.refused).toHaveLength(1);
    expect(r.refused[0]).toMatchObject({ tenantId: 'tenant-2', instanceType: 'm5.24xlarge', code: 'InsufficientInstanceCapacity', count: 1 });
    expect(r.refused[0].reasons).toContain('capacity: memory');
  });

  it('meters running time from boot to the end of the run', () => {
    const seconds = 30 * 86_400 - 15;
    expect(r.runningSecondsByTenant).toEqual({ 'tenant-0': seconds, 'tenant-1': seconds });
  });

  it('integrates energy on the SPECpower curve: 118 W idle, 170 W at 10 %, linear between', () => {
    const utilization = 1 / 112;
    const watts = 118 + (170 - 118) * (utilization / 0.1);
    expect(r.energyKWh).toBeCloseTo((2 * watts * 30 * 24) / 1000, 0);
  });

  it('averages the fleet utilization over the month from its metric buckets', () => {
    // 2 cores of 224 hardware threads, a little more once the VMM keeps some capacity for itself.
    expect(r.meanFleetCpuUtilization).toBeGreaterThanOrEqual(2 / 224);
    expect(r.meanFleetCpuUtilization).toBeLessThan((2 / 224) * 1.05);
  });

  it('runs the month in daily slices', () => {
    expect(r.slices).toBe(30);
  });
});
