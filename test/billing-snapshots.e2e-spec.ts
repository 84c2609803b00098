import {
  CopySnapshotCommand, CreateImageCommand, CreateSnapshotCommand, DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { LINUX_AMI } from './support/app';
import { ec2BillingSuite, iso, Line } from './support/billing';
import { ec2Tenant } from './ec2/ec2-support';

const DAY_MS = 86_400_000;
const snapshotLines = (invoice: { lines: Line[] }) => invoice.lines.filter((l) => l.product === 'ebs-snapshot');

/**
 * EBS snapshot storage billed through HTTP (docs/model.md, "EBS snapshot storage"): each snapshot
 * from its creation until DeleteSnapshot, at its volume's full size, $0.05 per GiB-month (the EBS
 * pricing page's Standard tier, us-east-1), prorated by the millisecond like volume storage; made by
 * CreateSnapshot (EC2 and REST), CopySnapshot or CreateImage. Amounts are worked by hand on halves
 * and quarters of the month, so they hold whatever its length.
 */
describe('billing: EBS snapshot storage', () => {
  const suite = ec2BillingSuite();
  const { h, client } = suite;

  it('bills a snapshot from CreateSnapshot to DeleteSnapshot and its CopySnapshot copy after, to its tenant only, across a restart, a close and into the next month', async () => {
    const alice = await ec2Tenant(suite.app, 'snap-alice');
    const bob = await ec2Tenant(suite.app, 'snap-bob');
    const [start, end, month] = await h.nextMonth();
    const at = (fraction: number) => start + (end - start) * fraction;
    const volume = async (key: string, sizeGiB: number) => (await suite.app.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB, type: 'gp3' }).expect(201)).body.volumeId as string;
    const s1 = (await client(alice).send(new CreateSnapshotCommand({ VolumeId: await volume(alice.key, 100) }))).SnapshotId!;
    // Bob's own, through REST: 10 GiB.
    const bobSnapshot = (await suite.app.as(bob.key).post('/v1/snapshots', { volumeId: await volume(bob.key, 10) }).expect(201)).body;
    expect(bobSnapshot).toMatchObject({ volumeSizeGiB: 10 });

    // Half the month: 100 GiB × 1/2 = 50 GiB-months × $0.05 = $2.50 (an estimate reads the open interval until now).
    await h.advanceTo(at(1 / 2));
    const half = await h.invoice(alice.key, month);
    expect(half.status).toBe('estimate');
    expect(snapshotLines(half)).toEqual([{
      lineId: 'ebs-snapshot/standard/aws-us-east-1-seed', product: 'ebs-snapshot', quantity: '50', unit: 'gib-month', unitPrice: '0.05', amount: '2.50',
      description: "EBS snapshot storage (Standard tier), billed at each snapshot's full volume size: $0.05 per GiB-month, prorated by the second over the month (price book aws-us-east-1-seed)",
    }]);

    // A copy is a snapshot of its own, billed from now; the original, deleted now, stops.
    const s2 = (await client(alice).send(new CopySnapshotCommand({ SourceSnapshotId: s1, SourceRegion: 'us-east-1' }))).SnapshotId!;
    expect(s2).not.toBe(s1);
    await client(alice).send(new DeleteSnapshotCommand({ SnapshotId: s1 }));
    await h.advanceTo(at(3 / 4));
    // s1 50 + s2 25 = 75 GiB-months = $3.75 (s1 still billed would make 100).
    expect(h.line(await h.invoice(alice.key, month), 'ebs-snapshot/standard')).toMatchObject({ quantity: '75', amount: '3.75' });

    // The open interval is stored: a restart changes nothing.
    await suite.restart();
    await h.advanceTo(end);
    await suite.app.admin().post('/v1/admin/billing/close', { month }).expect(200);
    const closed = await h.invoice(alice.key, month);
    expect(closed.status).toBe('closed');
    // 100 GiB-months in all = $5.00; the usage report says the same, under EC2's usage type.
    expect(h.line(closed, 'ebs-snapshot/standard')).toMatchObject({ quantity: '100', unitPrice: '0.05', amount: '5.00' });
    const report = (await h.usage(alice.key, { groupBy: 'type', from: iso(start), to: iso(end) })).usage;
    expect(report.filter((u: { product: string }) => u.product === 'ebs-snapshot')).toEqual([{ usageType: 'EBS:SnapshotUsage', product: 'ebs-snapshot', unit: 'gib-month', quantity: '100' }]);

    // Bob's invoice has his 10 GiB for the month ($0.50), none of Alice's.
    expect(snapshotLines(await h.invoice(bob.key, month)).map((l) => [l.quantity, l.amount])).toEqual([['10', '0.50']]);

    // The copy goes on into the next month: 3 days of 100 GiB, by that month's length.
    const nextEnd = Date.UTC(new Date(end).getUTCFullYear(), new Date(end).getUTCMonth() + 1, 1);
    await h.advanceTo(end + 3 * DAY_MS);
    const days = (nextEnd - end) / DAY_MS;
    // 100 × 3/28 = 10.71428571 → $0.54; 3/30 = 10 → $0.50; 3/31 = 9.67741935 → $0.48.
    const expected: Record<number, [string, string]> = { 28: ['10.71428571', '0.54'], 29: ['10.34482759', '0.52'], 30: ['10', '0.50'], 31: ['9.67741935', '0.48'] };
    expect(snapshotLines(await h.invoice(alice.key, iso(end).slice(0, 7))).map((l) => [l.quantity, l.amount])).toEqual([expected[days]]);
  });

  it("bills CreateImage's snapshots (an 8 GiB root: 8 × 1/2 month = 4 GiB-months, $0.20) until they are deleted, not until the image is deregistered", async () => {
    const carol = await ec2Tenant(suite.app, 'snap-carol');
    const ec2 = client(carol);
    const [start, end, month] = await h.nextMonth();
    const run = await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }));
    await suite.app.advance(60);
    const created = await h.nowMs();
    const { ImageId } = await ec2.send(new CreateImageCommand({ InstanceId: run.Instances![0].InstanceId!, Name: 'billed-image', NoReboot: true }));
    const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0];
    const snapshotId = image.BlockDeviceMappings![0].Ebs!.SnapshotId!;
    expect(image.BlockDeviceMappings![0].Ebs!.VolumeSize).toBe(8);
    await h.advanceTo(created + (end - start) / 2);
    expect(h.line(await h.invoice(carol.key, month), 'ebs-snapshot/standard')).toMatchObject({ quantity: '4', amount: '0.20' });
    // Deregistered, the image's snapshot is still stored and billed; deleted, it is not.
    await ec2.send(new DeregisterImageCommand({ ImageId }));
    await h.advanceTo(created + (end - start) * (3 / 4));
    expect(h.line(await h.invoice(carol.key, month), 'ebs-snapshot/standard')).toMatchObject({ quantity: '6', amount: '0.30' });
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    await h.advanceTo(end - 1);
    expect(h.line(await h.invoice(carol.key, month), 'ebs-snapshot/standard')).toMatchObject({ quantity: '6', amount: '0.30' });
  });
});
