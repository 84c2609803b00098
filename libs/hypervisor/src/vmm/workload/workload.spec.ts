import fc from 'fast-check';
import { InvalidParameterValue } from '../../errors';
import { IDLE_WORKLOAD, Workload, mergeWorkload, validateWorkload } from './workload';

// An instance with 4 vCPUs and 8 GiB (m5.large-like sizes; the numbers are what matter).
const limits = { vcpus: 4, memoryMiB: 8192 };
const apiExample = {
  cpu: { model: 'constant', cores: 1.5 },
  io: [{ volumeId: 'vol-0123456789abcdef0', iops: 4000, throughputMiBps: 100 }],
  memory: { workingSetMiB: 3000, dirtyRateMiBps: 50 },
  network: [
    { to: 'internet', mbps: 200 },
    { to: 'i-0123456789abcdef0', mbps: 500 },
  ],
};

function rejects(input: unknown, message: string | RegExp, lim = limits): void {
  let error: unknown;
  try {
    validateWorkload(input, lim);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InvalidParameterValue);
  expect((error as Error).message).toMatch(message);
}

describe('validateWorkload', () => {
  it('accepts the API.md example as is', () => {
    expect(validateWorkload(apiExample, limits)).toEqual(apiExample);
  });

  it('accepts an empty body (nothing changes) and returns a fresh object', () => {
    const input = {};
    const out = validateWorkload(input, limits);
    expect(out).toEqual({});
    expect(out).not.toBe(input);
  });

  it('fills the defaults: diurnal step 900 s, random-walk step 300 s, trace without repeat', () => {
    expect(validateWorkload({ cpu: { model: 'diurnal', meanCores: 2, amplitudeCores: 1, peakHourUtc: 14 } }, limits).cpu).toEqual({
      model: 'diurnal',
      meanCores: 2,
      amplitudeCores: 1,
      peakHourUtc: 14,
      stepSeconds: 900,
    });
    expect(validateWorkload({ cpu: { model: 'random-walk', meanCores: 1, volatility: 0.2, seed: -42 } }, limits).cpu).toEqual({
      model: 'random-walk',
      meanCores: 1,
      volatility: 0.2,
      seed: -42,
      stepSeconds: 300,
    });
    expect(validateWorkload({ cpu: { model: 'trace', periodSeconds: 60, cores: [1, 2, 0.5] } }, limits).cpu).toEqual({
      model: 'trace',
      periodSeconds: 60,
      cores: [1, 2, 0.5],
      repeat: false,
    });
  });

  it('accepts the bounds themselves', () => {
    expect(() =>
      validateWorkload(
        {
          cpu: { model: 'random-walk', meanCores: 4, volatility: 4, seed: Number.MIN_SAFE_INTEGER, stepSeconds: 86_400 },
          io: Array.from({ length: 28 }, (_, i) => ({ volumeId: `vol-${i.toString(16).padStart(17, '0')}`, iops: 256_000, throughputMiBps: 10_000 })),
          memory: { workingSetMiB: 8192, dirtyRateMiBps: 100_000 },
          network: Array.from({ length: 16 }, (_, i) => ({ to: i ? `i-${i.toString(16).padStart(17, 'f')}` : 'internet', mbps: 100_000 })),
        },
        limits,
      ),
    ).not.toThrow();
    expect(() => validateWorkload({ cpu: { model: 'diurnal', meanCores: 0, amplitudeCores: 0, peakHourUtc: 23.99, stepSeconds: 60 } }, limits)).not.toThrow();
    expect(() => validateWorkload({ cpu: { model: 'trace', periodSeconds: 1, cores: new Array(10_000).fill(4), repeat: true } }, limits)).not.toThrow();
  });

  it('names the field and the instance limit in the message', () => {
    rejects({ cpu: { model: 'constant', cores: 3 } }, "workload.cpu.cores must be between 0 and 2 (the instance's vCPUs), got 3", { vcpus: 2, memoryMiB: 1024 });
    rejects({ memory: { workingSetMiB: 9000, dirtyRateMiBps: 0 } }, "workload.memory.workingSetMiB must be an integer between 0 and 8192 (the instance's memory in MiB), got 9000");
  });

  // Each row breaks one field of an otherwise valid body.
  const bad: [string, unknown, string | RegExp][] = [
    ['not an object', [], /^workload must be an object, got an array/],
    ['null body', null, /^workload must be an object, got null/],
    ['unknown top-level key', { ...apiExample, disk: {} }, /^workload\.disk is not a known field/],
    ['null part', { cpu: null }, /^workload\.cpu must be an object, got null/],
    ['cpu without model', { cpu: { cores: 1 } }, /^workload\.cpu\.model is required/],
    ['unknown model', { cpu: { model: 'bursty', cores: 1 } }, /^workload\.cpu\.model must be one of constant, diurnal, trace, random-walk, got "bursty"/],
    ['key of another model', { cpu: { model: 'constant', cores: 1, seed: 3 } }, /^workload\.cpu\.seed is not a known field/],
    ['missing cores', { cpu: { model: 'constant' } }, /^workload\.cpu\.cores is required/],
    ['cores as a string', { cpu: { model: 'constant', cores: '1' } }, /^workload\.cpu\.cores must be between 0 and 4 .*got "1"/],
    ['negative cores', { cpu: { model: 'constant', cores: -0.5 } }, /^workload\.cpu\.cores .*got -0\.5/],
    ['NaN cores', { cpu: { model: 'constant', cores: NaN } }, /^workload\.cpu\.cores .*got NaN/],
    ['infinite cores', { cpu: { model: 'constant', cores: Infinity } }, /^workload\.cpu\.cores .*got Infinity/],
    ['diurnal mean above vCPUs', { cpu: { model: 'diurnal', meanCores: 5, amplitudeCores: 1, peakHourUtc: 1 } }, /^workload\.cpu\.meanCores/],
    ['diurnal negative amplitude', { cpu: { model: 'diurnal', meanCores: 1, amplitudeCores: -1, peakHourUtc: 1 } }, /^workload\.cpu\.amplitudeCores/],
    ['diurnal amplitude above vCPUs', { cpu: { model: 'diurnal', meanCores: 1, amplitudeCores: 4.5, peakHourUtc: 1 } }, /^workload\.cpu\.amplitudeCores/],
    ['diurnal peak hour 24', { cpu: { model: 'diurnal', meanCores: 1, amplitudeCores: 1, peakHourUtc: 24 } }, /^workload\.cpu\.peakHourUtc must be at least 0 and below 24, got 24/],
    ['diurnal peak hour missing', { cpu: { model: 'diurnal', meanCores: 1, amplitudeCores: 1 } }, /^workload\.cpu\.peakHourUtc is required/],
    ['diurnal step below a minute', { cpu: { model: 'diurnal', meanCores: 1, amplitudeCores: 1, peakHourUtc: 1, stepSeconds: 59 } }, /^workload\.cpu\.stepSeconds must be an integer between 60 and 86400, got 59/],
    ['diurnal fractional step', { cpu: { model: 'diurnal', meanCores: 1, amplitudeCores: 1, peakHourUtc: 1, stepSeconds: 90.5 } }, /^workload\.cpu\.stepSeconds/],
    ['trace period 0', { cpu: { model: 'trace', periodSeconds: 0, cores: [1] } }, /^workload\.cpu\.periodSeconds must be an integer between 1 and 86400, got 0/],
    ['trace period above a day', { cpu: { model: 'trace', periodSeconds: 86_401, cores: [1] } }, /^workload\.cpu\.periodSeconds/],
    ['trace without points', { cpu: { model: 'trace', periodSeconds: 60, cores: [] } }, /^workload\.cpu\.cores must have between 1 and 10000 entries, got 0/],
    ['trace too long', { cpu: { model: 'trace', periodSeconds: 60, cores: new Array(10_001).fill(1) } }, /^workload\.cpu\.cores must have between 1 and 10000 entries, got 10001/],
    ['trace point above vCPUs', { cpu: { model: 'trace', periodSeconds: 60, cores: [1, 4.001] } }, /^workload\.cpu\.cores\[1\] must be between 0 and 4 .*got 4\.001/],
    ['trace point null', { cpu: { model: 'trace', periodSeconds: 60, cores: [null] } }, /^workload\.cpu\.cores\[0\] .*got null/],
    ['trace cores not an array', { cpu: { model: 'trace', periodSeconds: 60, cores: 1 } }, /^workload\.cpu\.cores must be an array, got 1$/],
    ['trace repeat as a string', { cpu: { model: 'trace', periodSeconds: 60, cores: [1], repeat: 'yes' } }, /^workload\.cpu\.repeat must be a boolean, got "yes"/],
    ['trace repeat null', { cpu: { model: 'trace', periodSeconds: 60, cores: [1], repeat: null } }, /^workload\.cpu\.repeat must be a boolean, got null/],
    ['walk fractional seed', { cpu: { model: 'random-walk', meanCores: 1, volatility: 0.1, seed: 1.5 } }, /^workload\.cpu\.seed must be an integer/],
    ['walk unsafe seed', { cpu: { model: 'random-walk', meanCores: 1, volatility: 0.1, seed: 2 ** 53 } }, /^workload\.cpu\.seed/],
    ['walk missing seed', { cpu: { model: 'random-walk', meanCores: 1, volatility: 0.1 } }, /^workload\.cpu\.seed is required/],
    ['walk volatility above vCPUs', { cpu: { model: 'random-walk', meanCores: 1, volatility: 5, seed: 1 } }, /^workload\.cpu\.volatility/],
    ['walk step above a day', { cpu: { model: 'random-walk', meanCores: 1, volatility: 1, seed: 1, stepSeconds: 86_401 } }, /^workload\.cpu\.stepSeconds/],
    ['io not an array', { io: { volumeId: 'vol-0123456789abcdef0', iops: 1, throughputMiBps: 1 } }, /^workload\.io must be an array, got an object/],
    ['io above the attachment limit', { io: new Array(29).fill({}) }, /^workload\.io must have at most 28 entries, got 29/],
    ['io volume id with 16 hex digits', { io: [{ volumeId: 'vol-0123456789abcdef', iops: 1, throughputMiBps: 1 }] }, /^workload\.io\[0\]\.volumeId must be a volume id/],
    ['io volume id with 18 hex digits', { io: [{ volumeId: 'vol-0123456789abcdef01', iops: 1, throughputMiBps: 1 }] }, /^workload\.io\[0\]\.volumeId/],
    ['io volume id in capitals', { io: [{ volumeId: 'vol-0123456789ABCDEF0', iops: 1, throughputMiBps: 1 }] }, /^workload\.io\[0\]\.volumeId/],
    ['io missing iops', { io: [{ volumeId: 'vol-0123456789abcdef0', throughputMiBps: 1 }] }, /^workload\.io\[0\]\.iops is required/],
    ['io iops above io2 Block Express', { io: [{ volumeId: 'vol-0123456789abcdef0', iops: 256_001, throughputMiBps: 1 }] }, /^workload\.io\[0\]\.iops must be between 0 and 256000, got 256001/],
    ['io throughput above 10,000 MiB/s', { io: [{ volumeId: 'vol-0123456789abcdef0', iops: 1, throughputMiBps: 10_001 }] }, /^workload\.io\[0\]\.throughputMiBps/],
    ['io unknown key', { io: [{ volumeId: 'vol-0123456789abcdef0', iops: 1, throughputMiBps: 1, size: 8 }] }, /^workload\.io\[0\]\.size is not a known field/],
    [
      'io duplicate volume',
      {
        io: [
          { volumeId: 'vol-0123456789abcdef0', iops: 1, throughputMiBps: 1 },
          { volumeId: 'vol-0123456789abcdef0', iops: 2, throughputMiBps: 2 },
        ],
      },
      /^workload\.io\[1\]\.volumeId 'vol-0123456789abcdef0' appears more than once/,
    ],
    ['memory fractional working set', { memory: { workingSetMiB: 100.5, dirtyRateMiBps: 0 } }, /^workload\.memory\.workingSetMiB must be an integer/],
    ['memory missing dirty rate', { memory: { workingSetMiB: 100 } }, /^workload\.memory\.dirtyRateMiBps is required/],
    ['memory dirty rate too high', { memory: { workingSetMiB: 100, dirtyRateMiBps: 100_001 } }, /^workload\.memory\.dirtyRateMiBps/],
    ['memory unknown key', { memory: { workingSetMiB: 100, dirtyRateMiBps: 0, swap: 1 } }, /^workload\.memory\.swap is not a known field/],
    ['network above 16 flows', { network: new Array(17).fill({ to: 'internet', mbps: 1 }) }, /^workload\.network must have at most 16 entries, got 17/],
    ['network instance id with 16 hex digits', { network: [{ to: 'i-0123456789abcdef', mbps: 1 }] }, /^workload\.network\[0\]\.to must be 'internet' or an instance id/],
    ['network instance id with 18 hex digits', { network: [{ to: 'i-0123456789abcdef01', mbps: 1 }] }, /^workload\.network\[0\]\.to/],
    ['network to a volume', { network: [{ to: 'vol-0123456789abcdef0', mbps: 1 }] }, /^workload\.network\[0\]\.to/],
    ['network to "Internet"', { network: [{ to: 'Internet', mbps: 1 }] }, /^workload\.network\[0\]\.to/],
    ['network mbps above 100 Gbit/s', { network: [{ to: 'internet', mbps: 100_001 }] }, /^workload\.network\[0\]\.mbps/],
    ['network missing mbps', { network: [{ to: 'internet' }] }, /^workload\.network\[0\]\.mbps is required/],
    [
      'network duplicate destination',
      {
        network: [
          { to: 'internet', mbps: 1 },
          { to: 'internet', mbps: 2 },
        ],
      },
      /^workload\.network\[1\]\.to 'internet' appears more than once/,
    ],
  ];
  it.each(bad)('rejects %s', (_, input, message) => rejects(input, message));

  it('property: any JSON either validates to a fixed point or fails with InvalidParameterValue', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        let out: Workload;
        try {
          out = validateWorkload(input, limits);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidParameterValue);
          return;
        }
        expect(validateWorkload(out, limits)).toEqual(out);
      }),
    );
  });

  it('property: valid workloads validate to themselves once defaults are filled', () => {
    const cores = fc.double({ min: 0, max: 4, noNaN: true });
    const cpu = fc.oneof(
      fc.record({ model: fc.constant('constant'), cores }),
      fc.record({ model: fc.constant('diurnal'), meanCores: cores, amplitudeCores: cores, peakHourUtc: fc.double({ min: 0, max: 23.999, noNaN: true }), stepSeconds: fc.integer({ min: 60, max: 86_400 }) }),
      fc.record({ model: fc.constant('trace'), periodSeconds: fc.integer({ min: 1, max: 86_400 }), cores: fc.array(cores, { minLength: 1, maxLength: 20 }), repeat: fc.boolean() }),
      fc.record({ model: fc.constant('random-walk'), meanCores: cores, volatility: cores, seed: fc.maxSafeInteger(), stepSeconds: fc.integer({ min: 60, max: 86_400 }) }),
    );
    const hex17 = fc.stringMatching(/^[0-9a-f]{17}$/);
    const workload = fc.record(
      {
        cpu,
        io: fc.uniqueArray(fc.record({ volumeId: hex17.map((h) => `vol-${h}`), iops: fc.integer({ min: 0, max: 256_000 }), throughputMiBps: fc.integer({ min: 0, max: 10_000 }) }), {
          maxLength: 28,
          selector: (x) => x.volumeId,
        }),
        memory: fc.record({ workingSetMiB: fc.integer({ min: 0, max: 8192 }), dirtyRateMiBps: fc.integer({ min: 0, max: 100_000 }) }),
        network: fc.uniqueArray(fc.record({ to: fc.oneof(fc.constant('internet'), hex17.map((h) => `i-${h}`)), mbps: fc.integer({ min: 0, max: 100_000 }) }), {
          maxLength: 16,
          selector: (x) => x.to,
        }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(workload, (w) => {
        // -0 is normalized to 0, which toEqual tells apart: compare through JSON, as the API would.
        expect(JSON.stringify(validateWorkload(w, limits))).toBe(JSON.stringify(w));
      }),
    );
  });
});

