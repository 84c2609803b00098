import { findHostType } from '../catalog/host-types';
import { findImage, IMAGES } from '../catalog/images';
import { findInstanceType } from '../catalog/instance-types';
import { Engine } from '../engine/engine';
import { FleetEvent } from './events';
import { Fleet } from './fleet';
import { defaultCpuParams, resolveCpuParams, VmSpec } from './vm';

const linux = IMAGES.find((i) => i.platform === 'linux')!;
const windows = IMAGES.find((i) => i.platform === 'windows')!;
const m5large = findInstanceType('m5.large')!;

function setup() {
  const engine = new Engine<FleetEvent>(0);
  const events: FleetEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const sut = new Fleet(engine);
  sut.addHost('h-1', findHostType('m5-host')!, 'us-east-1a');
  sut.addHost('h-2', findHostType('m5-host')!, 'us-east-1a');
  return { engine, sut, events };
}

const spec = (vmId: string, image = linux, type = m5large): VmSpec => ({
  vmId, tenantId: 't-1', instanceType: type, image, cpu: defaultCpuParams(type),
});

describe('Fleet lifecycle (docs/model.md §3.6)', () => {
  it('a launched or restored VM keeps every field of its spec, with its keys in one order', () => {
    const { sut } = setup();
    const full: VmSpec = { ...spec('i-1'), autoRecovery: false, tenancy: 'dedicated', placementGroup: { groupId: 'pg-1', partition: 2 } };
    const launched = sut.launch(full, 'h-1');
    expect(launched).toMatchObject(full);
    const restored = sut.restore({ ...spec('i-2'), tenancy: 'host', state: 'stopped', hostId: null, stateSince: 0, transitionAt: null });
    expect(restored).toMatchObject({ vmId: 'i-2', tenancy: 'host', state: 'stopped', status: 'ok', statusReason: null });
    // One order of keys for every Vm (one hidden class in V8), whatever the spec's own order or optional fields.
    expect(Object.keys(restored)).toEqual(Object.keys(launched));
  });

  it('pending becomes running after the image boot time, not a millisecond earlier', () => {
    const { engine, sut } = setup();
    sut.launch(spec('i-1'), 'h-1');
    engine.runUntil(linux.bootSeconds * 1000 - 1);
    expect(sut.vm('i-1')!.state).toBe('pending');
    engine.runUntil(linux.bootSeconds * 1000);
    expect(sut.vm('i-1')!.state).toBe('running');
  });

  it('Windows boots more slowly than Linux', () => {
    const { engine, sut } = setup();
    sut.launch(spec('i-l'), 'h-1');
    sut.launch(spec('i-w', windows), 'h-1');
    engine.runUntil(60_000);
    expect(sut.vm('i-l')!.state).toBe('running');
    expect(sut.vm('i-w')!.state).toBe('pending');
  });

  it('stop releases the host only when stopped; start needs a new host', () => {
    const { engine, sut } = setup();
    sut.launch(spec('i-1'), 'h-1');
    engine.runUntil(60_000);
    expect(sut.stop('i-1')).toEqual({ vmId: 'i-1', previous: 'running', current: 'stopping' });
    expect(sut.host('h-1')!.allocation.vmCount).toBe(1);
    engine.runUntil(120_000);
    expect(sut.vm('i-1')!.state).toBe('stopped');
    expect(sut.host('h-1')!.allocation).toEqual({ reservedMillicores: 0, limitMillicores: 0, memoryMiB: 0, vcpus: 0, vmCount: 0 });
    expect(sut.vcpusInUse('t-1')).toBe(0);
    expect(() => sut.start('i-1')).toThrow(/needs a host/);
    sut.start('i-1', 'h-2');
    expect(sut.vm('i-1')!.hostId).toBe('h-2');
    expect(sut.vcpusInUse('t-1')).toBe(2);
  });

  it('calls in the wrong state fail with IncorrectInstanceState', () => {
    const { engine, sut } = setup();
    sut.launch(spec('i-1'), 'h-1');
    expect(() => sut.stop('i-1')).toThrow(expect.objectContaining({ code: 'IncorrectInstanceState' }));
    expect(() => sut.reboot('i-1')).toThrow(expect.objectContaining({ code: 'IncorrectInstanceState' }));
    engine.runUntil(60_000);
    sut.stop('i-1');
    expect(() => sut.start('i-1', 'h-1')).toThrow(expect.objectContaining({ code: 'IncorrectInstanceState' }));
  });

  it('repeated calls that are already satisfied are no-ops, as EC2 answers them', () => {
    const { engine, sut } = setup();
    sut.launch(spec('i-1'), 'h-1');
    engine.runUntil(60_000);
    expect(sut.start('i-1', 'h-2')).toEqual({ vmId: 'i-1', previous: 'running', current: 'running' });
    expect(sut.vm('i-1')!.hostId).toBe('h-1');
    sut.terminate('i-1');
    expect(sut.terminate('i-1')).toEqual({ vmId: 'i-1', previous: 'shutting-down', current: 'shutting-down' });
  });

  it('reboot keeps the instance running on its host', () => {
    const { engine, sut, events } = setup();
    sut.launch(spec('i-1'), 'h-1');
    engine.runUntil(60_000);
    expect(sut.reboot('i-1')).toEqual({ vmId: 'i-1', previous: 'running', current: 'running' });
    expect(events.at(-1)).toMatchObject({ type: 'vm.rebooted', vmId: 'i-1' });
    expect(sut.vm('i-1')!.state).toBe('running');
  });

  it('terminate frees the host, the quota, and forgets the VM', () => {
    const { engine, sut } = setup();
    sut.launch(spec('i-1'), 'h-1');
    sut.terminate('i-1'); // terminating a pending instance cancels its boot
    engine.runUntil(3_600_000);
    expect(sut.vm('i-1')).toBeUndefined();
    expect(sut.host('h-1')!.allocation.vmCount).toBe(0);
    expect(sut.vcpusInUse('t-1')).toBe(0);
  });

  it('accounts reservations, limits and memory with the VMM per-VM overhead', () => {
    const { sut } = setup();
    const t3 = findInstanceType('t3.micro')!;
    sut.launch(spec('i-1'), 'h-1');
    sut.launch(spec('i-2', linux, t3), 'h-1');
    const h = sut.host('h-1')!;
    expect(h.allocation.reservedMillicores).toBe(2000 + 200);
    expect(h.allocation.limitMillicores).toBe(2000 + 2000);
    expect(h.allocation.memoryMiB).toBe(h.memoryFootprintMiB(8192) + h.memoryFootprintMiB(1024));
    expect(() => sut.removeHost('h-1')).toThrow(expect.objectContaining({ code: 'HostInUse' }));
  });

  it('restore completes a transition whose time passed while the process was down', () => {
    const { engine, sut } = setup();
    engine.runUntil(100_000);
    sut.restore({ ...spec('i-9'), state: 'pending', hostId: 'h-2', stateSince: 10_000, transitionAt: 25_000 });
    expect(sut.host('h-2')!.allocation.vmCount).toBe(1);
    engine.runUntil(100_000);
    expect(sut.vm('i-9')!.state).toBe('running');
  });

  it('restores a stopped instance that is being terminated (it has no host) and finishes terminating it', () => {
    const { engine, sut } = setup();
    sut.launch(spec('i-1'), 'h-1');
    engine.runUntil(60_000);
    sut.stop('i-1');
    engine.runUntil(120_000);
    sut.terminate('i-1');
    const vm = sut.vm('i-1')!;
    expect({ state: vm.state, hostId: vm.hostId }).toEqual({ state: 'shutting-down', hostId: null });

    const again = setup();
    again.engine.runUntil(120_000);
    again.sut.restore({ ...spec('i-1'), state: 'shutting-down', hostId: null, stateSince: vm.stateSince, transitionAt: vm.transitionAt });
    expect(again.sut.vcpusInUse('t-1')).toBe(0);
    again.engine.runUntil(vm.transitionAt!);
    expect(again.sut.vm('i-1')).toBeUndefined();
    expect(() => again.sut.restore({ ...spec('i-2'), state: 'running', hostId: null, stateSince: 0, transitionAt: null })).toThrow(/has no host/);
  });

  it('a same-input run produces an identical event trace', () => {
    const run = () => {
      const { engine, sut, events } = setup();
      for (let i = 0; i < 20; i++) sut.launch(spec(`i-${i}`, i % 3 ? linux : windows), i % 2 ? 'h-1' : 'h-2');
      engine.runUntil(200_000);
      for (let i = 0; i < 20; i += 2) if (sut.vm(`i-${i}`)!.state === 'running') sut.stop(`i-${i}`);
      engine.runUntil(400_000);
      return JSON.stringify(events);
    };
    expect(run()).toBe(run());
  });
});

