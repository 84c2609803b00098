import { findHostType } from '../../catalog/host-types';
import { findImage } from '../../catalog/images';
import { findInstanceType } from '../../catalog/instance-types';
import { Engine } from '../../engine/engine';
import { FleetEvent, TimelineEvent } from '../../fleet/events';
import { Fleet } from '../../fleet/fleet';
import { CpuParams, resolveCpuParams, Vm } from '../../fleet/vm';
import { BucketSummary } from '../../vmm/metrics';
import { DataPlane, DataPlaneOptions } from '../data-plane';
import { MetricKind } from '../metric-fields';

export const T0 = Date.UTC(2026, 0, 1);
export const LINUX = 'ami-0a1e0c00000000a23';
export const UBUNTU = 'ami-0b0b0c00000000b24';

/** A fleet with a data plane, recording every timeline event and metric bucket (for tests). */
export class World {
  readonly engine = new Engine<FleetEvent>(T0);
  readonly fleet = new Fleet(this.engine);
  readonly dataPlane: DataPlane;
  readonly timeline: TimelineEvent[] = [];
  readonly buckets: { kind: MetricKind; id: string; bucket: BucketSummary }[] = [];
  private n = 0;

  constructor(options: Omit<DataPlaneOptions, 'metrics'> & { metrics?: boolean } = {}) {
    const { metrics, ...rest } = options;
    this.dataPlane = new DataPlane(this.fleet, {
      ...rest,
      metrics: metrics === false ? undefined : { onBucket: (kind, id, bucket) => this.buckets.push({ kind, id, bucket }) },
    });
    this.engine.subscribe((e) => {
      if (e.type === 'timeline') this.timeline.push(e);
    });
  }

  host(hostType = 'm5-host', az = 'us-east-1a'): string {
    const id = `h-${String(++this.n).padStart(17, '0')}`;
    this.fleet.addHost(id, findHostType(hostType)!, az);
    return id;
  }

  /** Launches a VM on `hostId` and runs it to `running`. */
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
}
