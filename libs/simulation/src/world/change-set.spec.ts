import { FleetEvent } from '@nimbus/hypervisor';
import { emptyChangeSet, mergeChangeSets, record } from './change-set';

const state = (time: number, previous: 'pending' | 'running' | 'stopping', current: 'running' | 'stopping' | 'stopped'): FleetEvent =>
  ({ type: 'vm.state-changed', time, vmId: 'i-1', tenantId: 't', previous, current, hostId: 'h', transitionAt: null });
const reboot = (time: number): FleetEvent => ({ type: 'vm.rebooted', time, vmId: 'i-1', tenantId: 't', hostId: 'h' });

describe("a change set's guest boots", () => {
  it('begin when a VM enters running or reboots, and end when it leaves running or reboots', () => {
    const c = emptyChangeSet();
    for (const e of [state(10, 'pending', 'running'), reboot(50), state(90, 'running', 'stopping'), state(95, 'stopping', 'stopped')]) record(c, e);
    expect(c.boots.get('i-1')).toEqual({ ended: [{ startedAt: 10, endedAt: 50 }, { startedAt: 50, endedAt: 90 }] });
  });

  it('leave a boot that began before the set without a start (the store has it), and keep the one going', () => {
    const c = emptyChangeSet();
    record(c, reboot(70));
    expect(c.boots.get('i-1')).toEqual({ ended: [{ startedAt: null, endedAt: 70 }], current: 70 });
  });

  it('merged, give a boot that ends in the later set its start from the earlier one', () => {
    const a = emptyChangeSet();
    record(a, state(10, 'pending', 'running'));
    const b = emptyChangeSet();
    record(b, state(300, 'running', 'stopping'));
    expect(mergeChangeSets(a, b).boots.get('i-1')).toEqual({ ended: [{ startedAt: 10, endedAt: 300 }] });
    const going = emptyChangeSet();
    record(going, state(400, 'stopping', 'stopped'));
    expect(mergeChangeSets(a, going).boots.get('i-1')).toEqual({ ended: [], current: 10 });
  });
});
