import { HostType } from '../catalog/host-types';
import { isAvailabilityZone } from '../catalog/region';
import { Engine, Scheduled } from '../engine/engine';
import { SimTime, seconds } from '../engine/sim-time';
import { IncorrectInstanceState, InvalidParameterValue, NotFound, ResourceInUse } from '../errors';
import { FleetEvent, TimelineEvent } from './events';
import { DriverDomainState, Host, HostState } from './host';
import { InstanceType } from '../catalog/instance-types';
import { defaultCpuParams, InstanceStateName, InstanceStatus, StateTransition, Vm, VmSpec, holdsHost } from './vm';

/** How long a stopped instance's shutting-down takes: nothing runs, so only bookkeeping. */
const TERMINATE_STOPPED_MS = 1_000;

export interface RestoredVm extends VmSpec {
  readonly state: InstanceStateName;
  readonly hostId: string | null;
  readonly stateSince: SimTime;
  readonly transitionAt: SimTime | null;
  readonly status?: InstanceStatus;
  readonly statusReason?: string | null;
}

/**
 * A Vm, built property by property in one order, so that every Vm has the same hidden class: an
 * object spread followed by more properties gave almost every one a map of its own in V8 (92 maps
 * for 100 VMs), which made every read of a Vm field anywhere a megamorphic load. `VM_SPEC_FIELDS`
 * makes a field added to VmSpec fail to compile until it is copied here too.
 */
function makeVm(spec: VmSpec, state: InstanceStateName, stateSince: SimTime, transitionAt: SimTime | null, status: InstanceStatus, statusReason: string | null): Vm {
  return {
    vmId: spec.vmId, tenantId: spec.tenantId, instanceType: spec.instanceType, image: spec.image, cpu: spec.cpu,
    autoRecovery: spec.autoRecovery, tenancy: spec.tenancy, placementGroup: spec.placementGroup,
    state, hostId: null, stateSince, transitionAt, status, statusReason,
  };
}
const VM_SPEC_FIELDS: { readonly [K in keyof Required<VmSpec>]: true } = {
  vmId: true, tenantId: true, instanceType: true, image: true, cpu: true, autoRecovery: true, tenancy: true, placementGroup: true,
};
void VM_SPEC_FIELDS;

export interface RestoredHost {
  readonly state: HostState;
  readonly stateSince: SimTime;
  readonly driverDomain: DriverDomainState;
}

/**
 * The fleet's hosts and the VMs on them, with EC2's lifecycle (docs/model.md §3.6):
 * pending → running → stopping → stopped → pending …; running|stopped → shutting-down →
 * terminated; reboot stays running. Transitions take simulated time and are engine events.
 * A VM holds its host while pending, running, stopping or shutting-down; a stopped VM holds none,
 * and starting it again needs a new placement, as on EC2.
 */
export class Fleet {
  private readonly hostsById = new Map<string, Host>();
  private readonly vms = new Map<string, Vm>();
  private readonly transitions = new Map<string, Scheduled>();
  private readonly tenantVcpus = new Map<string, number>();
  /** VMs being live-migrated, and the host that holds their place. */
  private readonly migrating = new Map<string, string>();

  constructor(readonly engine: Engine<FleetEvent>) {}

  get now(): SimTime {
    return this.engine.now;
  }

  // ---- hosts ----

  addHost(hostId: string, type: HostType, availabilityZone: string, restored?: RestoredHost): Host {
    if (this.hostsById.has(hostId)) throw new InvalidParameterValue(`host '${hostId}' already exists`);
    if (!isAvailabilityZone(availabilityZone)) throw new InvalidParameterValue(`availability zone '${availabilityZone}' does not exist`);
    const host = new Host(hostId, type, availabilityZone);
    host.stateSince = this.now;
    if (restored) {
      host.state = restored.state;
      host.stateSince = restored.stateSince;
      host.driverDomain = restored.driverDomain;
    }
    this.hostsById.set(hostId, host);
    this.engine.emit({ type: 'host.added', time: this.now, hostId });
    return host;
  }

  removeHost(hostId: string): void {
    const host = this.requireHost(hostId);
    const held = host.vmIds.size + host.incoming.size;
    if (held > 0) throw new ResourceInUse('HostInUse', `host '${hostId}' still runs ${held} instance(s)`);
    this.hostsById.delete(hostId);
    this.engine.emit({ type: 'host.removed', time: this.now, hostId });
  }

