import * as fc from 'fast-check';
import { AVAILABILITY_ZONES, DomainError, Fleet, IMAGES, INSTANCE_TYPES, LicensedProduct, Tenancy, Vm, defaultCpuParams, holdsHost } from '@nimbus/hypervisor';
import { CLUSTER_MAX_HOSTS, PlacementStrategy, SPREAD_MAX_PER_ZONE } from './contract';
import { admitLicenses, checkLicensable, consumedLicenses, LicenseCountingType, LicensedInstance } from './licensing/license-rules';
import { Scheduler } from './scheduler';
import { fleetOf } from './testing/fleet-fixture';

/*
 * Admission invariants (issue 4, docs/model.md §4-5) under random sequences of launches (random
 * tenants, tenancies, groups, partitions, Dedicated Hosts, license configurations), stops,
 * starts, terminations, host failures with recovery (placeVm), repairs, host allocation and
 * release, and time. After every step, read from the fleet itself (not from the scheduler):
 * - no host's reservations exceed its capacity, nor limits and memory capacity × ratio;
 * - no spread group has two members on one host, nor more than seven per zone;
 * - no host holds two partitions of one partition group; a cluster group stays in one zone on at
 *   most a rack of hosts;
 * - a Dedicated Host holds only its owner's host-tenancy VMs; a host with a dedicated-tenancy VM
 *   holds only that tenant's VMs; no default or dedicated VM is on an allocated host;
 * - no hard license limit is exceeded.
 */

const TENANTS = ['t-a', 't-b', 't-c'];
const TYPES = ['t3.micro', 't3.large', 'm5.large', 'm5.2xlarge', 'm5.8xlarge', 'm5.24xlarge', 'c5.xlarge', 'c5.9xlarge'];
const GROUPS: { groupId: string; strategy: PlacementStrategy; partitionCount?: number; tenantId: string }[] = [
  { groupId: 'pg-spread', strategy: 'spread', tenantId: 't-a' },
  { groupId: 'pg-cluster', strategy: 'cluster', tenantId: 't-b' },
  { groupId: 'pg-part', strategy: 'partition', partitionCount: 3, tenantId: 't-a' },
];
const windowsByol = IMAGES.find((i) => i.byolProduct === 'windows-server')!;
const sqlByol = IMAGES.find((i) => i.byolProduct === 'sql-server-standard')!;
const linux = IMAGES.find((i) => i.platform === 'linux')!;

type Op =
  | { op: 'launch'; tenant: number; type: string; tenancy: Tenancy; group: number | null; partition: number | null; az: number | null; count: number; license: number | null; product: LicensedProduct }
  | { op: 'stop' | 'start' | 'terminate'; pick: number }
  | { op: 'fail' | 'repair'; pick: number }
  | { op: 'allocate'; tenant: number; az: number; family: 'm5' | 'c5'; auto: boolean }
  | { op: 'release'; pick: number }
  | { op: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      op: fc.constant('launch' as const), tenant: fc.nat(TENANTS.length - 1), type: fc.constantFrom(...TYPES),
      tenancy: fc.constantFrom<Tenancy>('default', 'default', 'dedicated', 'host'), group: fc.option(fc.nat(GROUPS.length - 1), { nil: null, freq: 2 }),
      partition: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }), az: fc.option(fc.nat(2), { nil: null }), count: fc.integer({ min: 1, max: 5 }),
      license: fc.option(fc.nat(3), { nil: null, freq: 2 }), product: fc.constantFrom<LicensedProduct>('windows-server', 'sql-server-standard'),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('stop' as const, 'start' as const, 'terminate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('fail' as const, 'repair' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('allocate' as const), tenant: fc.nat(TENANTS.length - 1), az: fc.nat(2), family: fc.constantFrom('m5' as const, 'c5' as const), auto: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 400_000 }) }) },
);

interface License {
  readonly licenseConfigurationId: string;
  readonly countingType: LicenseCountingType;
  readonly limit: number;
  readonly hardLimit: boolean;
}

const scenarioArb = fc.record({
  hosts: fc.array(fc.tuple(fc.constantFrom('m5-host', 'c5-host', 'm5-xen-pv-host'), fc.constantFrom(0, 0, 1, 2)), { minLength: 2, maxLength: 14 }),
  weigher: fc.constantFrom('pack' as const, 'spread' as const, 'balance' as const),
  licenses: fc.array(
    fc.record({ countingType: fc.constantFrom<LicenseCountingType>('vCPU', 'Core', 'Socket', 'Instance'), limit: fc.integer({ min: 1, max: 150 }), hardLimit: fc.boolean() }),
    { minLength: 4, maxLength: 4 },
  ),
  ops: fc.array(opArb, { minLength: 1, maxLength: 50 }),
});

