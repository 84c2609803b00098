import { InvalidParameterValue, LicensedProduct, Tenancy } from '@nimbus/hypervisor';
import { InvalidParameterCombination, LicenseLimitExceeded } from '../contract';

/** How a license configuration counts (AWS License Manager's counting types). */
export type LicenseCountingType = 'vCPU' | 'Core' | 'Socket' | 'Instance';
export const LICENSE_COUNTING_TYPES: readonly LicenseCountingType[] = ['vCPU', 'Core', 'Socket', 'Instance'];

/** EC2 runs two hardware threads per core unless told otherwise: an instance's cores are its vCPUs ÷ 2. */
const THREADS_PER_CORE = 2;

/**
 * Per-product rules (docs/model.md §5), as the vendors' terms set them:
 * - Windows Server is licensed per physical core with a 16-core minimum per server, and BYOL needs
 *   hardware dedicated to the tenant: a Dedicated Host (Microsoft's licence terms; EC2 refuses BYOL
 *   Windows on shared tenancy);
 * - SQL Server is licensed per core with a 4-core minimum per VM, and may run on shared tenancy
 *   under License Mobility.
 * `minCores` applies to every counted unit: a VM counted by its own cores, or a Dedicated Host
 * counted by its physical cores.
 */
export interface ProductLicenseRules {
  readonly label: string;
  readonly minCores: number;
  readonly requiresDedicatedHost: boolean;
}

export const PRODUCT_LICENSE_RULES: Readonly<Record<LicensedProduct, ProductLicenseRules>> = {
  'windows-server': { label: 'Windows Server', minCores: 16, requiresDedicatedHost: true },
  'sql-server-standard': { label: 'SQL Server Standard', minCores: 4, requiresDedicatedHost: false },
};

/** The physical server a Dedicated Host is: licensed by its sockets or physical cores. */
export interface LicensedHost {
  readonly hostId: string;
  readonly sockets: number;
  readonly cores: number;
}

/** An instance that consumes licenses of one configuration (any state but terminated). */
export interface LicensedInstance {
  readonly instanceId: string;
  readonly vcpus: number;
  readonly product: LicensedProduct;
  /** Tenancy host: the Dedicated Host it is on (or will return to when started). */
  readonly dedicatedHost?: LicensedHost;
}

export interface LicenseUsage {
  readonly resourceType: 'instance' | 'host';
  readonly resourceId: string;
  readonly consumedLicenses: number;
}

/**
 * What each resource consumes. `vCPU`: each instance its vCPUs. `Instance`: one per instance.
 * `Core`: an instance on a Dedicated Host is covered by the host, counted once for all of them:
 * its physical cores (at least the product's per-server minimum); any other instance its own
 * cores (vCPUs ÷ 2, at least the product's minimum). `Socket`: the Dedicated Host's sockets, once
 * per host (sockets exist only on hardware the tenant has; see checkLicensable).
 */
export function licenseUsage(countingType: LicenseCountingType, instances: readonly LicensedInstance[]): LicenseUsage[] {
  const out: LicenseUsage[] = [];
  const hosts = new Map<string, { host: LicensedHost; minCores: number }>();
  for (const i of instances) {
    const rules = PRODUCT_LICENSE_RULES[i.product];
    if (countingType === 'vCPU') out.push({ resourceType: 'instance', resourceId: i.instanceId, consumedLicenses: i.vcpus });
    else if (countingType === 'Instance') out.push({ resourceType: 'instance', resourceId: i.instanceId, consumedLicenses: 1 });
    else if (i.dedicatedHost) {
      const h = hosts.get(i.dedicatedHost.hostId);
      hosts.set(i.dedicatedHost.hostId, { host: i.dedicatedHost, minCores: Math.max(h?.minCores ?? 0, rules.minCores) });
    } else if (countingType === 'Core')
      out.push({ resourceType: 'instance', resourceId: i.instanceId, consumedLicenses: Math.max(Math.ceil(i.vcpus / THREADS_PER_CORE), rules.minCores) });
  }
  for (const { host, minCores } of [...hosts.values()].sort((a, b) => (a.host.hostId < b.host.hostId ? -1 : 1)))
    out.push({ resourceType: 'host', resourceId: host.hostId, consumedLicenses: countingType === 'Socket' ? host.sockets : Math.max(host.cores, minCores) });
  return out;
}

