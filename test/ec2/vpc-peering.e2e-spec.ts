import {
  AcceptVpcPeeringConnectionCommand, CreateRouteCommand, CreateRouteTableCommand, CreateTagsCommand, CreateVpcCommand, CreateVpcPeeringConnectionCommand,
  DeleteVpcCommand, DeleteVpcPeeringConnectionCommand, DescribeRouteTablesCommand, DescribeTagsCommand, DescribeVpcPeeringConnectionsCommand, EC2Client,
  ModifyVpcPeeringConnectionOptionsCommand, RejectVpcPeeringConnectionCommand, ReplaceRouteCommand, VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { ec2BillingSuite } from '../support/billing';
import { ec2Tenant, Ec2Tenant, missing, sameAsMissing, codeOf } from './ec2-support';

const DAY_S = 24 * 3600;

/**
 * VPC peering connections through the JS SDK (docs/ec2-networking.md, "VPC peering connections"):
 * two tenants peering (alice asks, bob accepts), only the accepter accepts, a third tenant finds
 * nothing, overlapping blocks fail, routes to a connection and their blackhole after it is
 * deleted, expiry on the simulated clock, each side's own tags, DeleteVpc, a restart, bad input.
 */
describe('VPC peering connections through the JS SDK', () => {
  const suite = ec2BillingSuite();
  const { client } = suite;
  let alice: Ec2Tenant;
  let bob: Ec2Tenant;
  let carol: Ec2Tenant;
  let ec2: EC2Client;
  let bobEc2: EC2Client;
  let carolEc2: EC2Client;
  let aliceVpc: string;
  let bobVpc: string;
  let bobOverlapping: string;
  let pcxId: string;
  let tableId: string;

  const peerings = async (c: EC2Client, input: ConstructorParameters<typeof DescribeVpcPeeringConnectionsCommand>[0] = {}) =>
    (await c.send(new DescribeVpcPeeringConnectionsCommand(input))).VpcPeeringConnections!;
  const peering = async (c: EC2Client, id: string): Promise<VpcPeeringConnection> => (await peerings(c, { VpcPeeringConnectionIds: [id] }))[0];
  const request = (c: EC2Client, VpcId: string, PeerVpcId: string, PeerOwnerId?: string) =>
    c.send(new CreateVpcPeeringConnectionCommand({ VpcId, PeerVpcId, PeerOwnerId }));
  const routes = async (c: EC2Client, id: string) => (await c.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))).RouteTables![0].Routes!;

  beforeAll(async () => {
    alice = await ec2Tenant(suite.app, 'pcx-alice');
    bob = await ec2Tenant(suite.app, 'pcx-bob');
    carol = await ec2Tenant(suite.app, 'pcx-carol');
    [ec2, bobEc2, carolEc2] = [client(alice), client(bob), client(carol)];
    aliceVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    bobVpc = (await bobEc2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    bobOverlapping = (await bobEc2.send(new CreateVpcCommand({ CidrBlock: '10.0.128.0/17' }))).Vpc!.VpcId!;
    tableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: aliceVpc }))).RouteTable!.RouteTableId!;
  });

  it('CreateVpcPeeringConnection to another account: initiating-request, then pending acceptance by the peer, seen by both tenants with their own tags', async () => {
    const created = (await ec2.send(new CreateVpcPeeringConnectionCommand({
      VpcId: aliceVpc, PeerVpcId: bobVpc, PeerOwnerId: bob.accountId,
      TagSpecifications: [{ ResourceType: 'vpc-peering-connection', Tags: [{ Key: 'Name', Value: 'alice-side' }] }],
    }))).VpcPeeringConnection!;
    pcxId = created.VpcPeeringConnectionId!;
    expect(pcxId).toMatch(/^pcx-[0-9a-f]{17}$/);
    expect(created.Status).toEqual({ Code: 'initiating-request', Message: `Initiating Request to ${bob.accountId}` });
    expect(created.RequesterVpcInfo).toMatchObject({ VpcId: aliceVpc, OwnerId: alice.accountId, CidrBlock: '10.0.0.0/16', Region: 'us-east-1' });
    expect(created.AccepterVpcInfo).toMatchObject({ VpcId: bobVpc, OwnerId: bob.accountId, Region: 'us-east-1' });
    // The accepter's block is shown once the connection is active.
    expect(created.AccepterVpcInfo!.CidrBlock).toBeUndefined();
    expect(created.Tags).toEqual([{ Key: 'Name', Value: 'alice-side' }]);

    const mine = await peering(ec2, pcxId);
    expect(mine.Status).toEqual({ Code: 'pending-acceptance', Message: `Pending Acceptance by ${bob.accountId}` });
    expect(mine.ExpirationTime!.getTime() - created.ExpirationTime!.getTime()).toBe(0);
    const theirs = await peering(bobEc2, pcxId);
    expect(theirs.Status!.Code).toBe('pending-acceptance');
    // Tags are each account's own: bob sees none of alice's, and his are not hers.
    expect(theirs.Tags).toEqual([]);
    await bobEc2.send(new CreateTagsCommand({ Resources: [pcxId], Tags: [{ Key: 'Name', Value: 'bob-side' }] }));
    expect((await peering(bobEc2, pcxId)).Tags).toEqual([{ Key: 'Name', Value: 'bob-side' }]);
    expect((await peering(ec2, pcxId)).Tags).toEqual([{ Key: 'Name', Value: 'alice-side' }]);
    const tags = (await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [pcxId] }] }))).Tags!;
    expect(tags).toEqual([{ ResourceId: pcxId, ResourceType: 'vpc-peering-connection', Key: 'Name', Value: 'alice-side' }]);
  });

  it('a third tenant finds nothing: Describe, Accept, Reject, Delete and CreateTags answer as for a missing connection', async () => {
    expect(await peerings(carolEc2)).toEqual([]);
    const code = await sameAsMissing(
      () => carolEc2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcxId] })),
      () => carolEc2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [missing(pcxId)] })), pcxId,
    );
    expect(code).toBe('InvalidVpcPeeringConnectionID.NotFound');
    for (const send of [
      (id: string) => carolEc2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })),
      (id: string) => carolEc2.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })),
      (id: string) => carolEc2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })),
    ]) expect(await sameAsMissing(() => send(pcxId), () => send(missing(pcxId)), pcxId)).toBe('InvalidVpcPeeringConnectionID.NotFound');
    expect(await codeOf(carolEc2.send(new CreateTagsCommand({ Resources: [pcxId], Tags: [{ Key: 'a', Value: 'b' }] })))).toBe('InvalidVpcPeeringConnectionID.NotFound');
  });

  it('a route to a pending connection is a blackhole; only the accepter accepts; provisioning then active, and the route is active', async () => {
    await ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: pcxId }));
    expect((await routes(ec2, tableId)).find((r) => r.DestinationCidrBlock === '10.1.0.0/16')).toMatchObject({ VpcPeeringConnectionId: pcxId, State: 'blackhole' });
    expect(await codeOf(ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId })))).toBe('OperationNotPermitted');
    expect(await codeOf(ec2.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId })))).toBe('OperationNotPermitted');
    // The accepter cannot delete a pending request: it rejects it.
    expect(await codeOf(bobEc2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId })))).toBe('OperationNotPermitted');

    const accepted = (await bobEc2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId }))).VpcPeeringConnection!;
    expect(accepted.Status).toEqual({ Code: 'provisioning', Message: 'Provisioning' });
    expect(accepted.Tags).toEqual([{ Key: 'Name', Value: 'bob-side' }]);
    expect(await codeOf(bobEc2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId })))).toBe('InvalidStateTransition');
    await suite.app.advance(5);
    const active = await peering(ec2, pcxId);
    expect(active.Status).toEqual({ Code: 'active', Message: 'Active' });
    expect(active.AccepterVpcInfo).toMatchObject({ CidrBlock: '10.1.0.0/16', CidrBlockSet: [{ CidrBlock: '10.1.0.0/16' }], PeeringOptions: { AllowDnsResolutionFromRemoteVpc: false } });
    expect(active.ExpirationTime).toBeUndefined();
    expect((await routes(ec2, tableId)).find((r) => r.DestinationCidrBlock === '10.1.0.0/16')!.State).toBe('active');
    // The accepter routes to it from its own VPC's tables.
    const bobTable = (await bobEc2.send(new CreateRouteTableCommand({ VpcId: bobVpc }))).RouteTable!.RouteTableId!;
    await bobEc2.send(new CreateRouteCommand({ RouteTableId: bobTable, DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: pcxId }));
    expect((await routes(bobEc2, bobTable)).find((r) => r.DestinationCidrBlock === '10.0.0.0/16')!.State).toBe('active');
    // Not from a VPC that is not its side.
    expect(await codeOf(bobEc2.send(new CreateRouteCommand({ RouteTableId: (await bobEc2.send(new CreateRouteTableCommand({ VpcId: bobOverlapping }))).RouteTable!.RouteTableId!, DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: pcxId })))).toBe('InvalidParameterValue');
  });

  it('filters and pages: by status, by either side, by tag; DescribeRouteTables by route.vpc-peering-connection-id', async () => {
    const ids = async (c: EC2Client, Name: string, Values: string[]) => (await peerings(c, { Filters: [{ Name, Values }] })).map((p) => p.VpcPeeringConnectionId);
    expect(await ids(ec2, 'status-code', ['active'])).toEqual([pcxId]);
    expect(await ids(bobEc2, 'requester-vpc-info.owner-id', [alice.accountId])).toEqual([pcxId]);
    expect(await ids(bobEc2, 'accepter-vpc-info.vpc-id', [bobVpc])).toEqual([pcxId]);
    expect(await ids(ec2, 'accepter-vpc-info.cidr-block', ['10.1.0.0/16'])).toEqual([pcxId]);
    expect(await ids(ec2, 'tag:Name', ['bob-side'])).toEqual([]);
    expect(await ids(bobEc2, 'tag:Name', ['bob-side'])).toEqual([pcxId]);
    expect(await ids(ec2, 'tag-key', ['Name'])).toEqual([pcxId]);
    const tables = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.vpc-peering-connection-id', Values: [pcxId] }] }))).RouteTables!;
    expect(tables.map((t) => t.RouteTableId)).toEqual([tableId]);
    const second = (await request(ec2, aliceVpc, bobVpc, bob.accountId)).VpcPeeringConnection!.VpcPeeringConnectionId!;
    const first = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ MaxResults: 5 }));
    expect(first.VpcPeeringConnections!.length).toBe(2);
    await bobEc2.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: second }));
    expect((await peering(ec2, second)).Status).toEqual({ Code: 'rejected', Message: `Rejected by ${bob.accountId}` });
    // Rejected: the accepter sees it 2 hours, the requester 2 days.
    await suite.app.advance(2 * 3600);
    expect((await peerings(bobEc2)).map((p) => p.VpcPeeringConnectionId)).toEqual([pcxId]);
    expect((await peerings(ec2)).map((p) => p.VpcPeeringConnectionId).sort()).toEqual([pcxId, second].sort());
    expect(await codeOf(ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: second })))).toBe('InvalidStateTransition');
  });

  it('overlapping blocks fail the request (the requester sees it failed, the peer nothing); a PeerVpcId the peer does not own fails alike, revealing nothing', async () => {
    const failed = (await request(ec2, aliceVpc, bobOverlapping, bob.accountId)).VpcPeeringConnection!;
    expect(failed.Status!.Code).toBe('failed');
    expect((await peering(ec2, failed.VpcPeeringConnectionId!)).Status).toEqual({ Code: 'failed', Message: 'Overlapping CIDRs' });
    expect(await codeOf(peering(bobEc2, failed.VpcPeeringConnectionId!))).toBe('InvalidVpcPeeringConnectionID.NotFound');
    // Carol's VPC named as bob's, and a VPC no one has: the same failure, words but for the id.
    const carolVpc = (await carolEc2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
    const notBobs = (await request(ec2, aliceVpc, carolVpc, bob.accountId)).VpcPeeringConnection!;
    const nobody = (await request(ec2, aliceVpc, missing(carolVpc), bob.accountId)).VpcPeeringConnection!;
    expect(notBobs.Status!.Code).toBe('failed');
    expect(notBobs.Status!.Message!.replace(carolVpc, 'VPC')).toBe(nobody.Status!.Message!.replace(missing(carolVpc), 'VPC'));
    expect(await peerings(carolEc2)).toEqual([]);
    // An account no tenant has: failed too.
    expect((await request(ec2, aliceVpc, bobVpc, '999999999999')).VpcPeeringConnection!.Status!.Code).toBe('failed');
    // Failed ones cannot be deleted; they are gone after 2 hours.
    expect(await codeOf(ec2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: notBobs.VpcPeeringConnectionId })))).toBe('InvalidStateTransition');
    await suite.app.advance(2 * 3600);
    expect((await peerings(ec2, { Filters: [{ Name: 'status-code', Values: ['failed'] }] }))).toEqual([]);
  });

  it('an unaccepted request expires after 7 simulated days and is shown 2 days more', async () => {
    const id = (await request(ec2, aliceVpc, bobVpc, bob.accountId)).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await suite.app.advance(7 * DAY_S - 1);
    expect((await peering(bobEc2, id)).Status!.Code).toBe('pending-acceptance');
    await suite.app.advance(1);
    expect((await peering(bobEc2, id)).Status).toEqual({ Code: 'expired', Message: 'Expired' });
    expect(await codeOf(bobEc2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })))).toBe('InvalidStateTransition');
    await suite.app.advance(2 * DAY_S);
    expect(await codeOf(peering(ec2, id))).toBe('InvalidVpcPeeringConnectionID.NotFound');
  });

  it('keeps its connections, tags and routes across a restart', async () => {
    await suite.restart();
    [ec2, bobEc2] = [client(alice), client(bob)];
    const p = await peering(bobEc2, pcxId);
    expect(p.Status!.Code).toBe('active');
    expect(p.Tags).toEqual([{ Key: 'Name', Value: 'bob-side' }]);
    expect((await routes(ec2, tableId)).find((r) => r.DestinationCidrBlock === '10.1.0.0/16')).toMatchObject({ VpcPeeringConnectionId: pcxId, State: 'active' });
  });

  it('DeleteVpcPeeringConnection by the accepter: deleted, the routes blackholes, no new route to it; the deleter sees it 2 hours, the other 2 days', async () => {
    await bobEc2.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcxId }));
    expect((await peering(ec2, pcxId)).Status).toEqual({ Code: 'deleted', Message: `Deleted by ${bob.accountId}` });
    expect((await routes(ec2, tableId)).find((r) => r.DestinationCidrBlock === '10.1.0.0/16')!.State).toBe('blackhole');
    expect(await codeOf(ec2.send(new ReplaceRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: pcxId })))).toBe('InvalidVpcPeeringConnectionID.NotFound');
    await suite.app.advance(2 * 3600);
    expect(await codeOf(peering(bobEc2, pcxId))).toBe('InvalidVpcPeeringConnectionID.NotFound');
    expect((await peering(ec2, pcxId)).Status!.Code).toBe('deleted');
  });

  it('DeleteVpc: refused while another account\'s request to it is pending; it deletes its active connections', async () => {
    const dVpc = (await bobEc2.send(new CreateVpcCommand({ CidrBlock: '10.5.0.0/16' }))).Vpc!.VpcId!;
    const pending = (await request(ec2, aliceVpc, dVpc, bob.accountId)).VpcPeeringConnection!.VpcPeeringConnectionId!;
    expect(await codeOf(bobEc2.send(new DeleteVpcCommand({ VpcId: dVpc })))).toBe('DependencyViolation');
    await bobEc2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pending }));
    await suite.app.advance(5);
    await bobEc2.send(new DeleteVpcCommand({ VpcId: dVpc }));
    expect((await peering(ec2, pending)).Status).toEqual({ Code: 'deleted', Message: `Deleted by ${bob.accountId}` });
  });

  it('bad input: malformed ids, a missing VPC of the caller, a bad PeerOwnerId, another region, ModifyVpcPeeringConnectionOptions, DryRun', async () => {
    expect(await codeOf(peering(ec2, 'pcx-nope'))).toBe('InvalidVpcPeeringConnectionId.Malformed');
    expect(await codeOf(request(ec2, 'vpc-zz', bobVpc, bob.accountId))).toBe('InvalidVpcID.Malformed');
    expect(await codeOf(request(ec2, missing(aliceVpc), bobVpc, bob.accountId))).toBe('InvalidVpcID.NotFound');
    // Bob's VPC is not alice's: within her own account it is not found.
    expect(await codeOf(request(ec2, aliceVpc, bobVpc))).toBe('InvalidVpcID.NotFound');
    expect(await codeOf(request(ec2, aliceVpc, bobVpc, '12345'))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: aliceVpc, PeerVpcId: bobVpc, PeerRegion: 'eu-west-1' })))).toBe('UnsupportedOperation');
    expect(await codeOf(ec2.send(new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: pcxId, RequesterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true } })))).toBe('UnsupportedOperation');
    expect(await codeOf(ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: aliceVpc, PeerVpcId: bobVpc, PeerOwnerId: bob.accountId, DryRun: true })))).toBe('DryRunOperation');
    expect(await codeOf(ec2.send(new CreateRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '10.7.0.0/16', VpcPeeringConnectionId: pcxId, NatGatewayId: 'nat-0123456789abcdef0' })))).toBe('InvalidParameterCombination');
  });
});
