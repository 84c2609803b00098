import type { SubnetEntity } from '../../persistence/entities';
import { NetworkDefaultsCache } from './network-defaults.cache';

const subnet = (id: string, zone: string): SubnetEntity => ({
  id, tenantId: 't1', vpcId: 'vpc-1', cidrBlock: '172.31.0.0/20', availabilityZone: zone, defaultForAz: true, mapPublicIpOnLaunch: true, createdAt: 0,
});

describe('NetworkDefaultsCache', () => {
  it('remembers what a command read, per tenant', () => {
    const sut = new NetworkDefaultsCache();
    expect(sut.defaultVpc('t1')).toBeUndefined();
    sut.rememberDefaultVpc('t1', sut.generation('t1'), 'vpc-1');
    sut.rememberDefaultSubnet('t1', sut.generation('t1'), 'us-east-1a', subnet('subnet-a', 'us-east-1a'));
    sut.rememberDefaultGroup('t1', sut.generation('t1'), 'vpc-1', 'sg-1');
    expect(sut.defaultVpc('t1')).toBe('vpc-1');
    expect(sut.defaultSubnet('t1', 'us-east-1a')?.id).toBe('subnet-a');
    expect(sut.defaultGroup('t1', 'vpc-1')).toBe('sg-1');
    expect(sut.defaultVpc('t2')).toBeUndefined();
    expect(sut.defaultSubnet('t1', 'us-east-1b')).toBeUndefined();
  });

  it('a deleted default VPC is remembered as null (known: none), not as unknown', () => {
    const sut = new NetworkDefaultsCache();
    sut.rememberDefaultVpc('t1', sut.generation('t1'), null);
    expect(sut.defaultVpc('t1')).toBeNull();
  });

  it('forgets a tenant at once, and drops a remembrance read before the forgetting', () => {
    const sut = new NetworkDefaultsCache();
    sut.rememberDefaultVpc('t1', sut.generation('t1'), 'vpc-1');
    sut.rememberDefaultVpc('t2', sut.generation('t2'), 'vpc-2');
    // A launch read the subnet (generation g), then a later command in the same group deleted it.
    const readAt = sut.generation('t1');
    sut.forgetTenant('t1');
    expect(sut.defaultVpc('t1')).toBeUndefined();
    expect(sut.defaultVpc('t2')).toBe('vpc-2');
    // After the commit, the launch's remembrance arrives: it is older than the forgetting, so dropped.
    sut.rememberDefaultSubnet('t1', readAt, 'us-east-1a', subnet('subnet-a', 'us-east-1a'));
    sut.rememberDefaultVpc('t1', readAt, 'vpc-1');
    expect(sut.defaultSubnet('t1', 'us-east-1a')).toBeUndefined();
    expect(sut.defaultVpc('t1')).toBeUndefined();
    // One read after the forgetting is kept.
    sut.rememberDefaultVpc('t1', sut.generation('t1'), null);
    expect(sut.defaultVpc('t1')).toBeNull();
  });

  it('an address floor is dropped when addresses of its subnet are freed, also one arriving late', () => {
    const sut = new NetworkDefaultsCache();
    sut.rememberAddressFloor('subnet-a', sut.floorGeneration('subnet-a'), 100);
    expect(sut.addressFloor('subnet-a')).toBe(100);
    const readAt = sut.floorGeneration('subnet-a');
    sut.forgetAddressFloor('subnet-a');
    expect(sut.addressFloor('subnet-a')).toBeUndefined();
    sut.rememberAddressFloor('subnet-a', readAt, 102);
    expect(sut.addressFloor('subnet-a')).toBeUndefined();
    sut.rememberAddressFloor('subnet-b', sut.floorGeneration('subnet-b'), 7);
    expect(sut.addressFloor('subnet-b')).toBe(7);
  });
});
