import { errorCodeOf } from '../common/testing/error-code';
import { DEFAULT_ROUTE, LOCAL_GATEWAY, routeDestination, routeState, vpcRoutingRows } from './routing';

/** The facts are the VPC User Guide's ("Default VPCs", "Route tables") and the EC2 API reference's (CreateRoute). */
describe('routing', () => {
  const codeOf = (f: () => unknown): string => errorCodeOf(f) ?? 'no error';

  it('a VPC is made with a main table and its local route; a default VPC also with an attached internet gateway and 0.0.0.0/0 to it', () => {
    const made = vpcRoutingRows({ id: 'vpc-0123456789abcdef0', tenantId: 't-1', cidrBlock: '10.0.0.0/16', isDefault: false }, 7);
    expect(made.gateway).toBeUndefined();
    expect(made.table).toMatchObject({ vpcId: 'vpc-0123456789abcdef0', tenantId: 't-1', mainAssociationId: expect.stringMatching(/^rtbassoc-[0-9a-f]{17}$/), createdAt: 7 });
    expect(made.routes.map((r) => [r.destinationCidrBlock, r.gatewayId, r.origin])).toEqual([['10.0.0.0/16', 'local', 'CreateRouteTable']]);

    const byDefault = vpcRoutingRows({ id: 'vpc-0123456789abcdef1', tenantId: 't-1', cidrBlock: '172.31.0.0/16', isDefault: true }, 7);
    expect(byDefault.gateway).toMatchObject({ id: expect.stringMatching(/^igw-[0-9a-f]{17}$/), vpcId: 'vpc-0123456789abcdef1' });
    expect(byDefault.routes.map((r) => [r.destinationCidrBlock, r.gatewayId])).toEqual([['172.31.0.0/16', 'local'], ['0.0.0.0/0', byDefault.gateway!.id]]);
    expect(byDefault.routes.every((r) => r.routeTableId === byDefault.table.id)).toBe(true);
  });

  it('a route is active to local or to the gateway attached to its VPC, else a blackhole', () => {
    expect(routeState({ gatewayId: LOCAL_GATEWAY }, undefined)).toBe('active');
    expect(routeState({ gatewayId: 'igw-1' }, 'igw-1')).toBe('active');
    expect(routeState({ gatewayId: 'igw-1' }, undefined)).toBe('blackhole');
    expect(routeState({ gatewayId: 'igw-1' }, 'igw-2')).toBe('blackhole');
  });

  it('a destination is a block with its host bits zero, outside the VPC\'s own block', () => {
    expect(routeDestination(DEFAULT_ROUTE, '10.0.0.0/16')).toBe('0.0.0.0/0');
    expect(routeDestination('192.168.0.0/16', '10.0.0.0/16')).toBe('192.168.0.0/16');
    // Wider than the VPC's block: it holds the VPC, but the local route is the more specific one.
    expect(routeDestination('10.0.0.0/8', '10.0.0.0/16')).toBe('10.0.0.0/8');
    for (const bad of ['192.168.0.1/16', '10.0.0.0', '10.0.0.0/33', 'x']) expect(codeOf(() => routeDestination(bad, '10.0.0.0/16'))).toBe('InvalidParameterValue');
    expect(codeOf(() => routeDestination('10.0.0.0/16', '10.0.0.0/16'))).toBe('InvalidParameterValue');
    expect(codeOf(() => routeDestination('10.0.3.0/24', '10.0.0.0/16'))).toBe('InvalidParameterValue');
  });
});
