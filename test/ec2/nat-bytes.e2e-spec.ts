import {
  AllocateAddressCommand, AssociateRouteTableCommand, AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateNatGatewayCommand, CreateRouteCommand,
  CreateRouteTableCommand, CreateSubnetCommand, CreateVpcCommand, DeleteNatGatewayCommand, DescribeRouteTablesCommand, DisassociateRouteTableCommand, EC2Client, ReplaceRouteCommand,
  RunInstancesCommand, waitUntilNatGatewayAvailable,
} from '@aws-sdk/client-ec2';
import { LINUX_AMI } from '../support/app';
import { ec2BillingSuite, HOUR_MS, iso, Line } from '../support/billing';
import { ec2Tenant, Ec2Tenant } from './ec2-support';

const GB = 1e9;
/** Seconds to send `gb` GB at `mbps` megabits per second: 1,600 Mbps = 200 MB/s. */
const secondsFor = (gb: number, mbps: number) => (gb * GB * 8) / (mbps * 1e6);

/**
 * The bytes a NAT gateway processes, billed through the JS SDK (docs/model.md §5, "NAT gateways";
 * docs/ec2-networking.md): an instance in a private subnet whose route table sends 0.0.0.0/0 to an
 * available NAT gateway pays $0.045 per GB processed (Amazon VPC pricing, "Data Processing
 * charge") on top of its data transfer out, which is still billed; a route to the internet gateway,
 * or a deleted gateway, processes nothing; another tenant sees none of it; a restart keeps it.
 */
