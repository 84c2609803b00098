import { InvalidParameterValue } from '@nimbus/hypervisor';
import { VcpuLimitExceeded } from '../contract';
import { checkVcpuQuota } from './vcpu-quota';

describe('checkVcpuQuota', () => {
  const sut = checkVcpuQuota;

  it('allows every instance the limit has room for, up to maxCount', () => {
    expect(sut({ limit: 32, used: 8, vcpusPerInstance: 4, minCount: 1, maxCount: 10 })).toBe(6);
    expect(sut({ limit: 32, used: 0, vcpusPerInstance: 2, minCount: 1, maxCount: 3 })).toBe(3);
  });

  it('allows exactly the limit', () => {
    expect(sut({ limit: 32, used: 24, vcpusPerInstance: 8, minCount: 1, maxCount: 1 })).toBe(1);
  });

  it('throws VcpuLimitExceeded with EC2 code when fewer than minCount fit', () => {
    expect(() => sut({ limit: 32, used: 28, vcpusPerInstance: 8, minCount: 1, maxCount: 1 })).toThrow(VcpuLimitExceeded);
    try {
      sut({ limit: 32, used: 20, vcpusPerInstance: 4, minCount: 4, maxCount: 5 });
      throw new Error('expected VcpuLimitExceeded');
    } catch (e) {
      expect(e).toBeInstanceOf(VcpuLimitExceeded);
      expect((e as VcpuLimitExceeded).code).toBe('VcpuLimitExceeded');
      expect((e as Error).message).toContain('vCPU limit of 32');
    }
  });

  it('treats usage above the limit (after a limit was lowered) as no room', () => {
    expect(() => sut({ limit: 8, used: 16, vcpusPerInstance: 2, minCount: 1, maxCount: 1 })).toThrow(VcpuLimitExceeded);
  });

  it('rejects nonsense input', () => {
    expect(() => sut({ limit: 8, used: 0, vcpusPerInstance: 0, minCount: 1, maxCount: 1 })).toThrow(InvalidParameterValue);
    expect(() => sut({ limit: 8, used: 0, vcpusPerInstance: 2, minCount: 2, maxCount: 1 })).toThrow(InvalidParameterValue);
    expect(() => sut({ limit: 8.5, used: 0, vcpusPerInstance: 2, minCount: 1, maxCount: 1 })).toThrow(InvalidParameterValue);
  });
});
