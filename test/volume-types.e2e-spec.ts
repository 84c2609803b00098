import { CreateVolumeCommand, DescribeVolumesCommand, EC2Client, ModifyVolumeCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { expectError, LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from './support/app';
import { billingHarness, iso } from './support/billing';
import { ec2Client, ec2Tenant, failure } from './ec2/ec2-support';

/**
 * The volume types io1, st1, sc1 and standard (issue 15) end to end: REST create/describe/attach
 * with each type's limits and EC2's refusals, the EC2 protocol (CreateVolume, DescribeVolumes'
 * volume-type filter, RunInstances with an io1 data volume, st1 refused as the root), and a
 * month's invoice lines at the us-east-1 list prices (with the gp2 root an EC2 launch always gets).
 */
describe('volume types io1, st1, sc1 and standard', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
  });
  afterAll(() => t.close());

  const create = (key: string, body: object) => t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', ...body });

  describe('REST', () => {
    let key: string;
    beforeAll(async () => {
      ({ key } = await h.tenant('rest'));
    });

    it.each([
      ['io1 (50 IOPS per GiB, 256 KiB/s per IOPS)', { type: 'io1', sizeGiB: 100, iops: 5000 }, { iops: 5000, throughputMiBps: 1000 }],
      ['st1 2 TiB (burst 500 MiB/s, 500 IOPS at 1 MiB)', { type: 'st1', sizeGiB: 2048 }, { iops: 500, throughputMiBps: 500 }],
      ['sc1 500 GiB (burst 39.0625 MiB/s)', { type: 'sc1', sizeGiB: 500 }, { iops: 250, throughputMiBps: 39 }],
      ['standard (Magnetic: up to 200 IOPS, 90 MiB/s)', { type: 'standard', sizeGiB: 8 }, { iops: 200, throughputMiBps: 90 }],
    ])('creates, describes and attaches %s', async (_name, body, expected) => {
      const created = (await create(key, body).expect(201)).body;
      expect(created).toMatchObject({ volumeType: (body as { type: string }).type, sizeGiB: (body as { sizeGiB: number }).sizeGiB, state: 'available', ...expected });
      const instanceId = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
      const attached = (await t.as(key).post(`/v1/volumes/${created.volumeId}/attach`, { instanceId, device: '/dev/sdf' }).expect(200)).body;
      expect(attached).toMatchObject({ volumeId: created.volumeId, instanceId, device: '/dev/sdf', state: 'attached' });
      const { performance, ...described } = (await t.as(key).get(`/v1/volumes/${created.volumeId}`).expect(200)).body;
      expect(described).toMatchObject({ volumeId: created.volumeId, state: 'in-use', attachments: [expect.objectContaining({ instanceId, device: '/dev/sdf' })], ...expected });
      // gp2, st1 and sc1 have a burst bucket (st1/sc1's in MiB of throughput credit: 1 TiB per TiB, full at creation).
      expect(performance.burstBalancePercent).toBe(['st1', 'sc1'].includes((body as { type: string }).type) ? 100 : undefined);
    });

    it.each([
      ['io1 without iops', { type: 'io1', sizeGiB: 10 }, 'InvalidParameterValue'],
      ['io1 above 50 IOPS per GiB', { type: 'io1', sizeGiB: 10, iops: 501 }, 'InvalidParameterValue'],
      ['st1 below 125 GiB', { type: 'st1', sizeGiB: 124 }, 'InvalidParameterValue'],
      ['st1 with iops', { type: 'st1', sizeGiB: 500, iops: 500 }, 'InvalidParameterCombination'],
      ['sc1 with throughput', { type: 'sc1', sizeGiB: 500, throughputMiBps: 100 }, 'InvalidParameterCombination'],
      ['standard above 1 TiB', { type: 'standard', sizeGiB: 1025 }, 'InvalidParameterValue'],
      ['standard with iops', { type: 'standard', sizeGiB: 10, iops: 100 }, 'InvalidParameterCombination'],
    ])('refuses %s with 400 %s', async (_name, body, code) => {
      expectError(await create(key, body), 400, code);
    });

    it('counts io1 IOPS against the provisioned-IOPS quota', async () => {
      const { key: small } = await t.tenant('small-iops', { provisionedIops: 1000 });
      await create(small, { type: 'io1', sizeGiB: 20, iops: 1000 }).expect(201);
      expectError(await create(small, { type: 'io1', sizeGiB: 20, iops: 100 }), 400, 'MaxIOPSLimitExceeded');
      await create(small, { type: 'st1', sizeGiB: 500 }).expect(201); // st1 has no IOPS to provision
    });

    it('refuses st1/sc1 as the root volume of a launch or at the root device, and never modifies standard', async () => {
      const launched = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', volumes: [{ type: 'st1', sizeGiB: 500 }] });
      expect(expectError(launched, 400, 'InvalidBlockDeviceMapping').message).toMatch(/st1 volume cannot be a root \(boot\) volume/);
      // As a data volume behind a gp3 root it is fine.
      const instanceId = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.large', volumes: [{ type: 'gp3', sizeGiB: 8 }, { type: 'sc1', sizeGiB: 500 }] });
      const vols = (await t.as(key).get(`/v1/instances/${instanceId}`).expect(200)).body.volumes as { volumeId: string; device: string }[];
      expect(vols.map((v) => v.device)).toEqual(['/dev/xvda', '/dev/sdf']);
      // A root gp3 cannot become sc1 ("Requirements when modifying volumes").
      expectError(await t.as(key).post(`/v1/volumes/${vols[0].volumeId}/modify`, { type: 'sc1', sizeGiB: 500 }), 400, 'InvalidParameterValue');
      const sc1 = (await create(key, { type: 'sc1', sizeGiB: 500 }).expect(201)).body.volumeId;
      const other = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
      expectError(await t.as(key).post(`/v1/volumes/${sc1}/attach`, { instanceId: other, device: '/dev/xvda' }), 400, 'InvalidBlockDeviceMapping');
      const standard = (await create(key, { type: 'standard', sizeGiB: 8 }).expect(201)).body.volumeId;
      expect(expectError(await t.as(key).post(`/v1/volumes/${standard}/modify`, { sizeGiB: 16 }), 400, 'InvalidParameterValue').message).toMatch(/cannot be modified/);
    });
  });

  describe('EC2 protocol (@aws-sdk/client-ec2)', () => {
    let client: EC2Client;
    beforeAll(async () => {
      client = ec2Client(t, await ec2Tenant(t, 'ec2-types'));
    });
    afterAll(() => client?.destroy());

    it('CreateVolume of each type, DescribeVolumes filtered by volume-type, ModifyVolume st1 → sc1', async () => {
      const io1 = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 100, VolumeType: 'io1', Iops: 5000 }));
      expect(io1).toMatchObject({ VolumeType: 'io1', Size: 100, Iops: 5000 });
      const st1 = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 500, VolumeType: 'st1' }));
      const sc1 = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 500, VolumeType: 'sc1' }));
      const standard = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8, VolumeType: 'standard' }));
      expect([st1.VolumeType, sc1.VolumeType, standard.VolumeType]).toEqual(['st1', 'sc1', 'standard']);
      const hdd = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'volume-type', Values: ['st1', 'sc1'] }] }));
      expect(hdd.Volumes!.map((v) => v.VolumeId).sort()).toEqual([st1.VolumeId, sc1.VolumeId].sort());
      const magnetic = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'volume-type', Values: ['standard'] }] }));
      expect(magnetic.Volumes!.map((v) => v.VolumeId)).toEqual([standard.VolumeId]);
      expect((await failure(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 500, VolumeType: 'st1', Iops: 500 })))).name).toBe('InvalidParameterCombination');
      const modified = await client.send(new ModifyVolumeCommand({ VolumeId: st1.VolumeId!, VolumeType: 'sc1' }));
      expect(modified.VolumeModification).toMatchObject({ OriginalVolumeType: 'st1', TargetVolumeType: 'sc1', TargetSize: 500 });
    });

    it('RunInstances with an io1 data volume in its block device mapping; st1 as the root is refused', async () => {
      const ran = await client.send(new RunInstancesCommand({
        ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' },
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } },
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 100, VolumeType: 'io1', Iops: 3000 } },
        ],
      }));
      const instanceId = ran.Instances![0].InstanceId!;
      const vols = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }, { Name: 'volume-type', Values: ['io1'] }] }));
      expect(vols.Volumes!.map((v) => [v.VolumeType, v.Size, v.Iops, v.Attachments![0].Device])).toEqual([['io1', 100, 3000, '/dev/sdf']]);
      const refused = await failure(client.send(new RunInstancesCommand({
        ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 500, VolumeType: 'st1' } }],
      })));
      expect(refused.name).toBe('InvalidBlockDeviceMapping');
    });
  });

  it('bills a whole month of each type at the us-east-1 list prices', async () => {
    const { key } = await h.tenant('billed');
    const [start, end, month] = await h.nextMonth();
    expect(await h.nowMs()).toBe(start);
    await create(key, { type: 'st1', sizeGiB: 500 }).expect(201);
    await create(key, { type: 'sc1', sizeGiB: 1000 }).expect(201);
    await create(key, { type: 'io1', sizeGiB: 1000, iops: 10_000 }).expect(201);
    await create(key, { type: 'standard', sizeGiB: 100 }).expect(201);
    await h.advanceTo(end);
    const invoice = await h.invoice(key, month);
    // 500 × 0.045 = 22.50; 1,000 × 0.015 = 15.00; io1 1,000 × 0.125 = 125.00 and 10,000 × 0.065 = 650.00; standard 100 × 0.05 = 5.00.
    expect(h.line(invoice, 'ebs-storage/st1')).toMatchObject({ quantity: '500', unitPrice: '0.045', amount: '22.50' });
    expect(h.line(invoice, 'ebs-storage/sc1')).toMatchObject({ quantity: '1000', unitPrice: '0.015', amount: '15.00' });
    expect(h.line(invoice, 'ebs-storage/io1')).toMatchObject({ amount: '125.00' });
    expect(h.line(invoice, 'ebs-iops/io1')).toMatchObject({ quantity: '10000', unit: 'iops-month', unitPrice: '0.065', amount: '650.00' });
    expect(h.line(invoice, 'ebs-storage/standard')).toMatchObject({ quantity: '100', unitPrice: '0.05', amount: '5.00' });
    expect(invoice.total).toBe('817.50');
  });

  it('bills a standard volume\'s I/O requests: 150 IOPS for an hour is 540,000 requests, $0.027 → $0.03, once across a restart', async () => {
    const { key } = await h.tenant('magnetic-io');
    const [start, end, month] = await h.nextMonth();
    const instanceId = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    await t.advance(15); // running
    const volumeId = (await create(key, { type: 'standard', sizeGiB: 100 }).expect(201)).body.volumeId;
    await t.as(key).post(`/v1/volumes/${volumeId}/attach`, { instanceId, device: '/dev/sdf' }).expect(200);
    // 20 KiB I/Os: 150 IOPS is 3 MiB/s, within the volume's 200 IOPS and 90 MiB/s.
    const workload = (iops: number) => t.as(key).put(`/v1/instances/${instanceId}/workload`, { io: iops > 0 ? [{ volumeId, iops, throughputMiBps: iops / 50 }] : [] }).expect(200);
    await workload(150);
    await t.advance(1800);
    // The same workload again: the host is recomputed, and the 270,000 requests so far are metered and stored.
    await workload(150);
    expect((await t.as(key).get(`/v1/volumes/${volumeId}`).expect(200)).body.performance).toMatchObject({ iopsDelivered: 150 });
    t = await t.restart();
    await t.advance(1800);
    await workload(0);
    // The estimate: 540,000 requests = 0.54 million × $0.05 = $0.027 → $0.03 (half up, once on the line).
    const estimate = await h.invoice(key, month);
    expect(estimate.status).toBe('estimate');
    expect(h.line(estimate, 'ebs-io-requests/standard')).toMatchObject({ quantity: '0.54', unit: 'million-requests', unitPrice: '0.05', amount: '0.03' });
    // Nothing more once it asks for none; the usage report and the closed month say the same.
    await h.advanceTo(end);
    const usage = (await h.usage(key, { groupBy: 'product', from: iso(start), to: iso(end) })).usage.find((u: { product: string }) => u.product === 'ebs-io-requests');
    expect(usage).toEqual({ product: 'ebs-io-requests', unit: 'million-requests', quantity: '0.54' });
    await t.admin().post('/v1/admin/billing/close', { month }).expect(200);
    const closed = await h.invoice(key, month);
    expect(closed.status).toBe('closed');
    expect(h.line(closed, 'ebs-io-requests/standard')).toMatchObject({ quantity: '0.54', amount: '0.03' });
    expect(h.line(closed, 'ebs-storage/standard')).toMatchObject({ amount: '5.00' }); // 100 GiB for the month less its first 15 s
  });

  it("bills the root volume EC2 gives a launch without a BlockDeviceMapping, its AMI's: a month of gp3 8 GiB (Amazon Linux 2023, 8 × $0.08 = $0.64, its 3,000 IOPS and 125 MiB/s free) and gp2 30 GiB (Windows, 30 × $0.10 = $3.00)", async () => {
    const tenant = await ec2Tenant(t, 'ec2-root-billed');
    const client = ec2Client(t, tenant);
    try {
      const [, end, month] = await h.nextMonth();
      for (const ImageId of [LINUX_AMI, WINDOWS_AMI])
        await client.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }));
      await h.advanceTo(end);
      const invoice = await h.invoice(tenant.key, month);
      expect(h.line(invoice, 'ebs-storage/gp3')).toMatchObject({ quantity: '8', unitPrice: '0.08', amount: '0.64' });
      expect(h.line(invoice, 'ebs-storage/gp2')).toMatchObject({ quantity: '30', unitPrice: '0.10', amount: '3.00' });
      for (const extra of ['ebs-iops/gp3', 'ebs-throughput/gp3']) expect(invoice.lines.filter((l) => l.lineId.startsWith(extra) && l.amount !== '0.00')).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});
