import {
  CreateFleetCommand, CreateFleetCommandInput, CreateLaunchTemplateCommand, DeleteFleetsCommand, DescribeFleetsCommand, DescribeInstancesCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { spotPercent } from '@nimbus/metering';
import { Decimal } from 'decimal.js';
import { LINUX_AMI, startApp, TestApp } from '../support/app';
import { billingHarness, HOUR_MS } from '../support/billing';
import { ec2Clients, ec2Tenant, failure, missing, sameAsMissing } from './ec2-support';

/** Linux On-Demand prices in the seed price book (us-east-1). */
const M5_LARGE = '0.096';
const M5_XLARGE = '0.192';

/**
 * EC2 Fleet of type instant through the JS SDK (docs/ec2.md, "EC2 Fleet"; docs/model.md, "EC2
 * Fleet"): a mixed On-Demand/Spot fleet over two types and two zones from a launch template, the
 * cheapest pool chosen, a fleet larger than the hosts' room (the instances launched and
 * InsufficientInstanceCapacity), ClientToken, DescribeFleets, DeleteFleets, another tenant.
 * One m5-host per zone (109,760 millicores guaranteed: six m5.4xlarge of 16,000).
 */
describe('EC2 Fleet (instant) through the JS SDK', () => {
  let t: TestApp;
  const { client, destroyAll } = ec2Clients(() => t);
  const h = billingHarness(() => t);
  let a: EC2Client;
  let b: EC2Client;
  let templateId: string;
  let mixedFleet: string;
  let now: number;

  const instances = async (ids: string[]) =>
    (await a.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations!.flatMap((r) => r.Instances!);
  const fleet = (input: Partial<CreateFleetCommandInput>) => a.send(new CreateFleetCommand({
    Type: 'instant', TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: 'on-demand' },
    LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: templateId, Version: '$Latest' } }], ...input,
  } as CreateFleetCommandInput));

  beforeAll(async () => {
    t = await startApp();
    for (const zone of ['us-east-1a', 'us-east-1b', 'us-east-1c']) await t.hosts('m5-host', zone, 1);
    a = client(await ec2Tenant(t, 'fleet-alice', { onDemandVcpus: 1000 }));
    b = client(await ec2Tenant(t, 'fleet-bob', { onDemandVcpus: 1000 }));
    const [start] = await h.nextMonth();
    // Half past an hour: the Spot price is the hour's throughout.
    now = start + HOUR_MS / 2;
    await h.advanceTo(now);
    templateId = (await a.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'fleet-lt', LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 'm5.large' } })))
      .LaunchTemplate!.LaunchTemplateId!;
  });

  afterAll(async () => {
    destroyAll();
    await t.close();
  });

  it('a mixed fleet: 2 On-Demand on the cheaper type (m5.large 0.096 < m5.xlarge 0.192), 2 Spot on the pool with the lower Spot price, each as RunInstances launches it', async () => {
    const hour = Math.floor(now / HOUR_MS);
    // The Spot prices of the two pools (spot-price.ts: the On-Demand price × the pool's percent of the hour).
    const largeA = new Decimal(M5_LARGE).times(spotPercent('m5.large', 'us-east-1a', hour)).div(100);
    const xlargeB = new Decimal(M5_XLARGE).times(spotPercent('m5.xlarge', 'us-east-1b', hour)).div(100);
    const cheaperSpot = largeA.lte(xlargeB) ? { type: 'm5.large', zone: 'us-east-1a' } : { type: 'm5.xlarge', zone: 'us-east-1b' };
    const r = await fleet({
      TargetCapacitySpecification: { TotalTargetCapacity: 4, OnDemandTargetCapacity: 2, DefaultTargetCapacityType: 'spot' },
      LaunchTemplateConfigs: [{
        LaunchTemplateSpecification: { LaunchTemplateName: 'fleet-lt', Version: '$Default' },
        // The dearer type first: the request's order does not decide.
        Overrides: [{ InstanceType: 'm5.xlarge', AvailabilityZone: 'us-east-1b' }, { InstanceType: 'm5.large', AvailabilityZone: 'us-east-1a' }],
      }],
      SpotOptions: { AllocationStrategy: 'lowest-price' }, OnDemandOptions: { AllocationStrategy: 'lowest-price' },
      TagSpecifications: [{ ResourceType: 'fleet', Tags: [{ Key: 'team', Value: 'k8s' }] }, { ResourceType: 'instance', Tags: [{ Key: 'karpenter', Value: 'yes' }] }],
    });
    mixedFleet = r.FleetId!;
    expect(mixedFleet).toMatch(/^fleet-[0-9a-f]{17}$/);
    expect(r.Errors ?? []).toEqual([]);
    const onDemand = r.Instances!.filter((f) => f.Lifecycle === 'on-demand');
    const spot = r.Instances!.filter((f) => f.Lifecycle === 'spot');
    expect(onDemand.map((f) => [f.InstanceType, f.InstanceIds!.length, f.LaunchTemplateAndOverrides!.Overrides!.AvailabilityZone])).toEqual([['m5.large', 2, 'us-east-1a']]);
    expect(spot.map((f) => [f.InstanceType, f.InstanceIds!.length, f.LaunchTemplateAndOverrides!.Overrides!.AvailabilityZone])).toEqual([[cheaperSpot.type, 2, cheaperSpot.zone]]);
    expect(onDemand[0].LaunchTemplateAndOverrides!.LaunchTemplateSpecification).toEqual({ LaunchTemplateId: templateId, Version: '1' });
    const launched = await instances([...onDemand[0].InstanceIds!, ...spot[0].InstanceIds!]);
    for (const i of launched) {
      expect(i.Tags).toEqual(expect.arrayContaining([{ Key: 'karpenter', Value: 'yes' }, { Key: 'aws:ec2launchtemplate:id', Value: templateId }]));
      if (spot[0].InstanceIds!.includes(i.InstanceId!)) {
        // RunInstances' Spot launch: lifecycle spot and its one-time sir- request.
        expect([i.InstanceLifecycle, i.Placement!.AvailabilityZone]).toEqual(['spot', cheaperSpot.zone]);
        expect(i.SpotInstanceRequestId).toMatch(/^sir-[0-9a-f]{8}$/);
      } else expect([i.InstanceLifecycle, i.InstanceType, i.SpotInstanceRequestId]).toEqual([undefined, 'm5.large', undefined]);
    }
  });

  it('a fleet larger than the hosts\' room: the instances that fit (six m5.4xlarge in us-east-1c) and InsufficientInstanceCapacity for the rest', async () => {
    const r = await fleet({
      TargetCapacitySpecification: { TotalTargetCapacity: 8, DefaultTargetCapacityType: 'on-demand' },
      LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: templateId }, Overrides: [{ InstanceType: 'm5.4xlarge', AvailabilityZone: 'us-east-1c' }] }],
    });
    expect(r.Instances!.map((f) => [f.InstanceType, f.InstanceIds!.length])).toEqual([['m5.4xlarge', 6]]);
    expect(r.Errors!.map((e) => [e.ErrorCode, e.Lifecycle, e.LaunchTemplateAndOverrides!.Overrides!.InstanceType])).toEqual([['InsufficientInstanceCapacity', 'on-demand', 'm5.4xlarge']]);
    // None at all: the errors and no instance.
    const none = await fleet({
      TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: 'on-demand' },
      LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: templateId }, Overrides: [{ InstanceType: 'm5.4xlarge', AvailabilityZone: 'us-east-1c' }] }],
    });
    expect(none.Instances ?? []).toEqual([]);
    expect(none.Errors!.map((e) => e.ErrorCode)).toEqual(['InsufficientInstanceCapacity']);
  });

  it('weighted capacity: m5.xlarge weighted 2 covers a target of 3 units with 2 instances', async () => {
    const r = await fleet({
      TargetCapacitySpecification: { TotalTargetCapacity: 3, DefaultTargetCapacityType: 'on-demand' },
      LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateId: templateId }, Overrides: [{ InstanceType: 'm5.xlarge', AvailabilityZone: 'us-east-1b', WeightedCapacity: 2 }] }],
    });
    expect(r.Instances!.map((f) => [f.InstanceType, f.InstanceIds!.length])).toEqual([['m5.xlarge', 2]]);
  });

  it('ClientToken: the same request answers the same fleet; another request with it is IdempotentParameterMismatch', async () => {
    const input = { ClientToken: 'fleet-token-1', TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: 'on-demand' as const } };
    const first = await fleet(input);
    const again = await fleet(input);
    expect(again).toMatchObject({ FleetId: first.FleetId, Instances: first.Instances });
    const e = await failure(fleet({ ...input, TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: 'on-demand' } }));
    expect(e.name).toBe('IdempotentParameterMismatch');
  });

  it('refuses request and maintain fleets, and an unknown allocation strategy', async () => {
    for (const Type of ['request', 'maintain'] as const) expect((await failure(fleet({ Type }))).name).toBe('UnsupportedOperation');
    expect((await failure(fleet({ SpotOptions: { AllocationStrategy: 'cheapest' as never } }))).name).toBe('InvalidParameterValue');
  });

  it('DescribeFleets: the fleet, its target, instances and tags; filters and paging', async () => {
    const [f] = (await a.send(new DescribeFleetsCommand({ FleetIds: [mixedFleet] }))).Fleets!;
    expect(f).toMatchObject({
      FleetId: mixedFleet, FleetState: 'active', Type: 'instant', ActivityStatus: 'fulfilled', FulfilledCapacity: 4, FulfilledOnDemandCapacity: 2,
      TargetCapacitySpecification: { TotalTargetCapacity: 4, OnDemandTargetCapacity: 2, SpotTargetCapacity: 2, DefaultTargetCapacityType: 'spot' },
      Tags: [{ Key: 'team', Value: 'k8s' }],
    });
    expect(f.Instances!.flatMap((i) => i.InstanceIds!)).toHaveLength(4);
    const errored = (await a.send(new DescribeFleetsCommand({ Filters: [{ Name: 'activity-status', Values: ['error'] }] }))).Fleets!;
    expect(errored).toHaveLength(2);
    const page = await a.send(new DescribeFleetsCommand({ MaxResults: 2 }));
    expect(page.Fleets).toHaveLength(2);
    const rest = await a.send(new DescribeFleetsCommand({ MaxResults: 100, NextToken: page.NextToken }));
    expect(rest.Fleets!.length).toBeGreaterThan(0);
  });

  it('another tenant\'s fleet is a missing one: DescribeFleets InvalidFleetId.NotFound, DeleteFleets fleetIdDoesNotExist', async () => {
    expect(await sameAsMissing(() => b.send(new DescribeFleetsCommand({ FleetIds: [mixedFleet] })), () => a.send(new DescribeFleetsCommand({ FleetIds: [missing(mixedFleet)] })), mixedFleet))
      .toBe('InvalidFleetId.NotFound');
    const r = await b.send(new DeleteFleetsCommand({ FleetIds: [mixedFleet], TerminateInstances: true }));
    expect(r.UnsuccessfulFleetDeletions!.map((u) => [u.FleetId, u.Error!.Code])).toEqual([[mixedFleet, 'fleetIdDoesNotExist']]);
    expect(r.SuccessfulFleetDeletions ?? []).toEqual([]);
  });

  it('DeleteFleets: TerminateInstances=false is refused for an instant fleet; true terminates its instances and the fleet is deleted', async () => {
    expect((await failure(a.send(new DeleteFleetsCommand({ FleetIds: [mixedFleet], TerminateInstances: false })))).name).toBe('InvalidParameterValue');
    const r = await a.send(new DeleteFleetsCommand({ FleetIds: [mixedFleet], TerminateInstances: true }));
    expect(r.SuccessfulFleetDeletions!.map((s) => [s.FleetId, s.CurrentFleetState])).toEqual([[mixedFleet, 'deleted_terminating']]);
    const [f] = (await a.send(new DescribeFleetsCommand({ FleetIds: [mixedFleet] }))).Fleets!;
    expect(f.FleetState).toBe('deleted');
    const states = (await instances(f.Instances!.flatMap((i) => i.InstanceIds!))).map((i) => i.State!.Name);
    expect(states.every((s) => s === 'shutting-down' || s === 'terminated')).toBe(true);
    expect(states).toHaveLength(4);
  });
});
