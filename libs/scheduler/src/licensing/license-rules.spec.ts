import { admitLicenseChange, admitLicenses, checkLicensable, consumedLicenses, LicensedInstance, licenseUsage } from './license-rules';

const host = (hostId: string) => ({ hostId, sockets: 2, cores: 56 });
const sql = (id: string, vcpus: number, dedicatedHost?: ReturnType<typeof host>): LicensedInstance => ({ instanceId: id, vcpus, product: 'sql-server-standard', ...(dedicatedHost ? { dedicatedHost } : {}) });
const win = (id: string, vcpus: number, dedicatedHost?: ReturnType<typeof host>): LicensedInstance => ({ instanceId: id, vcpus, product: 'windows-server', ...(dedicatedHost ? { dedicatedHost } : {}) });

describe('license counting (docs/model.md §5)', () => {
  it('vCPU counts each instance\'s vCPUs; Instance counts instances, wherever they run', () => {
    const all = [sql('i-1', 2), sql('i-2', 16), win('i-3', 8, host('h-1'))];
    expect(consumedLicenses('vCPU', all)).toBe(26);
    expect(consumedLicenses('Instance', all)).toBe(3);
  });

  it('SQL Server per core: vCPUs ÷ 2 per VM with a 4-core minimum', () => {
    expect(licenseUsage('Core', [sql('i-1', 2), sql('i-2', 8), sql('i-3', 16)])).toEqual([
      { resourceType: 'instance', resourceId: 'i-1', consumedLicenses: 4 },
      { resourceType: 'instance', resourceId: 'i-2', consumedLicenses: 4 },
      { resourceType: 'instance', resourceId: 'i-3', consumedLicenses: 8 },
    ]);
  });

  it('Core and Socket on a Dedicated Host count the host\'s physical cores or sockets, once for all its instances', () => {
    const all = [win('i-1', 2, host('h-1')), win('i-2', 96, host('h-1')), sql('i-3', 2, host('h-2'))];
    expect(licenseUsage('Core', all)).toEqual([
      { resourceType: 'host', resourceId: 'h-1', consumedLicenses: 56 },
      { resourceType: 'host', resourceId: 'h-2', consumedLicenses: 56 },
    ]);
    expect(consumedLicenses('Socket', all)).toBe(4);
  });

  it('Windows Server: the 16-core minimum per server applies to a small host', () => {
    expect(consumedLicenses('Core', [win('i-1', 2, { hostId: 'h-s', sockets: 1, cores: 8 })])).toBe(16);
  });

  it('BYOL Windows needs a Dedicated Host; socket counting needs one too', () => {
    expect(() => checkLicensable('vCPU', 'windows-server', 'default')).toThrow(/Dedicated Host/);
    expect(() => checkLicensable('vCPU', 'windows-server', 'dedicated')).toThrow(expect.objectContaining({ code: 'InvalidParameterCombination' }));
    expect(() => checkLicensable('Socket', 'sql-server-standard', 'default')).toThrow(/sockets/);
    expect(() => checkLicensable('Core', 'sql-server-standard', 'default')).not.toThrow();
    expect(() => checkLicensable('Socket', 'windows-server', 'host')).not.toThrow();
  });
});

describe('license admission', () => {
  const config = { licenseConfigurationId: 'lic-1', countingType: 'vCPU' as const, limit: 8, hardLimit: true };

  it('a hard limit refuses the whole request when it would go over, and nothing changes', () => {
    const existing = [sql('i-1', 4)];
    expect(admitLicenses(config, existing, [sql('i-2', 4)])).toEqual({ consumedBefore: 4, consumedAfter: 8, overLimit: false });
    expect(() => admitLicenses(config, existing, [sql('i-2', 2), sql('i-3', 4)])).toThrow(expect.objectContaining({ code: 'LicenseLimitExceeded', message: expect.stringContaining('hard limit of 8') }));
  });

  it('a soft limit admits and reports the overage', () => {
    expect(admitLicenses({ ...config, hardLimit: false }, [sql('i-1', 4)], [sql('i-2', 8)])).toEqual({ consumedBefore: 4, consumedAfter: 12, overLimit: true });
  });

  it('another instance on an already counted Dedicated Host adds nothing under Socket counting', () => {
    const sockets = { ...config, countingType: 'Socket' as const, limit: 2 };
    expect(admitLicenses(sockets, [win('i-1', 2, host('h-1'))], [win('i-2', 2, host('h-1'))]).consumedAfter).toBe(2);
    expect(() => admitLicenses(sockets, [win('i-1', 2, host('h-1'))], [win('i-2', 2, host('h-2'))])).toThrow(/LicenseLimitExceeded|hard limit/);
  });
});

