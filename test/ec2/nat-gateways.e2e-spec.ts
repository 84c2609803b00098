import {
  AllocateAddressCommand, AssociateAddressCommand, AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateNatGatewayCommand, CreateRouteCommand,
  CreateRouteTableCommand, CreateSubnetCommand, CreateTagsCommand, CreateVpcCommand, DeleteNatGatewayCommand, DeleteNetworkInterfaceCommand,
  DescribeAddressesCommand, DescribeNatGatewaysCommand, DescribeNetworkInterfacesCommand, DescribeRouteTablesCommand, DescribeTagsCommand,
  DetachInternetGatewayCommand, DisassociateAddressCommand, EC2Client, NatGateway, ReleaseAddressCommand, ReplaceRouteCommand,
  waitUntilNatGatewayAvailable, waitUntilNatGatewayDeleted,
} from '@aws-sdk/client-ec2';
import { ec2BillingSuite, HOUR_MS, iso } from '../support/billing';
import { ec2Tenant, Ec2Tenant, failure, sameAsMissing, missing, codeOf } from './ec2-support';


/**
 * NAT gateways through the JS SDK (docs/ec2-networking.md, "NAT gateways"): CreateNatGateway,
 * DescribeNatGateways, DeleteNatGateway, routes to them, their interface and Elastic IP, their
 * states on the engine clock (pending a simulated minute, deleting a minute, deleted shown an
 * hour), other tenants, bad input, a restart, and their hours on the invoice ($0.045 per NAT
 * gateway-hour, each partial hour a full one).
 */