  /** Changes a host's state (and/or its driver domain's); the scheduler reindexes on the event. */
  setHostState(hostId: string, state: HostState, driverDomain?: DriverDomainState): void {
    const host = this.requireHost(hostId);
    const previous = host.state;
    const dd = driverDomain ?? host.driverDomain;
    if (previous === state && dd === host.driverDomain) return;
    if (previous !== state) host.stateSince = this.now;
    host.state = state;
    host.driverDomain = dd;
    this.engine.emit({ type: 'host.state-changed', time: this.now, hostId, previous, current: state, driverDomain: dd });
  }

  host(hostId: string): Host | undefined {
    return this.hostsById.get(hostId);
  }

  hosts(): IterableIterator<Host> {
    return this.hostsById.values();
  }

  get hostCount(): number {
    return this.hostsById.size;
  }

  // ---- VMs ----

  vm(vmId: string): Vm | undefined {
    return this.vms.get(vmId);
  }

  allVms(): IterableIterator<Vm> {
    return this.vms.values();
  }

  /** vCPUs of the tenant's VMs that hold a host (pending, running, stopping, shutting-down). */
  vcpusInUse(tenantId: string): number {
    return this.tenantVcpus.get(tenantId) ?? 0;
  }

  /** A new VM on `hostId`, pending now, running after its image's boot time. */
  launch(spec: VmSpec, hostId: string): Vm {
    if (this.vms.has(spec.vmId)) throw new InvalidParameterValue(`instance '${spec.vmId}' already exists`);
    const vm = makeVm(spec, 'stopped', this.now, null, 'ok', null);
    this.vms.set(vm.vmId, vm);
    this.placeOn(vm, hostId);
    this.enter(vm, 'pending', seconds(vm.image.bootSeconds));
    return vm;
  }

  /**
   * stopped → pending on `hostId` (placed anew; see `needsPlacementToStart`). A VM already pending
   * or running is left as is, and needs no host.
   */
  start(vmId: string, hostId?: string): StateTransition {
    const vm = this.requireVm(vmId);
    if (vm.state === 'pending' || vm.state === 'running') return { vmId, previous: vm.state, current: vm.state };
    if (vm.state !== 'stopped') throw new IncorrectInstanceState(vmId, vm.state, 'started');
    if (hostId === undefined) throw new InvalidParameterValue(`starting stopped instance '${vmId}' needs a host`);
    this.placeOn(vm, hostId);
    return this.enter(vm, 'pending', seconds(vm.image.bootSeconds));
  }

  /** Whether starting this VM needs a host (it is stopped). */
  needsPlacementToStart(vmId: string): boolean {
    return this.requireVm(vmId).state === 'stopped';
  }

  /**
   * A stopped VM's new instance type (EC2's ModifyInstanceAttribute `instanceType`): it takes the
   * type's default CPU parameters (docs/model.md §3.1) and keeps everything else; the next start
   * places it as the new type. `vm.type-changed` tells the data plane.
   */
  changeInstanceType(vmId: string, type: InstanceType): Vm {
    const vm = this.requireVm(vmId);
    if (vm.state !== 'stopped') throw new IncorrectInstanceState(vmId, vm.state, 'resized');
    const previous = vm.instanceType.name;
    // The VM object stays the same (the data plane's runtime holds it); only these two fields change.
    const mutable = vm as { -readonly [K in 'instanceType' | 'cpu']: Vm[K] };
    mutable.instanceType = type;
    mutable.cpu = defaultCpuParams(type);
    this.engine.emit({ type: 'vm.type-changed', time: this.now, vmId, tenantId: vm.tenantId, previous, current: type.name });
    return vm;
  }

  stop(vmId: string): StateTransition {
    const vm = this.requireVm(vmId);
    if (vm.state === 'stopping' || vm.state === 'stopped') return { vmId, previous: vm.state, current: vm.state };
    if (vm.state !== 'running') throw new IncorrectInstanceState(vmId, vm.state, 'stopped');
    return this.enter(vm, 'stopping', seconds(vm.image.shutdownSeconds));
  }