describe('license admission of a change of instance type', () => {
  const cores = { licenseConfigurationId: 'lic-2', countingType: 'Core' as const, limit: 10, hardLimit: true };

  it('counts the instance at its new vCPUs, by the same rule as a launch', () => {
    // SQL Server per core, 4-core minimum: i-1 and i-2 on m5.large (2 vCPUs → 1 core → 4) = 8 of 10.
    const existing = [sql('i-1', 2), sql('i-2', 2)];
    // To 8 vCPUs (4 cores, still the minimum): 4 + 4 = 8, nothing more.
    expect(admitLicenseChange(cores, existing, 'i-2', 8)).toEqual({ consumedBefore: 8, consumedAfter: 8, overLimit: false });
    // To 12 vCPUs (6 cores): 4 + 6 = 10, at the limit.
    expect(admitLicenseChange(cores, existing, 'i-2', 12)).toEqual({ consumedBefore: 8, consumedAfter: 10, overLimit: false });
    // To 16 vCPUs (8 cores): 4 + 8 = 12 > 10: refused, 4 more than the 8 in use.
    expect(() => admitLicenseChange(cores, existing, 'i-2', 16)).toThrow(expect.objectContaining({
      code: 'LicenseLimitExceeded', message: "License configuration 'lic-2' has a hard limit of 10 Core licenses: 8 in use, the request needs 4 more.",
    }));
  });

  it('vCPU counting: the difference in vCPUs; a soft limit admits and reports', () => {
    const vcpus = { licenseConfigurationId: 'lic-3', countingType: 'vCPU' as const, limit: 8, hardLimit: true };
    // 2 + 4 = 6 of 8; i-1 from 2 to 4 vCPUs: 4 + 4 = 8 (admitted); to 8 vCPUs: 8 + 4 = 12 (refused).
    expect(admitLicenseChange(vcpus, [sql('i-1', 2), sql('i-2', 4)], 'i-1', 4).consumedAfter).toBe(8);
    expect(() => admitLicenseChange(vcpus, [sql('i-1', 2), sql('i-2', 4)], 'i-1', 8)).toThrow(expect.objectContaining({ code: 'LicenseLimitExceeded' }));
    expect(admitLicenseChange({ ...vcpus, hardLimit: false }, [sql('i-1', 2), sql('i-2', 4)], 'i-1', 8)).toEqual({ consumedBefore: 6, consumedAfter: 12, overLimit: true });
  });

  it('a smaller type is admitted even over the limit; a host-counted or instance-counted change adds nothing', () => {
    // Soft-limit overage of 12 > 8 (vCPU); back from 8 to 2 vCPUs: 6, admitted under a hard limit too.
    expect(admitLicenseChange({ ...cores, countingType: 'vCPU', limit: 8 }, [sql('i-1', 8), sql('i-2', 4)], 'i-1', 2)).toEqual({ consumedBefore: 12, consumedAfter: 6, overLimit: false });
    // On a Dedicated Host the host's 56 cores are counted, whatever the instance's size.
    expect(admitLicenseChange({ ...cores, limit: 56 }, [win('i-1', 2, host('h-1'))], 'i-1', 96).consumedAfter).toBe(56);
    expect(admitLicenseChange({ ...cores, countingType: 'Instance', limit: 1 }, [sql('i-1', 2)], 'i-1', 96).consumedAfter).toBe(1);
  });

  it('an instance the configuration does not count is a caller\'s mistake, not an admission', () => {
    expect(() => admitLicenseChange(cores, [sql('i-1', 2)], 'i-9', 4)).toThrow(RangeError);
  });
});
