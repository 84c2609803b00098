/** The region a live Nimbus simulates, and its availability zones. */
export const REGION = 'us-east-1';
export const AVAILABILITY_ZONES: readonly string[] = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

export function isAvailabilityZone(name: string): boolean {
  return AVAILABILITY_ZONES.includes(name);
}
