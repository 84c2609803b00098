import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/** A tenant's launch template (EC2 CreateLaunchTemplate): names are unique per tenant. */
@Entity('launch_templates')
@Index('ux_launch_templates_name', ['tenantId', 'name'], { unique: true })
export class LaunchTemplateEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ type: 'varchar', length: 128 }) name!: string;
  @Column({ name: 'default_version', type: 'integer' }) defaultVersion!: number;
  /** Its highest version number (after DeleteLaunchTemplateVersions, the highest left): `$Latest`, EC2's LatestVersionNumber. */
  @Column({ name: 'latest_version', type: 'integer' }) latestVersion!: number;
  /**
   * The highest version number it ever gave, deleted or not: a new version takes the next, so a
   * number is never given twice (EC2 does not reuse a deleted version's number).
   */
  @Column({ name: 'last_version_number', type: 'integer', default: 0 }) lastVersionNumber!: number;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  /** Its tags, a JSON object (EC2's tagSet; CreateTags / DeleteTags / DescribeTags). */
  @Column({ type: 'text', default: '{}' }) tags!: string;
}

/** One version of a launch template: its data as EC2's Query parameters (application/launch-templates/launch-template-data.ts), a JSON object. */
@Entity('launch_template_versions')
@Index('ix_launch_template_versions_token', ['tenantId', 'clientToken'])
export class LaunchTemplateVersionEntity {
  @PrimaryColumn({ name: 'template_id', type: 'varchar', length: 32 }) templateId!: string;
  @PrimaryColumn({ name: 'version_number', type: 'integer' }) versionNumber!: number;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) description!: string | null;
  @Column({ type: 'text' }) data!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  /** The ClientToken of the request that made it (CreateLaunchTemplate for version 1, else CreateLaunchTemplateVersion), and that request's hash. */
  @Column({ name: 'client_token', type: 'varchar', length: 128, nullable: true }) clientToken!: string | null;
  @Column({ name: 'request_hash', type: 'varchar', length: 64, nullable: true }) requestHash!: string | null;
}
