import { Scenario } from '../../scenario/scenario';
import { Experiment } from '../experiment';

/**
 * One zone of eight m5 hosts running Windows servers for two days, with four maintenance windows
 * (one host each, two hours). The drains are the variable: live-migrated away, or restarted
 * elsewhere (crash-only: the host goes down and auto-recovery reboots its VMs on other hosts).
 */
const DRAINS = [
  { atHours: 6, hosts: 1, durationHours: 2 },
  { atHours: 18, hosts: 1, durationHours: 2 },
  { atHours: 30, hosts: 1, durationHours: 2 },
  { atHours: 42, hosts: 1, durationHours: 2 },
] as const;

const BASE: Scenario = {
  version: 1,
  name: 'maintenance-windows',
  description: 'Eight m5 hosts, long-lived Windows servers with a 200 MiB/s dirty rate, four two-hour maintenance windows of one host each over two days.',
  seed: 7,
  start: '2026-01-05T00:00:00Z',
  durationHours: 48,
  bucketSeconds: 3600,
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 8 }] }] },
  tenants: [
    {
      id: 'contoso',
      workloads: [{
        kind: 'synthetic', zone: 'us-east-1a', image: 'windows', initial: 40, arrivals: { ratePerHour: 1 },
        lifetime: { distribution: 'forever' },
        size: { distribution: 'mix', mix: [{ instanceType: 'm5.large', weight: 2 }, { instanceType: 'm5.xlarge', weight: 2 }, { instanceType: 'm5.2xlarge', weight: 1 }] },
        utilization: { distribution: 'fixed', percent: 40, p95Percent: 70, model: 'random-walk' },
        memory: { workingSet: { distribution: 'fraction', min: 0.6, max: 0.6 }, dirtyRateMiBps: 200 },
      }],
    },
  ],
  policies: { placement: { weigher: 'spread', cpuAllocationRatio: 1, ramAllocationRatio: 1 } },
  faults: { drains: DRAINS.map((d) => ({ ...d })) },
};

export const LIVE_MIGRATION: Experiment = {
  version: 1,
  name: 'live-migration',
  title: 'Live migration or crash-only: host maintenance handled by draining with live migration, or by restarting the VMs elsewhere',
  question:
    'When hosts go down for maintenance, how much availability per instance does live migration (pre-copy: a short pause per VM, and memory sent over the network) ' +
    'buy over crash-only restart elsewhere (detection, placement and a reboot), what SLA credits does each cost, and how many bytes does live migration move?',
  base: { scenario: BASE },
  variables: [
    {
      name: 'maintenance', path: '/faults/drains', labels: ['live-migrate', 'restart'],
      values: [DRAINS.map((d) => ({ ...d, mode: 'live-migrate' })), DRAINS.map((d) => ({ ...d, mode: 'restart' }))],
    },
  ],
  seed: 7,
  repetitions: 3,
  headline: ['availabilityPercent', 'unavailableHours', 'instanceHours', 'migrations', 'migrationDowntimeMs', 'migrationGiB', 'slaCreditsUsd', 'revenueUsd', 'netRevenueUsd'],
  answer: 'availabilityPercent',
  derived: [
    {
      name: 'unavailabilityRestartOverLive', kind: 'ratio', figure: 'unavailableHours',
      numerator: { maintenance: 'restart' }, denominator: { maintenance: 'live-migrate' },
      description: 'instance-hours lost with crash-only restart ÷ those lost with live migration (its stop-and-copy pauses)',
    },
  ],
};
