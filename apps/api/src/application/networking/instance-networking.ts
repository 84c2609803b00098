import type { Image, InstanceType } from '@nimbus/hypervisor';
import type { Tx } from '../../persistence/tx';
import type { HeldPublicIp } from '../../persistence/networking.repository';

/**
 * The seam between instances and their network (EC2's VPC, subnets, security groups, network
 * interfaces). InstancesService calls an `InstanceNetworking` inside a launch's, a describe's and a
 * termination's transaction; the networking feature (application/networking) implements it. Both
 * protocols (REST and EC2 Query) reach it only through InstancesService.
 */

/** A security group as an instance or interface shows it (`groupSet`). */
export interface GroupRef {
  readonly groupId: string;
  readonly groupName: string;
}

/** One network interface given in RunInstances' `NetworkInterfaces` (EC2's InstanceNetworkInterfaceSpecification). */
export interface LaunchNetworkInterface {
  readonly deviceIndex: number;
  readonly networkInterfaceId?: string;
  readonly subnetId?: string;
  readonly groupIds?: readonly string[];
  readonly privateIpAddress?: string;
  /** Secondary addresses by value (EC2's PrivateIpAddresses.M with Primary false); one instance only. */
  readonly secondaryPrivateIpAddresses?: readonly string[];
  /** Secondary addresses to allocate on each instance's interface (EC2's SecondaryPrivateIpAddressCount). */
  readonly secondaryPrivateIpAddressCount?: number;
  readonly associatePublicIpAddress?: boolean;
  readonly deleteOnTermination?: boolean;
  readonly description?: string;
}

/** What a RunInstances request asks of the network. All optional: none means the default subnet of the chosen zone and the default group. */
export interface LaunchNetworkRequest {
  readonly subnetId?: string;
  readonly securityGroupIds?: readonly string[];
  /** EC2's `SecurityGroups` (names, default VPC only). */
  readonly securityGroupNames?: readonly string[];
  readonly privateIpAddress?: string;
  readonly networkInterfaces?: readonly LaunchNetworkInterface[];
  readonly keyName?: string;
  /** Tags for each interface the launch creates (EC2's TagSpecification with ResourceType=network-interface); not for an existing one it attaches. */
  readonly interfaceTags?: Readonly<Record<string, unknown>>;
}

/** A validated request: what placement must respect, and what `attach` will allocate. */
export interface LaunchNetworkPlan {
  /** The zone the request pins (its subnet's), if it names a subnet or an interface. */
  readonly availabilityZone?: string;
  /** The key pair named (KeyName) as it is at the launch: a Windows instance's password is encrypted with its public key. */
  readonly keyPair?: { readonly keyType: string; readonly publicKey: string };
  /** Opaque to InstancesService; given back to `attach`. */
  readonly detail: unknown;
}

/** A public address as an interface shows it: its DNS name is '' where the VPC gives none (vpc-attributes.ts). */
export type ShownPublicIp = HeldPublicIp & { readonly publicDnsName: string };

/** One attached network interface, as DescribeInstances shows it (`networkInterfaceSet`). */
export interface InstanceInterface {
  readonly networkInterfaceId: string;
  readonly attachmentId: string;
  readonly deviceIndex: number;
  readonly status: 'attaching' | 'attached' | 'detaching';
  /** When it was attached to the instance (engine time, ms). */
  readonly attachTime: number;
  readonly deleteOnTermination: boolean;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly macAddress: string;
  readonly privateIpAddress: string;
  readonly privateDnsName: string;
  /** Its secondary private addresses, in address order. */
  readonly secondaryPrivateIpAddresses: readonly string[];
  /** Its primary address's public address (auto-assigned or an Elastic IP). */
  readonly publicIpAddress?: string;
  readonly publicDnsName?: string;
  /** Every public address it holds, one per private address that has one. */
  readonly publicIps: readonly ShownPublicIp[];
  readonly sourceDestCheck: boolean;
  readonly groups: readonly GroupRef[];
  readonly description: string;
}

/** An instance's network, from its primary interface (device 0). */
export interface InstanceNetwork {
  readonly vpcId: string;
  readonly subnetId: string;
  readonly privateIpAddress: string;
  readonly privateDnsName: string;
  readonly publicIpAddress?: string;
  readonly publicDnsName?: string;
  readonly sourceDestCheck: boolean;
  readonly groups: readonly GroupRef[];
  readonly interfaces: readonly InstanceInterface[];
  readonly keyName?: string;
}

export interface InstanceNetworking {
  /**
   * Checks a launch's network request for this tenant before placement: every id exists and is
   * the tenant's (else the EC2 NotFound error, as for a missing one), the subnet is in the asked
   * zone, an asked address is inside the subnet's CIDR and free, the key pair exists and the image
   * takes its type. Creates the tenant's default VPC, subnets and group on first use. Throws domain errors.
   */
  planLaunch(
    tx: Tx, tenantId: string, request: LaunchNetworkRequest, count: number, instanceType: InstanceType, image: Pick<Image, 'platform'>, availabilityZone?: string,
  ): Promise<LaunchNetworkPlan>;
  /**
   * A type change (the instance stopped): AttachmentLimitExceeded if the new type takes fewer
   * interfaces than are attached, PrivateIpAddressLimitExceeded if an attached interface has more
   * private addresses than the new type allows an interface.
   */
  requireInterfacesFit(tx: Tx, instanceId: string, type: InstanceType): Promise<void>;
  /**
   * Allocates and attaches the interfaces and addresses of the instances just placed, in their
   * order; answers their networks as `describe` would after it (from what it wrote, without reading it back).
   */
  attach(
    tx: Tx, tenantId: string, plan: LaunchNetworkPlan, instances: readonly { readonly instanceId: string; readonly availabilityZone: string }[], now: Date,
  ): Promise<ReadonlyMap<string, InstanceNetwork>>;
  /** The network of each of these instances (absent for one that has none). */
  describe(m: Tx, instanceIds: readonly string[]): Promise<ReadonlyMap<string, InstanceNetwork>>;
  /**
   * Terminated instances: interfaces with deleteOnTermination are deleted, the others detached;
   * public addresses released (and no longer billed) at the instant each reached `terminated`.
   */
  released(tx: Tx, instanceIds: readonly string[], reachedAt: (instanceId: string) => number): Promise<void>;
  /** Stopped instances: their public addresses return to the pool (EC2 releases them at `stopped`), at the instant each stopped. */
  stopped(tx: Tx, instanceIds: readonly string[], reachedAt: (instanceId: string) => number): Promise<void>;
  /**
   * An instance started from `stopped`: a primary interface that was given a public address at
   * launch gets a new one from the pool, unless the instance has more than one interface (EC2's rule).
   */
  started(tx: Tx, instanceId: string, now: Date): Promise<void>;
}

/** Nest injection token for the InstanceNetworking implementation. */
export const INSTANCE_NETWORKING = Symbol('InstanceNetworking');
