import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { NatGatewayEntity, NetworkInterfaceEntity } from '../../persistence/entities';
import { IdKind } from './describe-query';

/*
 * NAT gateways' rules (EC2's CreateNatGateway, DescribeNatGateways, DeleteNatGateway; docs/ec2-networking.md,
 * "NAT gateways"). Their states follow the engine clock from the times stored on the row, as images'
 * pending → available do: nothing is scheduled.
 */

/**
 * NAT gateway ids. EC2's error codes (API Reference, "Error codes"): NatGatewayMalformed ("Ensure
 * that you specify the NAT gateway ID in the form nat-xxxxxxxxxxxxxxxxx") and NatGatewayNotFound.
 */
export const NAT_GATEWAY_ID: IdKind = { prefix: 'nat', notFound: 'NatGatewayNotFound', malformed: 'NatGatewayMalformed', noun: 'NAT gateway ID' };

/** EC2's words for a NAT gateway that is not the tenant's, as clients report them: "NAT gateway nat-… was not found". */
export const natGatewayNotFound = (id: string): ApiError => notFound(NAT_GATEWAY_ID.notFound, `NAT gateway ${id} was not found`);

/**
 * A route's target that is not a usable NAT gateway (missing, another tenant's, failed, deleting or
 * deleted): CreateRoute's and ReplaceRoute's words, as clients report them: "InvalidNatGatewayID.NotFound:
 * The natGateway ID 'nat-…' does not exist".
 */
export const natGatewayTargetNotFound = (id: string): ApiError => notFound('InvalidNatGatewayID.NotFound', `The natGateway ID '${id}' does not exist`);

/** Pending to available (or failed): a simulated minute (EC2 takes "a few minutes"; Nimbus's choice). */
export const NAT_GATEWAY_PENDING_MS = 60_000;
/** Deleting to deleted: a simulated minute. */
export const NAT_GATEWAY_DELETING_MS = 60_000;
/** A deleted or failed gateway stays visible for an hour, as EC2 shows them ("about an hour"), then is gone from Describe. */
export const NAT_GATEWAY_VISIBLE_MS = 3_600_000;

/** The interfaces' origin (network_interfaces.origin) for a NAT gateway's: interfaceType `nat_gateway`, requester-managed. */
export const NAT_INTERFACE_ORIGIN = 'nat_gateway';

export type NatGatewayState = 'pending' | 'available' | 'failed' | 'deleting' | 'deleted';
export type ConnectivityType = 'public' | 'private';

type StateFields = Pick<NatGatewayEntity, 'readyAt' | 'failureCode' | 'deleteRequestedAt' | 'deletedAt'>;

/** A gateway's state at `now`: deleting then deleted once asked; else pending until readyAt, then failed (a failure decided at creation) or available. */
export function natGatewayState(g: StateFields, now: number): NatGatewayState {
  if (g.deleteRequestedAt !== null) return now < g.deletedAt! ? 'deleting' : 'deleted';
  if (now < g.readyAt) return 'pending';
  return g.failureCode !== null ? 'failed' : 'available';
}

/** Whether Describe still shows it: deleted and failed gateways for NAT_GATEWAY_VISIBLE_MS after they became so. */
export function natGatewayVisible(g: StateFields, now: number): boolean {
  const state = natGatewayState(g, now);
  if (state === 'deleted') return now < g.deletedAt! + NAT_GATEWAY_VISIBLE_MS;
  if (state === 'failed') return now < g.readyAt + NAT_GATEWAY_VISIBLE_MS;
  return true;
}

/** Whether a route may target it (CreateRoute, ReplaceRoute): pending or available. */
export const routableNatGateway = (g: StateFields, now: number): boolean => ['pending', 'available'].includes(natGatewayState(g, now));

/** A route to it is `active` while it is pending or available, `blackhole` once it failed, is deleting or deleted, as EC2 shows it. */
export const natRouteState = (g: StateFields | undefined, now: number): 'active' | 'blackhole' => (g !== undefined && routableNatGateway(g, now) ? 'active' : 'blackhole');

/** `ConnectivityType`: public (the default) or private. */
export function connectivityTypeOf(text: string | undefined): ConnectivityType {
  if (text === undefined || text === 'public' || text === 'private') return text ?? 'public';
  throw invalidParameter(`Value (${text.slice(0, 40)}) for parameter connectivityType is invalid. Valid values: public, private`);
}

/** A public gateway needs an Elastic IP's allocation id; a private one takes none (API Reference, AllocationId: "You cannot specify an Elastic IP address with a private NAT gateway"). */
export function requireAllocationFor(type: ConnectivityType, allocationId: string | undefined): void {
  if (type === 'public' && allocationId === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter AllocationId (a public NAT gateway needs an Elastic IP)');
  if (type === 'private' && allocationId !== undefined) throw invalidParameter('You cannot specify an Elastic IP address (allocationId) with a private NAT gateway');
}

/**
 * Why a public gateway fails, decided at creation (EC2's failureCode and failureMessage, DescribeNatGateways):
 * no internet gateway attached to the VPC, or its Elastic IP associated elsewhere.
 */
export function publicFailure(vpcId: string, internetGatewayAttached: boolean, allocationId: string, eipAssociated: boolean): { readonly code: string; readonly message: string } | undefined {
  if (!internetGatewayAttached) return { code: 'Gateway.NotAttached', message: `Network ${vpcId} has no Internet gateway attached` };
  if (eipAssociated) return { code: 'Resource.AlreadyAssociated', message: `Elastic IP address ${allocationId} is already associated` };
  return undefined;
}

/** EC2's failure for a subnet with no free address. */
export const NO_FREE_ADDRESS = { code: 'InsufficientFreeAddressesInSubnet', message: 'Subnet has insufficient free addresses to create this NAT gateway' } as const;

/** The description EC2 gives a NAT gateway's interface. */
export const natInterfaceDescription = (natGatewayId: string): string => `Interface for NAT Gateway ${natGatewayId}`;

/** An interface as DescribeNetworkInterfaces types it: a NAT gateway's is `nat_gateway` and requester-managed, in use; the others `interface`. */
export function interfaceKind(n: Pick<NetworkInterfaceEntity, 'origin' | 'instanceId'>): { readonly interfaceType: string; readonly requesterManaged: boolean; readonly status: 'in-use' | 'available' } {
  const nat = n.origin === NAT_INTERFACE_ORIGIN;
  return { interfaceType: nat ? 'nat_gateway' : 'interface', requesterManaged: nat, status: nat || n.instanceId ? 'in-use' : 'available' };
}
