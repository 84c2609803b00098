import type { RunInstancesCommand } from '../instances/instances.commands';
import type { LaunchTemplateData } from './launch-template-data';

/** A template named by id or by name (exactly one: EC2's "either the launch template ID or the launch template name, but not both"). */
export interface LaunchTemplateRef {
  readonly id?: string;
  readonly name?: string;
}

/**
 * What a template's data asks of a launch, as RunInstances' parser reads it (the EC2 adapter's):
 * its content is checked with the launch's own rules when the template is written.
 */
export type LaunchContent = Pick<RunInstancesCommand, 'tags' | 'volumeTags' | 'userData' | 'metadataOptions'>;

/** CreateLaunchTemplate. */
export interface CreateLaunchTemplateCommand {
  readonly name: string;
  readonly description?: string;
  readonly data: LaunchTemplateData;
  readonly content: LaunchContent;
  /** The template's own tags (TagSpecification with ResourceType=launch-template). */
  readonly tags?: Readonly<Record<string, string>>;
  readonly clientToken?: string;
}

/** CreateLaunchTemplateVersion: `data` alone, or over `sourceVersion`'s. */
export interface CreateLaunchTemplateVersionCommand {
  readonly template: LaunchTemplateRef;
  /** A version number (EC2 takes a number here; `$Latest` and `$Default` too). */
  readonly sourceVersion?: string;
  readonly description?: string;
  readonly data: LaunchTemplateData;
  readonly content: LaunchContent;
  readonly clientToken?: string;
}

/** DescribeLaunchTemplates: ids and names, each of which must be the tenant's. */
export interface ListLaunchTemplatesQuery {
  readonly ids?: readonly string[];
  readonly names?: readonly string[];
}

/**
 * DescribeLaunchTemplateVersions: one template's versions (those named, those between `min` and
 * `max`, or all), or without a template, every template's `$Latest` and/or `$Default` version.
 */
export interface ListLaunchTemplateVersionsQuery {
  readonly template?: LaunchTemplateRef;
  readonly versions?: readonly string[];
  readonly minVersion?: number;
  readonly maxVersion?: number;
}
