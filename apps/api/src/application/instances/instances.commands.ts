import type { LaunchNetworkRequest } from '../networking/instance-networking';
import type { InstanceDescription } from './instance-description';

/** A tenant's commands and queries on its instances (InstancesService); the caller is passed beside them. */

/** Cores (not millicores), as API.md's `cpu`. */
export interface CpuOptions {
  readonly reservation?: number;
  readonly limit?: number;
  readonly weight?: number;
}

/** A volume created with each instance, attached to it and (unless asked otherwise) deleted with it. */
import type { LaunchBlockDeviceMapping, LaunchVolume } from '../volumes/volumes.commands';
import type { MetadataOptionsChange } from './metadata-options';
export type { LaunchBlockDeviceMapping, LaunchVolume };

/**
 * RunInstances. Its content (all but the client token) is the request that a repeated client
 * token must match, so it carries exactly what the caller asked, no defaults added.
 */
export interface RunInstancesCommand {
  readonly imageId: string;
  readonly instanceType: string;
  readonly minCount: number;
  readonly maxCount: number;
  readonly availabilityZone?: string;
  readonly tenancy?: 'default' | 'dedicated' | 'host';
  readonly hostId?: string;
  readonly placementGroup?: string;
  readonly partitionNumber?: number;
  readonly licenseConfigurationId?: string;
  readonly cpu?: CpuOptions;
  readonly creditSpecification?: 'standard' | 'unlimited';
  /** REST's volumes: exactly these, the first the root, the others /dev/sdf, /dev/sdg, …; none, no volume. */
  readonly volumes?: LaunchVolume[];
  /**
   * EC2's BlockDeviceMapping.N, given by the EC2 protocol on every launch (empty when none): the
   * image's root volume at its root device unless one is mapped there, and a data volume at each other
   * device. Never beside `volumes` (VolumesService.resolveLaunchVolumes).
   */
  readonly blockDeviceMappings?: LaunchBlockDeviceMapping[];
  readonly maintenanceOptions?: { readonly autoRecovery?: 'default' | 'disabled' };
  /** The Instance Metadata Service options that differ from the image's defaults (EC2's MetadataOptions; metadata-options.ts). */
  readonly metadataOptions?: MetadataOptionsChange;
  readonly tags?: Readonly<Record<string, unknown>>;
  /** Tags for each of the launch's volumes (EC2's TagSpecification with ResourceType=volume): EC2's tag rules. */
  readonly volumeTags?: Readonly<Record<string, unknown>>;
  /** EC2's UserData: base64, at most 16 KiB decoded. */
  readonly userData?: string;
  /** Termination protection (EC2's DisableApiTermination). */
  readonly disableApiTermination?: boolean;
  /** Stop protection (EC2's DisableApiStop): no stop or termination through the API while set. */
  readonly disableApiStop?: boolean;
  /** What a shutdown from inside the guest does: stored and shown (a guest shutdown is not simulated). */
  readonly instanceInitiatedShutdownBehavior?: 'stop' | 'terminate';
  readonly ebsOptimized?: boolean;
  /** Detailed monitoring (EC2's Monitoring.Enabled): `pending`, then `enabled` (monitoring.ts). */
  readonly monitoring?: boolean;
  /** The network it asks (subnet, groups, address, interfaces, key pair): the networking feature's (InstanceNetworking). */
  readonly network?: LaunchNetworkRequest;
  /** The launch template version it was launched from (EC2's RunInstances `LaunchTemplate`): its id and version are the instance's `aws:ec2launchtemplate:*` tags. */
  readonly launchTemplate?: { readonly id: string; readonly version: number };
  /**
   * A Spot launch (EC2's `InstanceMarketOptions` with `MarketType=spot`, or RequestSpotInstances):
   * each instance gets a Spot Instance request. `maxPrice`: the decimal string asked (EC2's
   * `SpotOptions.MaxPrice`), absent for the On-Demand price; `type` one-time (the default) or
   * persistent (relaunched after an interruption), `interruptionBehavior` terminate (the default)
   * or stop (persistent only), `validUntil` (ms, persistent only).
   */
  readonly spot?: {
    readonly maxPrice?: string;
    readonly tags?: Readonly<Record<string, unknown>>;
    readonly type?: 'one-time' | 'persistent';
    readonly interruptionBehavior?: 'terminate' | 'stop';
    readonly validUntil?: number;
  };
  readonly clientToken?: string;
}

/** DescribeInstances, filtered and paged. */
export interface ListInstancesQuery {
  /** Only these instances (each must be the tenant's and visible, else InvalidInstanceID.NotFound); not paged. */
  readonly instanceIds?: readonly string[];
  /**
   * A further condition on each described instance (the EC2 protocol's filters): the page holds
   * `maxResults` instances that pass, so the pages stay full.
   */
  readonly matches?: (d: InstanceDescription) => boolean;
  readonly state?: string;
  readonly instanceType?: string;
  readonly availabilityZone?: string;
  /** `[key, value]`: instances with that tag value (every pair must hold). */
  readonly tags: readonly (readonly [string, string])[];
  readonly maxResults?: number;
  readonly nextToken?: string;
}

/** One instance: DescribeInstances by id, Start/Stop/Reboot/TerminateInstances. */
export interface InstanceIdCommand {
  readonly instanceId: string;
}

/** CreateTags: adds or replaces these tags. */
export interface CreateTagsCommand {
  readonly instanceId: string;
  readonly tags: Readonly<Record<string, unknown>>;
}

export interface DeleteTagCommand {
  readonly instanceId: string;
  readonly key: string;
}

/** ModifyInstanceAttribute: one attribute per request, as EC2 takes it. */
export type InstanceAttributeChange =
  | { readonly attribute: 'instanceType'; readonly value: string }
  | { readonly attribute: 'userData'; readonly value: string }
  | { readonly attribute: 'disableApiTermination'; readonly value: boolean }
  | { readonly attribute: 'disableApiStop'; readonly value: boolean }
  | { readonly attribute: 'instanceInitiatedShutdownBehavior'; readonly value: 'stop' | 'terminate' }
  | { readonly attribute: 'ebsOptimized'; readonly value: boolean }
  /** Back to the image's (ResetInstanceAttribute): Nimbus's images name no kernel or ramdisk, so none. */
  | { readonly attribute: 'kernel' | 'ramdisk'; readonly value: null };

export interface ModifyInstanceAttributeCommand {
  readonly instanceId: string;
  readonly change: InstanceAttributeChange;
}

/** ModifyInstanceCreditSpecification for one instance. */
export interface SetCreditSpecificationCommand {
  readonly instanceId: string;
  readonly cpuCredits: 'standard' | 'unlimited';
}
