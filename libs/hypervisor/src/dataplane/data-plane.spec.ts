import { MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../engine/sim-time';
import { hostCpuCapacityMillicores } from '../vmm/cpu/cpu-allocator';
import { resolveVolume } from '../vmm/io/ebs-volume';
import { planPreCopy } from '../vmm/migration/pre-copy.planner';
import { findHostType } from '../catalog/host-types';
import { DEFAULT_MIGRATION_SETTINGS } from './data-plane';
import { HOST } from './metric-fields';
import { LINUX, TestWorld as World } from '@nimbus/simulation/testing';

const M5_CAPACITY = hostCpuCapacityMillicores(findHostType('m5-host')!) / 1000; // 109.76 cores

describe('DataPlane: CPU (docs/model.md §3.1)', () => {
  it('gives two VMs weighted 1:3 on a saturated host 25 % and 75 % of it', () => {
    const w = new World();
    const h = w.host();
    const a = w.vm(h, 'm5.24xlarge', { reservationMillicores: 0, weight: 98_304 });
    const b = w.vm(h, 'm5.24xlarge', { reservationMillicores: 0, weight: 3 * 98_304 });
    w.dataPlane.setWorkload(a.vmId, { cpu: { model: 'constant', cores: 96 } });
    w.dataPlane.setWorkload(b.vmId, { cpu: { model: 'constant', cores: 96 } });
    w.run(1);
    expect(w.cores(a.vmId)).toBeCloseTo(M5_CAPACITY * 0.25, 3);
    expect(w.cores(b.vmId)).toBeCloseTo(M5_CAPACITY * 0.75, 3);
    expect(w.dataPlane.vmView(a.vmId).stealCores).toBeCloseTo(96 - M5_CAPACITY * 0.25, 3);
  });

  it('gives a VM reserving 2 cores its 2 cores beside ten greedy neighbours', () => {
    const w = new World();
    const h = w.host();
    const small = w.vm(h, 'm5.large');
    const greedy = Array.from({ length: 10 }, () => w.vm(h, 'm5.24xlarge', { reservationMillicores: 0 }));
    for (const g of greedy) w.dataPlane.setWorkload(g.vmId, { cpu: { model: 'constant', cores: 96 } });
    w.dataPlane.setWorkload(small.vmId, { cpu: { model: 'constant', cores: 2 } });
    w.run(1);
    expect(w.cores(small.vmId)).toBe(2);
    const total = [small, ...greedy].reduce((s, vm) => s + w.cores(vm.vmId), 0);
    expect(total).toBeCloseTo(M5_CAPACITY, 6); // work-conserving, never above capacity
  });

  it('never lets a capped VM exceed its cap, even alone on an idle host', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 'm5.xlarge', { reservationMillicores: 0, limitMillicores: 500 });
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'random-walk', meanCores: 3, volatility: 1, seed: 7, stepSeconds: 60 } });
    for (let i = 0; i < 200; i++) {
      w.run(MS_PER_MINUTE);
      expect(w.cores(vm.vmId)).toBeLessThanOrEqual(0.5);
    }
  });

  it('drops a standard-mode t3.micro to its baseline at the exact millisecond its credits run out', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 't3.micro');
    w.dataPlane.setCreditMode(vm.vmId, 'standard');
    // Idle for a day: it earns 0.1 × 2 × 60 = 12 credits an hour, up to the 24-hour cap of 288.
    w.run(25 * MS_PER_HOUR);
    expect(w.dataPlane.vmView(vm.vmId).creditBalance).toBeCloseTo(288, 9);
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 2 } });
    const start = w.engine.now;
    // Spending 2 − 0.2 = 1.8 credits a minute, 288 credits last exactly 160 minutes.
    w.at(start + 160 * MS_PER_MINUTE - 1);
    expect(w.cores(vm.vmId)).toBe(2);
    w.at(start + 160 * MS_PER_MINUTE);
    expect(w.cores(vm.vmId)).toBe(0.2);
    expect(w.dataPlane.vmView(vm.vmId).creditBalance).toBe(0);
    expect(w.timeline.filter((e) => e.kind === 'vm.cpu-credits-exhausted').map((e) => e.time)).toEqual([start + 160 * MS_PER_MINUTE]);
  });

  it('lets an unlimited t3 keep bursting on surplus credits, which are recorded', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 't3.micro');
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 2 } });
    w.run(MS_PER_HOUR);
    const v = w.dataPlane.vmView(vm.vmId);
    expect(v.allocatedCores).toBe(2);
    expect(v.creditBalance).toBe(0);
    // An hour at 1.8 vCPUs above the baseline: 108 surplus credits.
    expect(v.surplusCredits).toBeCloseTo(108, 6);
  });

  it('loses the virtualization overhead of its mode from one table: hardware-assisted 2 %, paravirtual 4 %, trap-and-emulate 10 %', () => {
    const w = new World();
    const capacity = (type: string) => {
      const h = w.host(type);
      const vm = w.vm(h, 'm5.24xlarge', { reservationMillicores: 0 });
      const vm2 = w.vm(h, 'm5.24xlarge', { reservationMillicores: 0 });
      for (const v of [vm, vm2]) w.dataPlane.setWorkload(v.vmId, { cpu: { model: 'constant', cores: 96 } });
      w.run(1);
      return w.cores(vm.vmId) + w.cores(vm2.vmId);
    };
    expect(capacity('m5-host')).toBeCloseTo(112 * 0.98, 9);
    expect(capacity('m5-xen-pv-host')).toBeCloseTo(112 * 0.96, 9);
    expect(capacity('m5-bt-host')).toBeCloseTo(112 * 0.9, 9);
  });

  it('takes the driver domain’s CPU off a paravirtual host’s capacity, in proportion to its IO', () => {
    const w = new World();
    const h = w.host('m5-xen-pv-host');
    const vm = w.vm(h, 'm5.4xlarge');
    w.dataPlane.addVolume({ volumeId: 'vol-00000000000000001', tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'io2', sizeGiB: 100, iops: 10_000 }) });
    w.dataPlane.attachVolume('vol-00000000000000001', vm.vmId);
    const before = w.dataPlane.hostView(h).cpuCapacityCores;
    w.dataPlane.setWorkload(vm.vmId, { io: [{ volumeId: 'vol-00000000000000001', iops: 10_000, throughputMiBps: 10 }] });
    w.run(1);
    const after = w.dataPlane.hostView(h);
    // 10,000 IOPS × 20 µs = 0.2 of a core.
    expect(after.driverDomainCores).toBeCloseTo(0.2, 9);
    expect(after.cpuCapacityCores).toBeCloseTo(before - 0.2, 9);
  });

  it('takes the guests’ privileged operations off the capacity by mode, in proportion to the cores they run (§3.1)', () => {
    // m5-bt-host: 112 threads, trap-and-emulate, 10 % + 5 % per 10,000 ops/s/core.
    // One m5.24xlarge demanding 56 cores at 20,000 ops/s per core: 56 × 20,000 / 112 = 10,000 ops/s per thread,
    // so the overhead is 10 % + 5 % = 15 %: 112 × 0.85 = 95.2 cores.
    const w = new World();
    const h = w.host('m5-bt-host');
    const vm = w.vm(h, 'm5.24xlarge', { reservationMillicores: 0 });
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 56 }, privileged: { opsPerSecPerCore: 20_000 } });
    w.run(1);
    expect(w.dataPlane.hostView(h).cpuCapacityCores).toBeCloseTo(95.2, 9);
    // The same on a hardware-assisted host: 2 % + 0.5 % = 2.5 %, 112 × 0.975 = 109.2 cores.
    const w2 = new World();
    const h2 = w2.host('m5-host');
    const vm2 = w2.vm(h2, 'm5.24xlarge', { reservationMillicores: 0 });
    w2.dataPlane.setWorkload(vm2.vmId, { cpu: { model: 'constant', cores: 56 }, privileged: { opsPerSecPerCore: 20_000 } });
    w2.run(1);
    expect(w2.dataPlane.hostView(h2).cpuCapacityCores).toBeCloseTo(109.2, 9);
    // An idle guest makes no privileged operations: the base 10 % again.
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 0 } });
    w.run(1);
    expect(w.dataPlane.hostView(h).cpuCapacityCores).toBeCloseTo(100.8, 9);
  });
});

