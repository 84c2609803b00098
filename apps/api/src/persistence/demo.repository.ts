import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HostEntity, TenantEntity } from './entities';

/** What the demo seeder asks of the database: whether it is still empty. */
@Injectable()
export class DemoRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** No host and no tenant yet (read on the writer: the seeder runs before anything is served). */
  async isEmpty(): Promise<boolean> {
    const [hosts, tenants] = await Promise.all([this.db.getRepository(HostEntity).count(), this.db.getRepository(TenantEntity).count()]);
    return hosts === 0 && tenants === 0;
  }
}
