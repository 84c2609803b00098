import { architecturesOf, InstanceType } from '@nimbus/hypervisor';
import { ListedInstanceType, listPrices, ListPrices } from '@nimbus/metering';

/**
 * The catalog's instance types as the price book reads them: the one table of list prices is the
 * catalog's (libs/hypervisor's data file, and each custom type's own prices). Windows is sold on
 * x86_64 types only. A type without a list price is left out (its price must come from a version).
 */
export function listedInstanceTypes(types: readonly InstanceType[]): ListedInstanceType[] {
  const out: ListedInstanceType[] = [];
  for (const t of types) {
    if (t.onDemandLinuxHourlyUsd === undefined) continue;
    out.push({
      name: t.name,
      vcpus: t.vcpus,
      linuxHourly: t.onDemandLinuxHourlyUsd,
      ...(t.baselinePerVcpu !== undefined ? { baselinePerVcpu: t.baselinePerVcpu } : {}),
      ...(t.onDemandWindowsHourlyUsd !== undefined ? { windowsHourly: t.onDemandWindowsHourlyUsd } : {}),
      windows: architecturesOf(t).includes('x86_64'),
    });
  }
  return out;
}

/** The list prices of catalog types, for `withListPrices`. */
export function catalogListPrices(types: readonly InstanceType[]): ListPrices {
  return listPrices(listedInstanceTypes(types));
}
