import { SERIES_NAMES, TABLE_NAMES, GROUP_BYS } from './scenario';

/**
 * The published JSON Schema (draft-07) of a scenario, version 1 (docs/scenarios.md; also
 * `docs/scenario.schema.json`, kept equal by a test). It checks shapes and ranges; what needs the
 * catalog (host and instance type names, images, zones used twice) `validateScenario` checks after.
 *
 * Tagged unions carry OpenAPI's `discriminator`, so a bad tag is one error naming the tag's path.
 * `x-message` is the message shown when an untagged `anyOf` fails (other validators ignore it).
 */
const positiveInteger = { type: 'integer', minimum: 1 } as const;
const nonNegativeInteger = { type: 'integer', minimum: 0 } as const;
const positiveNumber = { type: 'number', exclusiveMinimum: 0 } as const;
const nonNegativeNumber = { type: 'number', minimum: 0 } as const;
const fraction = { type: 'number', minimum: 0, maximum: 1 } as const;
const name = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' } as const;
const zone = { type: 'string', enum: ['us-east-1a', 'us-east-1b', 'us-east-1c'] } as const;
const family = { type: 'string', enum: ['t3', 'm5', 'c5', 'r5'] } as const;
/** A USD amount as a decimal string, as libs/metering keeps prices (never a float). */
const price = { type: 'string', pattern: '^(0|[1-9][0-9]*)(\\.[0-9]{1,10})?$' } as const;
const percent = { type: 'string', pattern: '^(100(\\.0+)?|[0-9]{1,2}(\\.[0-9]+)?)$' } as const;
const tiers = {
  type: 'array',
  maxItems: 10,
  items: { type: 'object', additionalProperties: false, required: ['belowPercent', 'creditPercent'], properties: { belowPercent: percent, creditPercent: percent } },
} as const;
const ratios = {
  type: 'object',
  additionalProperties: false,
  properties: { cpuAllocationRatio: { type: 'number', minimum: 1, maximum: 64 }, ramAllocationRatio: { type: 'number', minimum: 0.5, maximum: 4 } },
} as const;
const mtbf = {
  type: 'object',
  additionalProperties: false,
  required: ['mtbfHours', 'mttrHours'],
  properties: { mtbfHours: positiveNumber, mttrHours: positiveNumber },
} as const;

/** A workload's memory: the guest OS and the applications of each VM (docs/scenarios.md, "Memory and applications"). */
const memory = {
  type: 'object',
  additionalProperties: false,
  required: ['workingSet'],
  properties: {
    applicationsPerVm: { type: 'integer', minimum: 1, maximum: 1000 },
    // live-migration experiment (issue 12)
    dirtyRateMiBps: { type: 'number', minimum: 0, maximum: 100_000 },
    guestOsMiB: { type: 'integer', minimum: 0, maximum: 1024 * 1024 },
    workingSet: {
      type: 'object',
      required: ['distribution'],
      discriminator: { propertyName: 'distribution' },
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['mib'], properties: { distribution: { const: 'fixed' }, mib: { type: 'integer', minimum: 0, maximum: 64 * 1024 * 1024 } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['minMiB', 'maxMiB'],
          properties: { distribution: { const: 'uniform' }, minMiB: { type: 'integer', minimum: 0, maximum: 64 * 1024 * 1024 }, maxMiB: { type: 'integer', minimum: 0, maximum: 64 * 1024 * 1024 } },
        },
        { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { distribution: { const: 'fraction' }, min: fraction, max: fraction } },
        { type: 'object', additionalProperties: false, properties: { distribution: { const: 'azure2019' } } },
      ],
    },
  },
} as const;
// licensing-models experiment (issue 12): licence prices a scenario may set
const units = { type: 'integer', minimum: 1, maximum: 1024 } as const;
const licenseComponents = {
  type: 'array',
  maxItems: 8,
  items: {
    type: 'object',
    required: ['licenseProduct', 'basis'],
    discriminator: { propertyName: 'basis' },
    oneOf: [
      { type: 'object', additionalProperties: false, required: ['column'], properties: { licenseProduct: name, basis: { const: 'folded' }, column: { const: 'windows' } } },
      { type: 'object', additionalProperties: false, required: ['ratePerHour'], properties: { licenseProduct: name, basis: { const: 'per-instance-hour' }, ratePerHour: price } },
      {
        type: 'object', additionalProperties: false, required: ['ratePerUnitHour'],
        properties: { licenseProduct: name, basis: { const: 'per-vcpu-hour' }, ratePerUnitHour: price, minUnits: units, maxUnits: units },
      },
      {
        type: 'object', additionalProperties: false, required: ['ratePerUnitHour', 'vcpusPerCore'],
        properties: { licenseProduct: name, basis: { const: 'per-core-hour' }, ratePerUnitHour: price, vcpusPerCore: { type: 'integer', minimum: 1, maximum: 2 }, minUnits: units, maxUnits: units },
      },
    ],
  },
} as const;
const byolLicense = {
  type: 'object',
  additionalProperties: false,
  required: ['countingType', 'monthlyUsd'],
  properties: { countingType: { enum: ['vCPU', 'Core', 'Socket', 'Instance'] }, monthlyUsd: price },
} as const;