describe('mergeWorkload', () => {
  const constant: Workload['cpu'] = { model: 'constant', cores: 1 };
  const memory = { workingSetMiB: 100, dirtyRateMiBps: 1 };

  it('a new instance is idle', () => {
    expect(IDLE_WORKLOAD).toEqual({});
    expect(Object.isFrozen(IDLE_WORKLOAD)).toBe(true);
  });

  it('each part present in the update replaces that part; omitted parts are kept', () => {
    const current: Workload = { cpu: constant, memory, network: [{ to: 'internet', mbps: 1 }] };
    const update: Workload = { cpu: { model: 'constant', cores: 2 }, network: [] };
    expect(mergeWorkload(current, update)).toEqual({ cpu: { model: 'constant', cores: 2 }, memory, network: [] });
    expect(mergeWorkload(IDLE_WORKLOAD, { memory })).toEqual({ memory });
    expect(mergeWorkload(current, {})).toEqual(current);
    expect(current.cpu).toBe(constant); // inputs are not modified
  });

  it('does not let an explicitly undefined part erase the current one', () => {
    expect(mergeWorkload({ cpu: constant }, { cpu: undefined })).toEqual({ cpu: constant });
  });
});

// ---- privileged operations (docs/model.md §3.1) ----
describe('workload.privileged', () => {
  it('validates the rate per core, bounded, with no other field', () => {
    expect(validateWorkload({ privileged: { opsPerSecPerCore: 20_000 } }, limits)).toEqual({ privileged: { opsPerSecPerCore: 20_000 } });
    expect(validateWorkload({ privileged: { opsPerSecPerCore: 0 } }, limits)).toEqual({ privileged: { opsPerSecPerCore: 0 } });
    rejects({ privileged: { opsPerSecPerCore: -1 } }, /workload\.privileged\.opsPerSecPerCore/);
    rejects({ privileged: { opsPerSecPerCore: 10_000_001 } }, /workload\.privileged\.opsPerSecPerCore/);
    rejects({ privileged: {} }, /workload\.privileged\.opsPerSecPerCore is required/);
    rejects({ privileged: { opsPerSecPerCore: 1, perVcpu: 2 } }, /workload\.privileged\.perVcpu is not a known field/);
    rejects({ privileged: 5 }, /workload\.privileged must be an object/);
  });

  it('is a part like the others: kept when an update omits it, replaced when it names it', () => {
    const current: Workload = { cpu: { model: 'constant', cores: 1 }, privileged: { opsPerSecPerCore: 5 } };
    expect(mergeWorkload(current, { cpu: { model: 'constant', cores: 2 } })).toEqual({ cpu: { model: 'constant', cores: 2 }, privileged: { opsPerSecPerCore: 5 } });
    expect(mergeWorkload(current, { privileged: { opsPerSecPerCore: 0 } })).toEqual({ cpu: { model: 'constant', cores: 1 }, privileged: { opsPerSecPerCore: 0 } });
  });
});
