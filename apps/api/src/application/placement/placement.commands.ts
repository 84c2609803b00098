import { PlacementStrategy } from '@nimbus/scheduler';

/** CreatePlacementGroup. */
export interface CreatePlacementGroupCommand {
  /** Unique per tenant. */
  readonly groupName: string;
  readonly strategy: PlacementStrategy;
  /** The partition strategy only (default 2). */
  readonly partitionCount?: number;
  /** Tags to put on it (TagSpecification). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** AllocateHosts: `quantity` whole hosts in a zone, for one instance type or a family (exactly one of them). */
export interface AllocateHostsCommand {
  readonly instanceType?: string;
  readonly instanceFamily?: string;
  readonly availabilityZone: string;
  readonly quantity: number;
  /** Launches with tenancy 'host' that name no host may land on it. */
  readonly autoPlacement: boolean;
  /** Tags to put on each host (TagSpecification). */
  readonly tags?: Readonly<Record<string, string>>;
}
