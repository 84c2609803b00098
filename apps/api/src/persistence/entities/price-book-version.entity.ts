import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/** One immutable price book version (libs/metering's PriceBookVersion as JSON), in force from `effectiveFromMs`. */
@Entity('price_book_versions')
@Index('ux_price_book_versions_effective', ['effectiveFromMs'], { unique: true })
export class PriceBookVersionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) version!: string;
  @Column({ name: 'effective_from_ms', type: 'bigint', transformer: msTransformer }) effectiveFromMs!: number;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  @Column({ type: 'text' }) body!: string;
}
