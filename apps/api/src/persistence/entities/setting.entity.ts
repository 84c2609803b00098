import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small singletons: the admin key's hash, the simulated clock. */
@Entity('settings')
export class SettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) key!: string;
  @Column({ type: 'text' }) value!: string;
}