const workloadCommon = {
  name,
  zone,
  image: { type: 'string', minLength: 1, maxLength: 64 },
  cpuReservation: fraction,
  // licensing-models experiment (issue 12): a daily duty cycle
  schedule: {
    type: 'object',
    additionalProperties: false,
    required: ['runFraction'],
    properties: { runFraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, startHourUtc: { type: 'number', minimum: 0, exclusiveMaximum: 24 } },
  },
  tenancy: { enum: ['default', 'host'] },
} as const;

const synthetic = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'arrivals', 'lifetime', 'size', 'utilization'],
  properties: {
    kind: { const: 'synthetic' },
    ...workloadCommon,
    initial: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    arrivals: {
      type: 'object',
      additionalProperties: false,
      required: ['ratePerHour'],
      properties: {
        ratePerHour: { type: 'number', minimum: 0, maximum: 1_000_000 },
        diurnal: {
          type: 'object',
          additionalProperties: false,
          required: ['amplitude', 'peakHourUtc'],
          properties: { amplitude: fraction, peakHourUtc: { type: 'number', minimum: 0, exclusiveMaximum: 24 } },
        },
        bursts: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['atHours', 'durationHours', 'multiplier'],
            properties: { atHours: nonNegativeNumber, durationHours: positiveNumber, multiplier: { type: 'number', minimum: 0, maximum: 1000 } },
          },
        },
        deployments: { type: 'string', enum: ['single', 'azure2019'] },
      },
    },
    lifetime: {
      type: 'object',
      required: ['distribution'],
      discriminator: { propertyName: 'distribution' },
      oneOf: [
        { type: 'object', additionalProperties: false, properties: { distribution: { const: 'azure2019' } } },
        { type: 'object', additionalProperties: false, required: ['meanHours'], properties: { distribution: { const: 'exponential' }, meanHours: positiveNumber } },
        { type: 'object', additionalProperties: false, required: ['hours'], properties: { distribution: { const: 'fixed' }, hours: positiveNumber } },
        { type: 'object', additionalProperties: false, properties: { distribution: { const: 'forever' } } },
      ],
    },
    size: {
      type: 'object',
      required: ['distribution'],
      discriminator: { propertyName: 'distribution' },
      oneOf: [
        { type: 'object', additionalProperties: false, properties: { distribution: { const: 'azure2019' } } },
        { type: 'object', additionalProperties: false, required: ['instanceType'], properties: { distribution: { const: 'fixed' }, instanceType: name } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['mix'],
          properties: {
            distribution: { const: 'mix' },
            mix: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              items: { type: 'object', additionalProperties: false, required: ['instanceType', 'weight'], properties: { instanceType: name, weight: positiveNumber } },
            },
          },
        },
        { type: 'object', additionalProperties: false, properties: { distribution: { const: 'fit' } } },
      ],
    },
    utilization: {
      type: 'object',
      required: ['distribution'],
      discriminator: { propertyName: 'distribution' },
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          properties: { distribution: { const: 'azure2019' }, model: { type: 'string', enum: ['constant', 'diurnal', 'random-walk'] }, per: { type: 'string', enum: ['vm', 'application'] } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['percent'],
          properties: {
            distribution: { const: 'fixed' },
            percent: { type: 'number', minimum: 0, maximum: 100 },
            p95Percent: { type: 'number', minimum: 0, maximum: 100 },
            model: { type: 'string', enum: ['constant', 'diurnal', 'random-walk'] },
          },
        },
      ],
    },
    memory,
    // ---- IO, network and privileged operations ----
    io: {
      type: 'object',
      additionalProperties: false,
      required: ['iops', 'throughputMiBps'],
      properties: {
        iops: { type: 'number', minimum: 0, maximum: 256_000 },
        throughputMiBps: { type: 'number', minimum: 0, maximum: 10_000 },
        volume: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'sizeGiB'],
          properties: {
            type: { type: 'string', enum: ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'] },
            sizeGiB: { type: 'integer', minimum: 1, maximum: 16_384 },
            iops: { type: 'integer', minimum: 1, maximum: 256_000 },
            throughputMiBps: { type: 'integer', minimum: 1, maximum: 10_000 },
          },
        },
      },
    },
    network: { type: 'object', additionalProperties: false, required: ['internetMbps'], properties: { internetMbps: { type: 'number', minimum: 0, maximum: 100_000 } } },
    privilegedOpsPerSecPerCore: { type: 'number', minimum: 0, maximum: 10_000_000 },
  },
} as const;

