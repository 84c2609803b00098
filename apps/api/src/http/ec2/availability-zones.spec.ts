import { zoneIdOf, zoneNameOf } from './availability-zones';

describe('zone ids (DescribeAvailabilityZones, subnets, offerings, the zone-id filters)', () => {
  it('maps us-east-1a, b, c to use1-az1, 2, 3 and back', () => {
    expect(['us-east-1a', 'us-east-1b', 'us-east-1c'].map(zoneIdOf)).toEqual(['use1-az1', 'use1-az2', 'use1-az3']);
    expect(['use1-az1', 'use1-az2', 'use1-az3'].map(zoneNameOf)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });

  it('has no id for a zone Nimbus does not simulate, and no zone for an id it does not have', () => {
    expect(zoneIdOf('us-east-1d')).toBeUndefined();
    expect(zoneIdOf('us-west-2a')).toBeUndefined();
    expect(zoneNameOf('use1-az4')).toBeUndefined();
    expect(zoneNameOf('use1-az0')).toBeUndefined();
    expect(zoneNameOf('usw2-az1')).toBeUndefined();
  });
});
