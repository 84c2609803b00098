import { DataPlane, Engine, findHostType, findImage, findInstanceType, Fleet, FleetEvent, resolveCpuParams, TimelineEvent, Vm } from '@nimbus/hypervisor';
import { SchedulerConfig } from '../contract';
import { Maintenance } from '../policies/maintenance';
import { Rebalancer } from '../policies/rebalancer';
import { RebalancerConfigPatch } from '../policies/rebalancer.config';
import { Scheduler } from '../scheduler';

export const T0 = Date.UTC(2026, 0, 1);
const LINUX = 'ami-0a1e0c00000000a23';

/** A fleet with its data plane, scheduler, maintenance and rebalancer, recording the timeline (for tests). */
export class RebalancingWorld {
  readonly engine = new Engine<FleetEvent>(T0);
  readonly fleet = new Fleet(this.engine);
  readonly scheduler: Scheduler;
  readonly dataPlane: DataPlane;
  readonly maintenance: Maintenance;
  readonly rebalancer: Rebalancer;
  readonly timeline: TimelineEvent[] = [];
  private n = 0;

  constructor(config: RebalancerConfigPatch = {}, scheduler?: Partial<SchedulerConfig>) {
    this.engine.subscribe((e) => {
      if (e.type === 'timeline') this.timeline.push(e);
    });
    this.scheduler = new Scheduler(this.fleet);
    if (scheduler) this.scheduler.setConfig(scheduler);
    this.dataPlane = new DataPlane(this.fleet);
    this.maintenance = new Maintenance(this.fleet, this.dataPlane, this.scheduler);
    this.rebalancer = new Rebalancer(this.fleet, this.dataPlane, this.scheduler, this.maintenance);
    this.rebalancer.setConfig(config);
  }

  get now(): number {
    return this.engine.now;
  }

  host(hostType = 'm5-host', az = 'us-east-1a'): string {
    const id = `h-${String(++this.n).padStart(17, '0')}`;
    this.fleet.addHost(id, findHostType(hostType)!, az);
    return id;
  }

  /**
   * Launches a VM on `hostId`, runs it to `running` and gives it a constant CPU demand (cores) and
   * a dirty rate (MiB/s).
   */
  vm(hostId: string, type: string, cores = 0, dirtyRateMiBps = 0): Vm {
    const t = findInstanceType(type)!;
    const vm = this.fleet.launch(
      { vmId: `i-${String(++this.n).padStart(17, '0')}`, tenantId: 'tenant-a', instanceType: t, image: findImage(LINUX)!, cpu: resolveCpuParams(t, {}) },
      hostId,
    );
    this.run(vm.image.bootSeconds * 1000);
    this.demand(vm.vmId, cores, dirtyRateMiBps);
    return vm;
  }

  demand(vmId: string, cores: number, dirtyRateMiBps = 0): void {
    this.dataPlane.setWorkload(vmId, { cpu: { model: 'constant', cores }, memory: { workingSetMiB: 1024, dirtyRateMiBps } });
    this.run(0);
  }

  run(ms: number): void {
    this.engine.runUntil(this.engine.now + ms);
  }

  at(t: number): void {
    this.engine.runUntil(t);
  }

  events(kind: TimelineEvent['kind']): TimelineEvent[] {
    return this.timeline.filter((e) => e.kind === kind);
  }

  hostOf(vmId: string): string | null {
    return this.fleet.vm(vmId)?.hostId ?? null;
  }
}
