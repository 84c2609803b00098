import { ApiError, notFound } from '../common/api-errors';
import type { VpcPeeringConnectionEntity } from '../../persistence/entities';
import { overlaps, parseCidr } from './cidr';
import { IdKind } from './describe-query';

/*
 * VPC peering connections' rules (EC2's CreateVpcPeeringConnection … DescribeVpcPeeringConnections;
 * docs/ec2-networking.md, "VPC peering connections"; the VPC Peering Guide's "VPC peering connection
 * lifecycle"). The status follows the engine clock from the times stored on the row: nothing is
 * scheduled.
 */

/**
 * Peering connection ids. EC2's error codes (API Reference, "Error codes"):
 * InvalidVpcPeeringConnectionId.Malformed and InvalidVpcPeeringConnectionID.NotFound (the casing
 * differs in EC2's list; Terraform matches the NotFound one as written).
 */
export const PEERING_ID: IdKind = {
  prefix: 'pcx', notFound: 'InvalidVpcPeeringConnectionID.NotFound', malformed: 'InvalidVpcPeeringConnectionId.Malformed', noun: 'vpcPeeringConnection ID',
};

/** A connection that is not the tenant's (or no longer shown to it): as a missing one. */
export const peeringNotFound = (id: string): ApiError => notFound(PEERING_ID.notFound, `The vpcPeeringConnection ID '${id}' does not exist`);

/** An unaccepted request expires after 7 days (API Reference, CreateVpcPeeringConnection). */
export const PEERING_EXPIRY_MS = 7 * 24 * 3_600_000;
/** Accepted, the connection is `provisioning` for a simulated 5 seconds, then `active` (Nimbus's choice; EC2 says only "will soon be active"). */
export const PEERING_PROVISIONING_MS = 5_000;
const HOURS_2 = 2 * 3_600_000;
const DAYS_2 = 2 * 24 * 3_600_000;

export type PeeringStatus = 'initiating-request' | 'pending-acceptance' | 'provisioning' | 'active' | 'failed' | 'expired' | 'rejected' | 'deleted';

type Row = Pick<VpcPeeringConnectionEntity,
  'requesterTenantId' | 'accepterTenantId' | 'accepterOwnerId' | 'failureMessage' | 'createdAt' | 'expiresAt' | 'acceptedAt' | 'rejectedAt' | 'deletedAt' | 'deletedBy'>;

/** The status at `now`: failed from creation when it failed; else deleted, rejected, accepted (provisioning then active), or pending until it expires. */
export function peeringStatus(c: Row, now: number): PeeringStatus {
  if (c.failureMessage !== null) return 'failed';
  if (c.deletedAt !== null) return 'deleted';
  if (c.rejectedAt !== null) return 'rejected';
  if (c.acceptedAt !== null) return now < c.acceptedAt + PEERING_PROVISIONING_MS ? 'provisioning' : 'active';
  return now < c.expiresAt ? 'pending-acceptance' : 'expired';
}

/** The status' message, as EC2 words it ("Pending Acceptance by 123456789012", "Active", …). */
export function peeringMessage(c: Row, status: PeeringStatus): string {
  switch (status) {
    case 'initiating-request': return `Initiating Request to ${c.accepterOwnerId}`;
    case 'pending-acceptance': return `Pending Acceptance by ${c.accepterOwnerId}`;
    case 'provisioning': return 'Provisioning';
    case 'active': return 'Active';
    case 'failed': return c.failureMessage!;
    case 'expired': return 'Expired';
    case 'rejected': return `Rejected by ${c.accepterOwnerId}`;
    case 'deleted': return `Deleted by ${c.deletedBy}`;
  }
}

/**
 * Whether the tenant still sees the connection (the Peering Guide's lifecycle): a failed one, the
 * requester only, for 2 hours; an expired one, both sides for 2 days; a rejected one, the requester
 * 2 days and the accepter 2 hours; a deleted one, the side that deleted it 2 hours and the other 2
 * days. Within one account the shorter time holds. Live connections: both sides.
 */