describe('DataPlane: IO (docs/model.md §3.3)', () => {
  it('bursts a gp2 volume at 3,000 IOPS until its bucket empties, then holds it at its baseline', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 'm5.large');
    const vol = 'vol-00000000000000002';
    w.dataPlane.addVolume({ volumeId: vol, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'gp2', sizeGiB: 100 }) });
    w.dataPlane.attachVolume(vol, vm.vmId);
    w.dataPlane.setWorkload(vm.vmId, { io: [{ volumeId: vol, iops: 5_000, throughputMiBps: 10 }] });
    const start = w.engine.now;
    // 5.4 M credits drain at 3,000 − 300 per second: exactly 2,000 s.
    w.at(start + 2_000 * MS_PER_SECOND - 1);
    expect(w.dataPlane.volumeView(vol).iopsDelivered).toBe(3_000);
    w.at(start + 2_000 * MS_PER_SECOND);
    expect(w.dataPlane.volumeView(vol)).toMatchObject({ iopsDelivered: 300, iopsThrottled: 4_700, burstBalancePercent: 0 });
    expect(w.timeline.some((e) => e.kind === 'volume.burst-credits-exhausted')).toBe(true);
  });

  it('a modified volume runs at its new spec from the change: a gp2 bucket keeps its balance, a gp3 one provisions its IOPS', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 'm5.large');
    const vol = 'vol-00000000000000003';
    w.dataPlane.addVolume({ volumeId: vol, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'gp2', sizeGiB: 100 }) });
    w.dataPlane.attachVolume(vol, vm.vmId);
    w.dataPlane.setWorkload(vm.vmId, { io: [{ volumeId: vol, iops: 5_000, throughputMiBps: 10 }] });
    const start = w.engine.now;
    // 1,000 s at 3,000 IOPS against a 300 IOPS baseline: 2.7 M of the 5.4 M credits left.
    w.at(start + 1_000 * MS_PER_SECOND);
    w.dataPlane.modifyVolume(vol, resolveVolume({ type: 'gp2', sizeGiB: 200 }));
    // 200 GiB: a 600 IOPS baseline, so 2.7 M credits drain at 3,000 − 600 per second: 1,125 s more.
    w.at(start + 2_125 * MS_PER_SECOND - 1);
    expect(w.dataPlane.volumeView(vol).iopsDelivered).toBe(3_000);
    w.at(start + 2_125 * MS_PER_SECOND);
    expect(w.dataPlane.volumeView(vol)).toMatchObject({ iopsDelivered: 600, iopsThrottled: 4_400, burstBalancePercent: 0 });
    // gp3 with 4,000 provisioned IOPS: no bucket; the demand of 5,000 gets 4,000 at once.
    w.dataPlane.modifyVolume(vol, resolveVolume({ type: 'gp3', sizeGiB: 200, iops: 4_000 }));
    w.run(1);
    expect(w.dataPlane.volumeView(vol)).toMatchObject({ instanceId: vm.vmId, iopsDelivered: 4_000, iopsThrottled: 1_000, burstBalancePercent: null });
  });

  it('bursts an st1 volume at its burst MiB/s until its throughput credits run out, then holds it at its baseline', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 'm5.2xlarge');
    const vol = 'vol-00000000000000004';
    // 1 TiB st1: 40 MiB/s baseline, 250 MiB/s burst; restored with 2,100 MiB of credit, which 250 MiB/s
    // drains at 250 − 40 = 210 MiB/s: 10 s.
    w.dataPlane.addVolume({ volumeId: vol, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'st1', sizeGiB: 1024 }), burstCredits: 2100 });
    w.dataPlane.attachVolume(vol, vm.vmId);
    w.dataPlane.setWorkload(vm.vmId, { io: [{ volumeId: vol, iops: 400, throughputMiBps: 400 }] }); // 1 MiB I/Os
    const start = w.engine.now;
    w.at(start + 10 * MS_PER_SECOND - 1);
    expect(w.dataPlane.volumeView(vol)).toMatchObject({ iopsDelivered: 250, throughputMiBps: 250 });
    w.at(start + 10 * MS_PER_SECOND);
    expect(w.dataPlane.volumeView(vol)).toMatchObject({ iopsDelivered: 40, throughputMiBps: 40, iopsThrottled: 360, burstBalancePercent: 0 });
    expect(w.timeline.some((e) => e.kind === 'volume.burst-credits-exhausted' && e.detail.baselineMiBps === 40)).toBe(true);
  });

  it('counts every st1 I/O as at least 1 MiB: small I/Os are held to the type\'s 500 IOPS and drain credits at 500 MiB/s', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 'm5.2xlarge');
    const vol = 'vol-00000000000000005';
    // 2 TiB st1: 80 MiB/s baseline, 500 burst. 4,200 MiB of credit at 500 − 80 = 420 MiB/s: 10 s.
    w.dataPlane.addVolume({ volumeId: vol, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'st1', sizeGiB: 2048 }), burstCredits: 4200 });
    w.dataPlane.attachVolume(vol, vm.vmId);
    w.dataPlane.setWorkload(vm.vmId, { io: [{ volumeId: vol, iops: 1000, throughputMiBps: 15.625 }] }); // 16 KiB I/Os
    const start = w.engine.now;
    w.at(start + 5 * MS_PER_SECOND);
    expect(w.dataPlane.volumeView(vol)).toMatchObject({ iopsDelivered: 500, burstCredits: 2100 });
    w.at(start + 10 * MS_PER_SECOND);
    expect(w.dataPlane.volumeView(vol)).toMatchObject({ iopsDelivered: 80, burstCredits: 0 });
  });

  it('counts a standard volume\'s I/O requests as delivered IOPS × time, only while attached to a running VM, and carries the count across a restart', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 'm5.large');
    const vol = 'vol-0000000000000000a';
    const gp3 = 'vol-0000000000000000b';
    w.dataPlane.addVolume({ volumeId: vol, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'standard', sizeGiB: 100 }) });
    w.dataPlane.addVolume({ volumeId: gp3, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'gp3', sizeGiB: 100 }) });
    w.dataPlane.attachVolume(vol, vm.vmId);
    w.dataPlane.attachVolume(gp3, vm.vmId);
    const requests = (dp = w.dataPlane) => dp.ioRequestCounters().find((c) => c.volumeId === vol)!.ioIopsMs / 1000;
    // 16 KiB I/Os: 150 IOPS is 2.34375 MiB/s.
    w.dataPlane.setWorkload(vm.vmId, { io: [{ volumeId: vol, iops: 150, throughputMiBps: 2.34375 }, { volumeId: gp3, iops: 1000, throughputMiBps: 15.625 }] });
    w.run(MS_PER_HOUR);
    // 150 IOPS × 3,600 s = 540,000 requests; gp3's I/O is not counted (it is in its price).
    expect(requests()).toBe(540_000);
    expect(w.dataPlane.ioRequestCounters().map((c) => c.volumeId)).toEqual([vol]);
    // Asked for 500, it gets its 200 IOPS: 200 × 60 s = 12,000 more.
    w.dataPlane.setWorkload(vm.vmId, { io: [{ volumeId: vol, iops: 500, throughputMiBps: 7.8125 }] });
    w.run(MS_PER_MINUTE);
    expect(requests()).toBe(552_000);
    // The snapshot holds the count and the rate it grows at.
    expect(w.dataPlane.takeSnapshots().volumes.find((s) => s.volumeId === vol)).toMatchObject({ ioIopsMs: 552_000_000, deliveredIops: 200, asOfMs: w.now });
    // Detached, it serves nothing.
    w.dataPlane.detachVolume(vol);
    w.run(MS_PER_MINUTE);
    expect(requests()).toBe(552_000);
    w.dataPlane.attachVolume(vol, vm.vmId);
    w.dataPlane.setWorkload(vm.vmId, { io: [{ volumeId: vol, iops: 100, throughputMiBps: 1.5625 }] });
    w.run(10_000); // + 1,000
    // Detached and deleted at once, it still gives its count in the next snapshot (its last requests are billed).
    w.dataPlane.takeSnapshots();
    const other = w.vm(h, 'm5.large'); // (runs the clock 15 s on: + 1,500)
    w.dataPlane.detachVolume(vol);
    w.dataPlane.removeVolume(vol);
    expect(w.dataPlane.takeSnapshots().volumes.find((s) => s.volumeId === vol)).toMatchObject({ ioIopsMs: 554_500_000, deliveredIops: 0 });
    expect(w.dataPlane.ioRequestCounters()).toEqual([]);
    // Attached to a VM that stops, it serves nothing once the VM is stopped.
    w.dataPlane.addVolume({ volumeId: vol, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'standard', sizeGiB: 100 }) });
    w.dataPlane.attachVolume(vol, other.vmId);
    w.dataPlane.setWorkload(other.vmId, { io: [{ volumeId: vol, iops: 100, throughputMiBps: 1.5625 }] });
    w.run(10_000);
    expect(requests()).toBe(1_000);
    w.fleet.stop(other.vmId);
    w.run(MS_PER_MINUTE);
    const stopped = requests();
    expect(stopped).toBeGreaterThanOrEqual(1_000);
    expect(stopped).toBeLessThanOrEqual(1_000 + 100 * 60); // what ran while it was stopping, at most
    w.run(MS_PER_HOUR);
    expect(requests()).toBe(stopped);
    // Restored 1 s after a snapshot at 200 IOPS: carried to now at that rate, + 200.
    const w2 = new World();
    w2.dataPlane.addVolume({
      volumeId: vol, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'standard', sizeGiB: 100 }),
      ioIopsMs: 552_000_000, deliveredIops: 200, asOfMs: w2.now - 1_000,
    });
    expect(requests(w2.dataPlane)).toBe(552_200);
  });

  it('reserves io2 IOPS for its volume when a gp3 neighbour saturates the host storage path', () => {
    const w = new World();
    const h = w.host('m5-xen-pv-host'); // 200,000 IOPS storage path
    const vms = Array.from({ length: 20 }, () => w.vm(h, 'm5.4xlarge'));
    vms.forEach((vm, i) => {
      const id = `vol-${String(100 + i).padStart(17, '0')}`;
      const spec = i === 0 ? resolveVolume({ type: 'io2', sizeGiB: 200, iops: 18_000 }) : resolveVolume({ type: 'gp3', sizeGiB: 200, iops: 16_000 });
      w.dataPlane.addVolume({ volumeId: id, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec });
      w.dataPlane.attachVolume(id, vm.vmId);
      w.dataPlane.setWorkload(vm.vmId, { io: [{ volumeId: id, iops: 18_000, throughputMiBps: 1 }] });
    });
    w.run(1);
    expect(w.dataPlane.volumeView('vol-00000000000000100').iopsDelivered).toBeCloseTo(18_000, 6);
    const total = vms.reduce((s, vm) => s + w.dataPlane.vmView(vm.vmId).io.iopsDelivered, 0);
    expect(total).toBeLessThanOrEqual(200_000 * (1 + 1e-9));
    expect(total).toBeGreaterThan(199_999);
  });
});

