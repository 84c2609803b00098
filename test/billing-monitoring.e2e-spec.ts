import {
  DescribeInstancesCommand, MonitorInstancesCommand, RunInstancesCommand, StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand, UnmonitorInstancesCommand,
} from '@aws-sdk/client-ec2';
import { Decimal } from 'decimal.js';
import { LINUX_AMI } from './support/app';
import { BOOT_MS, ec2BillingSuite, HOUR_MS, iso, Line } from './support/billing';
import { ec2Tenant } from './ec2/ec2-support';

const monitoringLines = (invoice: { lines: Line[] }) => invoice.lines.filter((l) => l.product === 'detailed-monitoring');

/**
 * Hand-worked figures (docs/model.md §5, "Detailed monitoring"): 7 metrics × $0.30 per metric-month,
 * an instance's clock hours counted whole, over the month's hours (720 for 30 days, 744 for 31).
 */
function expected(instanceHours: number, monthHours: number): { quantity: string; amount: string } {
  const quantity = new Decimal(7).times(instanceHours).div(monthHours);
  return { quantity: quantity.toDecimalPlaces(8, Decimal.ROUND_HALF_UP).toString(), amount: quantity.times('0.30').toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2) };
}

/**
 * EC2 detailed monitoring billed through the EC2 API (docs/model.md §5): CloudWatch's custom-metric
 * price, $0.30 per metric-month for 7 metrics an instance, prorated by the hour (each clock hour in
 * which the instance ran monitored counts whole), from RunInstances' Monitoring.Enabled or
 * MonitorInstances until UnmonitorInstances, a stop or a termination.
 */