describe('CPU parameters (docs/model.md §3.1)', () => {
  it('fixed-performance types reserve all vCPUs; burstable types reserve their baseline', () => {
    expect(defaultCpuParams(m5large)).toEqual({ reservationMillicores: 2000, limitMillicores: 2000, weight: 2048 });
    expect(defaultCpuParams(findInstanceType('t3.micro')!)).toEqual({ reservationMillicores: 200, limitMillicores: 2000, weight: 2048 });
  });

  it('a tenant may lower its limit or raise its weight, but not exceed what its type sells', () => {
    const t3 = findInstanceType('t3.large')!;
    expect(resolveCpuParams(t3, { limitMillicores: 1000, weight: 5000 })).toEqual({ reservationMillicores: 600, limitMillicores: 1000, weight: 5000 });
    expect(() => resolveCpuParams(t3, { reservationMillicores: 700 })).toThrow(/reservation/);
    expect(() => resolveCpuParams(t3, { limitMillicores: 3000 })).toThrow(/limit/);
    expect(() => resolveCpuParams(t3, { limitMillicores: 500 })).toThrow(/below/);
    expect(() => resolveCpuParams(t3, { weight: 10 })).toThrow(/weight/);
  });
});

it('catalog lookups', () => {
  expect(findImage('ami-nope')).toBeUndefined();
  expect(findInstanceType('m5.24xlarge')).toMatchObject({ vcpus: 96, memoryMiB: 393216 });
});
