import { builtInScenario, datasetsNeeded, parseAzureDistributions, parseBitbrainsCsv, parsePlanetLabDay, parsePlanetLabFile, Scenario } from '@nimbus/simulation';

describe('dataset parsers', () => {
  it('read a PlanetLab file: whitespace-separated integer percentages', () => {
    expect(parsePlanetLabFile('vm', '24\n34\r\n29\n\n')).toEqual([24, 34, 29]);
    expect(() => parsePlanetLabFile('vm', '24\n3.5\n')).toThrow("vm: sample 2: '3.5' is not an integer percentage");
    expect(() => parsePlanetLabFile('vm', '101')).toThrow("vm: sample 1: '101' is not an integer percentage");
    expect(() => parsePlanetLabFile('vm', '\n')).toThrow('vm: no samples');
  });

  it('read a PlanetLab day in file-name order (code units, not the platform listing)', () => {
    const day = parsePlanetLabDay('20110303', { b: '1 2', a: '3 4', B: '5 6' });
    expect(day.vms.map((v) => v.name)).toEqual(['B', 'a', 'b']);
  });

  it('read the Azure distributions: cumulative % as fractions, per-value % normalized', () => {
    const files = {
      'lifetime.txt': 'bucket\tvalue\n0.1\t 20.9 \n1\t 63.6 \n',
      'cpu.txt': 'bucket\tavg\tp95\n0\t8.7\t4.0\n100\t100\t100\n',
      'cores.txt': 'vmcorecountbucket\tvalue\n2\t 58.2 \n4\t 41.8 \n',
      'memory.txt': 'vmmemorybucket\tvalue\n2\t50\n4\t50\n',
      'deployment.txt': 'bucket\tvalue\n1\t47.021\n2\t62.791\n',
      'category.txt': 'vmcategory\tvalue\nInteractive\t43\nDelay-insensitive\t57\n',
    };
    const a = parseAzureDistributions(files);
    expect(a.lifetimeHours).toEqual({ x: [0.1, 1], p: [0.209, 0.636] });
    expect(a.cpuP95Percent).toEqual({ x: [0, 100], p: [0.04, 1] });
    expect(a.cores.probabilities[0]).toBeCloseTo(0.582, 12);
    expect(a.category.values).toEqual(['Interactive', 'Delay-insensitive']);
    expect(() => parseAzureDistributions({})).toThrow('lifetime.txt: missing from the Azure 2019 distributions');
    expect(() => parseAzureDistributions({ ...files, 'lifetime.txt': 'bucket\tvalue\n1\t50\n0.5\t60\n' })).toThrow('lifetime.txt: line 3: values must ascend');
  });

  it('read a Bitbrains file (seconds despite the header, ; and tab separated)', () => {
    const vm = parseBitbrainsCsv('1.csv', [
      'Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]',
      '1372629804;\t2;\t5851.9989;\t87.77;\t1.5;\t8218624.0;\t1034592.8;\t160.8;\t21.7;\t0.26;\t1.46',
      '1372630104;\t2;\t5851.9989;\t29.25;\t0.5;\t8218624.0;\t458575.4;\t0.0;\t2.3;\t0.2;\t1.0',
    ].join('\n'));
    expect(vm).toMatchObject({ name: '1.csv', periodSeconds: 300, cores: 2, memoryProvisionedKB: 8218624, cpuPercent: [1.5, 0.5], networkOutKBps: [1.46, 1.0] });
    expect(() => parseBitbrainsCsv('x.csv', 'header\n1;2;3')).toThrow('x.csv: line 2: expected 11 columns, got 3');
  });
});

describe('datasetsNeeded', () => {
  it('lists each dataset once, a Bitbrains folder with the largest limit asked', () => {
    expect(datasetsNeeded(builtInScenario('azure-small')!)).toEqual([{ kind: 'azure2019' }]);
    expect(datasetsNeeded(builtInScenario('planetlab-20110303')!)).toEqual([{ kind: 'planetlab', day: '20110303' }]);
    // Applications from Azure: their working sets alone need the distributions.
    expect(datasetsNeeded(builtInScenario('consolidation-apps')!)).toEqual([{ kind: 'azure2019' }]);
    const apps = builtInScenario('consolidation-apps')!;
    const w = apps.tenants[0].workloads[0] as any;
    expect(datasetsNeeded({ ...apps, tenants: [{ id: 'a', workloads: [{ ...w, utilization: { distribution: 'fixed', percent: 10 } }] }] })).toEqual([{ kind: 'azure2019' }]);
    expect(datasetsNeeded({ ...apps, tenants: [{ id: 'a', workloads: [{ ...w, utilization: { distribution: 'fixed', percent: 10 }, memory: { workingSet: { distribution: 'fixed', mib: 1 } } }] }] })).toEqual([]);
    const s = builtInScenario('planetlab-20110303')!;
    const bb = (limit?: number) => ({ kind: 'trace', zone: 'us-east-1a', dataset: { kind: 'bitbrains', path: 'bitbrains-rnd/2013-7' }, ...(limit ? { limit } : {}) });
    const two: Scenario = { ...s, tenants: [{ id: 'a', workloads: [bb(10), bb(30)] as any }] };
    expect(datasetsNeeded(two)).toEqual([{ kind: 'bitbrains', path: 'bitbrains-rnd/2013-7', limit: 30 }]);
    const all: Scenario = { ...s, tenants: [{ id: 'a', workloads: [bb(10), bb()] as any }] };
    expect(datasetsNeeded(all)).toEqual([{ kind: 'bitbrains', path: 'bitbrains-rnd/2013-7' }]);
  });
});
