import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/** An operator's custom instance type (libs/hypervisor's InstanceType as JSON, its prices included); retired when `deletedAt` is set. */
@Entity('catalog_instance_types')
export class CatalogInstanceTypeEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) name!: string;
  @Column({ type: 'varchar', length: 32 }) family!: string;
  @Column({ type: 'text' }) body!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  @Column({ name: 'deleted_at', type: 'bigint', nullable: true, transformer: msTransformer }) deletedAt!: number | null;
}
