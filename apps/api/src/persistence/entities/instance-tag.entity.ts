import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { InstanceEntity } from './instance.entity';

/** Tags in their own table so that `tag:<key>=<value>` filters are indexed queries on both databases. */
@Entity('instance_tags')
@Index('ix_instance_tags_lookup', ['tenantId', 'key', 'value'])
export class InstanceTagEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 }) instanceId!: string;
  @PrimaryColumn({ name: 'tag_key', type: 'varchar', length: 128 }) key!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @ManyToOne(() => InstanceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'instance_id', foreignKeyConstraintName: 'fk_instance_tags_instance' })
  instance?: InstanceEntity;
  @Column({ name: 'tag_value', type: 'varchar', length: 256 }) value!: string;
}
