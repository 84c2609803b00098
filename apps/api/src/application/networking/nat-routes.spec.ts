import type { NatGatewayEntity } from '../../persistence/entities';
import type { NatRoutingRows } from '../../persistence/routing.repository';
import { natGatewayProcessingAt, natGatewaysBySubnet } from './nat-routes';

const gateway = (id: string, change: Partial<NatGatewayEntity> = {}): NatGatewayEntity => ({
  id, tenantId: 't-1', vpcId: 'vpc-1', subnetId: 'subnet-pub', connectivityType: 'public', allocationId: 'eipalloc-1', publicIp: '3.80.0.1', networkInterfaceId: 'eni-1',
  privateIp: '10.0.0.4', failureCode: null, failureMessage: null, createdAt: 0, readyAt: 60_000, deleteRequestedAt: null, deletedAt: null, ...change,
});

/**
 * VPC vpc-1: its main table rtb-main routes 0.0.0.0/0 to nat-1; rtb-private (explicit for
 * subnet-a) to nat-2; subnet-b has no explicit table (the main one); subnet-c is explicitly on
 * rtb-igw, which has no NAT route (routes to an internet gateway are not among the rows). VPC
 * vpc-2's main table has no NAT route; its subnet-d is explicitly on rtb-failed, whose gateway failed.
 */
const rows: NatRoutingRows = {
  routes: [{ routeTableId: 'rtb-main', gatewayId: 'nat-1' }, { routeTableId: 'rtb-private', gatewayId: 'nat-2' }, { routeTableId: 'rtb-failed', gatewayId: 'nat-3' }],
  tables: [{ id: 'rtb-main', vpcId: 'vpc-1', mainAssociationId: 'rtbassoc-main' }, { id: 'rtb-private', vpcId: 'vpc-1', mainAssociationId: null }, { id: 'rtb-failed', vpcId: 'vpc-2', mainAssociationId: null }],
  subnets: [{ id: 'subnet-a', vpcId: 'vpc-1' }, { id: 'subnet-b', vpcId: 'vpc-1' }, { id: 'subnet-c', vpcId: 'vpc-1' }, { id: 'subnet-d', vpcId: 'vpc-2' }, { id: 'subnet-e', vpcId: 'vpc-2' }],
  associations: [{ routeTableId: 'rtb-private', subnetId: 'subnet-a' }, { routeTableId: 'rtb-igw', subnetId: 'subnet-c' }, { routeTableId: 'rtb-failed', subnetId: 'subnet-d' }],
  gateways: [gateway('nat-1'), gateway('nat-2'), gateway('nat-3', { failureCode: 'Gateway.NotAttached', failureMessage: 'Network vpc-2 has no Internet gateway attached' })],
};

describe('which NAT gateway processes a subnet\'s internet-bound bytes', () => {
  const sut = natGatewaysBySubnet(rows);

  it('the explicit association\'s table beats the main one; a subnet with none follows the main table', () => {
    expect(sut.get('subnet-a')?.id).toBe('nat-2');
    expect(sut.get('subnet-b')?.id).toBe('nat-1');
  });

  it('a table whose default route goes to an internet gateway, or a main table with no NAT route: none; a failed gateway: none', () => {
    expect(sut.has('subnet-c')).toBe(false);
    expect(sut.has('subnet-e')).toBe(false);
    expect(sut.has('subnet-d')).toBe(false);
    expect([...sut.keys()].sort()).toEqual(['subnet-a', 'subnet-b']);
  });

  it('no route to a NAT gateway anywhere: none at all', () => {
    expect(natGatewaysBySubnet({ routes: [], tables: [], subnets: [], associations: [], gateways: [] }).size).toBe(0);
  });

  it('processes only while available: not while pending (before readyAt), nor once deleting or deleted', () => {
    const g = gateway('nat-1');
    expect([0, 59_999, 60_000, 10_000_000].map((t) => natGatewayProcessingAt(g, t))).toEqual([undefined, undefined, 'nat-1', 'nat-1']);
    const deleting = gateway('nat-1', { deleteRequestedAt: 120_000, deletedAt: 180_000 });
    expect([119_999, 120_000, 180_000].map((t) => natGatewayProcessingAt(deleting, t))).toEqual(['nat-1', undefined, undefined]);
  });
});
