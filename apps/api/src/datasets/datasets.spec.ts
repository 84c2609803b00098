import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { builtInScenario, builtInScenarioNames, runScenario, Scenario } from '@nimbus/simulation';
import { loadScenarioData } from './datasets';

const bitbrainsCsv = [
  'Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]',
  '1372629804;\t2;\t5851.9989;\t87.78;\t1.5;\t8218624.0;\t1034592.8;\t160.8;\t21.7;\t0.26;\t1.46',
  '1372630104;\t2;\t5851.9989;\t29.25;\t0.5;\t8218624.0;\t458575.4;\t0.0;\t2.3;\t0.2;\t1.0',
].join('\n');

const withTrace = (dataset: object): Scenario => {
  const s = builtInScenario('planetlab-20110303')!;
  return { ...s, tenants: [{ id: 't', workloads: [{ kind: 'trace', zone: 'us-east-1a', dataset, instanceTypes: ['cloudsim-500'] } as any] }] };
};

describe('loadScenarioData', () => {
  it('loads the built-in Azure distributions and PlanetLab day from data/, with no NIMBUS_DATA_DIR', async () => {
    const azure = await loadScenarioData(builtInScenario('azure-small')!, {});
    expect(azure.azure2019!.lifetimeHours.x).toHaveLength(1000);
    expect(azure.azure2019!.cores.values).toEqual([2, 4, 8, 12, 24, 30]);
    const planetlab = await loadScenarioData(builtInScenario('planetlab-20110303')!, {});
    const day = planetlab.planetlab!['20110303'];
    expect(day.vms).toHaveLength(1052);
    expect(day.vms.every((v) => v.cpuPercent.length === 288)).toBe(true);
    expect(day.vms[0].name).toBe('146-179_surfsnel_dsl_internl_net_colostate_557');
    expect(day.vms[0].cpuPercent.slice(0, 4)).toEqual([24, 34, 29, 26]);
  });

  it('reads other datasets from NIMBUS_DATA_DIR, gzipped or not, and says plainly what is missing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nimbus-data-'));
    mkdirSync(join(root, 'planetlab', '20110306'), { recursive: true });
    writeFileSync(join(root, 'planetlab', '20110306', 'vm-b'), '5\n6\n');
    writeFileSync(join(root, 'planetlab', '20110306', 'vm-a'), '1\n2\n');
    mkdirSync(join(root, 'bitbrains-rnd', '2013-7'), { recursive: true });
    writeFileSync(join(root, 'bitbrains-rnd', '2013-7', '2.csv.gz'), gzipSync(bitbrainsCsv));
    writeFileSync(join(root, 'bitbrains-rnd', '2013-7', '1.csv'), bitbrainsCsv);

    const pl = await loadScenarioData(withTrace({ kind: 'planetlab', day: '20110306' }), { NIMBUS_DATA_DIR: root });
    expect(pl.planetlab!['20110306'].vms).toEqual([{ name: 'vm-a', cpuPercent: [1, 2] }, { name: 'vm-b', cpuPercent: [5, 6] }]);
    const bb = await loadScenarioData(withTrace({ kind: 'bitbrains', path: 'bitbrains-rnd/2013-7' }), { NIMBUS_DATA_DIR: root });
    expect(bb.bitbrains!['bitbrains-rnd/2013-7'].map((v) => [v.name, v.cores, v.cpuPercent])).toEqual([['1.csv', 2, [1.5, 0.5]], ['2.csv', 2, [1.5, 0.5]]]);

    // A Bitbrains run: each VM on the catalog type closest to its 2 cores and 8 GB (m5.large before t3.large by name).
    const s: Scenario = {
      version: 1, name: 'bitbrains', seed: 1, durationHours: 1,
      fleet: { zones: [{ name: 'us-east-1b', hosts: [{ type: 'm5-host', count: 1 }] }] },
      tenants: [{ id: 'bb', workloads: [{ kind: 'trace', zone: 'us-east-1b', dataset: { kind: 'bitbrains', path: 'bitbrains-rnd/2013-7' } }] }],
    };
    const r = await runScenario(s, await loadScenarioData(s, { NIMBUS_DATA_DIR: root }));
    expect(r.headline.instancesLaunched).toBe(2);
    expect(r.series.find((x) => x.name === 'instances' && x.groupBy === 'product')!.group).toBe('m5.large');

    await expect(loadScenarioData(withTrace({ kind: 'planetlab', day: '20110309' }), {})).rejects.toThrow(
      "the scenario needs the dataset 'planetlab/20110309', which does not ship with Nimbus: set NIMBUS_DATA_DIR to a directory that has planetlab/20110309/",
    );
    await expect(loadScenarioData(withTrace({ kind: 'planetlab', day: '20110309' }), { NIMBUS_DATA_DIR: root })).rejects.toThrow(
      `the dataset 'planetlab/20110309' was not found: ${join(root, 'planetlab', '20110309')} is not a directory (NIMBUS_DATA_DIR=${root})`,
    );
  });

  it.each(builtInScenarioNames())('runs the built-in scenario %s from the data that ships', async (name) => {
    const s = builtInScenario(name)!;
    const r = await runScenario(s, await loadScenarioData(s, {}));
    expect(r.cancelled).toBe(false);
    expect(r.simulatedMs).toBe(24 * 3_600_000);
    expect(r.headline.energyKWh).toBeGreaterThan(0);
    if (name === 'planetlab-20110303') {
      // One VM per trace file, all placed (RAM allows up to four per 4 GB host).
      expect(r.headline.instancesLaunched).toBe(1052);
      expect(r.headline.refused).toBe(0);
      expect(r.headline.hostsPeak).toBe(800);
    } else if (name === 'cloudsim-planetlab-20110303') {
      // CloudSim's experiment: every VM placed, consolidated onto a fraction of the hosts by THR-MMT.
      expect(r.headline.instancesLaunched).toBe(1052);
      expect(r.headline.migrations).toBeGreaterThan(1000);
      expect(r.headline.hostsPeak).toBeLessThan(800);
      expect(r.headline.slav).toBeCloseTo(r.headline.slatah * r.headline.pdm, 15);
    } else if (name === 'azure-small') {
      // 90 VMs at the start, then Poisson arrivals at 95 an hour in all for a day.
      expect(r.headline.instancesLaunched).toBeGreaterThan(1000);
      expect(r.headline.revenueUsd).toBeGreaterThan(0);
    } else {
      // The experiments' scenarios: a fixed population launched at the start (no arrivals), every VM placed.
      const initial = s.tenants.flatMap((t) => t.workloads).reduce((n, w) => n + (w.kind === 'synthetic' ? Math.ceil((w.initial ?? 0) / (w.memory?.applicationsPerVm ?? 1)) : 0), 0);
      expect(initial).toBeGreaterThan(0);
      expect(r.headline.instancesLaunched).toBe(initial);
      expect(r.headline.refused).toBe(0);
      expect(r.headline.revenueUsd).toBeGreaterThan(0);
    }
  });
});
