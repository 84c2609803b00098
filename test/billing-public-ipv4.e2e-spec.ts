import {
  AllocateAddressCommand, AssociateAddressCommand, CreateSubnetCommand, DescribeInstancesCommand, DescribeVpcsCommand, DisassociateAddressCommand, ReleaseAddressCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { LINUX_AMI } from './support/app';
import { ec2BillingSuite, HOUR_MS, iso, Line } from './support/billing';
import { ec2Tenant } from './ec2/ec2-support';

const addressLines = (invoice: { lines: Line[] }) => invoice.lines.filter((l) => l.product === 'public-ipv4').map((l) => [l.lineId.split('/')[1], l.quantity, l.amount]);

/**
 * Public IPv4 addresses billed through HTTP (docs/model.md §5, "Public IPv4 addresses"): $0.005 per
 * address-hour since 1 February 2024 (Amazon VPC pricing), prorated by the millisecond, for as
 * long as the tenant holds the address: an instance's auto-assigned address while it runs (EC2
 * releases it at a stop, gives a new one at a start), an Elastic IP from AllocateAddress to
 * ReleaseAddress, in use while associated and idle while not. Amounts are worked by hand.
 */
describe('billing: public IPv4 addresses', () => {
  const suite = ec2BillingSuite();
  const { h, client } = suite;

  it("bills a running instance's auto-assigned address, not while it is stopped, a new one after a start, across a restart, until it terminates", async () => {
    const alice = await h.tenant('ipv4-alice');
    const bob = await h.tenant('ipv4-bob');
    const [start, , month] = await h.nextMonth();
    const id = await h.launch(alice.key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    const first = (await suite.app.as(alice.key).get(`/v1/instances/${id}`).expect(200)).body.publicIpAddress as string;
    expect(first).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    // 10 hours held: 10 × $0.005 = $0.05, on the in-use line; Bob, who holds nothing, pays nothing.
    await h.advanceTo(start + 10 * HOUR_MS);
    const ten = await h.invoice(alice.key, month);
    expect(ten.lines.filter((l) => l.product === 'public-ipv4')).toEqual([{
      lineId: 'public-ipv4/in-use/aws-us-east-1-seed', product: 'public-ipv4', quantity: '10', unit: 'address-hour', unitPrice: '0.005', amount: '0.05',
      description: 'Public IPv4 address, in use: $0.005 per address-hour, prorated by the millisecond (price book aws-us-east-1-seed)',
    }]);
    await h.launch(bob.key, { imageId: LINUX_AMI, instanceType: 'm5.large' });

    // Stopped: the address goes back to the pool when the instance reaches `stopped`, and is billed until then only.
    await h.op(alice.key, id, 'stop');
    await h.advanceTo(start + 10 * HOUR_MS + 60_000);
    expect(await h.state(alice.key, id)).toBe('stopped');
    expect((await suite.app.as(alice.key).get(`/v1/instances/${id}`).expect(200)).body.publicIpAddress).toBeUndefined();
    const stoppedQuantity = h.line(await h.invoice(alice.key, month), 'public-ipv4/in-use').quantity;
    // Between 10 hours and 10 hours and a minute (the stop takes seconds).
    expect(Number(stoppedQuantity)).toBeGreaterThan(10);
    expect(Number(stoppedQuantity)).toBeLessThan(10 + 1 / 60);
    await h.advanceTo(start + 30 * HOUR_MS);
    expect(h.line(await h.invoice(alice.key, month), 'public-ipv4/in-use').quantity).toBe(stoppedQuantity);

    // Started at 30 h: a new address, billed from the start; 10 more hours = 20 in all ($0.10).
    await h.op(alice.key, id, 'start');
    const second = (await suite.app.as(alice.key).get(`/v1/instances/${id}`).expect(200)).body.publicIpAddress as string;
    expect(second).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(second).not.toBe(first);
    await h.advanceTo(start + 40 * HOUR_MS);
    const stopSeconds = (Number(stoppedQuantity) - 10) * 3600;
    expect(h.line(await h.invoice(alice.key, month), 'public-ipv4/in-use')).toMatchObject({ quantity: (20 + stopSeconds / 3600).toFixed(8).replace(/\.?0+$/, ''), amount: '0.10' });

    // The open interval is stored: a restart changes nothing; 10 more hours ($0.15 in all).
    await suite.restart();
    await h.advanceTo(start + 50 * HOUR_MS);
    expect(h.line(await h.invoice(alice.key, month), 'public-ipv4/in-use').amount).toBe('0.15');

    // Terminated: no more charge. The usage report shows the same hours under AWS's usage type.
    await h.terminate(alice.key, id);
    await h.advanceTo(start + 51 * HOUR_MS);
    const final = h.line(await h.invoice(alice.key, month), 'public-ipv4/in-use');
    await h.advanceTo(start + 60 * HOUR_MS);
    expect(h.line(await h.invoice(alice.key, month), 'public-ipv4/in-use')).toEqual(final);
    expect(Number(final.quantity)).toBeGreaterThan(30);
    expect(Number(final.quantity)).toBeLessThan(30 + 2 / 60);
    const report = (await h.usage(alice.key, { groupBy: 'type', from: iso(start), to: iso(start + 60 * HOUR_MS) })).usage;
    expect(report.filter((u: { product: string }) => u.product === 'public-ipv4')).toEqual([{ usageType: 'PublicIPv4:InUseAddress', product: 'public-ipv4', unit: 'address-hour', quantity: final.quantity }]);
    // Bob's own address, launched at 10 h and still held at 60 h: 50 hours, $0.25, none of Alice's.
    expect(addressLines(await h.invoice(bob.key, month))).toEqual([['in-use', '50', '0.25']]);
  });

  it('bills an Elastic IP idle while associated with nothing and in use while associated, until it is released; an instance in a subnet without MapPublicIpOnLaunch holds no address', async () => {
    const carol = await ec2Tenant(suite.app, 'ipv4-carol');
    const dave = await ec2Tenant(suite.app, 'ipv4-dave');
    const ec2 = client(carol);
    const [start, , month] = await h.nextMonth();
    const at = (hours: number) => start + hours * HOUR_MS;
    const vpcId = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0].VpcId!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '172.31.200.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
    expect(subnet.MapPublicIpOnLaunch).toBe(false);
    const { AllocationId } = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const run = await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, SubnetId: subnet.SubnetId }));
    const instanceId = run.Instances![0].InstanceId!;
    expect(run.Instances![0].PublicIpAddress).toBeUndefined();

    // 10 hours idle: $0.05 on the idle line; the instance, with no public address, adds nothing.
    await h.advanceTo(at(10));
    expect(addressLines(await h.invoice(carol.key, month))).toEqual([['idle', '10', '0.05']]);

    // Associated for 5 hours: in use 5 ($0.025 → $0.03), idle still 10.
    const { AssociationId } = await ec2.send(new AssociateAddressCommand({ AllocationId, InstanceId: instanceId }));
    const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0].Instances![0];
    expect(described.PublicIpAddress).toBeDefined();
    await h.advanceTo(at(15));
    expect(addressLines(await h.invoice(carol.key, month))).toEqual([['in-use', '5', '0.03'], ['idle', '10', '0.05']]);

    // Disassociated for 5 hours: idle 15 ($0.075 → $0.08); the instance gets no auto-assigned address (its subnet maps none).
    await ec2.send(new DisassociateAddressCommand({ AssociationId }));
    await h.advanceTo(at(20));
    expect(addressLines(await h.invoice(carol.key, month))).toEqual([['in-use', '5', '0.03'], ['idle', '15', '0.08']]);

    // Released: the charge stops.
    await ec2.send(new ReleaseAddressCommand({ AllocationId }));
    await h.advanceTo(at(30));
    const closed = await h.invoice(carol.key, month);
    expect(addressLines(closed)).toEqual([['in-use', '5', '0.03'], ['idle', '15', '0.08']]);
    // Another tenant's invoice has none of it.
    expect(addressLines(await h.invoice(dave.key, month).catch(() => ({ lines: [] as Line[] })))).toEqual([]);
  });
});
