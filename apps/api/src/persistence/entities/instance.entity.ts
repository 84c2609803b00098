import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { ReservationEntity } from './reservation.entity';
import { TenantEntity } from './tenant.entity';

@Entity('instances')
@Index('ix_instances_tenant_state', ['tenantId', 'state'])
@Index('ix_instances_host', ['hostId'])
@Index('ix_instances_reservation', ['reservationId'])
// Partial: most instances have none of these (migration PartialInstanceIndexes1764560000000).
@Index('ix_instances_placement_group', ['placementGroupId'], { where: '"placement_group_id" IS NOT NULL' })
@Index('ix_instances_dedicated_host', ['dedicatedHostId'], { where: '"dedicated_host_id" IS NOT NULL' })
@Index('ix_instances_license_configuration', ['licenseConfigurationId'], { where: '"license_configuration_id" IS NOT NULL' })
export class InstanceEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'reservation_id', type: 'varchar', length: 32 }) reservationId!: string;
  @Column({ name: 'image_id', type: 'varchar', length: 32 }) imageId!: string;
  @Column({ name: 'instance_type', type: 'varchar', length: 32 }) instanceType!: string;
  @Column({ type: 'varchar', length: 32 }) platform!: string;
  @Column({ type: 'varchar', length: 16 }) tenancy!: string;
  @Column({ name: 'availability_zone', type: 'varchar', length: 32 }) availabilityZone!: string;
  @Column({ name: 'host_id', type: 'varchar', length: 32, nullable: true }) hostId!: string | null;
  @Column({ type: 'varchar', length: 16 }) state!: string;
  @Column({ name: 'state_reason', type: 'varchar', length: 255, nullable: true }) stateReason!: string | null;
  @Column({ name: 'state_since', type: 'bigint', transformer: msTransformer }) stateSince!: number;
  /**
   * When its guest's current (or last) boot began: it entered `running`, or was rebooted (simulated
   * time). The status checks initialize from it, a Windows password is generated in a boot that
   * lasts long enough (status-checks.ts, password-data.ts). Null: it never ran.
   */
  @Column({ name: 'booted_at', type: 'bigint', nullable: true, transformer: msTransformer }) bootedAt!: number | null;
  @Column({ name: 'transition_at', type: 'bigint', nullable: true, transformer: msTransformer }) transitionAt!: number | null;
  @Column({ name: 'launch_time', type: 'bigint', transformer: msTransformer }) launchTime!: number;
  @Column({ name: 'cpu_reservation_millicores', type: 'integer' }) cpuReservationMillicores!: number;
  @Column({ name: 'cpu_limit_millicores', type: 'integer' }) cpuLimitMillicores!: number;
  @Column({ name: 'cpu_weight', type: 'integer' }) cpuWeight!: number;
  @ManyToOne(() => TenantEntity)
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_instances_tenant' })
  tenant?: TenantEntity;
  @ManyToOne(() => ReservationEntity)
  @JoinColumn({ name: 'reservation_id', foreignKeyConstraintName: 'fk_instances_reservation' })
  reservation?: ReservationEntity;
  @Column({ name: 'credit_specification', type: 'varchar', length: 16, nullable: true }) creditSpecification!: string | null;
  /** The guest's workload (JSON), as last set, with the simulated time it was set at. */
  @Column({ type: 'text', nullable: true }) workload!: string | null;
  /** EC2's maintenanceOptions.autoRecovery: `default` (recover on a host failure) or `disabled`. */
  @Column({ name: 'auto_recovery', type: 'varchar', length: 16, default: 'default' }) autoRecovery!: string;
  /** Instance status check: `ok`, or `impaired` while its host (or driver domain) is down. */
  @Column({ type: 'varchar', length: 16, default: 'ok' }) status!: string;
  /** The data plane's snapshot (CPU credits), JSON. */
  @Column({ type: 'text', nullable: true }) runtime!: string | null;
  @Column({ name: 'placement_group_id', type: 'varchar', length: 32, nullable: true }) placementGroupId!: string | null;
  /** Partition groups: the instance's partition (1-based). */
  @Column({ name: 'partition_number', type: 'integer', nullable: true }) partitionNumber!: number | null;
  /** Tenancy host: its Dedicated Host, kept while it is stopped (it starts there again: host affinity). */
  @Column({ name: 'dedicated_host_id', type: 'varchar', length: 32, nullable: true }) dedicatedHostId!: string | null;
  /** BYOL: the license configuration it consumes until terminated. */
  @Column({ name: 'license_configuration_id', type: 'varchar', length: 32, nullable: true }) licenseConfigurationId!: string | null;
  /** RunInstances' UserData, base64 as given (EC2 answers it base64); null when none. */
  @Column({ name: 'user_data', type: 'text', nullable: true }) userData!: string | null;
  /** Termination protection: TerminateInstances is refused (OperationNotPermitted) while set. */
  @Column({ name: 'disable_api_termination', type: 'boolean', default: false }) disableApiTermination!: boolean;
  /** Stop protection (EC2's DisableApiStop): StopInstances and TerminateInstances are refused (OperationNotPermitted) while set. */
  @Column({ name: 'disable_api_stop', type: 'boolean', default: false }) disableApiStop!: boolean;
  /** InstanceInitiatedShutdownBehavior: `stop` or `terminate` (stored and shown; a guest shutdown is not simulated). */
  @Column({ name: 'shutdown_behavior', type: 'varchar', length: 16, default: 'stop' }) shutdownBehavior!: string;
  @Column({ name: 'ebs_optimized', type: 'boolean', default: false }) ebsOptimized!: boolean;
  /** Its position in its RunInstances request (EC2's amiLaunchIndex), from 0. */
  @Column({ name: 'launch_index', type: 'integer', default: 0 }) launchIndex!: number;
  /** Launched with a root EBS volume (every EC2 launch; REST's with `volumes`): it starts only with a volume at its root device. */
  @Column({ name: 'ebs_root', type: 'boolean', default: false }) ebsRoot!: boolean;
  /** EC2's `rootDeviceName`, its image's at launch: `/dev/xvda` or `/dev/sda1` (catalog `rootDeviceOf`). */
  @Column({ name: 'root_device_name', type: 'varchar', length: 16, default: '/dev/xvda' }) rootDeviceName!: string;
  /** Its Instance Metadata Service options, JSON (application/instances/metadata-options.ts); null: launched before they were kept. */
  @Column({ name: 'metadata_options', type: 'varchar', length: 255, nullable: true }) metadataOptions!: string | null;
  /**
   * A Windows instance's Administrator password encrypted with its launch key pair's RSA public key,
   * base64 (GetPasswordData's `passwordData`, application/instances/password-data.ts); never the
   * plaintext. Null: it has none (not Windows, or launched without an RSA key pair).
   */
  @Column({ name: 'password_data', type: 'text', nullable: true }) passwordData!: string | null;
  /**
   * When that password was generated, in the first boot that lasted PASSWORD_DATA_DELAY_MS
   * (GetPasswordData answers it from then on), simulated time. Null: not yet (a running instance's
   * current boot may still generate it: password-data.ts).
   */
  @Column({ name: 'password_data_at', type: 'bigint', nullable: true, transformer: msTransformer }) passwordDataAt!: number | null;
  /** Detailed monitoring last asked (RunInstances' Monitoring.Enabled, MonitorInstances / UnmonitorInstances): `enabled` or `disabled` (application/instances/monitoring.ts). */
  @Column({ type: 'varchar', length: 16, default: 'disabled' }) monitoring!: string;
  /** When it was asked, simulated time (the change shows `pending` / `disabling` for a while); null: never changed since launch. */
  @Column({ name: 'monitoring_since', type: 'bigint', nullable: true, transformer: msTransformer }) monitoringSince!: number | null;
  /** A Spot Instance's request (EC2's `spotInstanceRequestId`; its `instanceLifecycle` is then `spot`); null: an On-Demand instance (migration SpotInstances1764820000000). */
  @Column({ name: 'spot_instance_request_id', type: 'varchar', length: 32, nullable: true }) spotInstanceRequestId!: string | null;
}