describe('DataPlane: faults (docs/model.md §3.4, §3.8)', () => {
  it('cuts the IO of every VM on a host whose driver domain fails, and of no other', () => {
    const w = new World();
    const a = w.host('m5-xen-pv-host');
    const b = w.host('m5-xen-pv-host');
    const vms = [w.vm(a, 'm5.large'), w.vm(a, 'm5.large'), w.vm(b, 'm5.large')];
    vms.forEach((vm, i) => {
      const id = `vol-${String(10 + i).padStart(17, '0')}`;
      w.dataPlane.addVolume({ volumeId: id, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'gp3', sizeGiB: 50 }) });
      w.dataPlane.attachVolume(id, vm.vmId);
      w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 1 }, io: [{ volumeId: id, iops: 1_000, throughputMiBps: 10 }], network: [{ to: 'internet', mbps: 100 }] });
    });
    w.run(1);
    w.dataPlane.failDriverDomain(a);
    w.run(1);
    const [a1, a2, b1] = vms.map((vm) => w.dataPlane.vmView(vm.vmId));
    for (const v of [a1, a2]) {
      expect(v.io).toMatchObject({ iopsDelivered: 0, iopsThrottled: 1_000 });
      expect(v.network.outMbps).toBe(0); // no SR-IOV on this host type: packets need the driver domain
      expect(v.allocatedCores).toBe(1); // the CPU keeps running
    }
    expect(b1.io.iopsDelivered).toBeCloseTo(1_000, 9);
    expect(b1.network.outMbps).toBe(100);
    expect(vms.map((vm) => w.fleet.vm(vm.vmId)!.status)).toEqual(['impaired', 'impaired', 'ok']);
    w.dataPlane.repairDriverDomain(a);
    w.run(1);
    expect(w.dataPlane.vmView(vms[0].vmId).io.iopsDelivered).toBeCloseTo(1_000, 9);
    expect(w.fleet.vm(vms[0].vmId)!.status).toBe('ok');
  });

  it('stops every VM of a failed host, records the violation, and restores them on repair', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 'm5.large');
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 2 } });
    w.run(1);
    w.dataPlane.failHost(h);
    w.run(MS_PER_MINUTE);
    expect(w.dataPlane.vmView(vm.vmId)).toMatchObject({ allocatedCores: 0, guaranteeViolated: true });
    expect(w.dataPlane.hostView(h).powerWatts).toBe(0);
    w.dataPlane.repairHost(h);
    w.run(1);
    expect(w.dataPlane.vmView(vm.vmId)).toMatchObject({ allocatedCores: 2, guaranteeViolated: false, guaranteeViolationMs: MS_PER_MINUTE });
    expect(w.timeline.find((e) => e.kind === 'host.repaired')!.detail).toEqual({ timeToRepairMs: MS_PER_MINUTE });
  });
});

