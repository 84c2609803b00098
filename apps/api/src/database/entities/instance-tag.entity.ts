import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Tags in their own table so that `tag:<key>=<value>` filters are indexed queries on both databases. */
@Entity('instance_tags')
export class InstanceTagEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 }) instanceId!: string;
  @PrimaryColumn({ name: 'tag_key', type: 'varchar', length: 128 }) key!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'tag_value', type: 'varchar', length: 256 }) value!: string;
}
