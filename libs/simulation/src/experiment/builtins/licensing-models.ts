import { Scenario } from '../../scenario/scenario';
import { Experiment } from '../experiment';

/** The image with SQL Server brought under License Mobility on license-included Windows (libs/hypervisor's catalog). */
export const SQL_BYOL_IMAGE = 'ami-0f3d0c00000003f22';

/**
 * SQL Server Standard per core licence, per month: Microsoft's SQL Server 2022 subscription,
 * $73 per 2-core pack per month (an estimate of what a tenant pays for a licence it brings).
 */
export const SQL_CORE_MONTHLY_USD = '36.5';
/** The metered licence: SQL Server Standard per vCPU-hour of running time, no minimum (an estimate, the order of cloud pay-as-you-go SQL Server meters). */
export const SQL_METERED_PER_VCPU_HOUR = '0.1';

const BASE: Scenario = {
  version: 1,
  name: 'sql-server-month',
  description: 'February 2026: one tenant runs twenty 4-vCPU SQL Server Standard servers on Windows, each for a fraction of every day (a daily stop/start schedule).',
  seed: 1,
  start: '2026-02-01T00:00:00Z',
  durationHours: 672,
  bucketSeconds: 86_400,
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 3 }] }] },
  tenants: [{ id: 'fabrikam', workloads: [] }],
  policies: { placement: { weigher: 'pack' }, priceBook: { byolLicenses: { 'sql-server-standard': { countingType: 'vCPU', monthlyUsd: SQL_CORE_MONTHLY_USD } } } },
  outputs: { tables: ['tenants', 'revenue', 'licences', 'byolLicences'], series: ['instances', 'revenueUsd', 'licensedInstances'] },
};

/** The tenant's SQL Server fleet, on an image and tenancy. */
function tenant(image: string, onDedicatedHost: boolean) {
  return {
    id: 'fabrikam',
    ...(onDedicatedHost ? { dedicatedHosts: [{ zone: 'us-east-1a', hostType: 'm5-host', count: 1 }] } : {}),
    workloads: [{
      kind: 'synthetic', name: 'sql', zone: 'us-east-1a', image, ...(onDedicatedHost ? { tenancy: 'host' } : {}),
      initial: 20, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
      size: { distribution: 'fixed', instanceType: 'm5.xlarge' }, utilization: { distribution: 'fixed', percent: 40 },
      schedule: { runFraction: 1 },
    }],
  };
}

/** Windows (folded into the Windows column) plus SQL Server metered per vCPU-hour of running time. */
const METERED_LICENSES = {
  'windows-sql-standard': [
    { licenseProduct: 'windows-server', basis: 'folded', column: 'windows' },
    { licenseProduct: 'sql-server-standard', basis: 'per-vcpu-hour', ratePerUnitHour: SQL_METERED_PER_VCPU_HOUR },
  ],
};

export const LICENSING_MODELS: Experiment = {
  version: 1,
  name: 'licensing-models',
  title: 'Licensing models: SQL Server on Windows for a month, licence-included, BYOL per vCPU, BYOL per physical core on a Dedicated Host, or metered',
  question:
    'For a tenant running SQL Server Standard on Windows a fraction of every day, which licensing model costs least, and at what utilization (the fraction ' +
    'of the month its servers run) does each pair of models cross over?',
  base: { scenario: BASE },
  variables: [
    {
      name: 'model', path: '/tenants/0',
      labels: ['licence-included', 'byol-vcpu', 'byol-dedicated-host', 'metered'],
      values: [tenant('windows-sql-standard', false), tenant(SQL_BYOL_IMAGE, false), tenant(SQL_BYOL_IMAGE, true), tenant('windows-sql-standard', false)],
      also: [
        { path: '/policies/priceBook/byolLicenses/sql-server-standard/countingType', values: ['vCPU', 'vCPU', 'Core', 'vCPU'] },
        { path: '/policies/priceBook/licenses', values: [{}, {}, {}, METERED_LICENSES] },
      ],
    },
    { name: 'utilization', path: '/tenants/0/workloads/0/schedule/runFraction', values: [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1] },
  ],
  seed: 1,
  repetitions: 1,
  headline: ['tenantCostUsd', 'revenueUsd', 'byolLicenceUsd', 'instanceHours', 'vcpuHours'],
  answer: 'crossovers',
  derived: [
    {
      name: 'crossovers', kind: 'crossover', figure: 'tenantCostUsd', x: 'utilization',
      description: 'the utilizations (fraction of each day the servers run) at which two models cost the tenant the same',
    },
  ],
};
