import { describe, expect, it } from 'vitest';
import { otherPrices } from './data';

describe('otherPrices', () => {
  it('lists every price of a version but the instance types\', at its path, values as given', () => {
    const version = {
      version: 'v2', effectiveFrom: '2025-06-01T00:00:00.000Z', currency: 'USD', region: 'us-east-1',
      instanceTypes: { 'm5.large': { hourly: { linux: '0.096' } } },
      publicIpv4: { inUsePerHour: '0.005', idlePerHour: '0.005' },
      ebs: { gp3: { perGiBMonth: '0.08', baselineIops: 3000 }, io2: { iopsTiers: [{ upTo: 32000, perIopsMonth: '0.065' }] } },
      licenses: { windows: [{ licenseProduct: 'windows-server', basis: 'folded', column: 'windows' }] },
    };
    expect(otherPrices(version)).toEqual([
      { path: 'publicIpv4.inUsePerHour', value: '0.005' },
      { path: 'publicIpv4.idlePerHour', value: '0.005' },
      { path: 'ebs.gp3.perGiBMonth', value: '0.08' },
      { path: 'ebs.gp3.baselineIops', value: '3000' },
      { path: 'ebs.io2.iopsTiers[0].upTo', value: '32000' },
      { path: 'ebs.io2.iopsTiers[0].perIopsMonth', value: '0.065' },
      { path: 'licenses.windows[0].licenseProduct', value: 'windows-server' },
      { path: 'licenses.windows[0].basis', value: 'folded' },
      { path: 'licenses.windows[0].column', value: 'windows' },
    ]);
  });

  it('has nothing to list for a version of instance prices only', () => {
    expect(otherPrices({ version: 'v', effectiveFrom: 'x', instanceTypes: { 't3.micro': { hourly: { linux: '0.0104' } } } })).toEqual([]);
  });
});