describe('DataPlane: live migration (docs/model.md §3.7)', () => {
  it('moves a VM after Σ rounds + downtime, pausing it only for the stop-and-copy', () => {
    const w = new World();
    const a = w.host();
    const b = w.host();
    const vm = w.vm(a, 'm5.2xlarge');
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 4 }, memory: { workingSetMiB: 16_000, dirtyRateMiBps: 200 } });
    w.run(1);
    const plan = w.dataPlane.migrate(vm.vmId, b, 'test')!;
    const s = DEFAULT_MIGRATION_SETTINGS;
    expect(plan).toEqual(
      planPreCopy({
        memoryMiB: 32 * 1024, dirtyRateMiBps: 200, bandwidthMiBps: s.bandwidthMiBps, stopThresholdMiB: (s.bandwidthMiBps * s.maxDowntimeMs) / 1000,
        maxRounds: s.maxRounds, resumeCostMs: s.resumeCostMs, autoConverge: s.autoConverge,
      }),
    );
    const start = w.engine.now;
    const preCopy = plan.totalMs - plan.downtimeMs;
    w.at(start + preCopy - 1);
    expect(w.fleet.vm(vm.vmId)!.hostId).toBe(a);
    expect(w.cores(vm.vmId)).toBe(4); // it runs during pre-copy
    expect(w.fleet.host(b)!.allocation.vmCount).toBe(1); // the target holds its place
    w.at(start + preCopy);
    expect(w.cores(vm.vmId)).toBe(0); // paused for stop-and-copy
    w.at(start + plan.totalMs);
    expect(w.fleet.vm(vm.vmId)!.hostId).toBe(b);
    expect(w.cores(vm.vmId)).toBe(4);
    expect(w.fleet.host(a)!.allocation.vmCount).toBe(0);
    const done = w.timeline.find((e) => e.kind === 'vm.migration-completed')!;
    expect(done.time).toBe(start + plan.totalMs);
    expect(done.detail).toMatchObject({ downtimeMs: plan.downtimeMs, totalMs: plan.totalMs, rounds: plan.rounds.length });
  });

  it('refuses to start a migration that cannot converge when auto-converge is off', () => {
    const w = new World({ migration: { autoConverge: false } });
    const a = w.host();
    const b = w.host();
    const vm = w.vm(a, 'm5.large');
    w.dataPlane.setWorkload(vm.vmId, { memory: { workingSetMiB: 4000, dirtyRateMiBps: 5_000 } });
    expect(w.dataPlane.migrate(vm.vmId, b, 'test')).toBeNull();
    expect(w.fleet.vm(vm.vmId)!.hostId).toBe(a);
    expect(w.fleet.host(b)!.allocation.vmCount).toBe(0);
    expect(w.timeline.at(-1)).toMatchObject({ kind: 'vm.migration-failed' });
  });
});

