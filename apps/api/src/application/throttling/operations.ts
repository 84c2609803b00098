/**
 * The operations Nimbus serves, named by their EC2 action, and the throttling category of each,
 * from "Request throttling for the Amazon EC2 API":
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
 * (sections "Request token bucket sizes and refill rates" and "Resource token bucket sizes and
 * refill rates"). Protocol-independent: the REST routes and the EC2 Query adapter name the same
 * operations, so they share the same buckets.
 */

/** A token bucket's figures: its maximum capacity and how many tokens it regains per second. */
export interface BucketSpec {
  readonly bucketSize: number;
  readonly refillPerSecond: number;
}

export type OperationCategory = 'non-mutating' | 'mutating' | 'resource-intensive' | 'uncategorized';

/** The page's category table (bucket maximum capacity, bucket refill rate per second). */
export const CATEGORY_BUCKETS: Readonly<Record<Exclude<OperationCategory, 'uncategorized'>, BucketSpec>> = {
  'non-mutating': { bucketSize: 100, refillPerSecond: 20 },
  mutating: { bucketSize: 50, refillPerSecond: 5 },
  'resource-intensive': { bucketSize: 50, refillPerSecond: 5 },
};

/**
 * "Unfiltered and unpaginated non-mutating actions": the listed Describe actions, requested with
 * neither a filter nor pagination, take their token from this smaller bucket instead.
 */
export const UNFILTERED_BUCKET: BucketSpec = { bucketSize: 50, refillPerSecond: 10 };

export interface OperationSpec {
  readonly name: string;
  readonly category: OperationCategory;
  /** The request bucket: one token per request. */
  readonly request: BucketSpec;
  /** Set for the actions of the "unfiltered and unpaginated" subset. */
  readonly unfiltered?: BucketSpec;
  /** Set for the actions with resource rate limiting: one token per instance the request affects. */
  readonly resource?: BucketSpec;
  /** Not an EC2 action: a Nimbus-only (or License Manager) route, categorized by what it does. */
  readonly nimbusOnly?: true;
}

const NON_MUTATING = 'non-mutating' as const;
const MUTATING = 'mutating' as const;
const RESOURCE_INTENSIVE = 'resource-intensive' as const;

type Entry =
  | { category: typeof NON_MUTATING | typeof MUTATING | typeof RESOURCE_INTENSIVE; unfiltered?: true; resource?: BucketSpec; nimbusOnly?: true }
  | { category: 'uncategorized'; request: BucketSpec; resource?: BucketSpec };

const own = (bucketSize: number, refillPerSecond: number): Entry => ({ category: 'uncategorized', request: { bucketSize, refillPerSecond } });

/** The page's resource token buckets (tokens = instances affected). */
const RESOURCE = {
  RunInstances: { bucketSize: 1000, refillPerSecond: 2 },
  TerminateInstances: { bucketSize: 1000, refillPerSecond: 20 },
  StartInstances: { bucketSize: 1000, refillPerSecond: 2 },
  StopInstances: { bucketSize: 1000, refillPerSecond: 20 },
} as const;

/**
 * Every operation. Uncategorized actions carry their own figures from the page's "Uncategorized
 * actions" table; the others take their category's. An action of EC2's that the page does not
 * list is mutating unless it is a Describe/List/Search/Get action, as the page defines them.
 * Includes the EC2 actions the Query protocol will serve, so both adapters share one registry.
 */
