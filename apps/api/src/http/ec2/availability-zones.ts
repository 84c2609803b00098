import { AVAILABILITY_ZONES } from '@nimbus/hypervisor';

/**
 * EC2's Availability Zone ids: us-east-1a → use1-az1, b → az2, c → az3, in AVAILABILITY_ZONES'
 * order. (EC2 maps names to ids per account; Nimbus has one mapping, for every tenant.) Every
 * answer and filter that shows a zone id reads it here.
 */
export const ZONE_IDS: ReadonlyMap<string, string> = new Map(AVAILABILITY_ZONES.map((zoneName, i) => [zoneName, `use1-az${i + 1}`]));

/** The id of a zone Nimbus simulates; undefined for another name. */
export function zoneIdOf(zoneName: string): string | undefined {
  return ZONE_IDS.get(zoneName);
}

/** The zone named by an id; undefined for an id Nimbus does not have. */
export function zoneNameOf(zoneId: string): string | undefined {
  for (const [name, id] of ZONE_IDS) if (id === zoneId) return name;
  return undefined;
}
