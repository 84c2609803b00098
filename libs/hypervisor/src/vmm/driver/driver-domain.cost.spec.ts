import { findHostType } from '../../catalog/host-types';
import { allocateCpu, hostCpuCapacityMillicores } from '../cpu/cpu-allocator';
import { driverDomainMillicores, hostDriverDomainMillicores } from './driver-domain.cost';

describe('driverDomainMillicores', () => {
  it('costs 20 µs of a core per block IO and 5 µs per packet: 100k IOPS = 2 cores, 1 M pps = 5 cores', () => {
    expect(driverDomainMillicores({ iops: 100_000, packetsPerSec: 0 }, false)).toBe(2000);
    expect(driverDomainMillicores({ iops: 0, packetsPerSec: 1_000_000 }, false)).toBe(5000);
    expect(driverDomainMillicores({ iops: 1, packetsPerSec: 0 }, false)).toBe(1); // rounded up, never free
  });

  it('SR-IOV bypasses the driver domain for network, not for block IO', () => {
    expect(driverDomainMillicores({ iops: 100_000, packetsPerSec: 1_000_000 }, true)).toBe(2000);
  });

  it('only software-virtualized IO pays: the Xen PV host does, the Nitro-class host does not', () => {
    const load = { iops: 50_000, packetsPerSec: 200_000 };
    expect(hostDriverDomainMillicores(findHostType('m5-xen-pv-host')!, load)).toBe(2000);
    expect(hostDriverDomainMillicores(findHostType('m5-host')!, load)).toBe(0);
  });

  it('an IO-heavy tenant steals CPU from everyone on the host through the driver domain', () => {
    const pv = findHostType('m5-xen-pv-host')!;
    const greedy = Array.from({ length: 56 }, (_, i) => ({ id: `vm${i}`, demandMillicores: 2000, reservationMillicores: 0, limitMillicores: 2000, weight: 2048 }));
    const quiet = allocateCpu(hostCpuCapacityMillicores(pv), greedy);
    const busy = allocateCpu(hostCpuCapacityMillicores(pv, { driverDomainMillicores: driverDomainMillicores({ iops: 200_000, packetsPerSec: 0 }, false) }), greedy);
    expect(quiet.vms[0].allocatedMillicores - busy.vms[0].allocatedMillicores).toBeGreaterThan(0);
    expect(quiet.allocatedMillicores - busy.allocatedMillicores).toBe(4000);
  });
});