export function consumedLicenses(countingType: LicenseCountingType, instances: readonly LicensedInstance[]): number {
  return licenseUsage(countingType, instances).reduce((s, u) => s + u.consumedLicenses, 0);
}

/** Refuses a launch the product's or the counting type's rules forbid, with the reason. */
export function checkLicensable(countingType: LicenseCountingType, product: LicensedProduct, tenancy: Tenancy): void {
  const rules = PRODUCT_LICENSE_RULES[product];
  if (rules.requiresDedicatedHost && tenancy !== 'host')
    throw new InvalidParameterCombination(`${rules.label} BYOL needs a Dedicated Host (tenancy 'host'): its license terms do not allow ${tenancy} tenancy`);
  if (countingType === 'Socket' && tenancy !== 'host')
    throw new InvalidParameterCombination(`a license configuration that counts sockets covers only instances on Dedicated Hosts (tenancy 'host'), not ${tenancy} tenancy`);
}

export interface LicenseLimit {
  readonly licenseConfigurationId: string;
  readonly countingType: LicenseCountingType;
  readonly limit: number;
  readonly hardLimit: boolean;
}

export interface LicenseAdmission {
  readonly consumedBefore: number;
  readonly consumedAfter: number;
  /** A soft limit admits and reports: true when the launch takes consumption above the limit. */
  readonly overLimit: boolean;
}

/**
 * License-aware admission for one request, all or nothing: the consumption with every added
 * instance (on the hosts its placement chose) against the limit. Above a hard limit it throws
 * LicenseLimitExceeded and nothing may launch; a soft limit admits and reports.
 */
export function admitLicenses(config: LicenseLimit, existing: readonly LicensedInstance[], added: readonly LicensedInstance[]): LicenseAdmission {
  return admitConsumption(config, existing, [...existing, ...added]);
}

/**
 * License-aware admission for a change of instance type (ModifyInstanceAttribute `instanceType`):
 * the same rule as a launch, with the instance counted at its new vCPUs instead of its old ones.
 * `existing` holds every instance the configuration counts now, the changed one included (a
 * stopped instance consumes). Whether the change adds anything depends on the counting type: vCPU
 * counts the difference in vCPUs, Core the difference in cores above the product's minimum, and an
 * instance on a Dedicated Host under Core or Socket counting (its host is counted) or any instance
 * under Instance counting adds nothing.
 */
export function admitLicenseChange(config: LicenseLimit, existing: readonly LicensedInstance[], instanceId: string, vcpus: number): LicenseAdmission {
  if (!existing.some((i) => i.instanceId === instanceId)) throw new RangeError(`instance '${instanceId}' is not counted by license configuration '${config.licenseConfigurationId}'`);
  return admitConsumption(config, existing, existing.map((i) => (i.instanceId === instanceId ? { ...i, vcpus } : i)));
}

/**
 * The one admission rule: `after` is refused when it is above the limit and above `existing`'s
 * consumption (a change that lowers or keeps consumption is admitted even over the limit).
 */
function admitConsumption(config: LicenseLimit, existing: readonly LicensedInstance[], after: readonly LicensedInstance[]): LicenseAdmission {
  if (!LICENSE_COUNTING_TYPES.includes(config.countingType)) throw new InvalidParameterValue(`countingType must be one of ${LICENSE_COUNTING_TYPES.join(', ')}`);
  const consumedBefore = consumedLicenses(config.countingType, existing);
  const consumedAfter = consumedLicenses(config.countingType, after);
  const overLimit = consumedAfter > config.limit && consumedAfter > consumedBefore;
  if (overLimit && config.hardLimit)
    throw new LicenseLimitExceeded(config.licenseConfigurationId, config.countingType, config.limit, consumedBefore, consumedAfter - consumedBefore);
  return { consumedBefore, consumedAfter, overLimit };
}
