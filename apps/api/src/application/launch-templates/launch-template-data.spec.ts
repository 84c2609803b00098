import { launchParameters, LAUNCH_TEMPLATE_NAME, overrideMembers } from './launch-template-data';

describe('a launch from a template: the request over the template (EC2 User Guide, "Launch an instance from a launch template")', () => {
  const template = {
    ImageId: 'ami-1', InstanceType: 't3.micro', KeyName: 'k', 'SecurityGroupId.1': 'sg-1', 'SecurityGroupId.2': 'sg-2',
    'Placement.AvailabilityZone': 'us-east-1a', 'Placement.Tenancy': 'default',
    'BlockDeviceMapping.1.DeviceName': '/dev/xvda', 'BlockDeviceMapping.1.Ebs.VolumeSize': '16',
    'BlockDeviceMapping.2.DeviceName': '/dev/xvdb', 'BlockDeviceMapping.2.Ebs.VolumeSize': '100', 'BlockDeviceMapping.2.Ebs.VolumeType': 'st1',
    'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'Owner', 'TagSpecification.1.Tag.1.Value': 'TeamB',
    'TagSpecification.1.Tag.2.Key': 'app', 'TagSpecification.1.Tag.2.Value': 'web',
    RamDiskId: 'ari-1',
  };

  it('a value or a plain list the request gives replaces the template\'s; what it omits is the template\'s', () => {
    const p = launchParameters(template, { InstanceType: 'm5.large', 'SecurityGroupId.1': 'sg-9', MinCount: '1', MaxCount: '1' });
    expect(p).toMatchObject({ ImageId: 'ami-1', InstanceType: 'm5.large', KeyName: 'k', 'SecurityGroupId.1': 'sg-9', MinCount: '1', MaxCount: '1' });
    expect(p['SecurityGroupId.2']).toBeUndefined();
    // The template's name for the RAM disk is RunInstances' RamdiskId.
    expect([p.RamdiskId, p.RamDiskId]).toEqual(['ari-1', undefined]);
  });

  it('a structure takes the request\'s fields beside the template\'s others', () => {
    const p = launchParameters(template, { 'Placement.Tenancy': 'dedicated' });
    expect(Object.entries(p).filter(([k]) => k.startsWith('Placement.'))).toEqual([['Placement.AvailabilityZone', 'us-east-1a'], ['Placement.Tenancy', 'dedicated']]);
  });

  it('block device mappings add to the template\'s, one at a device the template maps replacing its', () => {
    const p = launchParameters(template, { 'BlockDeviceMapping.1.DeviceName': '/dev/xvdb', 'BlockDeviceMapping.1.Ebs.VolumeSize': '20', 'BlockDeviceMapping.2.DeviceName': '/dev/sdf', 'BlockDeviceMapping.2.Ebs.VolumeSize': '5' });
    expect(Object.entries(p).filter(([k]) => k.startsWith('BlockDeviceMapping.'))).toEqual([
      ['BlockDeviceMapping.1.DeviceName', '/dev/xvda'], ['BlockDeviceMapping.1.Ebs.VolumeSize', '16'],
      // Replaced whole: the template's st1 type is not kept beside the request's size.
      ['BlockDeviceMapping.2.DeviceName', '/dev/xvdb'], ['BlockDeviceMapping.2.Ebs.VolumeSize', '20'],
      ['BlockDeviceMapping.3.DeviceName', '/dev/sdf'], ['BlockDeviceMapping.3.Ebs.VolumeSize', '5'],
    ]);
  });

  it('tags add to the template\'s of the same resource type, a key it has taking the request\'s value (the guide\'s Owner=TeamA example)', () => {
    const p = launchParameters(template, {
      'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'Owner', 'TagSpecification.1.Tag.1.Value': 'TeamA',
      'TagSpecification.2.ResourceType': 'volume', 'TagSpecification.2.Tag.1.Key': 'v', 'TagSpecification.2.Tag.1.Value': '1',
    });
    expect(Object.entries(p).filter(([k]) => k.startsWith('TagSpecification.'))).toEqual([
      ['TagSpecification.1.ResourceType', 'instance'],
      ['TagSpecification.1.Tag.1.Key', 'Owner'], ['TagSpecification.1.Tag.1.Value', 'TeamA'],
      ['TagSpecification.1.Tag.2.Key', 'app'], ['TagSpecification.1.Tag.2.Value', 'web'],
      ['TagSpecification.2.ResourceType', 'volume'], ['TagSpecification.2.Tag.1.Key', 'v'], ['TagSpecification.2.Tag.1.Value', '1'],
    ]);
  });

  it('network interfaces merge by device index', () => {
    const p = launchParameters(
      { 'NetworkInterface.1.DeviceIndex': '0', 'NetworkInterface.1.SubnetId': 'subnet-1', 'NetworkInterface.1.SecurityGroupId.1': 'sg-1' },
      { 'NetworkInterface.1.DeviceIndex': '0', 'NetworkInterface.1.SubnetId': 'subnet-2' },
    );
    expect(p).toEqual({ 'NetworkInterface.1.DeviceIndex': '0', 'NetworkInterface.1.SubnetId': 'subnet-2' });
  });
});

describe('a new version from a source version', () => {
  it('replaces each top-level member given, whole, and keeps the others', () => {
    const v = overrideMembers({ ImageId: 'ami-1', 'SecurityGroupId.1': 'sg-1', 'SecurityGroupId.2': 'sg-2', 'Placement.AvailabilityZone': 'us-east-1a' }, { 'SecurityGroupId.1': 'sg-3', 'Placement.Tenancy': 'dedicated' });
    expect(v).toEqual({ ImageId: 'ami-1', 'SecurityGroupId.1': 'sg-3', 'Placement.Tenancy': 'dedicated' });
  });
});

describe('launch template names', () => {
  it('are 3 to 128 of letters, digits and ( ) . - / _', () => {
    expect(['web', 'a/b_c-(1).x', 'x'.repeat(128)].map((n) => LAUNCH_TEMPLATE_NAME.test(n))).toEqual([true, true, true]);
    expect(['ab', 'x'.repeat(129), 'has space', 'star*', 'é-name'].map((n) => LAUNCH_TEMPLATE_NAME.test(n))).toEqual([false, false, false, false, false]);
  });
});
