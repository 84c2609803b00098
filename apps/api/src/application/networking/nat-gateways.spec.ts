import { ApiError } from '../common/api-errors';
import {
  connectivityTypeOf, interfaceKind, NAT_GATEWAY_VISIBLE_MS, natGatewayState, natGatewayVisible, natRouteState, publicFailure, requireAllocationFor, routableNatGateway,
} from './nat-gateways';

const created = { readyAt: 60_000, failureCode: null, deleteRequestedAt: null, deletedAt: null };
const failed = { ...created, failureCode: 'Gateway.NotAttached' };
const deleting = { ...created, deleteRequestedAt: 120_000, deletedAt: 180_000 };

describe('NAT gateway rules', () => {
  it('states on the clock: pending until readyAt, then available (or failed); deleting until deletedAt, then deleted', () => {
    expect([0, 59_999, 60_000].map((now) => natGatewayState(created, now))).toEqual(['pending', 'pending', 'available']);
    expect([59_999, 60_000].map((now) => natGatewayState(failed, now))).toEqual(['pending', 'failed']);
    expect([120_000, 179_999, 180_000].map((now) => natGatewayState(deleting, now))).toEqual(['deleting', 'deleting', 'deleted']);
  });

  it('shows deleted and failed gateways for an hour after they became so', () => {
    expect(natGatewayVisible(deleting, 180_000 + NAT_GATEWAY_VISIBLE_MS - 1)).toBe(true);
    expect(natGatewayVisible(deleting, 180_000 + NAT_GATEWAY_VISIBLE_MS)).toBe(false);
    expect(natGatewayVisible(failed, 60_000 + NAT_GATEWAY_VISIBLE_MS - 1)).toBe(true);
    expect(natGatewayVisible(failed, 60_000 + NAT_GATEWAY_VISIBLE_MS)).toBe(false);
    expect(natGatewayVisible(created, 10 * NAT_GATEWAY_VISIBLE_MS)).toBe(true);
  });

  it('routes: a pending or available gateway is a target, active; failed, deleting, deleted or gone: not a target, blackhole', () => {
    expect([routableNatGateway(created, 0), routableNatGateway(created, 60_000)]).toEqual([true, true]);
    expect([routableNatGateway(failed, 60_000), routableNatGateway(deleting, 120_000)]).toEqual([false, false]);
    expect([natRouteState(created, 60_000), natRouteState(deleting, 120_000), natRouteState(deleting, 180_000), natRouteState(undefined, 0)]).toEqual(['active', 'blackhole', 'blackhole', 'blackhole']);
  });

  it("EC2's failures of a public gateway, the internet gateway first", () => {
    expect(publicFailure('vpc-1', false, 'eipalloc-1', true)).toEqual({ code: 'Gateway.NotAttached', message: 'Network vpc-1 has no Internet gateway attached' });
    expect(publicFailure('vpc-1', true, 'eipalloc-1', true)).toEqual({ code: 'Resource.AlreadyAssociated', message: 'Elastic IP address eipalloc-1 is already associated' });
    expect(publicFailure('vpc-1', true, 'eipalloc-1', false)).toBeUndefined();
  });

  it('ConnectivityType public by default; an allocation id for public only', () => {
    expect([connectivityTypeOf(undefined), connectivityTypeOf('public'), connectivityTypeOf('private')]).toEqual(['public', 'public', 'private']);
    expect(() => connectivityTypeOf('Public')).toThrow(ApiError);
    expect(() => requireAllocationFor('public', undefined)).toThrow(expect.objectContaining({ code: 'MissingParameter' }));
    expect(() => requireAllocationFor('private', 'eipalloc-1')).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
    expect(() => requireAllocationFor('public', 'eipalloc-1')).not.toThrow();
  });

  it("a NAT gateway's interface is nat_gateway, requester-managed and in use; another is interface, in use only when attached", () => {
    expect(interfaceKind({ origin: 'nat_gateway', instanceId: null })).toEqual({ interfaceType: 'nat_gateway', requesterManaged: true, status: 'in-use' });
    expect(interfaceKind({ origin: 'interface', instanceId: null })).toEqual({ interfaceType: 'interface', requesterManaged: false, status: 'available' });
    expect(interfaceKind({ origin: 'instance', instanceId: 'i-1' })).toEqual({ interfaceType: 'interface', requesterManaged: false, status: 'in-use' });
  });
});