describe('DataPlane: memory (docs/model.md §3.2)', () => {
  it('shares, balloons, then swaps on an overcommitted host, and reports it per VM', () => {
    const w = new World({ ramRatio: 2 });
    const h = w.host('c5-host'); // 248 GiB for guests
    const vms = Array.from({ length: 40 }, () => w.vm(h, 'c5.xlarge', {}, LINUX)); // 40 × 8 GiB = 320 GiB
    for (const vm of vms) w.dataPlane.setWorkload(vm.vmId, { memory: { workingSetMiB: 7_000, dirtyRateMiBps: 0 } });
    w.run(1);
    const host = w.dataPlane.hostView(h);
    expect(host.memory.sharedMiB).toBeGreaterThan(0);
    expect(host.memory.balloonedMiB).toBeGreaterThan(0);
    expect(host.memory.swappedMiB).toBeGreaterThan(0);
    expect(host.memory.residentMiB).toBeLessThanOrEqual(host.memory.capacityMiB);
    expect(w.dataPlane.vmView(vms[0].vmId).memory.swapSlowdown).toBeGreaterThan(1);
    // Swapped memory is memory not delivered: a guarantee violation, with its event (billing credits it).
    const swapped = vms.filter((vm) => w.dataPlane.vmView(vm.vmId).memory.swappedMiB > 0);
    expect(swapped.length).toBeGreaterThan(0);
    for (const vm of swapped) expect(w.dataPlane.vmView(vm.vmId).guaranteeViolated).toBe(true);
    const notices = w.timeline.filter((e) => e.kind === 'vm.guarantee-violated' && e.vmId === swapped[0].vmId);
    expect(notices).toHaveLength(1);
    expect((notices[0].detail as { swappedMiB: number }).swappedMiB).toBeGreaterThan(0);
    // Working sets shrink: nothing is swapped any more, and the violations end.
    for (const vm of vms) w.dataPlane.setWorkload(vm.vmId, { memory: { workingSetMiB: 1_000, dirtyRateMiBps: 0 } });
    w.run(1);
    expect(w.dataPlane.hostView(h).memory.swappedMiB).toBe(0);
    expect(w.dataPlane.vmView(swapped[0].vmId).guaranteeViolated).toBe(false);
    expect(w.timeline.filter((e) => e.kind === 'vm.guarantee-restored' && e.vmId === swapped[0].vmId)).toHaveLength(1);
  });

  it('shares no pages when page sharing is off, so what sharing covered is swapped; the host counts its swapping VMs', () => {
    // m5-host: 512 − 8 GiB reserve = 516,096 MiB for guests. 63 m5.large (8,192 MiB, working set = all of it, nothing to balloon)
    // at ratio 1.1: configured 516,096, capacity 516,096 − 63 × 64 = 512,064: 4,032 MiB of pressure.
    // Sharing on: 62 × 256 = 15,872 MiB saved ≥ 4,032, nothing swapped. Off: all 4,032 swapped, from every VM.
    // (The test world places VMs where it is told, past the scheduler's CPU admission.)
    const swappedWith = (pageSharing: boolean) => {
      const w = new World({ ramRatio: 1.1, pageSharing });
      const h = w.host('m5-host');
      const vms = Array.from({ length: 63 }, () => w.vm(h, 'm5.large', {}, LINUX));
      for (const vm of vms) w.dataPlane.setWorkload(vm.vmId, { memory: { workingSetMiB: 8192, dirtyRateMiBps: 0 } });
      w.run(MS_PER_HOUR);
      const host = w.dataPlane.hostView(h);
      // A bucket closes at the host's next change: its end values are the state above.
      w.dataPlane.setWorkload(vms[0].vmId, { cpu: { model: 'constant', cores: 0.1 } });
      w.run(1);
      const last = w.buckets.filter((b) => b.kind === 'host' && b.id === h).at(-1)!.bucket.end;
      return { host, swappingVms: last[HOST.swappedInstances], vmm: last[HOST.vmmMemoryMiB], occupied: last[HOST.occupied] };
    };
    const on = swappedWith(true);
    expect(on.host.memory.sharedMiB).toBe(63 * 256);
    expect(on.host.memory.swappedMiB).toBe(0);
    expect(on.swappingVms).toBe(0);
    const off = swappedWith(false);
    expect(off.host.memory.sharedMiB).toBe(0);
    expect(off.host.memory.swappedMiB).toBe(4032);
    expect(off.swappingVms).toBe(63);
    expect(off.vmm).toBe(63 * 64);
    expect(off.occupied).toBe(1);
  });
});