const trace = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'dataset'],
  properties: {
    kind: { const: 'trace' },
    ...workloadCommon,
    dataset: {
      type: 'object',
      required: ['kind'],
      discriminator: { propertyName: 'kind' },
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['day'], properties: { kind: { const: 'planetlab' }, day: { type: 'string', pattern: '^[0-9]{8}$' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['path'],
          properties: { kind: { const: 'bitbrains' }, path: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-][A-Za-z0-9._/-]*$' } },
        },
      ],
    },
    limit: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    instanceTypes: { type: 'array', minItems: 1, maxItems: 100, items: name },
    assign: { type: 'string', enum: ['blocks', 'round-robin'] },
  },
} as const;

export const SCENARIO_SCHEMA: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://nimbus.example/schemas/scenario-v1.json',
  title: 'Nimbus scenario, version 1',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'name', 'seed', 'durationHours', 'fleet', 'tenants'],
  properties: {
    version: { const: 1 },
    name,
    description: { type: 'string', maxLength: 2000 },
    seed: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
    start: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?Z$' },
    durationHours: { type: 'number', exclusiveMinimum: 0, maximum: 9600 },
    bucketSeconds: { type: 'integer', minimum: 60, maximum: 86_400 },
    hostTypes: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'sockets', 'coresPerSocket', 'threadsPerCore', 'memoryMiB', 'families', 'virtualization', 'nic', 'storage', 'power'],
        properties: {
          name,
          description: { type: 'string', maxLength: 500 },
          sockets: { type: 'integer', minimum: 1, maximum: 16 },
          coresPerSocket: { type: 'integer', minimum: 1, maximum: 512 },
          threadsPerCore: { type: 'integer', minimum: 1, maximum: 8 },
          memoryMiB: { type: 'integer', minimum: 256, maximum: 64 * 1024 * 1024 },
          hypervisorReserveMiB: nonNegativeInteger,
          families: { type: 'array', minItems: 1, uniqueItems: true, items: family },
          virtualization: { type: 'string', enum: ['hardware-assisted', 'paravirtual', 'trap-and-emulate'] },
          nic: { type: 'object', additionalProperties: false, required: ['gbps', 'sriov'], properties: { gbps: positiveNumber, sriov: { type: 'boolean' } } },
          storage: { type: 'object', additionalProperties: false, required: ['iops', 'mibps'], properties: { iops: positiveNumber, mibps: positiveNumber } },
          power: {
            'x-message': "must be a named curve ('hp-proliant-ml110-g4', 'hp-proliant-ml110-g5') or 11 watts figures (0 %, 10 %, …, 100 %)",
            anyOf: [
              { type: 'string', enum: ['hp-proliant-ml110-g4', 'hp-proliant-ml110-g5'] },
              { type: 'array', minItems: 11, maxItems: 11, items: nonNegativeNumber },
            ],
          },
          mipsPerCore: positiveNumber,
        },
      },
    },
    fleet: {
      type: 'object',
      additionalProperties: false,
      required: ['zones'],
      properties: {
        zones: {
          type: 'array',
          minItems: 1,
          maxItems: 3,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'hosts'],
            properties: {
              name: zone,
              hosts: {
                type: 'array',
                minItems: 1,
                maxItems: 100,
                items: { type: 'object', additionalProperties: false, required: ['type', 'count'], properties: { type: name, count: { type: 'integer', minimum: 1, maximum: 1_000_000 } } },
              },
            },
          },
        },
      },
    },
    instanceTypes: {
      type: 'object',
      additionalProperties: false,
      properties: {
        catalog: { type: 'array', uniqueItems: true, maxItems: 1000, items: name },
        custom: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'family', 'vcpus', 'memoryMiB', 'price'],
            properties: {
              name,
              family,
              vcpus: { type: 'integer', minimum: 1, maximum: 1024 },
              memoryMiB: { type: 'integer', minimum: 1, maximum: 64 * 1024 * 1024 },
              baselinePerVcpu: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
              network: { type: 'object', additionalProperties: false, required: ['baselineGbps', 'burstGbps'], properties: { baselineGbps: positiveNumber, burstGbps: positiveNumber } },
              ebs: {
                type: 'object',
                additionalProperties: false,
                required: ['baselineMbps', 'burstMbps', 'baselineIops', 'burstIops'],
                properties: { baselineMbps: positiveNumber, burstMbps: positiveNumber, baselineIops: positiveNumber, burstIops: positiveNumber },
              },
              price: { type: 'object', additionalProperties: false, required: ['linux'], properties: { linux: price, windows: price } },
              mips: positiveNumber,
            },
          },
        },
      },
    },
    tenants: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'workloads'],
        properties: {
          id: name,
          vcpuQuota: positiveInteger,
          workloads: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: { type: 'object', required: ['kind'], discriminator: { propertyName: 'kind' }, oneOf: [synthetic, trace] },
          },
          // licensing-models experiment (issue 12)
          dedicatedHosts: {
            type: 'array',
            maxItems: 100,
            items: { type: 'object', additionalProperties: false, required: ['zone', 'hostType', 'count'], properties: { zone, hostType: name, count: positiveInteger } },
          },
        },
      },
    },
    policies: {
      type: 'object',
      additionalProperties: false,
      properties: {
        placement: {
          type: 'object',
          additionalProperties: false,
          properties: {
            weigher: { type: 'string', enum: ['pack', 'spread', 'balance'] },
            cpuAllocationRatio: ratios.properties.cpuAllocationRatio,
            ramAllocationRatio: ratios.properties.ramAllocationRatio,
            overrides: {
              type: 'object',
              additionalProperties: false,
              properties: {
                hostTypes: { type: 'object', propertyNames: name, additionalProperties: ratios },
                zones: { type: 'object', propertyNames: zone, additionalProperties: ratios },
              },
            },
            avoidViolationsMinutes: { type: 'number', minimum: 0, maximum: 10_080 },
          },
        },
        rebalancer: {
          type: 'object',
          additionalProperties: false,
          properties: {
            hotSpot: {
              type: 'object',
              additionalProperties: false,
              properties: {
                enabled: { type: 'boolean' },
                cpuThreshold: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
                windowSeconds: { type: 'integer', minimum: 0, maximum: 604_800 },
                cooldownSeconds: { type: 'integer', minimum: 0, maximum: 604_800 },
              },
            },
            consolidation: {
              type: 'object',
              additionalProperties: false,
              properties: {
                enabled: { type: 'boolean' },
                cpuThreshold: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
                windowSeconds: { type: 'integer', minimum: 0, maximum: 604_800 },
                intervalSeconds: { type: 'integer', minimum: 1, maximum: 604_800 },
                powerOff: { type: 'boolean' },
              },
            },
            maxConcurrentMigrations: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
        credits: {
          type: 'object',
          additionalProperties: false,
          properties: {
            regionTiers: tiers,
            instanceTiers: tiers,
            guaranteeViolation: {
              type: 'object',
              additionalProperties: false,
              required: ['creditPercent', 'minimumDurationMs'],
              properties: { creditPercent: percent, minimumDurationMs: nonNegativeInteger },
            },
          },
        },
        cloudsim: {
          type: 'object',
          additionalProperties: false,
          required: ['policy'],
          properties: {
            policy: { type: 'string', enum: ['npa', 'dvfs', 'thr-mmt', 'iqr-mmt', 'mad-mmt', 'lr-mmt', 'lrr-mmt'] },
            parameter: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
          },
        },
        priceBook: {
          type: 'object',
          additionalProperties: false,
          properties: {
            instanceTypes: {
              type: 'object',
              propertyNames: name,
              additionalProperties: { type: 'object', additionalProperties: false, required: ['linux'], properties: { linux: price, windows: price } },
            },
            // licensing-models experiment (issue 12)
            licenses: {
              type: 'object',
              additionalProperties: false,
              properties: Object.fromEntries(['windows', 'windows-sql-standard', 'rhel', 'suse', 'ubuntu-pro'].map((p) => [p, licenseComponents])),
            },
            byolLicenses: {
              type: 'object',
              additionalProperties: false,
              properties: Object.fromEntries(['windows-server', 'sql-server-standard'].map((p) => [p, byolLicense])),
            },
          },
        },
        // ---- memory and host cost ----
        memory: { type: 'object', additionalProperties: false, properties: { pageSharing: { type: 'boolean' } } },
        hostCost: { type: 'object', additionalProperties: false, required: ['monthlyUsd'], properties: { monthlyUsd: price } },
      },
    },
    faults: {
      type: 'object',
      additionalProperties: false,
      properties: {
        hosts: mtbf,
        driverDomains: mtbf,
        drains: {
          type: 'array',
          maxItems: 10_000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['atHours', 'hosts', 'durationHours'],
            properties: { atHours: nonNegativeNumber, hosts: positiveInteger, durationHours: positiveNumber, zone, mode: { enum: ['live-migrate', 'restart'] } },
          },
        },
        failures: {
          type: 'array',
          maxItems: 10_000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['atHours', 'hosts', 'component', 'durationHours'],
            properties: { atHours: nonNegativeNumber, hosts: positiveInteger, component: { type: 'string', enum: ['host', 'driver-domain'] }, durationHours: positiveNumber, zone },
          },
        },
      },
    },
    outputs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        series: { type: 'array', uniqueItems: true, items: { type: 'string', enum: [...SERIES_NAMES] } },
        tables: { type: 'array', uniqueItems: true, items: { type: 'string', enum: [...TABLE_NAMES] } },
        groupBy: { type: 'array', uniqueItems: true, items: { type: 'string', enum: [...GROUP_BYS] } },
        instanceMetrics: { type: 'boolean' },
      },
    },
  },
};