export function peeringVisibleTo(c: Row, tenantId: string, tenantAccount: string, now: number): boolean {
  const requester = c.requesterTenantId === tenantId;
  const accepter = c.accepterTenantId === tenantId;
  if (!requester && !accepter) return false;
  const sameAccount = c.requesterTenantId === c.accepterTenantId;
  switch (peeringStatus(c, now)) {
    case 'failed': return requester && now < c.createdAt + HOURS_2;
    case 'expired': return now < c.expiresAt + DAYS_2;
    case 'rejected': return now < c.rejectedAt! + (requester && !sameAccount ? DAYS_2 : HOURS_2);
    case 'deleted': return now < c.deletedAt! + (c.deletedBy === tenantAccount || sameAccount ? HOURS_2 : DAYS_2);
    default: return true;
  }
}

/** Accept and Reject act on a pending request only (EC2's InvalidStateTransition otherwise). */
export function requirePending(id: string, status: PeeringStatus): void {
  if (status !== 'pending-acceptance') throw new ApiError('InvalidStateTransition', `Invalid state transition for ${id}, attempted to transition from ${status}`);
}

/**
 * Only the accepter accepts or rejects (EC2's OperationNotPermitted for the requester of a request
 * to another account; within one account the requester is also the accepter).
 */
export function requireAccepter(c: Row, tenantId: string, account: string, action: 'accept' | 'reject', id: string): void {
  if (c.accepterTenantId !== tenantId) throw new ApiError('OperationNotPermitted', `User ${account} cannot ${action} peering ${id}`);
}

/**
 * DeleteVpcPeeringConnection (API Reference): either side while active (or provisioning); the
 * requester while pending acceptance; never a failed, rejected or expired one (InvalidStateTransition).
 */
export function requireDeletable(c: Row, tenantId: string, id: string, status: PeeringStatus): void {
  if (status === 'active' || status === 'provisioning') return;
  if (status === 'pending-acceptance' && c.requesterTenantId === tenantId) return;
  if (status === 'pending-acceptance') throw new ApiError('OperationNotPermitted', `Only the requester can delete pending-acceptance VPC peering connection ${id}; reject it instead`);
  throw new ApiError('InvalidStateTransition', `Invalid state transition for ${id}, attempted to transition from ${status} to deleted`);
}

/** Why a request fails when the peer VPC is the peer owner's: their IPv4 blocks overlap (API Reference: "a status of failed"). */
export function overlapFailure(requesterCidr: string, accepterCidr: string): string | null {
  return overlaps(parseCidr(requesterCidr)!, parseCidr(accepterCidr)!) ? 'Overlapping CIDRs' : null;
}

/** The failure when PeerVpcId is not a VPC of PeerOwnerId's account (no error: the request fails, as EC2 reports it, and says no more). */
export const peerVpcFailure = (vpcId: string, ownerId: string): string => `The VPC ${vpcId} does not exist in account ${ownerId}`;

/** A route to the connection is `active` only while the connection is; `blackhole` before (pending) and after (deleted, rejected, expired), as EC2 shows it. */
export const peeringRouteState = (c: Row | undefined, now: number): 'active' | 'blackhole' => (c !== undefined && peeringStatus(c, now) === 'active' ? 'active' : 'blackhole');

/** A route may target it while it is pending acceptance, provisioning or active (the Peering Guide: a route to a pending one is a blackhole until it is active). */
export const routablePeering = (c: Row, now: number): boolean => ['pending-acceptance', 'provisioning', 'active'].includes(peeringStatus(c, now));

/**
 * DeleteVpc and the VPC's connections (the Peering Guide, "Delete a VPC peering connection"):
 * deleting a VPC deletes its active (or provisioning) connections and the requests it made that
 * are still pending; a VPC with a pending request from another account cannot be deleted until
 * that request is rejected (`blocked`). The ids of the connections to mark deleted.
 */
export function peeringsEndingWithVpc(
  rows: readonly (Row & Pick<VpcPeeringConnectionEntity, 'id' | 'accepterVpcId'>)[], vpcId: string, now: number,
): { readonly blocked: boolean; readonly ending: readonly string[] } {
  const live = rows.map((c) => ({ c, status: peeringStatus(c, now) })).filter(({ status }) => ['pending-acceptance', 'provisioning', 'active'].includes(status));
  const blocked = live.some(({ c, status }) => status === 'pending-acceptance' && c.accepterVpcId === vpcId && c.requesterTenantId !== c.accepterTenantId);
  return { blocked, ending: live.map(({ c }) => c.id) };
}
