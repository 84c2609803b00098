import fc from 'fast-check';
import { Reach } from '../../../../test/support/reach';
import { defaultCpuParams, findInstanceType, Host } from '@nimbus/hypervisor';
import { ratiosFor } from '../contract';
import { RebalancingWorld } from '@nimbus/simulation/testing';
import { MIGRATION_REASONS, MigrationReason } from './migration-executor';

const HOST_TYPES = ['m5-host', 'c5-host'] as const;
const ZONES = ['us-east-1a', 'us-east-1b'] as const;
// Big ones often, so that hosts run hot as well as cold.
const VM_TYPES = ['m5.large', 'm5.xlarge', 'm5.4xlarge', 'm5.12xlarge', 'm5.12xlarge', 'm5.24xlarge', 'm5.24xlarge', 'c5.large', 'c5.4xlarge', 'c5.18xlarge', 'c5.18xlarge', 't3.large', 't3.2xlarge'] as const;
const MINUTE = 60_000;
/** Uniform in value (fc.double crowds near 0, where most floats are). */
const fraction = (min: number, max: number) => fc.integer({ min: Math.round(min * 100), max: Math.round(max * 100) }).map((x) => x / 100);

/** On three times in four: a rebalancer switched off moves nothing, and checks nothing. */
const mostlyOn = fc.constantFrom(true, true, true, false);

const scenario = fc.record({
  // Two hosts of one type and zone, then up to two of any: a host has a partner to move VMs to
  // (without one, nothing can move and the migration checks never run).
  hosts: fc
    .tuple(fc.record({ type: fc.constantFrom(...HOST_TYPES), az: fc.constantFrom(...ZONES) }), fc.array(fc.record({ type: fc.constantFrom(...HOST_TYPES), az: fc.constantFrom(...ZONES) }), { maxLength: 2 }))
    .map(([pair, others]) => [pair, pair, ...others]),
  vms: fc.array(
    fc.record({ type: fc.constantFrom(...VM_TYPES), load: fraction(0, 1), dirtyRateMiBps: fc.integer({ min: 0, max: 1500 }) }),
    { minLength: 4, maxLength: 14 },
  ),
  changes: fc.array(fc.record({ atMinute: fc.integer({ min: 0, max: 180 }), vm: fc.nat(), load: fraction(0, 1) }), { maxLength: 12 }),
  drain: fc.option(fc.record({ atMinute: fc.integer({ min: 0, max: 180 }), host: fc.nat() }), { nil: undefined }),
  hotSpot: fc.record({
    enabled: mostlyOn, cpuThreshold: fraction(0.4, 0.95),
    windowSeconds: fc.integer({ min: 0, max: 900 }), cooldownSeconds: fc.integer({ min: 0, max: 900 }),
  }),
  consolidation: fc.record({
    enabled: mostlyOn, cpuThreshold: fraction(0.01, 0.35),
    windowSeconds: fc.integer({ min: 0, max: 1800 }), intervalSeconds: fc.integer({ min: 30, max: 900 }), powerOff: fc.boolean(),
  }),
  maxConcurrentMigrations: fc.integer({ min: 1, max: 4 }),
  weigher: fc.constantFrom('pack' as const, 'spread' as const),
});

/** The placement capacity rule (docs/model.md §4), read from the host as it is. */
function withinCapacity(world: RebalancingWorld, host: Host): boolean {
  const r = ratiosFor(world.scheduler.config, host.availabilityZone, host.type.name);
  const a = host.allocation;
  return a.reservedMillicores <= host.cpuCapacityMillicores && a.limitMillicores <= Math.floor(host.threads * 1000 * r.cpuAllocationRatio) && a.memoryMiB <= Math.floor(host.memoryCapacityMiB * r.ramAllocationRatio);
}

