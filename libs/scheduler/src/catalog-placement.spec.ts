import fc from 'fast-check';
import { CpuParams, defaultCpuParams, HOST_TYPES, INSTANCE_TYPES, InstanceType, resolveCpuParams } from '@nimbus/hypervisor';
import { DEFAULT_SCHEDULER_CONFIG } from './contract';
import { Scheduler } from './scheduler';
import { fleetOf } from './testing/fleet-fixture';

/**
 * Every catalog type can be placed: on an empty fleet of one host of each host type that runs its
 * family, the real scheduler (its capacity rule, its family filter) finds a host for it.
 */
function placeOnEmptyHosts(instanceType: InstanceType, cpu: CpuParams = defaultCpuParams(instanceType)) {
  const hostTypes = HOST_TYPES.filter((h) => h.families.includes(instanceType.family));
  const { fleet } = fleetOf(hostTypes.map((h, i) => [`h-${i}`, h.name, 'us-east-1a'] as const));
  const decision = new Scheduler(fleet, DEFAULT_SCHEDULER_CONFIG).place({ tenantId: 't-1', instanceType, cpu, minCount: 1, maxCount: 1 });
  return { decision, hostType: decision.ok ? fleet.host(decision.hostIds[0])!.type : undefined };
}

describe('catalog placement', () => {
  it('places each of the catalog’s types, at its default CPU, on a host that runs its family', () => {
    const refused = INSTANCE_TYPES.filter((t) => !placeOnEmptyHosts(t).decision.ok).map((t) => t.name);
    expect(refused).toEqual([]);
    expect(placeOnEmptyHosts(INSTANCE_TYPES.find((t) => t.name === 't1.micro')!).hostType?.name).toBe('t1-host');
  });

  it('places any catalog type with any CPU it may ask for (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...INSTANCE_TYPES), fc.double({ min: 0, max: 1, noNaN: true }), (instanceType, share) => {
        const d = defaultCpuParams(instanceType);
        const reservationMillicores = Math.floor(d.reservationMillicores * share);
        const cpu = resolveCpuParams(instanceType, { reservationMillicores, limitMillicores: Math.max(1, reservationMillicores, Math.floor(d.limitMillicores * share)) });
        const { decision, hostType } = placeOnEmptyHosts(instanceType, cpu);
        expect(decision.ok).toBe(true);
        expect(hostType!.families).toContain(instanceType.family);
      }),
    );
  });
});
