import {
  CpuParams, findHostType, findImage, findInstanceType, MigrationSettings, resolveCpuParams, TimelineEvent, Vm,
} from '@nimbus/hypervisor';
import { RebalancerConfigPatch, SchedulerConfig } from '@nimbus/scheduler';
import { ClosedBucket } from '../world/change-set';
import { World } from '../world/world';

export const T0 = Date.UTC(2026, 0, 1);
export const LINUX = 'ami-0a1e0c00000000a23';
export const UBUNTU = 'ami-0b0b0c00000000b24';

export interface TestWorldOptions {
  /** The RAM allocation ratio of every host (the scheduler's setting). */
  readonly ramRatio?: number;
  readonly migration?: Partial<MigrationSettings>;
  /** Record metric buckets (default true). */
  readonly metrics?: boolean;
  readonly scheduler?: Partial<SchedulerConfig>;
  readonly rebalancer?: RebalancerConfigPatch;
  /** The VMMs' page sharing under pressure (default on). */
  readonly pageSharing?: boolean;
}

/**
 * The world as tests drive it (for the libs' specs): the one construction (World.create), hosts
 * added one by one, VMs launched onto a chosen host and run to `running`, every timeline event and
 * metric bucket recorded.
 */
export class TestWorld {
  readonly world: World;
  readonly timeline: TimelineEvent[] = [];
  readonly buckets: ClosedBucket[] = [];
  private n = 0;

  constructor(options: TestWorldOptions = {}) {
    this.world = World.create(
      {
        startMs: T0, hosts: [],
        scheduler: { ...(options.ramRatio !== undefined ? { ramAllocationRatio: options.ramRatio } : {}), ...(options.scheduler ?? {}) },
        ...(options.rebalancer ? { rebalancer: options.rebalancer } : {}),
      },
      {
        usage: false, journal: false,
        ...(options.migration ? { migration: options.migration } : {}),
        ...(options.pageSharing !== undefined ? { pageSharing: options.pageSharing } : {}),
        metrics: options.metrics === false ? false : { onBucket: (kind, id, bucket) => this.buckets.push({ kind, id, bucket }) },
      },
    );
    this.world.observe((e) => {
      if (e.type === 'timeline') this.timeline.push(e);
    });
  }

  get engine() {
    return this.world.engine;
  }

  get fleet() {
    return this.world.fleet;
  }

  get dataPlane() {
    return this.world.dataPlane;
  }

  get scheduler() {
    return this.world.scheduler;
  }

  get maintenance() {
    return this.world.maintenance;
  }

  get rebalancer() {
    return this.world.rebalancer;
  }

  get now(): number {
    return this.world.now;
  }

  host(hostType = 'm5-host', az = 'us-east-1a'): string {
    const id = `h-${String(++this.n).padStart(17, '0')}`;
    this.fleet.addHost(id, findHostType(hostType)!, az);
    return id;
  }

  /** Launches a VM on `hostId` (placement chosen by the test) and runs it to `running`. */
  vm(hostId: string, type: string, cpu: Partial<CpuParams> = {}, image = LINUX, autoRecovery = true): Vm {
    const t = findInstanceType(type)!;
    const vm = this.fleet.launch(
      { vmId: `i-${String(++this.n).padStart(17, '0')}`, tenantId: 'tenant-a', instanceType: t, image: findImage(image)!, cpu: resolveCpuParams(t, cpu), autoRecovery },
      hostId,
    );
    this.run(vm.image.bootSeconds * 1000);
    return vm;
  }

  run(ms: number): void {
    this.engine.runUntil(this.engine.now + ms);
  }

  at(t: number): void {
    this.engine.runUntil(t);
  }

  cores(vmId: string): number {
    return this.dataPlane.vmView(vmId).allocatedCores;
  }

  events(kind: TimelineEvent['kind']): TimelineEvent[] {
    return this.timeline.filter((e) => e.kind === kind);
  }

  hostOf(vmId: string): string | null {
    return this.fleet.vm(vmId)?.hostId ?? null;
  }
}

/** A test world with rebalancing on (the scheduler's policy specs): VMs with a constant CPU demand and dirty rate. */
export class RebalancingWorld extends TestWorld {
  constructor(config: RebalancerConfigPatch = {}, scheduler?: Partial<SchedulerConfig>) {
    super({ rebalancer: config, ...(scheduler ? { scheduler } : {}), metrics: false });
  }

  /** Launches a VM on `hostId`, runs it to `running` and gives it a constant CPU demand (cores) and a dirty rate (MiB/s). */
  demandingVm(hostId: string, type: string, cores = 0, dirtyRateMiBps = 0): Vm {
    const vm = this.vm(hostId, type);
    this.demand(vm.vmId, cores, dirtyRateMiBps);
    return vm;
  }

  demand(vmId: string, cores: number, dirtyRateMiBps = 0): void {
    this.dataPlane.setWorkload(vmId, { cpu: { model: 'constant', cores }, memory: { workingSetMiB: 1024, dirtyRateMiBps } });
    this.run(0);
  }
}