describe('DataPlane: metrics and cost', () => {
  it('recomputes only the host whose VM changed', () => {
    const w = new World();
    const hosts = Array.from({ length: 20 }, () => w.host());
    const vms = hosts.map((h) => w.vm(h, 'm5.large'));
    w.run(1);
    const before = w.dataPlane.hostRecomputations;
    w.dataPlane.setWorkload(vms[3].vmId, { cpu: { model: 'constant', cores: 1 } });
    w.run(1);
    expect(w.dataPlane.hostRecomputations - before).toBe(1);
  });

  it('writes a bucket only when something changed in it', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 'm5.large');
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 1 } });
    const before = w.buckets.filter((b) => b.id === vm.vmId).length;
    w.run(24 * MS_PER_HOUR);
    expect(w.buckets.filter((b) => b.id === vm.vmId).length - before).toBeLessThanOrEqual(1);
  });
  it('meters cross-AZ and internet egress exactly, not same-AZ traffic, and carries it across a restart', () => {
    const w = new World();
    const a = w.host('m5-host', 'us-east-1a');
    const b = w.host('m5-host', 'us-east-1a');
    const c = w.host('m5-host', 'us-east-1b');
    const [src, sameAz, otherAz] = [w.vm(a, 'm5.large'), w.vm(b, 'm5.large'), w.vm(c, 'm5.large')];
    w.dataPlane.setWorkload(src.vmId, {
      network: [{ to: 'internet', mbps: 400 }, { to: sameAz.vmId, mbps: 300 }, { to: otherAz.vmId, mbps: 200 }],
    });
    w.run(10_000);
    // 400 Mbps for 10 s = 4,000 Mbit = 500,000,000 bytes; 200 Mbps cross-AZ = 250,000,000 bytes.
    expect(w.dataPlane.dataTransferOf(src.vmId)).toEqual({ internetBytes: 500_000_000, crossAzBytes: 250_000_000 });
    expect(w.dataPlane.dataTransferOf(sameAz.vmId)).toEqual({ internetBytes: 0, crossAzBytes: 0 });
    // The rate changes at +10 s: 100 Mbps more to the internet for 4 s.
    w.dataPlane.setWorkload(src.vmId, { network: [{ to: 'internet', mbps: 100 }] });
    w.run(4_000);
    expect(w.dataPlane.dataTransferOf(src.vmId)).toEqual({ internetBytes: 550_000_000, crossAzBytes: 250_000_000 });
    // A stopped VM sends nothing more.
    w.fleet.stop(src.vmId);
    w.run(60_000);
    const stopped = w.dataPlane.dataTransferOf(src.vmId).internetBytes;
    w.run(60_000);
    expect(w.dataPlane.dataTransferOf(src.vmId).internetBytes).toBe(stopped);
    // The snapshot holds the counters and their rates, and a new data plane restores them.
    const snap = w.dataPlane.takeSnapshots().vms.find((s) => s.vmId === src.vmId)!;
    expect(snap.transfer).toMatchObject({ internetBytes: stopped, crossAzBytes: 250_000_000, internetMbps: 0 });
    const w2 = new World();
    const h2 = w2.host('m5-host', 'us-east-1a');
    const vm2 = w2.vm(h2, 'm5.large');
    w2.dataPlane.initVm(vm2.vmId, { transfer: { crossAzBytes: 1_000, internetBytes: 2_000, crossAzMbps: 0, internetMbps: 8, asOfMs: w2.engine.now - 1_000 } });
    // 8 Mbps for the 1 s since the snapshot = 1,000,000 bytes.
    expect(w2.dataPlane.dataTransferOf(vm2.vmId)).toEqual({ crossAzBytes: 1_000, internetBytes: 1_002_000 });
  });
  it('takes a VM whose metered egress starts for a snapshot at once, with its rate, so a restart before any other change loses no byte', () => {
    const w = new World();
    const h = w.host('m5-host', 'us-east-1a');
    const vm = w.vm(h, 'm5.large');
    w.run(1_000);
    w.dataPlane.takeSnapshots();
    w.dataPlane.setWorkload(vm.vmId, { network: [{ to: 'internet', mbps: 400 }] });
    w.run(1);
    const startedAt = w.engine.now;
    const snap = w.dataPlane.takeSnapshots().vms.find((s) => s.vmId === vm.vmId);
    expect(snap?.transfer).toMatchObject({ internetMbps: 400, crossAzMbps: 0 });
    expect(snap!.transfer!.asOfMs).toBeLessThanOrEqual(startedAt);
    // Nothing else changes; the process restarts 10 s after that snapshot: 400 Mbps for 10 s = 4,000 Mbit = 500,000,000 bytes more.
    const w2 = new World();
    const vm2 = w2.vm(w2.host('m5-host', 'us-east-1a'), 'm5.large');
    w2.dataPlane.initVm(vm2.vmId, { transfer: { ...snap!.transfer!, asOfMs: w2.engine.now - 10_000 } });
    expect(w2.dataPlane.dataTransferOf(vm2.vmId).internetBytes).toBe(snap!.transfer!.internetBytes + 500_000_000);
  });
  it('snapshots a VM whose metered egress starts in the snapshot\'s own instant, no byte sent yet, with its rate', () => {
    const w = new World();
    const vm = w.vm(w.host('m5-host', 'us-east-1a'), 'm5.large');
    w.dataPlane.takeSnapshots();
    w.dataPlane.setWorkload(vm.vmId, { network: [{ to: 'internet', mbps: 400 }] });
    w.run(0);
    expect(w.dataPlane.takeSnapshots().vms.find((s) => s.vmId === vm.vmId)?.transfer).toMatchObject({ internetBytes: 0, internetMbps: 400, asOfMs: w.engine.now });
  });
  it('takes a VM whose metered egress stops in the instant of its last snapshot for the next one, its rate zero, so a restart carries no old rate forward', () => {
    const w = new World();
    const vm = w.vm(w.host('m5-host', 'us-east-1a'), 'm5.large');
    w.dataPlane.setWorkload(vm.vmId, { network: [{ to: 'internet', mbps: 400 }] });
    w.run(10_000);
    // 400 Mbps for 10 s = 500,000,000 bytes, taken at this instant.
    expect(w.dataPlane.takeSnapshots().vms.find((s) => s.vmId === vm.vmId)?.transfer).toMatchObject({ internetBytes: 500_000_000, internetMbps: 400 });
    w.dataPlane.setWorkload(vm.vmId, { network: [] });
    w.run(0);
    expect(w.dataPlane.takeSnapshots().vms.find((s) => s.vmId === vm.vmId)?.transfer).toMatchObject({ internetBytes: 500_000_000, internetMbps: 0 });
  });
  it('recomputes a host when one of its VMs changes status alone (a recovery reboot ends)', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 'm5.large');
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 1 } });
    w.run(1);
    w.fleet.setVmStatus(vm.vmId, 'impaired', 'recovering');
    w.run(1);
    expect(w.dataPlane.vmView(vm.vmId).allocatedCores).toBe(0);
    w.fleet.setVmStatus(vm.vmId, 'ok', null);
    w.run(1);
    expect(w.dataPlane.vmView(vm.vmId).allocatedCores).toBe(1);
  });

  it('takes each changed state once for a snapshot, and again after a failed write puts it back', () => {
    const w = new World();
    const h = w.host();
    const vm = w.vm(h, 't3.micro');
    w.dataPlane.setWorkload(vm.vmId, { cpu: { model: 'constant', cores: 1 } });
    w.run(60_000);
    const first = w.dataPlane.takeSnapshots();
    expect(first.vms.map((v) => v.vmId)).toEqual([vm.vmId]);
    expect(first.hosts.map((x) => x.hostId)).toEqual([h]);
    expect(w.dataPlane.takeSnapshots()).toEqual({ vms: [], volumes: [], hosts: [] }); // nothing changed since
    w.dataPlane.requeueSnapshots(first); // the write of `first` failed
    const again = w.dataPlane.takeSnapshots();
    expect(again.vms.map((v) => v.vmId)).toEqual([vm.vmId]);
    expect(again.hosts.map((x) => x.hostId)).toEqual([h]);
  });
});