  reboot(vmId: string): StateTransition {
    const vm = this.requireVm(vmId);
    if (vm.state !== 'running') throw new IncorrectInstanceState(vmId, vm.state, 'rebooted');
    this.engine.emit({ type: 'vm.rebooted', time: this.now, vmId, tenantId: vm.tenantId, hostId: vm.hostId! });
    return { vmId, previous: 'running', current: 'running' };
  }

  terminate(vmId: string): StateTransition {
    const vm = this.requireVm(vmId);
    if (vm.state === 'shutting-down' || vm.state === 'terminated') return { vmId, previous: vm.state, current: vm.state };
    const duration = vm.state === 'stopped' ? TERMINATE_STOPPED_MS : seconds(vm.image.shutdownSeconds);
    return this.enter(vm, 'shutting-down', duration);
  }

  /**
   * Rebuilds a VM from persisted state (after a restart). A transient state whose end has passed
   * completes at the next `runUntil`, so a crash between an engine event and its persistence loses
   * nothing.
   */
  restore(r: RestoredVm): Vm {
    if (r.state === 'terminated') throw new InvalidParameterValue(`terminated instance '${r.vmId}' is not restored`);
    const { state, hostId, stateSince, transitionAt, status, statusReason } = r;
    const vm = makeVm(r, state, stateSince, transitionAt, status ?? 'ok', statusReason ?? null);
    this.vms.set(vm.vmId, vm);
    // A stopped instance being terminated is shutting-down without a host; every other state
    // that holds a host must name one.
    if (hostId === null && holdsHost(state) && state !== 'shutting-down')
      throw new InvalidParameterValue(`instance '${r.vmId}' in state ${state} has no host`);
    if (hostId !== null) this.placeOn(vm, hostId);
    if (transitionAt !== null) this.scheduleCompletion(vm, Math.max(transitionAt, this.now));
    return vm;
  }

  /** Sets a VM's status check (impaired by a fault, ok again after repair or recovery). */
  setVmStatus(vmId: string, status: InstanceStatus, reason: string | null): void {
    const vm = this.requireVm(vmId);
    if (vm.status === status && vm.statusReason === reason) return;
    vm.status = status;
    vm.statusReason = reason;
    this.engine.emit({ type: 'vm.status-changed', time: this.now, vmId, tenantId: vm.tenantId, hostId: vm.hostId, status, reason });
  }

  // ---- live migration and recovery (mechanism; the policies choose hosts) ----

  /** The host a migrating VM is moving to, if it is migrating. */
  migrationTarget(vmId: string): string | undefined {
    return this.migrating.get(vmId);
  }

  /** Holds the VM's resources on `targetHostId` for the duration of a live migration. */
  beginMigration(vmId: string, targetHostId: string): void {
    const vm = this.requireVm(vmId);
    if (vm.state !== 'running') throw new IncorrectInstanceState(vmId, vm.state, 'migrated');
    if (this.migrating.has(vmId)) throw new InvalidParameterValue(`instance '${vmId}' is already migrating`);
    if (vm.hostId === targetHostId) throw new InvalidParameterValue(`instance '${vmId}' already runs on host '${targetHostId}'`);
    const target = this.requireHost(targetHostId);
    target.reserveIncoming(vm);
    this.migrating.set(vmId, targetHostId);
    this.engine.emit({ type: 'host.allocation-changed', time: this.now, hostId: targetHostId, vmId });
  }

  /** The migration's stop-and-copy is done: the VM runs on the target, the source is free. */
  completeMigration(vmId: string): void {
    const vm = this.requireVm(vmId);
    const targetId = this.migrating.get(vmId);
    if (targetId === undefined) throw new InvalidParameterValue(`instance '${vmId}' is not migrating`);
    this.migrating.delete(vmId);
    const from = vm.hostId;
    const source = from === null ? undefined : this.hostsById.get(from);
    source?.detach(vm);
    this.requireHost(targetId).acceptIncoming(vm);
    vm.hostId = targetId;
    if (from !== null) this.engine.emit({ type: 'host.allocation-changed', time: this.now, hostId: from, vmId });
    this.engine.emit({ type: 'vm.host-changed', time: this.now, vmId, tenantId: vm.tenantId, from, to: targetId, reason: 'migration' });
  }

