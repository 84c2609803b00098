import { join } from 'node:path';
import { LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from '../support/app';
import { cleanAwsEnv, describeIf, haveBoto3, PYTHON, run } from './clients';
import { ec2Tenant, endpointOf } from './ec2-support';

jest.setTimeout(180_000);

let available = false;
beforeAll(async () => {
  available = await haveBoto3();
  if (!available && process.env.CI === 'true') throw new Error('python3-boto3 is not installed (.ci/run installs it)');
});

/** Debian's boto3 against Nimbus: test/ec2/boto3_client.py runs the scenario and prints what it saw. */
describeIf(true)('boto3 against Nimbus', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
  });

  it('runs the lifecycle with waiters, filters, a paginator, tags, volumes, a Windows password and EC2\'s errors, signatures included', async () => {
    if (!available) return; // a developer's machine without python3-boto3 (CI fails above instead)
    t = await startApp(undefined, { NIMBUS_CLOCK: '600' });
    await t.hosts('m5-host', 'us-east-1a', 2);
    const alice = await ec2Tenant(t, 'alice');
    const bob = await ec2Tenant(t, 'bob');
    const env = {
      ...cleanAwsEnv(alice),
      ALICE_ACCESS_KEY_ID: alice.accessKeyId, ALICE_SECRET_ACCESS_KEY: alice.secretAccessKey,
      BOB_ACCESS_KEY_ID: bob.accessKeyId, BOB_SECRET_ACCESS_KEY: bob.secretAccessKey,
    };
    const r = await run(PYTHON, [join(__dirname, 'boto3_client.py'), endpointOf(t), LINUX_AMI, WINDOWS_AMI], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(r.stdout);
    expect(out.run).toEqual({ owner: alice.accountId, states: ['pending', 'pending'], launchTimeIsDate: true });
    expect(out.running).toBe(true);
    expect(out.blockDevice).toBe(false);
    expect(out.paginated).toBe(true);
    expect(out.tags).toEqual([{ Key: 'role', ResourceId: expect.stringMatching(/^i-/), ResourceType: 'instance', Value: 'a' }]);
    expect(out.volumeAttached).toBe(true);
    expect(out.snapshotCopy).toEqual({ state: 'completed', size: 5, description: 'boto3 copy', restoredSize: 5, otherTenant: 'InvalidSnapshot.NotFound', volumeStatus: 'ok' });
    expect(out.imageCopy).toEqual({ sameCopy: true, state: 'available', platform: 'Linux/UNIX', size: 5, otherTenant: 'InvalidAMIID.NotFound' });
    // A VPC made by CreateVpc names no public addresses until its DNS hostnames are turned on; a subnet maps none until asked.
    expect(out.vpc).toEqual({ hostnamesBefore: false, hostnamesAfter: true, mapsPublicIp: true, publicIp: expect.stringMatching(/^3\./), publicDnsName: expect.any(String) });
    expect(out.vpc.publicDnsName).toBe(`ec2-${out.vpc.publicIp.replaceAll('.', '-')}.compute-1.amazonaws.com`);
    expect(out.launchTemplate).toMatchObject({
      created: [1, 1], type: 'm5.large', tags: [['aws:ec2launchtemplate:id', out.launchTemplate.id], ['aws:ec2launchtemplate:version', '1']],
      otherTenant: { code: 'InvalidLaunchTemplateId.NotFound', status: 400 },
    });
    expect(out.windowsPassword).toEqual({ instanceId: expect.stringMatching(/^i-[0-9a-f]{17}$/), length: 32, timestampIsDate: true });
    // us-east-1c's default block is the VPC's third /20.
    expect(out.defaultSubnet).toEqual({
      cidr: '172.31.32.0/20', defaultForAz: true, mapsPublicIp: true, sameVpc: true, again: 'DefaultSubnetAlreadyExistsInAvailabilityZone', vpcAgain: 'DefaultVpcAlreadyExists',
    });
    expect(out.interfaceCheck).toEqual([false, true]);
    expect(out.networkAcl).toEqual({
      entries: [[32767, '-1', true, null], [100, '1', false, { Type: 8, Code: 0 }], [32767, '-1', false, null]], associated: [[true, true]],
      duplicate: 'NetworkAclEntryAlreadyExists', mainMoved: ['associated', true],
    });
    expect(out.monitoringAndRules).toEqual({
      monitored: [[true, 'pending']], enabled: 'enabled', unmonitored: ['disabling'],
      modified: true, rule: [8080, 8080, '10.0.0.0/8', 'alt http'], unknownRule: 'InvalidSecurityGroupRuleId.NotFound',
    });
    expect(out.natGateway).toEqual({
      pending: 'pending', createTimeIsDate: true, found: [[true, 'available', true]], otherTenant: expect.objectContaining({ code: 'NatGatewayNotFound', status: 400 }), deleted: true,
    });
    expect(out.peering).toEqual({
      requested: 'initiating-request', pending: true, requesterAccepts: 'OperationNotPermitted', accepted: 'provisioning', deleted: true,
      malformed: 'InvalidVpcPeeringConnectionId.Malformed',
    });
    expect(out.dhcpOptions).toEqual({
      newVpcHasDefaultSet: true, keys: ['domain-name', 'ntp-servers'], found: [true], associated: true, inUse: 'DependencyViolation',
      otherTenant: 'InvalidDhcpOptionID.NotFound', badNodeType: 'InvalidParameterValue', deleted: 'default',
    });
    expect(out.spot).toEqual({
      lifecycle: 'spot', request: [[true, 'fulfilled', '0.0104']], history: [['t3.micro', 'us-east-1b', 'Linux/UNIX (Amazon VPC)', true, true]],
      tooLow: 'SpotMaxPriceTooLow', otherTenant: 'InvalidSpotInstanceRequestID.NotFound', cancelled: 'cancelled',
    });
    expect(out.persistentSpot).toEqual({ made: [['persistent', 'active', 'fulfilled', true]], sameOnRetry: true, cancelled: 'cancelled', instanceAfterCancel: 'running' });
    expect(out.otherTenant).toMatchObject({ code: 'InvalidInstanceID.NotFound', status: 400 });
    expect(out.otherTenant.message.replace(/i-[0-9a-f]{17}/, 'ID')).toBe(out.missing.message.replace(/i-[0-9a-f]{17}/, 'ID'));
    expect(out.wrongSecret).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(out.tooOld).toMatchObject({ code: 'RequestExpired', status: 400 });
    expect(out.console).toContain('cloud-init');
    expect(out.terminated).toEqual([['stopped', 'shutting-down'], ['stopped', 'shutting-down']]);
  });
});
