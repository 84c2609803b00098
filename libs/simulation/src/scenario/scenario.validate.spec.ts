import fc from 'fast-check';
import { builtInScenario, builtInScenarioNames, formatScenarioError, validateScenario } from '@nimbus/simulation';
import { HOST_TYPES } from '@nimbus/hypervisor';
import { applyScenarioOverrides } from './builtin';

/** A small valid scenario; each test breaks one thing. */
const base = () => ({
  version: 1,
  name: 'small',
  seed: 1,
  durationHours: 2,
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 2 }, { type: 'c5-host', count: 1 }] }] },
  tenants: [
    {
      id: 'acme',
      workloads: [{
        kind: 'synthetic', zone: 'us-east-1a', arrivals: { ratePerHour: 10 }, lifetime: { distribution: 'exponential', meanHours: 1 },
        size: { distribution: 'fixed', instanceType: 'm5.large' }, utilization: { distribution: 'fixed', percent: 30 },
      }],
    },
  ],
});

const errorsOf = (doc: unknown): string[] => {
  const v = validateScenario(doc);
  return v.ok ? [] : v.errors.map(formatScenarioError);
};

describe('validateScenario', () => {
  it('accepts a valid document and returns a copy of it', () => {
    const doc = base();
    const v = validateScenario(doc);
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(v.scenario).toEqual(doc);
      expect(v.scenario).not.toBe(doc);
    }
  });

  it.each([
    ['a host count below 1', (d: any) => (d.fleet.zones[0].hosts[1].count = 0), ['/fleet/zones/0/hosts/1/count: must be ≥ 1']],
    ['a missing seed', (d: any) => delete d.seed, ['/seed: is required']],
    ['an unknown field', (d: any) => (d.fleet.zones[0].racks = 3), ['/fleet/zones/0/racks: is not a known field (expected name, hosts)']],
    ['a wrong type', (d: any) => (d.durationHours = '2'), ['/durationHours: must be a number']],
    ['another version', (d: any) => (d.version = 2), ['/version: must be 1']],
    ['an unknown zone', (d: any) => (d.fleet.zones[0].name = 'eu-west-1a'), ['/fleet/zones/0/name: must be one of "us-east-1a", "us-east-1b", "us-east-1c"']],
    ['an unknown workload kind', (d: any) => (d.tenants[0].workloads[0].kind = 'replay'), ['/tenants/0/workloads/0/kind: must be one of "synthetic", "trace"']],
    [
      'a lifetime without its parameter',
      (d: any) => delete d.tenants[0].workloads[0].lifetime.meanHours,
      ['/tenants/0/workloads/0/lifetime/meanHours: is required'],
    ],
    [
      'a bad power curve',
      (d: any) => (d.hostTypes = [{ name: 'tiny', sockets: 1, coresPerSocket: 2, threadsPerCore: 1, memoryMiB: 4096, families: ['m5'], virtualization: 'hardware-assisted', nic: { gbps: 1, sriov: false }, storage: { iops: 100, mibps: 10 }, power: [1, 2, 3] }]),
      ["/hostTypes/0/power: must be a named curve ('hp-proliant-ml110-g4', 'hp-proliant-ml110-g5') or 11 watts figures (0 %, 10 %, …, 100 %)"],
    ],
    ['a bad price', (d: any) => (d.instanceTypes = { custom: [{ name: 'x1', family: 'm5', vcpus: 1, memoryMiB: 512, price: { linux: 0.1 } }] }), ['/instanceTypes/custom/0/price/linux: must be a string']],
    [
      'an unknown host type',
      (d: any) => (d.fleet.zones[0].hosts[0].type = 'm6-host'),
      [`/fleet/zones/0/hosts/0/type: unknown host type 'm6-host' (catalog: ${HOST_TYPES.length} types, m5-host, c5-host, r5-host, m5-xen-pv-host, m5-bt-host and '<family>-host' for each other family)`],
    ],
    ['a type not on sale', (d: any) => (d.instanceTypes = { catalog: ['c5.large'] }), ["/tenants/0/workloads/0/size/instanceType: 'm5.large' is not an instance type on sale in this scenario"]],
    ['a zone without hosts', (d: any) => (d.tenants[0].workloads[0].zone = 'us-east-1b'), ["/tenants/0/workloads/0/zone: 'us-east-1b' has no hosts in this fleet (zones: us-east-1a)"]],
    ['an unknown image', (d: any) => (d.tenants[0].workloads[0].image = 'ami-nope'), ["/tenants/0/workloads/0/image: unknown image 'ami-nope' (an AMI id of the catalog, or linux, windows, rhel, suse, ubuntu-pro, windows-sql-standard)"]],
    ['a start off the bucket grid', (d: any) => (d.start = '2026-01-05T00:30:00Z'), ['/start: must be a whole number of buckets (3600 s) since the epoch']],
    ['a duration off the bucket grid', (d: any) => (d.durationHours = 1.5), ['/durationHours: must be a whole number of buckets (3600 s)']],
    [
      'Azure sizes with nothing on sale',
      (d: any) => {
        d.instanceTypes = { catalog: [] };
        d.tenants[0].workloads[0].size = { distribution: 'azure2019' };
      },
      ['/tenants/0/workloads/0/size: needs instance types on sale to choose from, and none is'],
    ],
    ['a zone given twice', (d: any) => d.fleet.zones.push({ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 1 }] }), ["/fleet/zones/1/name: 'us-east-1a' is given twice (also at /fleet/zones/0)"]],
    // ---- memory and applications ----
    ['a fitted size without memory', (d: any) => (d.tenants[0].workloads[0].size = { distribution: 'fit' }), ["/tenants/0/workloads/0/size: 'fit' needs the workload's memory (the working set the type must hold)"]],
    [
      'a fitted size with working sets as fractions of the memory',
      (d: any) => {
        d.tenants[0].workloads[0].size = { distribution: 'fit' };
        d.tenants[0].workloads[0].memory = { workingSet: { distribution: 'fraction', min: 0.2, max: 0.5 } };
      },
      ["/tenants/0/workloads/0/memory/workingSet/distribution: 'fraction' is of the VM's memory, which 'fit' chooses from the working set: give a size in MiB"],
    ],
    [
      'a uniform working set upside down',
      (d: any) => (d.tenants[0].workloads[0].memory = { workingSet: { distribution: 'uniform', minMiB: 2048, maxMiB: 1024 } }),
      ['/tenants/0/workloads/0/memory/workingSet/maxMiB: must be ≥ minMiB'],
    ],
    [
      'CPU per application without applications',
      (d: any) => (d.tenants[0].workloads[0].utilization = { distribution: 'azure2019', per: 'application' }),
      ["/tenants/0/workloads/0/utilization/per: 'application' needs the workload's memory (its applications and their working sets)"],
    ],
    ['CPU per something else', (d: any) => (d.tenants[0].workloads[0].utilization = { distribution: 'azure2019', per: 'host' }), ['/tenants/0/workloads/0/utilization/per: must be one of "vm", "application"']],
    [
      'an Azure working set with a parameter',
      (d: any) => (d.tenants[0].workloads[0].memory = { workingSet: { distribution: 'azure2019', mib: 1024 } }),
      ['/tenants/0/workloads/0/memory/workingSet/mib: is not a known field (expected distribution)'],
    ],
    ['no applications per VM', (d: any) => (d.tenants[0].workloads[0].memory = { applicationsPerVm: 0, workingSet: { distribution: 'fixed', mib: 1 } }), ['/tenants/0/workloads/0/memory/applicationsPerVm: must be ≥ 1']],
    ['an unknown memory policy', (d: any) => (d.policies = { memory: { pageSharing: 'yes' } }), ['/policies/memory/pageSharing: must be a boolean']],
    ['a host cost as a number', (d: any) => (d.policies = { hostCost: { monthlyUsd: 300 } }), ['/policies/hostCost/monthlyUsd: must be a string']],
  ])('names the path of %s', (_what, breakIt, expected) => {
    const doc = base();
    breakIt(doc);
    expect(errorsOf(doc)).toEqual(expected);
  });

  it('accepts applications from Azure: their working sets and CPU, VMs sized to fit them', () => {
    const doc: any = base();
    doc.tenants[0].workloads[0] = {
      ...doc.tenants[0].workloads[0], size: { distribution: 'fit' }, utilization: { distribution: 'azure2019', per: 'application', model: 'diurnal' },
      memory: { applicationsPerVm: 8, workingSet: { distribution: 'azure2019' } },
    };
    expect(errorsOf(doc)).toEqual([]);
  });

  it('reports every error of a document at once', () => {
    const doc: any = base();
    doc.seed = 1.5;
    doc.fleet.zones[0].hosts[0].count = -1;
    delete doc.tenants[0].workloads[0].arrivals;
    expect(errorsOf(doc)).toEqual([
      '/seed: must be an integer',
      '/fleet/zones/0/hosts/0/count: must be ≥ 1',
      '/tenants/0/workloads/0/arrivals: is required',
    ]);
  });

  it('refuses what is not an object', () => {
    expect(errorsOf(null)).toEqual(['/: must be an object']);
    expect(errorsOf([])).toEqual(['/: must be an object']);
  });

  it('accepts every built-in scenario', () => {
    expect(builtInScenarioNames()).toEqual(['azure-small', 'cloudsim-planetlab-20110303', 'consolidation-apps', 'driver-domain', 'overcommit-fleet', 'planetlab-20110303', 'virtualization-overhead']);
    for (const name of builtInScenarioNames()) expect(errorsOf(builtInScenario(name))).toEqual([]);
  });

  it('applies overrides as a JSON merge patch (RFC 7386) that the caller validates', () => {
    const s = builtInScenario('azure-small')!;
    const patched = applyScenarioOverrides(s, { seed: 7, durationHours: 12, policies: { placement: { weigher: 'spread' } }, description: null }) as any;
    expect(patched.seed).toBe(7);
    expect(patched.durationHours).toBe(12);
    expect(patched.policies.placement).toEqual({ weigher: 'spread', cpuAllocationRatio: 2, ramAllocationRatio: 1 });
    expect('description' in patched).toBe(false);
    expect(s.seed).toBe(2019);
    expect(errorsOf(patched)).toEqual([]);
    expect(errorsOf(applyScenarioOverrides(s, { fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 0 }] }] } }))).toEqual([
      '/fleet/zones/0/hosts/0/count: must be ≥ 1',
    ]);
  });

  it('answers any JSON with a verdict, never a throw, every error with a JSON-pointer path (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        const v = validateScenario(doc);
        expect(v.ok).toBe(false);
        if (!v.ok) for (const e of v.errors) expect(e.path === '' || e.path.startsWith('/')).toBe(true);
      }),
      { seed: 13, numRuns: 300 },
    );
  });

  it('names the path of a change to any field of a valid document (property)', () => {
    // Replacing a leaf by a value of another type is an error at that leaf's path (or its parent's, for a tag).
    const leaves: string[][] = [];
    const walk = (v: unknown, path: string[]) => {
      if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
      else leaves.push(path);
    };
    walk(base(), []);
    fc.assert(
      fc.property(fc.constantFrom(...leaves), (path) => {
        const doc: any = base();
        let at = doc;
        for (const k of path.slice(0, -1)) at = at[k];
        at[path[path.length - 1]] = { wrong: true };
        const v = validateScenario(doc);
        expect(v.ok).toBe(false);
        const pointer = `/${path.join('/')}`;
        if (!v.ok) expect(v.errors.some((e) => pointer.startsWith(e.path) || e.path.startsWith(pointer))).toBe(true);
      }),
      { seed: 17, numRuns: 100 },
    );
  });

  // ---- live-migration experiment (issue 12): drains' mode, workloads' memory ----
  it('accepts a drain mode and a workload memory, and names what is wrong with them', () => {
    const doc = (mode: unknown, memory: unknown) => ({
      ...base(),
      tenants: [{ id: 'acme', workloads: [{ ...base().tenants[0].workloads[0], memory }] }],
      faults: { drains: [{ atHours: 1, hosts: 1, durationHours: 1, mode }] },
    });
    const ws = { distribution: 'fixed', mib: 0 };
    expect(errorsOf(doc('restart', { workingSet: ws, dirtyRateMiBps: 100 }))).toEqual([]);
    expect(errorsOf(doc('live-migrate', { workingSet: ws }))).toEqual([]);
    expect(errorsOf(doc('reboot', { workingSet: ws })).join('\n')).toMatch(/faults\/drains\/0\/mode/);
    expect(errorsOf(doc('restart', { workingSet: ws, dirtyRateMiBps: -1 })).join('\n')).toMatch(/memory\/dirtyRateMiBps/);
  });

  // ---- licensing-models experiment (issue 12): schedules, Dedicated Hosts, licence prices ----
  it('accepts a schedule, Dedicated Hosts with host tenancy and licence prices, and names what is wrong with them', () => {
    const doc = (patch: { schedule?: unknown; tenancy?: unknown; dedicatedHosts?: unknown; priceBook?: unknown; zone?: unknown }) => ({
      ...base(),
      tenants: [{
        id: 'acme',
        ...(patch.dedicatedHosts !== undefined ? { dedicatedHosts: patch.dedicatedHosts } : {}),
        workloads: [{ ...base().tenants[0].workloads[0], zone: patch.zone ?? 'us-east-1a', schedule: patch.schedule ?? { runFraction: 0.5 }, ...(patch.tenancy ? { tenancy: patch.tenancy } : {}) }],
      }],
      ...(patch.priceBook ? { policies: { priceBook: patch.priceBook } } : {}),
    });
    const dh = [{ zone: 'us-east-1a', hostType: 'm5-host', count: 2 }];
    const book = {
      byolLicenses: { 'sql-server-standard': { countingType: 'Core', monthlyUsd: '36.5' } },
      licenses: { 'windows-sql-standard': [{ licenseProduct: 'windows-server', basis: 'folded', column: 'windows' }, { licenseProduct: 'sql-server-standard', basis: 'per-vcpu-hour', ratePerUnitHour: '0.1' }] },
    };
    expect(errorsOf(doc({ tenancy: 'host', dedicatedHosts: dh, priceBook: book }))).toEqual([]);
    expect(errorsOf(doc({ schedule: { runFraction: 0 } })).join('\n')).toMatch(/schedule\/runFraction/);
    expect(errorsOf(doc({ schedule: { runFraction: 0.5, startHourUtc: 24 } })).join('\n')).toMatch(/schedule\/startHourUtc/);
    // The fleet has two m5 hosts in the zone.
    expect(errorsOf(doc({ dedicatedHosts: [{ zone: 'us-east-1a', hostType: 'm5-host', count: 3 }] }))).toEqual([
      "/tenants/0/dedicatedHosts/0/count: us-east-1a has 2 'm5-host' hosts, fewer than the tenants' Dedicated Hosts of that type there",
    ]);
    expect(errorsOf(doc({ tenancy: 'host' }))).toEqual(['/tenants/0/workloads/0/tenancy: the tenant has no Dedicated Host in us-east-1a']);
    expect(errorsOf(doc({ priceBook: { byolLicenses: { 'sql-server-standard': { countingType: 'Cores', monthlyUsd: '1' } } } })).join('\n')).toMatch(/byolLicenses\/sql-server-standard\/countingType/);
    expect(errorsOf(doc({ priceBook: { byolLicenses: { 'sql-server-standard': { countingType: 'Core', monthlyUsd: 36.5 } } } })).join('\n')).toMatch(/monthlyUsd/);
    expect(errorsOf(doc({ priceBook: { licenses: { windows: [{ licenseProduct: 'x', basis: 'per-socket-hour' }] } } })).join('\n')).toMatch(/licenses\/windows\/0/);
  });
});
