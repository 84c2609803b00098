import { PricedInstanceType } from '../../../application/catalog/catalog.service';

export function mapInstanceType({ type: t, hourlyPriceUsd }: PricedInstanceType) {
  return {
    name: t.name,
    family: t.family,
    vcpus: t.vcpus,
    memoryMiB: t.memoryMiB,
    ...(t.baselinePerVcpu !== undefined
      ? { burstable: { baselinePerVcpu: t.baselinePerVcpu, creditsPerHour: Math.round(t.baselinePerVcpu * t.vcpus * 60 * 1000) / 1000 } }
      : {}),
    network: t.network,
    ebs: t.ebs,
    hourlyPriceUsd,
  };
}

export function mapAvailabilityZone(z: { zoneName: string; regionName: string }) {
  return { zoneName: z.zoneName, regionName: z.regionName, state: 'available' };
}