describe('NAT gateways: the bytes they process, billed', () => {
  const suite = ec2BillingSuite();
  const { h, client } = suite;
  let frank: Ec2Tenant;
  let grace: Ec2Tenant;
  let ec2: EC2Client;
  let month: string;
  let start: number;
  let natId: string;
  let igwId: string;
  let privateTable: string;
  let privateSubnet: string;
  let instanceId: string;

  const natLines = async (key: string) => (await h.invoice(key, month)).lines.filter((l: Line) => l.product === 'nat-gateway' && l.lineId.startsWith('nat-gateway/bytes/'));
  const lines = async (prefix: string) => (await h.invoice(frank.key, month)).lines.filter((l: Line) => l.lineId.startsWith(prefix)).map((l) => [l.lineId, l.quantity, l.unitPrice, l.amount]);
  /** `gb` GB to the internet from the instance at 1,600 Mbps, then silence. */
  const send = async (gb: number) => {
    await suite.app.as(frank.key).put(`/v1/instances/${instanceId}/workload`, { network: [{ to: 'internet', mbps: 1600 }] }).expect(200);
    await suite.app.advance(secondsFor(gb, 1600));
    await suite.app.as(frank.key).put(`/v1/instances/${instanceId}/workload`, { network: [] }).expect(200);
  };

  beforeAll(async () => {
    frank = await ec2Tenant(suite.app, 'natbytes-frank', { onDemandVcpus: 1000 });
    grace = await ec2Tenant(suite.app, 'natbytes-grace');
    ec2 = client(frank);
    [start, , month] = await h.nextMonth();
    // A VPC with an internet gateway, a NAT gateway in its public subnet, and a private subnet whose own table routes the internet to it.
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const publicSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    privateSubnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    natId = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: publicSubnet, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    privateTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateTable, SubnetId: privateSubnet }));
    const run = await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.24xlarge', MinCount: 1, MaxCount: 1, SubnetId: privateSubnet }));
    instanceId = run.Instances![0].InstanceId!;
    // Pending a simulated minute, then available; the instance booted (15 s) by then.
    await suite.app.advance(60);
    await waitUntilNatGatewayAvailable({ client: ec2, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { NatGatewayIds: [natId] });
  });

  it('bills 200 GB sent through an available NAT gateway twice: processed, 200 × $0.045 = $9.00, and out to the internet, 100 GB free then 100 × $0.09 = $9.00', async () => {
    await send(200);
    expect(await lines('nat-gateway/bytes/')).toEqual([['nat-gateway/bytes/aws-us-east-1-seed', '200', '0.045', '9.00']]);
    expect((await natLines(frank.key))[0]).toMatchObject({ unit: 'gb', description: 'NAT gateway data processed: $0.045 per GB, GB = 1000000000 bytes (price book aws-us-east-1-seed)' });
    expect(await lines('data-transfer/internet-out/')).toEqual([
      ['data-transfer/internet-out/tier1/aws-us-east-1-seed', '100', '0.00', '0.00'],
      ['data-transfer/internet-out/tier2/aws-us-east-1-seed', '100', '0.09', '9.00'],
    ]);
    const report = (await h.usage(frank.key, { groupBy: 'type', from: iso(start), to: iso(await h.nowMs() + 1) })).usage as { usageType: string; quantity: string }[];
    expect(report.filter((u) => u.usageType === 'NatGateway-Bytes' || u.usageType === 'DataTransfer-Out-Bytes')).toEqual([
      { usageType: 'DataTransfer-Out-Bytes', product: 'data-transfer', unit: 'gb', quantity: '200' },
      { usageType: 'NatGateway-Bytes', product: 'nat-gateway', unit: 'gb', quantity: '200' },
    ]);
  });

  it('another tenant\'s invoice shows none of it', async () => {
    const invoice = await h.invoice(grace.key, month).catch(() => ({ lines: [] as Line[] }));
    expect(invoice.lines.filter((l) => l.product === 'nat-gateway' || l.product === 'data-transfer')).toEqual([]);
  });

  it('keeps billing it across a restart: 10 GB more through the gateway are 210 GB processed, $9.45', async () => {
    // Past the UTC midnight, whose reading stores the counters (and the gateway that processed them), then a restart.
    await h.advanceTo(start + 24 * HOUR_MS);
    await suite.restart();
    ec2 = client(frank);
    expect(await lines('nat-gateway/bytes/')).toEqual([['nat-gateway/bytes/aws-us-east-1-seed', '200', '0.045', '9.00']]);
    await send(10);
    expect(await lines('nat-gateway/bytes/')).toEqual([['nat-gateway/bytes/aws-us-east-1-seed', '210', '0.045', '9.45']]);
    expect(await lines('data-transfer/internet-out/tier2/')).toEqual([['data-transfer/internet-out/tier2/aws-us-east-1-seed', '110', '0.09', '9.90']]);
  });

  it('processes nothing while the route goes to the internet gateway (only the transfer out grows), and again once it is back', async () => {
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId }));
    await send(10);
    expect(await lines('nat-gateway/bytes/')).toEqual([['nat-gateway/bytes/aws-us-east-1-seed', '210', '0.045', '9.45']]);
    expect(await lines('data-transfer/internet-out/tier2/')).toEqual([['data-transfer/internet-out/tier2/aws-us-east-1-seed', '120', '0.09', '10.80']]);
    // Back to the gateway: processed again (10 GB: 220 GB, $9.90).
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: privateTable, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: natId }));
    await send(10);
    expect(await lines('nat-gateway/bytes/')).toEqual([['nat-gateway/bytes/aws-us-east-1-seed', '220', '0.045', '9.90']]);
  });

  it('processes nothing after its subnet is disassociated (the VPC\'s main table has no NAT route), nor once the gateway is deleted', async () => {
    const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [privateTable] }));
    const associationId = RouteTables![0].Associations!.find((a) => a.SubnetId === privateSubnet)!.RouteTableAssociationId!;
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: associationId }));
    await send(10);
    expect(await lines('nat-gateway/bytes/')).toEqual([['nat-gateway/bytes/aws-us-east-1-seed', '220', '0.045', '9.90']]);
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateTable, SubnetId: privateSubnet }));
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: natId }));
    await send(10);
    expect(await lines('nat-gateway/bytes/')).toEqual([['nat-gateway/bytes/aws-us-east-1-seed', '220', '0.045', '9.90']]);
    // Every byte was still billed out: 200 + 5 × 10 = 250 GB, 150 past the free 100, × $0.09 = $13.50.
    expect(await lines('data-transfer/internet-out/tier2/')).toEqual([['data-transfer/internet-out/tier2/aws-us-east-1-seed', '150', '0.09', '13.50']]);
  });
});