describe('NAT gateways through the JS SDK', () => {
  const suite = ec2BillingSuite();
  const { h, client } = suite;
  let carol: Ec2Tenant;
  let dave: Ec2Tenant;
  let ec2: EC2Client;
  let daveEc2: EC2Client;
  /** Carol's VPC with an internet gateway attached, a public and a private subnet. */
  let vpcId: string;
  let publicSubnet: string;
  let privateSubnet: string;
  let natId: string;
  let allocationId: string;
  let tableId: string;
  let igwId: string;

  const gateways = async (c: EC2Client, input: ConstructorParameters<typeof DescribeNatGatewaysCommand>[0] = {}) => (await c.send(new DescribeNatGatewaysCommand(input))).NatGateways!;
  const gateway = async (id: string): Promise<NatGateway> => (await gateways(ec2, { NatGatewayIds: [id] }))[0];
  const waitAvailable = (id: string) => waitUntilNatGatewayAvailable({ client: ec2, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { NatGatewayIds: [id] });

  beforeAll(async () => {
    carol = await ec2Tenant(suite.app, 'nat-carol');
    dave = await ec2Tenant(suite.app, 'nat-dave');
    ec2 = client(carol);
    daveEc2 = client(dave);
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    publicSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    privateSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    tableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
  });

  it('CreateNatGateway: pending with its Elastic IP and an interface of the subnet; a retry with its token answers it; the waiter sees it available a simulated minute later', async () => {
    allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const input = {
      SubnetId: publicSubnet, AllocationId: allocationId, ClientToken: 'nat-token-1',
      TagSpecifications: [{ ResourceType: 'natgateway' as const, Tags: [{ Key: 'Name', Value: 'public-a' }] }],
    };
    const created = await ec2.send(new CreateNatGatewayCommand(input));
    const nat = created.NatGateway!;
    natId = nat.NatGatewayId!;
    expect(natId).toMatch(/^nat-[0-9a-f]{17}$/);
    expect(created.ClientToken).toBe('nat-token-1');
    expect(nat).toMatchObject({ SubnetId: publicSubnet, VpcId: vpcId, State: 'pending', ConnectivityType: 'public', Tags: [{ Key: 'Name', Value: 'public-a' }] });
    expect(nat.CreateTime).toBeInstanceOf(Date);
    // The subnet's lowest free address (the first four are reserved).
    const [address] = nat.NatGatewayAddresses!;
    expect(address).toMatchObject({ AllocationId: allocationId, PrivateIp: '10.0.0.4', IsPrimary: true, Status: 'associating' });
    expect(address.NetworkInterfaceId).toMatch(/^eni-[0-9a-f]{17}$/);
    const eip = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }))).Addresses![0];
    expect(address.PublicIp).toBe(eip.PublicIp);
    expect(eip).toMatchObject({ NetworkInterfaceId: address.NetworkInterfaceId, PrivateIpAddress: '10.0.0.4' });

    // Retried with its token: the same gateway; the token with another subnet: IdempotentParameterMismatch.
    expect((await ec2.send(new CreateNatGatewayCommand(input))).NatGateway!.NatGatewayId).toBe(natId);
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ ...input, SubnetId: privateSubnet })))).toBe('IdempotentParameterMismatch');

    // Its interface: requester-managed, nat_gateway, in use, EC2's description; not the tenant's to delete.
    const eni = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [address.NetworkInterfaceId!] }))).NetworkInterfaces![0];
    expect(eni).toMatchObject({
      InterfaceType: 'nat_gateway', RequesterManaged: true, Status: 'in-use', Description: `Interface for NAT Gateway ${natId}`, PrivateIpAddress: '10.0.0.4', SubnetId: publicSubnet,
    });
    expect((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'interface-type', Values: ['nat_gateway'] }] }))).NetworkInterfaces!.map((n) => n.NetworkInterfaceId))
      .toEqual([address.NetworkInterfaceId]);
    expect(await codeOf(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: address.NetworkInterfaceId })))).toBe('InvalidNetworkInterface.InUse');
    // Its Elastic IP stays with it: not released, disassociated or moved from under it.
    expect(await codeOf(ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId })))).toBe('InvalidIPAddress.InUse');
    expect(await codeOf(ec2.send(new DisassociateAddressCommand({ AssociationId: eip.AssociationId })))).toBe('InvalidIPAddress.InUse');
    expect(await codeOf(ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: address.NetworkInterfaceId })))).toBe('InvalidNetworkInterface.InUse');

    await suite.app.advance(30);
    expect((await gateway(natId)).State).toBe('pending');
    await suite.app.advance(30);
    await waitAvailable(natId);
    expect((await gateway(natId)).NatGatewayAddresses![0].Status).toBe('succeeded');
  });

  it('routes 0.0.0.0/0 to it (NatGatewayId): DescribeRouteTables shows natGatewayId, active, and filters by it; ReplaceRoute takes it too', async () => {
    await ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId }));
    const table = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] }))).RouteTables![0];
    expect(table.Routes).toEqual([
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
      { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId, State: 'active', Origin: 'CreateRoute' },
    ]);
    const byNat = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.nat-gateway-id', Values: [natId] }] }));
    expect(byNat.RouteTables!.map((t) => t.RouteTableId)).toEqual([tableId]);
    await ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '192.0.2.0/24', NatGatewayId: natId }));
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '192.0.2.0/24', NatGatewayId: natId }));
    // Both targets at once, or a NAT gateway of another VPC, or none there is.
    expect(await codeOf(ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '198.51.100.0/24', NatGatewayId: natId, GatewayId: 'igw-0123456789abcdef0' }))))
      .toBe('InvalidParameterCombination');
    const missingNat = missing(natId);
    const notThere = await failure(ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '198.51.100.0/24', NatGatewayId: missingNat })));
    expect([notThere.name, notThere.message]).toEqual(['InvalidNatGatewayID.NotFound', `The natGateway ID '${missingNat}' does not exist`]);
    const otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
    const otherTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: otherVpc }))).RouteTable!.RouteTableId!;
    expect(await codeOf(ec2.send(new CreateRouteCommand({ RouteTableId: otherTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId })))).toBe('InvalidParameterValue');
    // The internet gateway cannot be detached while the NAT gateway maps its public address (EC2's DependencyViolation).
    expect(await codeOf(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId })))).toBe('DependencyViolation');
  });

  it('DescribeNatGateways: by id, filters (nat-gateway-id, state, subnet-id, vpc-id, tag:, tag-key), pages of MaxResults 5 to 1000; private gateways take no Elastic IP', async () => {
    const privates: string[] = [];
    for (let i = 0; i < 5; i++) {
      const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: privateSubnet, ConnectivityType: 'private', ...(i === 0 ? { PrivateIpAddress: '10.0.1.100' } : {}) }))).NatGateway!;
      expect(nat).toMatchObject({ ConnectivityType: 'private', State: 'pending' });
      expect(nat.NatGatewayAddresses![0].AllocationId).toBeUndefined();
      expect(nat.NatGatewayAddresses![0].PublicIp).toBeUndefined();
      privates.push(nat.NatGatewayId!);
    }
    expect((await gateway(privates[0])).NatGatewayAddresses![0].PrivateIp).toBe('10.0.1.100');
    // The address asked is taken: another gateway (or interface) cannot have it.
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: privateSubnet, ConnectivityType: 'private', PrivateIpAddress: '10.0.1.100' })))).toBe('InvalidIPAddress.InUse');
    await ec2.send(new CreateTagsCommand({ Resources: [privates[1]], Tags: [{ Key: 'tier', Value: 'db' }] }));
    const tags = (await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [privates[1]] }] }))).Tags!;
    expect(tags).toEqual([{ Key: 'tier', Value: 'db', ResourceId: privates[1], ResourceType: 'natgateway' }]);

    const ids = async (input: ConstructorParameters<typeof DescribeNatGatewaysCommand>[0]) => (await gateways(ec2, input)).map((g) => g.NatGatewayId).sort();
    const all = [natId, ...privates].sort();
    expect(await ids({})).toEqual(all);
    expect(await ids({ Filter: [{ Name: 'state', Values: ['available'] }] })).toEqual([natId]);
    expect(await ids({ Filter: [{ Name: 'state', Values: ['pending'] }] })).toEqual([...privates].sort());
    expect(await ids({ Filter: [{ Name: 'subnet-id', Values: [publicSubnet] }] })).toEqual([natId]);
    expect(await ids({ Filter: [{ Name: 'vpc-id', Values: [vpcId] }] })).toEqual(all);
    expect(await ids({ Filter: [{ Name: 'nat-gateway-id', Values: [privates[2]] }] })).toEqual([privates[2]]);
    expect(await ids({ Filter: [{ Name: 'tag:Name', Values: ['public-a'] }] })).toEqual([natId]);
    expect(await ids({ Filter: [{ Name: 'tag-key', Values: ['tier'] }] })).toEqual([privates[1]]);
    expect(await codeOf(ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'bogus', Values: ['x'] }] })))).toBe('InvalidParameterValue');

    const first = await ec2.send(new DescribeNatGatewaysCommand({ MaxResults: 5 }));
    expect(first.NatGateways).toHaveLength(5);
    const second = await ec2.send(new DescribeNatGatewaysCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect(second.NextToken).toBeUndefined();
    expect([...first.NatGateways!, ...second.NatGateways!].map((g) => g.NatGatewayId).sort()).toEqual(all);
    expect(await codeOf(ec2.send(new DescribeNatGatewaysCommand({ MaxResults: 4 })))).toBe('InvalidParameterValue');

    await suite.app.advance(60);
    expect(await ids({ Filter: [{ Name: 'state', Values: ['available'] }] })).toEqual(all);
    for (const id of privates) await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
  });

  it('fails a public gateway in a VPC with no internet gateway attached, and one whose Elastic IP is associated elsewhere, with EC2\'s failureCode: no interface, the Elastic IP untouched', async () => {
    const bare = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    const bareSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: bare, CidrBlock: '10.1.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    const allocated = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const [spare, sparePublicIp] = [allocated.AllocationId!, allocated.PublicIp!];
    const noIgw = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: bareSubnet, AllocationId: spare }))).NatGateway!.NatGatewayId!;
    expect((await gateway(noIgw)).State).toBe('pending');
    await suite.app.advance(60);
    expect(await gateway(noIgw)).toMatchObject({ State: 'failed', FailureCode: 'Gateway.NotAttached', FailureMessage: `Network ${bare} has no Internet gateway attached` });
    // Its address as asked, with no interface and no private address: it took none.
    expect((await gateway(noIgw)).NatGatewayAddresses).toEqual([{ AllocationId: spare, PublicIp: sparePublicIp, IsPrimary: true, Status: 'failed' }]);
    expect((await ec2.send(new DescribeAddressesCommand({ AllocationIds: [spare] }))).Addresses![0].AssociationId).toBeUndefined();
    expect(await codeOf(ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '203.0.113.0/24', NatGatewayId: noIgw })))).toBe('InvalidNatGatewayID.NotFound');
    await expect(waitUntilNatGatewayAvailable({ client: ec2, maxWaitTime: 5, minDelay: 1, maxDelay: 1 }, { NatGatewayIds: [noIgw] })).rejects.toThrow();

    // The first gateway's Elastic IP, associated with it: the new gateway fails (Resource.AlreadyAssociated).
    const taken = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    await suite.app.advance(60);
    expect(await gateway(taken)).toMatchObject({ State: 'failed', FailureCode: 'Resource.AlreadyAssociated', FailureMessage: `Elastic IP address ${allocationId} is already associated` });
    expect((await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }))).Addresses![0].NetworkInterfaceId).toBe((await gateway(natId)).NatGatewayAddresses![0].NetworkInterfaceId);
    // Failed gateways are shown for an hour, then gone; deleting one is allowed.
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: taken }));
    await suite.app.advance(3600);
    expect((await gateways(ec2)).map((g) => g.NatGatewayId)).not.toContain(noIgw);
    expect(await codeOf(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [noIgw] })))).toBe('NatGatewayNotFound');
    await ec2.send(new ReleaseAddressCommand({ AllocationId: spare }));
  });

  it("another tenant's gateway, subnet and Elastic IP are as missing ones; bad input is EC2's 4xx", async () => {
    const missingNat = missing(natId);
    expect(await sameAsMissing(() => daveEc2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] })), () => daveEc2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [missingNat] })), natId))
      .toBe('NatGatewayNotFound');
    const notFound = await failure(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [missingNat] })));
    expect(notFound.message).toBe(`NAT gateway ${missingNat} was not found`);
    expect(await sameAsMissing(() => daveEc2.send(new DeleteNatGatewayCommand({ NatGatewayId: natId })), () => daveEc2.send(new DeleteNatGatewayCommand({ NatGatewayId: missingNat })), natId))
      .toBe('NatGatewayNotFound');
    expect(await sameAsMissing(
      () => daveEc2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, ConnectivityType: 'private' })),
      () => daveEc2.send(new CreateNatGatewayCommand({ SubnetId: missing(publicSubnet), ConnectivityType: 'private' })), publicSubnet,
    )).toBe('InvalidSubnetID.NotFound');
    const daveVpc = (await daveEc2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const daveSubnet = (await daveEc2.send(new CreateSubnetCommand({ VpcId: daveVpc, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    expect(await sameAsMissing(
      () => daveEc2.send(new CreateNatGatewayCommand({ SubnetId: daveSubnet, AllocationId: allocationId })),
      () => daveEc2.send(new CreateNatGatewayCommand({ SubnetId: daveSubnet, AllocationId: missing(allocationId) })), allocationId,
    )).toBe('InvalidAllocationID.NotFound');
    const daveTable = (await daveEc2.send(new CreateRouteTableCommand({ VpcId: daveVpc }))).RouteTable!.RouteTableId!;
    expect(await sameAsMissing(
      () => daveEc2.send(new CreateRouteCommand({ RouteTableId: daveTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId })),
      () => daveEc2.send(new CreateRouteCommand({ RouteTableId: daveTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: missingNat })), natId,
    )).toBe('InvalidNatGatewayID.NotFound');
    expect(await gateways(daveEc2)).toEqual([]);

    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({} as never)))).toBe('MissingParameter');
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet })))).toBe('MissingParameter');
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, ConnectivityType: 'bogus' as never })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, ConnectivityType: 'private', AllocationId: allocationId })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, AllocationId: allocationId, SecondaryAllocationIds: [allocationId] })))).toBe('UnsupportedOperation');
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, ConnectivityType: 'private', SecondaryPrivateIpAddressCount: 2 })))).toBe('UnsupportedOperation');
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, ConnectivityType: 'private', PrivateIpAddress: '10.0.9.9' })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: 'subnet-nope', ConnectivityType: 'private' })))).toBe('InvalidSubnetID.Malformed');
    expect(await codeOf(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ['nat-nope'] })))).toBe('NatGatewayMalformed');
    expect(await codeOf(ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: 'nat-nope' })))).toBe('NatGatewayMalformed');
    // DryRun: checked, nothing made.
    const before = (await gateways(ec2)).length;
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, ConnectivityType: 'private', DryRun: true })))).toBe('DryRunOperation');
    expect(await codeOf(ec2.send(new CreateNatGatewayCommand({ SubnetId: missing(publicSubnet), ConnectivityType: 'private', DryRun: true })))).toBe('InvalidSubnetID.NotFound');
    expect(await codeOf(ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natId, DryRun: true })))).toBe('DryRunOperation');
    expect((await gateways(ec2)).length).toBe(before);
  });

  it('keeps its gateways across a restart', async () => {
    await suite.restart();
    ec2 = client(carol);
    daveEc2 = client(dave);
    expect(await gateway(natId)).toMatchObject({ State: 'available', SubnetId: publicSubnet, ConnectivityType: 'public', Tags: [{ Key: 'Name', Value: 'public-a' }] });
    expect((await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] }))).RouteTables![0].Routes![1]).toMatchObject({ NatGatewayId: natId, State: 'active' });
  });

  it('DeleteNatGateway: deleting, then deleted with its deleteTime; its interface gone, its Elastic IP idle but still the tenant\'s, routes to it blackholes; shown an hour', async () => {
    const eniId = (await gateway(natId)).NatGatewayAddresses![0].NetworkInterfaceId!;
    expect((await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }))).NatGatewayId).toBe(natId);
    expect((await gateway(natId)).State).toBe('deleting');
    // Asked again while deleting: the same answer.
    expect((await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }))).NatGatewayId).toBe(natId);
    const eip = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }))).Addresses![0];
    expect(eip.AssociationId).toBeUndefined();
    expect(eip.NetworkInterfaceId).toBeUndefined();
    expect((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: [eniId] }] }))).NetworkInterfaces).toEqual([]);
    const routes = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] }))).RouteTables![0].Routes!;
    expect(routes.filter((r) => r.NatGatewayId === natId).map((r) => r.State)).toEqual(['blackhole', 'blackhole']);
    expect(await codeOf(ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '203.0.113.0/24', NatGatewayId: natId })))).toBe('InvalidNatGatewayID.NotFound');

    await suite.app.advance(60);
    await waitUntilNatGatewayDeleted({ client: ec2, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { NatGatewayIds: [natId] });
    const deleted = await gateway(natId);
    expect(deleted).toMatchObject({ State: 'deleted', NatGatewayAddresses: [expect.objectContaining({ AllocationId: allocationId, NetworkInterfaceId: eniId, Status: 'disassociated' })] });
    expect(deleted.DeleteTime!.getTime() - deleted.CreateTime!.getTime()).toBeGreaterThan(0);
    expect(await codeOf(ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natId })))).toBe('NatGatewayNotFound');
    // The Elastic IP is free to go now, and the internet gateway to be detached.
    await ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    await suite.app.advance(3600);
    expect((await gateways(ec2)).map((g) => g.NatGatewayId)).not.toContain(natId);
    expect(await codeOf(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] })))).toBe('NatGatewayNotFound');
  });

  it('bills each NAT gateway per hour, a partial hour as a full one: 90 minutes = 2 hours = $0.09; a failed one is not billed; NatGateway-Hours in the usage report', async () => {
    const erin = await ec2Tenant(suite.app, 'nat-erin');
    const c = client(erin);
    const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const subnet = (await c.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    const eip = (await c.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    const [start, , month] = await h.nextMonth();
    // No internet gateway: this one fails and costs nothing.
    await c.send(new CreateNatGatewayCommand({ SubnetId: subnet, AllocationId: eip }));
    const nat = (await c.send(new CreateNatGatewayCommand({ SubnetId: subnet, ConnectivityType: 'private' }))).NatGateway!.NatGatewayId!;
    await h.advanceTo(start + 90 * 60_000);
    await c.send(new DeleteNatGatewayCommand({ NatGatewayId: nat }));
    await h.advanceTo(start + 5 * HOUR_MS);
    const invoice = await h.invoice(erin.key, month);
    expect(invoice.lines.filter((l) => l.product === 'nat-gateway')).toEqual([{
      lineId: 'nat-gateway/hours/aws-us-east-1-seed', product: 'nat-gateway', quantity: '2', unit: 'gateway-hour', unitPrice: '0.045', amount: '0.09',
      description: 'NAT gateway: $0.045 per NAT gateway-hour, billed per hour, partial hours rounded up (price book aws-us-east-1-seed)',
    }]);
    const report = (await h.usage(erin.key, { groupBy: 'type', from: iso(start), to: iso(start + 5 * HOUR_MS) })).usage;
    expect(report.filter((u: { product: string }) => u.product === 'nat-gateway')).toEqual([{ usageType: 'NatGateway-Hours', product: 'nat-gateway', unit: 'gateway-hour', quantity: '1.5' }]);
    // The failed gateway never took its Elastic IP: idle all 5 hours, 5 × $0.005 = $0.025 → $0.03.
    expect(invoice.lines.filter((l) => l.product === 'public-ipv4').map((l) => [l.lineId, l.quantity, l.amount])).toEqual([['public-ipv4/idle/aws-us-east-1-seed', '5', '0.03']]);
    // Another tenant's invoice has none of it.
    const daveInvoice = await h.invoice(dave.key, month).catch(() => ({ lines: [] as { product: string }[] }));
    expect(daveInvoice.lines.filter((l) => l.product === 'nat-gateway')).toEqual([]);
  });
});
