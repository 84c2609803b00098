import { findInstanceType, MS_PER_HOUR } from '@nimbus/hypervisor';
import { TestWorld } from '../testing/test-world';
import { changeInstanceType, setWorkload, startVm, stopVm } from './lifecycle';

const type = (name: string) => findInstanceType(name)!;

describe('changeInstanceType (ModifyInstanceAttribute instanceType)', () => {
  const stopped = (w: TestWorld, name: string) => {
    const vm = w.vm(w.host(), name);
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
});