describe('billing: detailed monitoring', () => {
  const suite = ec2BillingSuite();
  const { h, client } = suite;

  it('bills a monitored launch by the clock hour while it runs: not while stopped, again after a start, not after UnmonitorInstances, again after MonitorInstances, across a restart, until it terminates; no one else pays it', async () => {
    const alice = await ec2Tenant(suite.app, 'mon-alice');
    const bob = await ec2Tenant(suite.app, 'mon-bob');
    const [start, end, month] = await h.nextMonth();
    const monthHours = (end - start) / HOUR_MS;
    const at = (hours: number) => start + hours * HOUR_MS;
    const placement = { AvailabilityZone: 'us-east-1a' };
    let ec2 = client(alice);
    const run = await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: placement, Monitoring: { Enabled: true } }));
    const id = run.Instances![0].InstanceId!;
    expect(run.Instances![0].Monitoring?.State).toBe('pending');
    // Bob's instance is not monitored.
    const bobId = (await client(bob).send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: placement }))).Instances![0].InstanceId!;

    // Running from 15 s, monitored: hours 0–9 at 10:00 = 10 instance-hours. 30 days: 7 × 10 / 720 = 0.09722222 metric-month, $0.0291… → $0.03.
    await h.advanceTo(at(10));
    const ten = monitoringLines(await h.invoice(alice.key, month));
    expect(ten).toEqual([{
      lineId: 'detailed-monitoring/aws-us-east-1-seed', product: 'detailed-monitoring', unit: 'metric-month', unitPrice: '0.30', ...expected(10, monthHours),
      description: 'EC2 detailed monitoring (CloudWatch metrics every minute), 7 metrics per instance: $0.30 per metric-month, prorated by the hour, each clock hour an instance sent metrics counted whole (price book aws-us-east-1-seed)',
    }]);
    if (monthHours === 720) expect(ten[0]).toMatchObject({ quantity: '0.09722222', amount: '0.03' });

    // Stopped at 10:30: hour 10 counts whole, 11 hours; none while stopped.
    await h.advanceTo(at(10.5));
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await h.advanceTo(at(20));
    expect(monitoringLines(await h.invoice(alice.key, month))).toMatchObject([expected(11, monthHours)]);

    // Started at 20:00 (running at 20:00:15), still monitored: hours 20–24 at 25:00, 16 hours.
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await h.advanceTo(at(25));
    expect(monitoringLines(await h.invoice(alice.key, month))).toMatchObject([expected(16, monthHours)]);

    // UnmonitorInstances at 25:10: hour 25 counts, 17 hours, and no more.
    await h.advanceTo(at(25) + 10 * 60_000);
    const off = await ec2.send(new UnmonitorInstancesCommand({ InstanceIds: [id] }));
    expect(off.InstanceMonitorings).toEqual([{ InstanceId: id, Monitoring: { State: 'disabling' } }]);
    await h.advanceTo(at(30));
    expect(monitoringLines(await h.invoice(alice.key, month))).toMatchObject([expected(17, monthHours)]);

    // MonitorInstances at 30:00: hours 30 and 31 at 32:00, 19 hours.
    const on = await ec2.send(new MonitorInstancesCommand({ InstanceIds: [id] }));
    expect(on.InstanceMonitorings).toEqual([{ InstanceId: id, Monitoring: { State: 'pending' } }]);
    await h.advanceTo(at(32));
    expect(monitoringLines(await h.invoice(alice.key, month))).toMatchObject([expected(19, monthHours)]);

    // The open interval is stored: after a restart, hours 32–34 at 35:00, 22 hours.
    await suite.restart();
    ec2 = client(alice);
    await h.advanceTo(at(35));
    expect(monitoringLines(await h.invoice(alice.key, month))).toMatchObject([expected(22, monthHours)]);
    const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
    expect(described.Monitoring?.State).toBe('enabled');

    // Terminated at 35:20: hour 35 counts, 23 hours, and nothing after.
    await h.advanceTo(at(35) + 20 * 60_000);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await h.advanceTo(at(40));
    const final = monitoringLines(await h.invoice(alice.key, month));
    expect(final).toMatchObject([expected(23, monthHours)]);
    await h.advanceTo(at(50));
    expect(monitoringLines(await h.invoice(alice.key, month))).toEqual(final);

    // The usage report shows what was sent, by the ms, as CloudWatch's usage type: 00:00:15–10:30,
    // 20:00:15–25:10 and 30:00–35:20 = 21 hours less 30 s; × 7 metrics over the month.
    const sentMs = 21 * HOUR_MS - 2 * BOOT_MS;
    const report = (await h.usage(alice.key, { groupBy: 'type', from: iso(start), to: iso(at(50)) })).usage;
    expect(report.filter((u: { product: string }) => u.product === 'detailed-monitoring')).toEqual([{
      usageType: 'CW:MetricMonitorUsage', product: 'detailed-monitoring', unit: 'metric-month',
      quantity: new Decimal(7).times(sentMs).div(end - start).toDecimalPlaces(8, Decimal.ROUND_HALF_UP).toString(),
    }]);

    // Bob's instance ran all along, unmonitored: no monitoring line, none of Alice's.
    expect((await h.invoice(bob.key, month)).lines.map((l) => l.product)).not.toContain('detailed-monitoring');
    expect(await h.state(bob.key, bobId)).toBe('running');
  });

  it('bills MonitorInstances on a running instance from the request, and on a stopped one from its next start only', async () => {
    const carol = await ec2Tenant(suite.app, 'mon-carol');
    const ec2 = client(carol);
    const [start, end, month] = await h.nextMonth();
    const monthHours = (end - start) / HOUR_MS;
    const at = (hours: number) => start + hours * HOUR_MS;
    const id = (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances![0].InstanceId!;

    // 3 hours unmonitored: no line.
    await h.advanceTo(at(3));
    expect(monitoringLines(await h.invoice(carol.key, month))).toEqual([]);

    // MonitorInstances at 03:30, stopped at 06:00: hours 3, 4 and 5.
    await h.advanceTo(at(3.5));
    await ec2.send(new MonitorInstancesCommand({ InstanceIds: [id] }));
    await h.advanceTo(at(6));
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await h.advanceTo(at(8));
    expect(monitoringLines(await h.invoice(carol.key, month))).toMatchObject([expected(3, monthHours)]);

    // Off and on again while stopped: nothing; started at 12:00, billed from then: hours 12 and 13 at 14:00, 5 hours.
    await ec2.send(new UnmonitorInstancesCommand({ InstanceIds: [id] }));
    await h.advanceTo(at(9));
    await ec2.send(new MonitorInstancesCommand({ InstanceIds: [id] }));
    await h.advanceTo(at(12));
    expect(monitoringLines(await h.invoice(carol.key, month))).toMatchObject([expected(3, monthHours)]);
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await h.advanceTo(at(14));
    expect(monitoringLines(await h.invoice(carol.key, month))).toMatchObject([expected(5, monthHours)]);

    // Off and on in one instant while running: one interval, nothing billed twice (hour 14 once).
    await h.advanceTo(at(14.5));
    await ec2.send(new UnmonitorInstancesCommand({ InstanceIds: [id] }));
    await ec2.send(new MonitorInstancesCommand({ InstanceIds: [id] }));
    await h.advanceTo(at(16));
    expect(monitoringLines(await h.invoice(carol.key, month))).toMatchObject([expected(7, monthHours)]);
  });
});
