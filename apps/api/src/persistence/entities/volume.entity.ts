import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { TenantEntity } from './tenant.entity';

/** An EBS-like volume (docs/model.md §3.3). `runtime` holds the data plane's snapshot (a gp2 bucket). */
@Entity('volumes')
@Index('ix_volumes_tenant_state', ['tenantId', 'state'])
@Index('ix_volumes_instance', ['instanceId'])
/** The provisioned-IOPS quota's sum (VolumesRepository.iopsQuota), read from the index alone; deleted volumes are not in it (migration ProvisionedIopsIndex1764680000000). */
@Index('ix_volumes_tenant_provisioned', ['tenantId', 'volumeType', 'iops', 'state'], { where: `"state" <> 'deleted'` })
export class VolumeEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'availability_zone', type: 'varchar', length: 32 }) availabilityZone!: string;
  @Column({ name: 'volume_type', type: 'varchar', length: 8 }) volumeType!: string;
  @Column({ name: 'size_gib', type: 'integer' }) sizeGiB!: number;
  @Column({ type: 'integer' }) iops!: number;
  @Column({ name: 'throughput_mibps', type: 'integer' }) throughputMiBps!: number;
  @Column({ type: 'varchar', length: 16 }) state!: string;
  @Column({ name: 'instance_id', type: 'varchar', length: 32, nullable: true }) instanceId!: string | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) device!: string | null;
  @Column({ name: 'attach_time', type: 'bigint', nullable: true, transformer: msTransformer }) attachTime!: number | null;
  @Column({ name: 'delete_on_termination', type: 'boolean' }) deleteOnTermination!: boolean;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  @Column({ name: 'deleted_at', type: 'bigint', nullable: true, transformer: msTransformer }) deletedAt!: number | null;
  @Column({ type: 'text', nullable: true }) runtime!: string | null;
  /** The snapshot it was created from, if any. */
  @Column({ name: 'snapshot_id', type: 'varchar', length: 32, nullable: true }) snapshotId!: string | null;
  /** EC2's `autoEnableIO` volume attribute (ModifyVolumeAttribute): whether IO is re-enabled at once after an impairment, which Nimbus does not simulate. */
  @Column({ name: 'auto_enable_io', type: 'boolean', default: false }) autoEnableIO!: boolean;
  /** The ARN of the KMS key it is encrypted with (application/volumes/ebs-encryption.ts); null: not encrypted. */
  @Column({ name: 'kms_key_id', type: 'varchar', length: 2048, nullable: true }) kmsKeyId!: string | null;
  @ManyToOne(() => TenantEntity)
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_volumes_tenant' })
  tenant?: TenantEntity;
}

/**
 * An account's Amazon EBS encryption by default (Enable/DisableEbsEncryptionByDefault) and its
 * default KMS key (Modify/ResetEbsDefaultKmsKeyId; null: the AWS managed key). No row: off, and the
 * AWS managed key.
 */
@Entity('ebs_encryption_defaults')
export class EbsEncryptionDefaultsEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'by_default', type: 'boolean', default: false }) byDefault!: boolean;
  @Column({ name: 'kms_key_id', type: 'varchar', length: 2048, nullable: true }) kmsKeyId!: string | null;
}

/** A change of a volume's type, size, IOPS or throughput (ModifyVolume): what it was, what it became, and when each state begins. */
@Entity('volume_modifications')
@Index('ix_volume_modifications_tenant', ['tenantId', 'volumeId'])
export class VolumeModificationEntity {
  @PrimaryColumn({ name: 'volume_id', type: 'varchar', length: 32 }) volumeId!: string;
  @PrimaryColumn({ name: 'start_ms', type: 'bigint', transformer: msTransformer }) startMs!: number;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'optimizing_at_ms', type: 'bigint', transformer: msTransformer }) optimizingAtMs!: number;
  @Column({ name: 'completed_at_ms', type: 'bigint', transformer: msTransformer }) completedAtMs!: number;
  @Column({ name: 'original_type', type: 'varchar', length: 8 }) originalType!: string;
  @Column({ name: 'original_size_gib', type: 'integer' }) originalSizeGiB!: number;
  @Column({ name: 'original_iops', type: 'integer' }) originalIops!: number;
  @Column({ name: 'original_throughput_mibps', type: 'integer' }) originalThroughputMiBps!: number;
  @Column({ name: 'target_type', type: 'varchar', length: 8 }) targetType!: string;
  @Column({ name: 'target_size_gib', type: 'integer' }) targetSizeGiB!: number;
  @Column({ name: 'target_iops', type: 'integer' }) targetIops!: number;
  @Column({ name: 'target_throughput_mibps', type: 'integer' }) targetThroughputMiBps!: number;
}

/** Tags of a volume (EC2's CreateTags / DeleteTags / DescribeTags, CreateVolume's TagSpecification), by volume id and key. */
@Entity('volume_tags')
@Index('ix_volume_tags_tenant', ['tenantId'])
export class VolumeTagEntity {
  @PrimaryColumn({ name: 'volume_id', type: 'varchar', length: 32 }) volumeId!: string;
  @PrimaryColumn({ name: 'tag_key', type: 'varchar', length: 128 }) key!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'tag_value', type: 'varchar', length: 256 }) value!: string;
}
