import { errorCodeOf } from '../common/testing/error-code';
import {
  overlapFailure, PEERING_EXPIRY_MS, PEERING_PROVISIONING_MS, peeringMessage, peeringRouteState, peeringsEndingWithVpc, peeringStatus, peeringVisibleTo,
  requireDeletable,
} from './vpc-peering';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Alice (account 111…) asks Bob (222…) at t = 0. */
const base = {
  id: 'pcx-1', requesterTenantId: 'alice', accepterTenantId: 'bob', accepterOwnerId: '222222222222', accepterVpcId: 'vpc-b', failureMessage: null,
  createdAt: 0, expiresAt: PEERING_EXPIRY_MS, acceptedAt: null, rejectedAt: null, deletedAt: null, deletedBy: null,
} as const;

describe('VPC peering rules', () => {
  it('status by the clock: pending for 7 days (604,800,000 ms) then expired; accepted: provisioning 5 s then active', () => {
    expect(PEERING_EXPIRY_MS).toBe(604_800_000);
    expect(peeringStatus(base, PEERING_EXPIRY_MS - 1)).toBe('pending-acceptance');
    expect(peeringStatus(base, PEERING_EXPIRY_MS)).toBe('expired');
    const accepted = { ...base, acceptedAt: 1000 };
    expect(peeringStatus(accepted, 1000 + PEERING_PROVISIONING_MS - 1)).toBe('provisioning');
    expect(peeringStatus(accepted, 6000)).toBe('active');
    // Accepted before expiry, it stays active after the 7 days.
    expect(peeringStatus(accepted, 30 * DAY)).toBe('active');
    expect(peeringStatus({ ...accepted, deletedAt: 9000, deletedBy: '111111111111' }, 9000)).toBe('deleted');
    expect(peeringMessage(base, 'pending-acceptance')).toBe('Pending Acceptance by 222222222222');
  });

  it('visibility: rejected 2 days to the requester, 2 hours to the accepter; deleted 2 hours to the deleter, 2 days to the other; no third tenant', () => {
    const rejected = { ...base, rejectedAt: 0 };
    expect(peeringVisibleTo(rejected, 'alice', '111111111111', 2 * DAY - 1)).toBe(true);
    expect(peeringVisibleTo(rejected, 'alice', '111111111111', 2 * DAY)).toBe(false);
    expect(peeringVisibleTo(rejected, 'bob', '222222222222', 2 * HOUR - 1)).toBe(true);
    expect(peeringVisibleTo(rejected, 'bob', '222222222222', 2 * HOUR)).toBe(false);
    const deleted = { ...base, acceptedAt: 0, deletedAt: 0, deletedBy: '222222222222' };
    expect(peeringVisibleTo(deleted, 'bob', '222222222222', 2 * HOUR)).toBe(false);
    expect(peeringVisibleTo(deleted, 'alice', '111111111111', 2 * HOUR)).toBe(true);
    expect(peeringVisibleTo(base, 'carol', '333333333333', 0)).toBe(false);
    // Failed: the requester only, 2 hours.
    const failed = { ...base, failureMessage: 'Overlapping CIDRs' };
    expect(peeringVisibleTo(failed, 'bob', '222222222222', 0)).toBe(false);
    expect([peeringVisibleTo(failed, 'alice', '111111111111', 2 * HOUR - 1), peeringVisibleTo(failed, 'alice', '111111111111', 2 * HOUR)]).toEqual([true, false]);
  });

  it('overlap: 10.0.0.0/16 and 10.0.128.0/17 overlap, 10.0.0.0/16 and 10.1.0.0/16 do not', () => {
    expect(overlapFailure('10.0.0.0/16', '10.0.128.0/17')).toBe('Overlapping CIDRs');
    expect(overlapFailure('10.0.0.0/16', '10.1.0.0/16')).toBeNull();
  });

  it('delete: either side while active, only the requester while pending; a rejected one never', () => {
    expect(() => requireDeletable(base, 'alice', 'pcx-1', 'pending-acceptance')).not.toThrow();
    expect(errorCodeOf(() => requireDeletable(base, 'bob', 'pcx-1', 'pending-acceptance'))).toBe('OperationNotPermitted');
    expect(() => requireDeletable(base, 'bob', 'pcx-1', 'active')).not.toThrow();
    expect(errorCodeOf(() => requireDeletable(base, 'alice', 'pcx-1', 'rejected'))).toBe('InvalidStateTransition');
  });

  it('routes: active only while the connection is; blackhole when pending or gone', () => {
    expect(peeringRouteState(base, 0)).toBe('blackhole');
    expect(peeringRouteState({ ...base, acceptedAt: 0 }, PEERING_PROVISIONING_MS)).toBe('active');
    expect(peeringRouteState(undefined, 0)).toBe('blackhole');
  });

  it('DeleteVpc: ends active ones and its own pending requests; a pending request to it from another account blocks it', () => {
    const active = { ...base, id: 'pcx-a', acceptedAt: 0 };
    const asked = { ...base, id: 'pcx-p' };
    expect(peeringsEndingWithVpc([active, asked], 'vpc-a', PEERING_PROVISIONING_MS)).toEqual({ blocked: false, ending: ['pcx-a', 'pcx-p'] });
    expect(peeringsEndingWithVpc([active, asked], 'vpc-b', PEERING_PROVISIONING_MS).blocked).toBe(true);
    expect(peeringsEndingWithVpc([{ ...asked, accepterTenantId: 'alice' }], 'vpc-b', 0)).toEqual({ blocked: false, ending: ['pcx-p'] });
  });
});