function checkInvariants(fleet: Fleet, sut: Scheduler, licensed: (l: License) => LicensedInstance[], licenses: License[]): void {
  const ratios = sut.config;
  const groupHosts = new Map<string, Map<string, number>>();
  for (const host of fleet.hosts()) {
    const a = host.allocation;
    expect(a.reservedMillicores).toBeLessThanOrEqual(host.cpuCapacityMillicores);
    expect(a.limitMillicores).toBeLessThanOrEqual(host.threads * 1000 * ratios.cpuAllocationRatio);
    expect(a.memoryMiB).toBeLessThanOrEqual(host.memoryCapacityMiB * ratios.ramAllocationRatio);
    const vms = [...host.vmIds, ...host.incoming].map((id) => fleet.vm(id)!);
    const owner = sut.hostOwner(host.id);
    if (owner) for (const vm of vms) expect({ host: host.id, tenant: vm.tenantId, tenancy: vm.tenancy }).toEqual({ host: host.id, tenant: owner.tenantId, tenancy: 'host' });
    for (const vm of vms) if (vm.tenancy === 'host') expect(owner?.tenantId).toBe(vm.tenantId);
    const dedicatedTenants = new Set(vms.filter((v) => v.tenancy === 'dedicated').map((v) => v.tenantId));
    if (dedicatedTenants.size > 0) expect(new Set(vms.map((v) => v.tenantId))).toEqual(dedicatedTenants);
    for (const vm of vms) {
      if (!vm.placementGroup) continue;
      const key = `${vm.placementGroup.groupId}|${host.id}`;
      const perHost = groupHosts.get(key) ?? new Map<string, number>();
      perHost.set(String(vm.placementGroup.partition ?? 0), (perHost.get(String(vm.placementGroup.partition ?? 0)) ?? 0) + 1);
      groupHosts.set(key, perHost);
    }
  }
  const byGroup = (groupId: string) => [...fleet.allVms()].filter((v) => v.placementGroup?.groupId === groupId && v.hostId !== null);
  for (const [key, parts] of groupHosts) {
    const groupId = key.split('|')[0];
    if (groupId === 'pg-spread') expect([...parts.values()].reduce((s, n) => s + n, 0)).toBe(1);
    if (groupId === 'pg-part') expect(parts.size).toBe(1);
  }
  for (const az of AVAILABILITY_ZONES) expect(byGroup('pg-spread').filter((v) => fleet.host(v.hostId!)!.availabilityZone === az).length).toBeLessThanOrEqual(SPREAD_MAX_PER_ZONE);
  const cluster = byGroup('pg-cluster');
  expect(new Set(cluster.map((v) => fleet.host(v.hostId!)!.availabilityZone)).size).toBeLessThanOrEqual(1);
  expect(new Set(cluster.map((v) => v.hostId)).size).toBeLessThanOrEqual(CLUSTER_MAX_HOSTS);
  for (const l of licenses) if (l.hardLimit) expect(consumedLicenses(l.countingType, licensed(l))).toBeLessThanOrEqual(l.limit);
}

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function run(s: Scenario): void {
  const { engine, fleet } = fleetOf(s.hosts.map(([type, az], i) => [`h-${String(i).padStart(2, '0')}`, type, AVAILABILITY_ZONES[az]] as const));
  const sut = new Scheduler(fleet, { weigher: s.weigher, cpuAllocationRatio: 2, ramAllocationRatio: 1 });
  for (const g of GROUPS) sut.defineGroup(g);
  const licenses: License[] = s.licenses.map((l, i) => ({ licenseConfigurationId: `lic-${i}`, ...l }));
  // What the API keeps per instance: its license configuration and, for tenancy host, its host.
  const licenseOf = new Map<string, { config: string; product: LicensedProduct; hostId?: string }>();
  const hostOf = new Map<string, string>();
  const licensed = (l: License): LicensedInstance[] =>
    [...licenseOf].filter(([id, x]) => x.config === l.licenseConfigurationId && fleet.vm(id)).map(([id, x]) => {
      const h = x.hostId ? fleet.host(x.hostId) : undefined;
      return { instanceId: id, vcpus: fleet.vm(id)!.instanceType.vcpus, product: x.product, ...(h ? { dedicatedHost: { hostId: h.id, sockets: h.type.sockets, cores: h.type.sockets * h.type.coresPerSocket } } : {}) };
    });
  let seq = 0;
  const pickVm = (pick: number, ok: (v: Vm) => boolean) => {
    const vms = [...fleet.allVms()].filter(ok);
    return vms.length > 0 ? vms[pick % vms.length] : undefined;
  };
  const hosts = () => [...fleet.hosts()];

  for (const op of s.ops) {
    switch (op.op) {
      case 'launch': {
        const tenantId = TENANTS[op.tenant];
        const instanceType = INSTANCE_TYPES.find((t) => t.name === op.type)!;
        const group = op.group !== null && op.tenancy !== 'host' && !(op.tenancy === 'dedicated' && GROUPS[op.group].strategy === 'spread') ? GROUPS[op.group] : undefined;
        const license = op.license !== null ? licenses[op.license] : undefined;
        if (license) {
          try {
            checkLicensable(license.countingType, op.product, op.tenancy);
          } catch {
            break;
          }
        }
        const owned = hosts().filter((h) => sut.hostOwner(h.id)?.tenantId === tenantId);
        const hostId = op.tenancy === 'host' && owned.length > 0 && seq % 2 === 0 ? owned[seq % owned.length].id : undefined;
        const req = {
          tenantId, instanceType, cpu: defaultCpuParams(instanceType), minCount: 1, maxCount: op.count, tenancy: op.tenancy,
          ...(op.az !== null ? { availabilityZone: AVAILABILITY_ZONES[op.az] } : {}),
          ...(hostId ? { hostId } : {}),
          ...(group ? { placementGroup: { groupId: group.groupId, ...(group.strategy === 'partition' && op.partition !== null ? { partition: op.partition } : {}) } } : {}),
        };
        const d = sut.place(req);
        if (!d.ok) break;
        const ids = d.hostIds.map(() => `i-${(++seq).toString(16).padStart(6, '0')}`);
        if (license) {
          const added = d.hostIds.map((h, i): LicensedInstance => {
            const host = fleet.host(h)!;
            return { instanceId: ids[i], vcpus: instanceType.vcpus, product: op.product, ...(op.tenancy === 'host' ? { dedicatedHost: { hostId: h, sockets: host.type.sockets, cores: host.type.sockets * host.type.coresPerSocket } } : {}) };
          });
          try {
            admitLicenses(license, licensed(license), added);
          } catch (e) {
            expect((e as DomainError).code).toBe('LicenseLimitExceeded');
            break; // all or nothing: nothing launches
          }
        }
        d.hostIds.forEach((h, i) => {
          const image = license ? (op.product === 'windows-server' ? windowsByol : sqlByol) : linux;
          const placementGroup = group ? { groupId: group.groupId, ...(d.partitions ? { partition: d.partitions[i] } : {}) } : undefined;
          fleet.launch({ vmId: ids[i], tenantId, instanceType, image, cpu: req.cpu, tenancy: op.tenancy, ...(placementGroup ? { placementGroup } : {}) }, h);
          if (op.tenancy === 'host') hostOf.set(ids[i], h);
          if (license) licenseOf.set(ids[i], { config: license.licenseConfigurationId, product: op.product, ...(op.tenancy === 'host' ? { hostId: h } : {}) });
        });
        break;
      }
      case 'stop': {
        const vm = pickVm(op.pick, (v) => v.state === 'running');
        if (vm) fleet.stop(vm.vmId);
        break;
      }
      case 'start': {
        const vm = pickVm(op.pick, (v) => v.state === 'stopped');
        if (!vm) break;
        const d = sut.placeVm(vm.vmId, undefined, hostOf.get(vm.vmId));
        if (d.ok) fleet.start(vm.vmId, d.hostIds[0]);
        break;
      }
      case 'terminate': {
        const vm = pickVm(op.pick, (v) => v.state !== 'shutting-down');
        if (vm) fleet.terminate(vm.vmId);
        break;
      }
      case 'fail': {
        const list = hosts();
        const host = list[op.pick % list.length];
        fleet.setHostState(host.id, 'failed');
        // Recovery (docs/model.md §3.8) through placeVm: each VM under its own rules.
        for (const vmId of [...host.vmIds]) {
          const vm = fleet.vm(vmId)!;
          if (!holdsHost(vm.state)) continue;
          const d = sut.placeVm(vmId, host.availabilityZone);
          if (d.ok) fleet.relocate(vmId, d.hostIds[0]);
        }
        break;
      }
      case 'repair': {
        const failed = hosts().filter((h) => h.state === 'failed');
        if (failed.length > 0) fleet.setHostState(failed[op.pick % failed.length].id, 'available');
        break;
      }
      case 'allocate': {
        const [free] = sut.freeHosts(AVAILABILITY_ZONES[op.az], op.family, 1);
        if (free) sut.setHostOwner(free.id, { tenantId: TENANTS[op.tenant], autoPlacement: op.auto });
        break;
      }
      case 'release': {
        const owned = hosts().filter((h) => sut.hostOwner(h.id) && h.vmIds.size + h.incoming.size === 0 && ![...hostOf].some(([id, hh]) => hh === h.id && fleet.vm(id)));
        if (owned.length > 0) sut.setHostOwner(owned[op.pick % owned.length].id, null);
        break;
      }
      case 'advance':
        engine.runUntil(engine.now + op.ms);
        break;
    }
    checkInvariants(fleet, sut, licensed, licenses);
  }
}

describe('admission invariants (fast-check)', () => {
  it('capacity, ratios, spread, partitions, cluster, tenancy, Dedicated Hosts and hard license limits hold after every step', () => {
    fc.assert(fc.property(scenarioArb, (s) => run(s)), { numRuns: 300 });
  });
});
