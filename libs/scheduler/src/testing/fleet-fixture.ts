import { Engine, Fleet, FleetEvent, IMAGES, VmSpec, defaultCpuParams, findHostType, findInstanceType, InstanceType, CpuParams } from '@nimbus/hypervisor';
import { PlacementDecision, PlacementRequest } from '../contract';

/** Test fixtures: a real engine and fleet, and requests by instance-type name. */
export const linux = IMAGES.find((i) => i.platform === 'linux')!;

export type HostRow = readonly [hostId: string, hostType: string, availabilityZone: string];

export function fleetOf(rows: readonly HostRow[]): { engine: Engine<FleetEvent>; fleet: Fleet } {
  const engine = new Engine<FleetEvent>(0);
  const fleet = new Fleet(engine);
  for (const [id, type, az] of rows) fleet.addHost(id, findHostType(type)!, az);
  return { engine, fleet };
}

export function type(name: string): InstanceType {
  const t = findInstanceType(name);
  if (!t) throw new Error(`no instance type ${name}`);
  return t;
}

export function request(typeName: string, opts: Partial<Omit<PlacementRequest, 'instanceType'>> = {}): PlacementRequest {
  const instanceType = type(typeName);
  return { tenantId: 't-1', instanceType, cpu: defaultCpuParams(instanceType), minCount: 1, maxCount: 1, ...opts };
}

let vmSeq = 0;
export function specFor(instanceType: InstanceType, cpu: CpuParams = defaultCpuParams(instanceType), extra: Partial<VmSpec> = {}): VmSpec {
  return { vmId: `i-${(++vmSeq).toString(16).padStart(8, '0')}`, tenantId: 't-1', instanceType, image: linux, cpu, ...extra };
}

/** Launches one VM per host id of an accepted decision with the request's tenancy and group, as the API does. */
export function launchPlaced(fleet: Fleet, req: PlacementRequest, decision: PlacementDecision): string[] {
  if (!decision.ok) return [];
  return decision.hostIds.map((hostId, i) => {
    const group = req.placementGroup ? { groupId: req.placementGroup.groupId, ...(decision.partitions ? { partition: decision.partitions[i] } : {}) } : undefined;
    return fleet.launch(specFor(req.instanceType, req.cpu, { tenantId: req.tenantId, tenancy: req.tenancy ?? 'default', ...(group ? { placementGroup: group } : {}) }), hostId).vmId;
  });
}

/** Launches one VM per host id of an accepted decision, as the API will. */
export function launchAll(fleet: Fleet, req: PlacementRequest, decision: PlacementDecision): string[] {
  if (!decision.ok) return [];
  return decision.hostIds.map((hostId) => fleet.launch(specFor(req.instanceType, req.cpu), hostId).vmId);
}

/** Launches `count` instances of a type directly on a host (to set a scene). */
export function fill(fleet: Fleet, hostId: string, typeName: string, count: number): void {
  for (let i = 0; i < count; i++) fleet.launch(specFor(type(typeName)), hostId);
}

export function allocations(fleet: Fleet): string {
  return JSON.stringify([...fleet.hosts()].map((h) => [h.id, h.allocation]));
}