const ENTRIES: Record<string, Entry> = {
  // Instances.
  RunInstances: { ...own(5, 2), resource: RESOURCE.RunInstances },
  StartInstances: { ...own(5, 2), resource: RESOURCE.StartInstances },
  StopInstances: { category: MUTATING, resource: RESOURCE.StopInstances },
  TerminateInstances: { ...own(100, 5), resource: RESOURCE.TerminateInstances },
  RebootInstances: { category: MUTATING },
  DescribeInstances: { category: NON_MUTATING, unfiltered: true },
  DescribeInstanceStatus: { category: NON_MUTATING, unfiltered: true },
  DescribeInstanceAttribute: { category: NON_MUTATING },
  ModifyInstanceAttribute: { category: MUTATING },
  ResetInstanceAttribute: { category: MUTATING },
  DescribeInstanceCreditSpecifications: { category: NON_MUTATING },
  ModifyInstanceCreditSpecification: { category: MUTATING },
  ModifyInstanceMetadataOptions: { category: MUTATING },
  MonitorInstances: { category: MUTATING },
  UnmonitorInstances: { category: MUTATING },
  GetConsoleOutput: { category: NON_MUTATING },
  GetPasswordData: { category: NON_MUTATING },
  DescribeInstanceTypes: { category: NON_MUTATING },
  DescribeInstanceTypeOfferings: { category: NON_MUTATING },
  // Tags.
  CreateTags: own(100, 10),
  DeleteTags: own(100, 10),
  DescribeTags: { category: NON_MUTATING },
  // Storage.
  CreateVolume: own(100, 5),
  DeleteVolume: own(100, 5),
  DescribeVolumes: { category: NON_MUTATING, unfiltered: true },
  AttachVolume: { category: MUTATING },
  DetachVolume: { category: MUTATING },
  ModifyVolume: { category: MUTATING },
  DescribeVolumesModifications: { category: NON_MUTATING },
  GetEbsEncryptionByDefault: { category: NON_MUTATING },
  EnableEbsEncryptionByDefault: { category: MUTATING },
  DisableEbsEncryptionByDefault: { category: MUTATING },
  GetEbsDefaultKmsKeyId: { category: NON_MUTATING },
  ModifyEbsDefaultKmsKeyId: { category: MUTATING },
  ResetEbsDefaultKmsKeyId: { category: MUTATING },
  DescribeVolumeStatus: { category: NON_MUTATING },
  DescribeVolumeAttribute: { category: NON_MUTATING },
  ModifyVolumeAttribute: { category: MUTATING },
  CreateSnapshot: own(100, 5),
  CopySnapshot: { category: MUTATING },
  DeleteSnapshot: own(100, 5),
  DescribeSnapshots: { category: NON_MUTATING, unfiltered: true },
  DescribeSnapshotAttribute: { category: NON_MUTATING },
  ModifySnapshotAttribute: { category: MUTATING },
  ResetSnapshotAttribute: { category: MUTATING },
  DescribeImages: { category: NON_MUTATING },
  DescribeImageAttribute: { category: NON_MUTATING },
  CreateImage: { category: MUTATING },
  RegisterImage: { category: MUTATING },
  CopyImage: { category: MUTATING },
  ModifyImageAttribute: { category: MUTATING },
  ResetImageAttribute: { category: MUTATING },
  DeregisterImage: own(100, 5),
  // Networking.
  CreateVpc: { category: MUTATING },
  CreateDefaultVpc: { category: MUTATING },
  DescribeVpcs: { category: NON_MUTATING },
  DeleteVpc: { category: MUTATING },
  DescribeVpcAttribute: { category: NON_MUTATING },
  ModifyVpcAttribute: { category: MUTATING },
  CreateSubnet: { category: MUTATING },
  CreateDefaultSubnet: { category: MUTATING },
  DescribeSubnets: { category: NON_MUTATING },
  ModifySubnetAttribute: { category: MUTATING },
  DeleteSubnet: { category: MUTATING },
  CreateInternetGateway: { category: MUTATING },
  DescribeInternetGateways: { category: NON_MUTATING },
  DeleteInternetGateway: { category: MUTATING },
  AttachInternetGateway: { category: MUTATING },
  DetachInternetGateway: { category: MUTATING },
  CreateRouteTable: { category: MUTATING },
  DescribeRouteTables: { category: NON_MUTATING },
  DeleteRouteTable: { category: MUTATING },
  CreateRoute: { category: MUTATING },
  ReplaceRoute: { category: MUTATING },
  DeleteRoute: { category: MUTATING },
  AssociateRouteTable: { category: MUTATING },
  DisassociateRouteTable: { category: MUTATING },
  ReplaceRouteTableAssociation: { category: MUTATING },
  CreateNatGateway: { category: MUTATING },
  DescribeNatGateways: { category: NON_MUTATING },
  DeleteNatGateway: { category: MUTATING },
  CreateVpcPeeringConnection: { category: MUTATING },
  AcceptVpcPeeringConnection: { category: MUTATING },
  RejectVpcPeeringConnection: { category: MUTATING },
  DeleteVpcPeeringConnection: { category: MUTATING },
  DescribeVpcPeeringConnections: { category: NON_MUTATING },
  ModifyVpcPeeringConnectionOptions: { category: MUTATING },
  CreateDhcpOptions: { category: MUTATING },
  DescribeDhcpOptions: { category: NON_MUTATING },
  AssociateDhcpOptions: { category: MUTATING },
  DeleteDhcpOptions: { category: MUTATING },
  DescribeSpotInstanceRequests: { category: NON_MUTATING },
  CancelSpotInstanceRequests: { category: MUTATING },
  RequestSpotInstances: { category: MUTATING },
  DescribeSpotPriceHistory: { category: NON_MUTATING },
  // EC2 Fleet (instant): the page's categories (Describe: non-mutating; the others: mutating).
  CreateFleet: { category: MUTATING },
  DescribeFleets: { category: NON_MUTATING },
  DeleteFleets: { category: MUTATING },
  DescribeReservedInstancesOfferings: { category: NON_MUTATING },
  PurchaseReservedInstancesOffering: { category: MUTATING },
  DescribeReservedInstances: { category: NON_MUTATING },
  DescribeNetworkAcls: { category: NON_MUTATING },
  CreateNetworkAcl: { category: MUTATING },
  DeleteNetworkAcl: { category: MUTATING },
  CreateNetworkAclEntry: { category: MUTATING },
  ReplaceNetworkAclEntry: { category: MUTATING },
  DeleteNetworkAclEntry: { category: MUTATING },
  ReplaceNetworkAclAssociation: { category: MUTATING },
  CreateSecurityGroup: { category: MUTATING },
  DescribeSecurityGroups: { category: NON_MUTATING, unfiltered: true },
  DescribeSecurityGroupRules: { category: NON_MUTATING },
  DeleteSecurityGroup: { category: MUTATING },
  AuthorizeSecurityGroupIngress: { category: RESOURCE_INTENSIVE },
  RevokeSecurityGroupIngress: { category: RESOURCE_INTENSIVE },
  AuthorizeSecurityGroupEgress: { category: MUTATING },
  RevokeSecurityGroupEgress: { category: MUTATING },
  UpdateSecurityGroupRuleDescriptionsIngress: { category: MUTATING },
  UpdateSecurityGroupRuleDescriptionsEgress: { category: MUTATING },
  ModifySecurityGroupRules: { category: MUTATING },
  CreateNetworkInterface: own(100, 5),
  DeleteNetworkInterface: own(100, 5),
  DescribeNetworkInterfaces: { category: NON_MUTATING, unfiltered: true },
  AttachNetworkInterface: { category: MUTATING },
  DetachNetworkInterface: { category: MUTATING },
  ModifyNetworkInterfaceAttribute: { category: MUTATING },
  DescribeNetworkInterfaceAttribute: { category: NON_MUTATING },
  ResetNetworkInterfaceAttribute: { category: MUTATING },
  AssignPrivateIpAddresses: { category: MUTATING },
  UnassignPrivateIpAddresses: { category: MUTATING },
  CreateKeyPair: { category: RESOURCE_INTENSIVE },
  ImportKeyPair: { category: MUTATING },
  DescribeKeyPairs: { category: NON_MUTATING },
  DeleteKeyPair: { category: MUTATING },
  // Elastic IPs: not in the page's tables of their own, so by its rule (Describe: non-mutating; the others mutating).
  AllocateAddress: { category: MUTATING },
  DescribeAddresses: { category: NON_MUTATING },
  AssociateAddress: { category: MUTATING },
  DisassociateAddress: { category: MUTATING },
  ReleaseAddress: { category: MUTATING },
  // Launch templates.
  CreateLaunchTemplate: { category: MUTATING },
  CreateLaunchTemplateVersion: { category: MUTATING },
  DescribeLaunchTemplates: { category: NON_MUTATING },
  DescribeLaunchTemplateVersions: { category: NON_MUTATING },
  ModifyLaunchTemplate: { category: MUTATING },
  DeleteLaunchTemplate: { category: MUTATING },
  DeleteLaunchTemplateVersions: { category: MUTATING },
  // Where instances run.
  CreatePlacementGroup: { category: MUTATING },
  DescribePlacementGroups: { category: NON_MUTATING },
  DeletePlacementGroup: { category: MUTATING },
  AllocateHosts: { category: MUTATING },
  DescribeHosts: { category: NON_MUTATING },
  ReleaseHosts: { category: MUTATING },
  DescribeAvailabilityZones: { category: NON_MUTATING },
  DescribeRegions: { category: NON_MUTATING },
  DescribeAccountAttributes: { category: NON_MUTATING },
  // License Manager's actions (its own API; categorized by EC2's rule).
  CreateLicenseConfiguration: { category: MUTATING, nimbusOnly: true },
  ListLicenseConfigurations: { category: NON_MUTATING, nimbusOnly: true },
  GetLicenseConfiguration: { category: NON_MUTATING, nimbusOnly: true },
  DeleteLicenseConfiguration: { category: MUTATING, nimbusOnly: true },
  // IAM's access-key actions (the EC2 protocol's credentials; categorized by EC2's rule).
  CreateAccessKey: { category: MUTATING, nimbusOnly: true },
  ListAccessKeys: { category: NON_MUTATING, nimbusOnly: true },
  DeleteAccessKey: { category: MUTATING, nimbusOnly: true },
  // Nimbus-only routes with no EC2 twin.
  PutInstanceWorkload: { category: MUTATING, nimbusOnly: true },
  GetInstanceWorkload: { category: NON_MUTATING, nimbusOnly: true },
  GetInstanceMetrics: { category: NON_MUTATING, nimbusOnly: true },
  GetInstanceEvents: { category: NON_MUTATING, nimbusOnly: true },
  DescribeQuotas: { category: NON_MUTATING, nimbusOnly: true },
  GetUsage: { category: NON_MUTATING, nimbusOnly: true },
  DescribeInvoices: { category: NON_MUTATING, nimbusOnly: true },
  GetInvoice: { category: NON_MUTATING, nimbusOnly: true },
  GetReservedInstanceUtilization: { category: NON_MUTATING, nimbusOnly: true },
};

function specOf(name: string, e: Entry): OperationSpec {
  if (e.category === 'uncategorized') return { name, category: e.category, request: e.request, ...(e.resource ? { resource: e.resource } : {}) };
  return {
    name,
    category: e.category,
    request: CATEGORY_BUCKETS[e.category],
    ...(e.unfiltered ? { unfiltered: UNFILTERED_BUCKET } : {}),
    ...(e.resource ? { resource: e.resource } : {}),
    ...(e.nimbusOnly ? { nimbusOnly: true as const } : {}),
  };
}

export const OPERATIONS: ReadonlyMap<string, OperationSpec> = new Map(Object.entries(ENTRIES).map(([name, e]) => [name, specOf(name, e)]));

export function isOperation(name: string): boolean {
  return OPERATIONS.has(name);
}

/** The operation's figures; an unknown name is a programming error (every route names one). */
export function operationSpec(name: string): OperationSpec {
  const spec = OPERATIONS.get(name);
  if (!spec) throw new Error(`Unknown operation '${name}': add it to the operation registry (application/throttling/operations.ts).`);
  return spec;
}