  /** Gives a migration up: the VM stays where it is and the target's held resources are freed. */
  abortMigration(vmId: string): void {
    const targetId = this.migrating.get(vmId);
    if (targetId === undefined) return;
    this.migrating.delete(vmId);
    const vm = this.vms.get(vmId);
    const target = this.hostsById.get(targetId);
    if (vm && target) {
      target.releaseIncoming(vm);
      this.engine.emit({ type: 'host.allocation-changed', time: this.now, hostId: targetId, vmId });
    }
  }

  /** Auto-recovery: moves a VM off failed hardware onto `hostId` (it reboots there; the state stays). */
  relocate(vmId: string, hostId: string): void {
    const vm = this.requireVm(vmId);
    if (!holdsHost(vm.state)) throw new IncorrectInstanceState(vmId, vm.state, 'recovered');
    this.abortMigration(vmId);
    const from = vm.hostId;
    this.release(vm);
    this.placeOn(vm, hostId);
    this.engine.emit({ type: 'vm.host-changed', time: this.now, vmId, tenantId: vm.tenantId, from, to: hostId, reason: 'recovery' });
  }

  /** Records a notable moment of the timeline (listeners persist it). */
  notice(event: Omit<TimelineEvent, 'type' | 'time'>): void {
    this.engine.emit({ type: 'timeline', time: this.now, ...event });
  }

  private enter(vm: Vm, state: InstanceStateName, durationMs: SimTime | null): StateTransition {
    const previous = vm.state;
    const pending = this.transitions.get(vm.vmId);
    if (pending) {
      this.engine.cancel(pending);
      this.transitions.delete(vm.vmId);
    }
    vm.state = state;
    vm.stateSince = this.now;
    vm.transitionAt = durationMs === null ? null : this.now + durationMs;
    if (state !== 'running') this.abortMigration(vm.vmId);
    if (!holdsHost(state)) this.release(vm);
    if (vm.transitionAt !== null) this.scheduleCompletion(vm, vm.transitionAt);
    this.engine.emit({
      type: 'vm.state-changed', time: this.now, vmId: vm.vmId, tenantId: vm.tenantId, previous, current: state,
      hostId: vm.hostId, transitionAt: vm.transitionAt,
    });
    if (state === 'terminated') this.vms.delete(vm.vmId);
    return { vmId: vm.vmId, previous, current: state };
  }

  private scheduleCompletion(vm: Vm, at: SimTime): void {
    this.transitions.set(
      vm.vmId,
      this.engine.schedule(at, () => {
        this.transitions.delete(vm.vmId);
        const next = COMPLETES_TO[vm.state];
        if (next) this.enter(vm, next, null);
      }),
    );
  }

  private placeOn(vm: Vm, hostId: string): void {
    const host = this.requireHost(hostId);
    vm.hostId = hostId;
    host.attach(vm);
    this.tenantVcpus.set(vm.tenantId, this.vcpusInUse(vm.tenantId) + vm.instanceType.vcpus);
    this.engine.emit({ type: 'host.allocation-changed', time: this.now, hostId, vmId: vm.vmId });
  }

  private release(vm: Vm): void {
    if (vm.hostId === null) return;
    const host = this.hostsById.get(vm.hostId);
    const hostId = vm.hostId;
    vm.hostId = null;
    this.tenantVcpus.set(vm.tenantId, this.vcpusInUse(vm.tenantId) - vm.instanceType.vcpus);
    if (host) {
      host.detach(vm);
      this.engine.emit({ type: 'host.allocation-changed', time: this.now, hostId, vmId: vm.vmId });
    }
  }

  private requireHost(hostId: string): Host {
    const host = this.hostsById.get(hostId);
    if (!host) throw new NotFound('InvalidHostID.NotFound', `host '${hostId}' does not exist`);
    return host;
  }

  private requireVm(vmId: string): Vm {
    const vm = this.vms.get(vmId);
    if (!vm) throw new NotFound('InvalidInstanceID.NotFound', `The instance ID '${vmId}' does not exist`);
    return vm;
  }
}

const COMPLETES_TO: Partial<Record<InstanceStateName, InstanceStateName>> = {
  pending: 'running',
  stopping: 'stopped',
  'shutting-down': 'terminated',
};