describe('Rebalancer (property): under random workloads and settings', () => {
  it('never leaves a host over capacity or a reservation unmet, never moves a VM onto a host placement would refuse, and every migration has a reason', () => {
    const migrating = new Reach();
    fc.assert(
      fc.property(scenario, (s) => {
        migrating.run();
        let migrations = 0;
        const w = new RebalancingWorld({ hotSpot: s.hotSpot, consolidation: { ...s.consolidation, cpuThreshold: Math.min(s.consolidation.cpuThreshold, s.hotSpot.cpuThreshold - 0.05) }, maxConcurrentMigrations: s.maxConcurrentMigrations }, { weigher: s.weigher });
        const hostIds = s.hosts.map((h) => w.host(h.type, h.az));
        const problems: string[] = [];
        w.engine.subscribe((e) => {
          if (e.type === 'host.allocation-changed') {
            const host = w.fleet.host(e.hostId);
            if (host && !withinCapacity(w, host)) problems.push(`${e.hostId} over capacity at ${e.time}`);
          }
          if (e.type === 'host.state-changed' && e.current === 'off') {
            const host = w.fleet.host(e.hostId)!;
            if (host.vmIds.size + host.incoming.size > 0) problems.push(`${e.hostId} switched off with instances`);
          }
          if (e.type !== 'timeline') return;
          if (e.kind === 'vm.guarantee-violated') problems.push(`reservation unmet: ${e.vmId}`);
          if (e.kind.startsWith('vm.migration') && !MIGRATION_REASONS.includes(e.detail.reason as MigrationReason)) problems.push(`${e.kind} without a reason`);
          if (e.kind === 'vm.migration-started') {
            migrations++;
            const vm = w.fleet.vm(e.vmId!)!;
            const source = w.fleet.host(e.hostId!)!;
            const target = w.fleet.host(e.detail.targetHostId as string)!;
            if (target.id === source.id) problems.push('migrated onto its own host');
            if (target.availabilityZone !== source.availabilityZone) problems.push('migrated across zones');
            if (!target.type.families.includes(vm.instanceType.family)) problems.push('migrated onto a host of the wrong family');
            if (target.state !== 'available') problems.push(`migrated onto a ${target.state} host`);
          }
        });
        const vmIds: string[] = [];
        for (const v of s.vms) {
          const t = findInstanceType(v.type)!;
          const d = w.scheduler.place({ tenantId: 't', instanceType: t, cpu: defaultCpuParams(t), minCount: 1, maxCount: 1 });
          if (!d.ok) continue;
          const vm = w.demandingVm(d.hostIds[0], v.type, v.load * t.vcpus, v.dirtyRateMiBps);
          vmIds.push(vm.vmId);
        }
        const t0 = w.now;
        const steps = [...s.changes].sort((a, b) => a.atMinute - b.atMinute);
        for (const c of steps) {
          w.at(Math.max(w.now, t0 + c.atMinute * MINUTE));
          if (s.drain && s.drain.atMinute <= c.atMinute) {
            const h = hostIds[s.drain.host % hostIds.length];
            if (w.fleet.host(h)!.state === 'available') w.maintenance.drain(h);
          }
          if (vmIds.length === 0) continue;
          const id = vmIds[c.vm % vmIds.length];
          const vm = w.fleet.vm(id);
          if (vm && vm.state === 'running') w.demand(id, c.load * vm.instanceType.vcpus);
        }
        w.at(t0 + 6 * 60 * MINUTE);
        for (const id of hostIds) {
          const host = w.fleet.host(id)!;
          if (!withinCapacity(w, host)) problems.push(`${id} over capacity at the end`);
          if (host.state === 'off' && host.vmIds.size > 0) problems.push(`${id} off with instances`);
        }
        // Every VM still runs somewhere.
        for (const id of vmIds) if (w.fleet.vm(id)?.hostId == null) problems.push(`${id} lost its host`);
        expect(problems).toEqual([]);
        // The rules above bite only on a rebalancer that moves something.
        if (migrations > 0) migrating.hit();
      }),
      { numRuns: 150 },
    );
    // About half the cases migrate (under 20 % before the generator was steered); the capacity and
    // reservation checks hold in every case, the migration checks only where something moved.
    migrating.expectAtLeast(0.35, 'rebalancer: cases with migrations');
  });
});
