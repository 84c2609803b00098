import { findInstanceType, MS_PER_HOUR } from '@nimbus/hypervisor';
import { LicensedInstance, LicenseLimit } from '@nimbus/scheduler';
import { TestWorld } from '../testing/test-world';
import { changeInstanceType, setWorkload, startVm, stopVm } from './lifecycle';

const type = (name: string) => findInstanceType(name)!;

describe('changeInstanceType (ModifyInstanceAttribute instanceType)', () => {
  const stopped = (w: TestWorld, name: string, image?: string) => {
    const vm = w.vm(w.host(), name, {}, image);
    w.run(MS_PER_HOUR);
    stopVm(w.world, vm.tenantId, vm.vmId);
    w.run(MS_PER_HOUR);
    return vm;
  };

  it('retypes a stopped VM: the type\'s default CPU parameters, a credit account only for a burstable type, and it starts as the new type', () => {
    const w = new TestWorld();
    const vm = stopped(w, 't3.micro');
    expect(w.dataPlane.vmView(vm.vmId).creditMode).not.toBeNull();
    changeInstanceType(w.world, vm.tenantId, vm.vmId, type('m5.large'));
    // m5.large: 2 vCPUs, fixed performance: reservation = limit = 2,000 millicores, weight 2 × 1,024.
    expect(w.fleet.vm(vm.vmId)).toMatchObject({ instanceType: { name: 'm5.large' }, cpu: { reservationMillicores: 2000, limitMillicores: 2000, weight: 2048 } });
    expect(w.dataPlane.vmView(vm.vmId)).toMatchObject({ creditMode: null, creditBalance: null });
    startVm(w.world, vm.tenantId, vm.vmId, { availabilityZone: 'us-east-1a' });
    setWorkload(w.world, vm.tenantId, vm.vmId, { cpu: { model: 'constant', cores: 2 } });
    w.run(MS_PER_HOUR);
    // Both of m5.large's vCPUs, reserved and given in full.
    expect(w.cores(vm.vmId)).toBeCloseTo(2, 9);
    // And back to a burstable type: a new credit account.
    stopVm(w.world, vm.tenantId, vm.vmId);
    w.run(MS_PER_HOUR);
    changeInstanceType(w.world, vm.tenantId, vm.vmId, type('t3.large'));
    expect(w.dataPlane.vmView(vm.vmId).creditMode).not.toBeNull();
    // t3.large: 2 vCPUs at a 30 % baseline: reservation 600 millicores.
    expect(w.fleet.vm(vm.vmId)!.cpu.reservationMillicores).toBe(600);
  });

  it('refuses a running VM, a type that cannot boot the image, and a workload the type cannot hold; nothing changes', () => {
    const w = new TestWorld();
    const running = w.vm(w.host(), 'm5.large');
    w.run(MS_PER_HOUR);
    expect(() => changeInstanceType(w.world, running.tenantId, running.vmId, type('m5.xlarge'))).toThrow(expect.objectContaining({ code: 'IncorrectInstanceState' }));
    const vm = stopped(w, 'm5.xlarge');
    setWorkload(w.world, vm.tenantId, vm.vmId, { cpu: { model: 'constant', cores: 4 } });
    expect(() => changeInstanceType(w.world, vm.tenantId, vm.vmId, type('m6g.large'))).toThrow(expect.objectContaining({ code: 'InvalidParameterValue', message: expect.stringMatching(/architecture/) }));
    expect(() => changeInstanceType(w.world, vm.tenantId, vm.vmId, type('m5.large'))).toThrow(expect.objectContaining({ code: 'InvalidParameterValue', message: expect.stringMatching(/workload does not fit m5.large/) }));
    expect(w.fleet.vm(vm.vmId)!.instanceType.name).toBe('m5.xlarge');
    expect(() => changeInstanceType(w.world, 'someone-else', vm.vmId, type('m5.2xlarge'))).toThrow(expect.objectContaining({ code: 'InvalidInstanceID.NotFound' }));
  });

  it('re-checks a BYOL instance\'s license configuration: a hard limit refuses a type that needs more licences; nothing changes', () => {
    const SQL_BYOL = 'ami-0f3d0c00000003f22'; // SQL Server Standard, counted per core with a 4-core minimum per VM
    const w = new TestWorld();
    const a = stopped(w, 'm5.large', SQL_BYOL);
    const b = stopped(w, 'm5.large', SQL_BYOL);
    const counted = (): LicensedInstance[] => [a, b].map((vm) => ({ instanceId: vm.vmId, vcpus: w.fleet.vm(vm.vmId)!.instanceType.vcpus, product: 'sql-server-standard' }));
    const cores: LicenseLimit = { licenseConfigurationId: 'lic-1', countingType: 'Core', limit: 10, hardLimit: true };
    // Now: 2 × max(2 vCPUs ÷ 2 = 1 core, 4) = 8 of 10.
    // m5.4xlarge: 16 vCPUs ÷ 2 = 8 cores → 4 + 8 = 12 > 10: refused, 4 more than the 8 in use.
    expect(() => changeInstanceType(w.world, b.tenantId, b.vmId, type('m5.4xlarge'), { license: { limit: cores, existing: counted() } })).toThrow(expect.objectContaining({
      code: 'LicenseLimitExceeded', message: "License configuration 'lic-1' has a hard limit of 10 Core licenses: 8 in use, the request needs 4 more.",
    }));
    expect(w.fleet.vm(b.vmId)!.instanceType.name).toBe('m5.large');
    // The same change under a soft limit: admitted (the licence service reports the overage).
    changeInstanceType(w.world, b.tenantId, b.vmId, type('m5.4xlarge'), { license: { limit: { ...cores, hardLimit: false }, existing: counted() } });
    expect(w.fleet.vm(b.vmId)!.instanceType.name).toBe('m5.4xlarge');
    // Back down to m5.2xlarge (8 vCPUs = 4 cores, the minimum): 4 + 4 = 8, admitted under the hard limit.
    changeInstanceType(w.world, b.tenantId, b.vmId, type('m5.2xlarge'), { license: { limit: cores, existing: counted() } });
    // a to m5.xlarge (4 vCPUs = 2 cores, below the 4-core minimum): still 4 + 4 = 8, admitted.
    changeInstanceType(w.world, a.tenantId, a.vmId, type('m5.xlarge'), { license: { limit: cores, existing: counted() } });
    // vCPU counting, hard limit 12: 4 + 8 = 12 now; a to m5.2xlarge: 8 + 8 = 16 > 12, refused.
    const vcpus: LicenseLimit = { ...cores, countingType: 'vCPU', limit: 12 };
    expect(() => changeInstanceType(w.world, a.tenantId, a.vmId, type('m5.2xlarge'), { license: { limit: vcpus, existing: counted() } })).toThrow(expect.objectContaining({ code: 'LicenseLimitExceeded', message: expect.stringContaining('12 in use, the request needs 4 more') }));
    expect(w.fleet.vm(a.vmId)!.instanceType.name).toBe('m5.xlarge');
  });
});
