import { DescribeReservedInstancesCommand, DescribeReservedInstancesOfferingsCommand, PurchaseReservedInstancesOfferingCommand } from '@aws-sdk/client-ec2';
import { expectError, LINUX_AMI } from '../support/app';
import { ec2BillingSuite, HOUR_MS } from '../support/billing';
import { ec2Tenant, Ec2Tenant } from './ec2-support';

/**
 * Reserved Instances over REST (API.md's conventions; docs/ec2.md, "Reserved Instances"): the same
 * application methods as the EC2 actions, so a purchase through either is seen through the other;
 * another tenant sees nothing; bad input is a 4xx in the API's error shape. Then the month's RI
 * utilization and coverage (AWS Cost Explorer's; libs/metering reserved-use.ts), tenant and admin.
 */
describe('Reserved Instances over REST', () => {
  const suite = ec2BillingSuite();
  const { client, h } = suite;
  let alice: Ec2Tenant;
  let start: number;
  let month: string;
  let regionalId: string;
  let viaRest: string;
  let viaEc2: string;
  const as = (key: string) => suite.app.as(key);

  beforeAll(async () => {
    alice = await ec2Tenant(suite.app, 'rest-ri-alice', { onDemandVcpus: 1000 });
    await suite.app.hosts('m5-host', 'us-east-1b', 1);
    [start, , month] = await h.nextMonth();
  });

  it('lists offerings with filters (type, term, payment option, scope, zone), paged; bad filters are 400 in the error shape', async () => {
    const res = await as(alice.key).get('/v1/reserved-instance-offerings').query({ instanceType: 'm5.large', term: '1yr', offeringType: 'No Upfront', scope: 'Region' }).expect(200);
    expect(res.body.offerings).toHaveLength(1);
    expect(res.body.offerings[0]).toMatchObject({
      instanceType: 'm5.large', scope: 'Region', duration: 31536000, offeringType: 'No Upfront', offeringClass: 'standard', fixedPrice: '0.00', hourlyPrice: '0.06',
      productDescription: 'Linux/UNIX', currencyCode: 'USD',
    });
    regionalId = res.body.offerings[0].offeringId;
    // The same offering, with the same id, as EC2's action lists it.
    const [sdk] = (await client(alice).send(new DescribeReservedInstancesOfferingsCommand({
      InstanceType: 'm5.large', OfferingType: 'No Upfront', MaxDuration: 31536000, Filters: [{ Name: 'scope', Values: ['Region'] }],
    }))).ReservedInstancesOfferings!;
    expect(sdk.ReservedInstancesOfferingId).toBe(regionalId);
    const zonal = await as(alice.key).get('/v1/reserved-instance-offerings').query({ instanceType: 'm5.large', term: '3yr', availabilityZone: 'us-east-1b' }).expect(200);
    expect(zonal.body.offerings.map((o: { scope: string; availabilityZone: string; duration: number }) => [o.scope, o.availabilityZone, o.duration]))
      .toEqual([0, 1, 2].map(() => ['Availability Zone', 'us-east-1b', 94608000]));
    const page1 = await as(alice.key).get('/v1/reserved-instance-offerings').query({ instanceType: 'm5.large', maxResults: 5 }).expect(200);
    const page2 = await as(alice.key).get('/v1/reserved-instance-offerings').query({ instanceType: 'm5.large', nextToken: page1.body.nextToken }).expect(200);
    expect([page1.body.offerings.length, page2.body.offerings.length, page2.body.nextToken]).toEqual([5, 4 * 6 - 5, undefined]);
    expectError(await as(alice.key).get('/v1/reserved-instance-offerings').query({ term: '2yr' }), 400, 'ValidationError');
    expectError(await as(alice.key).get('/v1/reserved-instance-offerings').query({ instanceType: 'x9.huge' }), 400, 'InvalidParameterValue');
    expectError(await as(alice.key).get('/v1/reserved-instance-offerings').query({ nextToken: 'garbage' }), 400, 'InvalidPaginationToken');
  });

  it('purchases via REST (read back through DescribeReservedInstances) and via EC2 (read back through REST); a client token buys once', async () => {
    const body = { offeringId: regionalId, instanceCount: 1, clientToken: 'ri-buy-1' };
    viaRest = (await as(alice.key).post('/v1/reserved-instances', body).expect(201)).body.reservedInstancesId;
    expect((await as(alice.key).post('/v1/reserved-instances', body).expect(201)).body.reservedInstancesId).toBe(viaRest);
    expectError(await as(alice.key).post('/v1/reserved-instances', { ...body, instanceCount: 2 }), 409, 'IdempotentParameterMismatch');
    const [sdkView] = (await client(alice).send(new DescribeReservedInstancesCommand({ ReservedInstancesIds: [viaRest] }))).ReservedInstances!;
    expect(sdkView).toMatchObject({ ReservedInstancesId: viaRest, InstanceType: 'm5.large', InstanceCount: 1, Scope: 'Region', State: 'payment-pending', OfferingType: 'No Upfront' });

    const [zonalOffering] = (await as(alice.key).get('/v1/reserved-instance-offerings').query({ instanceType: 'm5.large', term: '1yr', offeringType: 'All Upfront', availabilityZone: 'us-east-1a' }).expect(200)).body.offerings;
    viaEc2 = (await client(alice).send(new PurchaseReservedInstancesOfferingCommand({ ReservedInstancesOfferingId: zonalOffering.offeringId, InstanceCount: 2 }))).ReservedInstancesId!;
    const got = (await as(alice.key).get(`/v1/reserved-instances/${viaEc2}`).expect(200)).body;
    expect(got).toMatchObject({
      reservedInstancesId: viaEc2, offeringId: zonalOffering.offeringId, instanceType: 'm5.large', scope: 'Availability Zone', availabilityZone: 'us-east-1a',
      instanceCount: 2, offeringType: 'All Upfront', duration: 31536000, fixedPrice: zonalOffering.fixedPrice, hourlyPrice: '0', state: 'payment-pending', tags: {},
    });
    expect(Date.parse(got.end) - Date.parse(got.start)).toBe(31536000 * 1000);

    await h.advanceTo(start + 60_000);
    const list = await as(alice.key).get('/v1/reserved-instances').expect(200);
    expect(list.body.reservedInstances.map((r: { reservedInstancesId: string; state: string }) => [r.reservedInstancesId, r.state]).sort())
      .toEqual([[viaEc2, 'active'], [viaRest, 'active']].sort());
    const p1 = await as(alice.key).get('/v1/reserved-instances').query({ maxResults: 5, state: 'retired' }).expect(200);
    expect(p1.body).toEqual({ reservedInstances: [] });
    // The admin lists a tenant's RIs; an unknown tenant is 404.
    const admin = await suite.app.admin().get(`/v1/admin/tenants/${alice.tenantId}/reserved-instances`).expect(200);
    expect(admin.body.reservedInstances).toHaveLength(2);
    expectError(await suite.app.admin().get('/v1/admin/tenants/t-00000000000000000/reserved-instances'), 404, 'InvalidTenantID.NotFound');
    expectError(await as(alice.key).get(`/v1/admin/tenants/${alice.tenantId}/reserved-instances`), 403, 'UnauthorizedOperation');
  });

  it('bad purchases are 4xx in the error shape and buy nothing', async () => {
    expectError(await as(alice.key).post('/v1/reserved-instances', { instanceCount: 1 }), 400, /ValidationError|MissingParameter/);
    expectError(await as(alice.key).post('/v1/reserved-instances', { offeringId: regionalId, instanceCount: 0 }), 400, 'ValidationError');
    expectError(await as(alice.key).post('/v1/reserved-instances', { offeringId: '00000000-0000-4000-a000-000000000000', instanceCount: 1 }), 404, 'InvalidReservedInstancesOfferingId');
    const [allUpfront] = (await as(alice.key).get('/v1/reserved-instance-offerings').query({ instanceType: 'm5.large', term: '1yr', offeringType: 'All Upfront', scope: 'Region' }).expect(200)).body.offerings;
    expectError(await as(alice.key).post('/v1/reserved-instances', { offeringId: allUpfront.offeringId, instanceCount: 1, limitPrice: '100' }), 400, 'ReservedInstancesLimitPriceExceeded');
    expectError(await as(alice.key).post('/v1/reserved-instances', { offeringId: regionalId, instanceCount: 1, limitPrice: 'lots' }), 400, 'ValidationError');
    expect((await as(alice.key).get('/v1/reserved-instances').expect(200)).body.reservedInstances).toHaveLength(2);
  });

  it('another tenant sees nothing, and alice\'s RI is a 404 exactly as a missing one', async () => {
    const bob = await ec2Tenant(suite.app, 'rest-ri-bob');
    expect((await as(bob.key).get('/v1/reserved-instances').expect(200)).body).toEqual({ reservedInstances: [] });
    const theirs = expectError(await as(bob.key).get(`/v1/reserved-instances/${viaRest}`), 404, 'InvalidReservedInstancesId');
    const missing = expectError(await as(bob.key).get('/v1/reserved-instances/00000000-0000-4000-a000-000000000000'), 404, 'InvalidReservedInstancesId');
    expect(theirs.message.replace(viaRest, 'X')).toBe(missing.message.replace('00000000-0000-4000-a000-000000000000', 'X'));
    expectError(await as(bob.key).get('/v1/reserved-instances/not-an-id'), 404, 'InvalidReservedInstancesId');
    // A token is the tenant's own: bob's same token buys his own RI.
    const his = (await as(bob.key).post('/v1/reserved-instances', { offeringId: regionalId, instanceCount: 1, clientToken: 'ri-buy-1' }).expect(201)).body.reservedInstancesId;
    expect(his).not.toBe(viaRest);
  });

  it('utilization and coverage of the month: the regional m5.large RI and the zonal pair (2 × m5.large in 1a) against 2 m5.large in 1a and 1 in 1b', async () => {
    // From 1 min: alice runs two m5.large in us-east-1a and one in 1b, for the hours to 1 min + 2 h.
    await h.launch(alice.key, { imageId: LINUX_AMI, instanceType: 'm5.large', minCount: 2, maxCount: 2 });
    await h.launch(alice.key, { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1b' });
    await h.advanceTo(start + 3 * HOUR_MS);
    const r = (await as(alice.key).get('/v1/billing/reserved-instances').query({ month }).expect(200)).body;
    expect(r).toMatchObject({ month, status: 'estimate', tenantId: alice.tenantId, invoiceId: `est-${month}-${alice.tenantId}` });
    // Every instance is covered every second it is billed: the zonal pair covers the 1a pair, the regional RI the 1b one.
    expect(r.coverage.coverageHoursPercentage).toBe('100');
    expect(r.coverage.onDemandHours).toBe('0');
    // 3 RIs × 3 h purchased; used: each runs from 60 s + 15 s of boot, so 3 × (3 h − 75 s).
    expect(r.utilization.purchasedHours).toBe('9');
    expect(r.utilization.usedHours).toBe(((3 * (3 * 3600 - 75)) / 3600).toFixed(8).replace(/0+$/, ''));
    const zonal = r.reservedInstances.find((x: { reservedInstancesId: string }) => x.reservedInstancesId === viaEc2);
    expect(zonal).toMatchObject({ instanceType: 'm5.large', scope: 'Availability Zone', availabilityZone: 'us-east-1a', instanceCount: 2, offeringType: 'All Upfront', duration: 31536000, state: 'active', purchasedHours: '6' });
    // The fees: the All Upfront pair's upfront once (2 × its fixed price), the regional RI's 3 h × $0.06.
    const fixed = (await as(alice.key).get(`/v1/reserved-instances/${viaEc2}`).expect(200)).body.fixedPrice;
    expect(r.fees).toEqual({ upfront: (2 * Number(fixed)).toFixed(2), hourly: '0.18', total: (2 * Number(fixed) + 0.18).toFixed(2) });
    // The admin sees alice (and bob, whose RI is unused) with the sums.
    const all = (await suite.app.admin().get('/v1/admin/billing/reserved-instances').query({ month: 'current' }).expect(200)).body;
    expect(all.month).toBe(month);
    const mine = all.tenants.find((t: { tenantId: string }) => t.tenantId === alice.tenantId);
    expect(mine.utilization).toEqual(r.utilization);
    // Bob's RI, bought at 1 min, unused: (3 h − 60 s) more purchased hours.
    expect(all.utilization.purchasedHours).toBe('11.98333333');
    expect(all.tenants.find((t: { tenantId: string }) => t.tenantId !== alice.tenantId).utilization.utilizationPercentage).toBe('0');
    expectError(await suite.app.admin().get('/v1/admin/billing/reserved-instances').query({ month: '2025-13' }), 400, 'InvalidParameterValue');
    expectError(await as(alice.key).get('/v1/billing/reserved-instances').query({ month: 'soon' }), 400, 'InvalidParameterValue');
  });

  it('pages a tenant\'s RIs in id order: 6 bought, pages of 5 then 1, none twice; a bad token is 400', async () => {
    const carol = await ec2Tenant(suite.app, 'rest-ri-carol');
    const bought: string[] = [];
    for (let i = 0; i < 6; i++) bought.push((await as(carol.key).post('/v1/reserved-instances', { offeringId: regionalId, instanceCount: 1 }).expect(201)).body.reservedInstancesId);
    const p1 = (await as(carol.key).get('/v1/reserved-instances').query({ maxResults: 5 }).expect(200)).body;
    const p2 = (await as(carol.key).get('/v1/reserved-instances').query({ maxResults: 5, nextToken: p1.nextToken }).expect(200)).body;
    expect([p1.reservedInstances.length, p2.reservedInstances.length, p2.nextToken]).toEqual([5, 1, undefined]);
    expect([...p1.reservedInstances, ...p2.reservedInstances].map((r: { reservedInstancesId: string }) => r.reservedInstancesId)).toEqual([...bought].sort());
    expectError(await as(carol.key).get('/v1/reserved-instances').query({ nextToken: 'nope' }), 400, 'InvalidPaginationToken');
  });
});
