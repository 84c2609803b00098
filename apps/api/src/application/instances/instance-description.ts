import type { Image, InstanceType } from '@nimbus/hypervisor';
import { InstanceEntity } from '../../persistence/entities';
import type { MonitoringState } from './monitoring';
import type { InstanceNetwork } from '../networking/instance-networking';
import type { VolumesService } from '../volumes/volumes.service';

/** An instance's attached volume, as the volumes feature reports it (VolumesService.attachedTo). */
export type AttachedVolume = NonNullable<ReturnType<Awaited<ReturnType<VolumesService['attachedTo']>>['get']>>[number];

/** What DescribeInstances tells of one instance: its row, tags, attached volumes (root first) and group's name. */
export interface InstanceDescription {
  readonly row: InstanceEntity;
  readonly tags: Readonly<Record<string, string>>;
  readonly volumes: readonly AttachedVolume[];
  /** The name of its placement group, if it is in one. */
  readonly placementGroupName?: string;
  /** The idempotency token it was launched with (its reservation's `ClientToken`), if any. */
  readonly clientToken?: string;
  /** Its network (VPC, subnet, addresses, groups, interfaces, key pair), from the networking feature; absent without one. */
  readonly network?: InstanceNetwork;
  /**
   * Its type and image as the world's catalog has them (built-in, an operator's, a tenant's own;
   * retired ones too): the catalog DescribeInstanceTypes, DescribeImages and the launch read, so
   * what an instance shows of its type (cpuOptions, boot mode) and image (architecture, billing)
   * is what they show. Absent only for a name the catalog does not know.
   */
  readonly type?: InstanceType;
  readonly image?: Image;
  /** Its detailed monitoring as shown at the read's simulated instant (monitoring.ts). */
  readonly monitoring: MonitoringState;
}

/** The instances of one RunInstances request (also what a repeated client token answers). */
export interface Reservation {
  readonly reservationId: string;
  readonly instances: readonly InstanceDescription[];
}

export interface InstancePage {
  readonly instances: readonly InstanceDescription[];
  /** Present when there are more. */
  readonly nextToken?: string;
}

/** A tenant's quotas and what it uses of them. */
export interface QuotaUsage {
  readonly onDemandVcpus: { readonly limit: number; readonly used: number };
  readonly provisionedIops: { readonly limit: number; readonly used: number };
}
