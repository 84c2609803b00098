import { Injectable } from '@nestjs/common';
import { licensedHost } from '@nimbus/simulation';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_DB } from '../../persistence/data-source';
import { findImage, findInstanceType, Fleet } from '@nimbus/hypervisor';
import { LicenseCountingType, LicensedInstance, LicenseLimit, licenseUsage } from '@nimbus/scheduler';
import { DataSource, EntityManager, Not } from 'typeorm';
import { ApiError } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { InstanceEntity, LicenseConfigurationEntity, TenantEntity } from '../../persistence/entities';
import { EngineService } from '../../engine/engine.service';
import { CreateLicenseConfigurationDto } from '../../http/rest/licenses/license.dto';

export const licenseConfigurationNotFound = (id: string) =>
  new ApiError('InvalidLicenseConfigurationId.NotFound', `The license configuration '${id}' does not exist`);

export const limitOf = (c: LicenseConfigurationEntity): LicenseLimit => ({
  licenseConfigurationId: c.id, countingType: c.countingType as LicenseCountingType, limit: c.limit, hardLimit: c.hardLimit,
});

/** A Dedicated Host as its licenses see it: its physical sockets and cores. */

/**
 * AWS License Manager's self-managed licenses. An instance consumes from launch until it is
 * terminated — stopped ones too: the license stays associated with the instance (and, for core or
 * socket counting, with its Dedicated Host, to which a stopped instance returns), so stopping
 * frees nothing and starting again needs no new admission.
 */
@Injectable()
export class LicensesService {
  constructor(
    @InjectDataSource(READ_DB) private readonly db: DataSource,
    private readonly engine: EngineService,
  ) {}

  create(tenant: TenantEntity, dto: CreateLicenseConfigurationDto) {
    return this.engine.command(async (tx, e) => {
      const row = tx.create(LicenseConfigurationEntity, {
        id: resourceId('lic'), tenantId: tenant.id, name: dto.name, countingType: dto.countingType, limit: dto.limit, hardLimit: dto.hardLimit, createdAt: e.now,
      });
      await tx.insert(LicenseConfigurationEntity, { ...row });
      return this.view(row, []);
    });
  }

  async list(tenant: TenantEntity) {
    const rows = await this.db.getRepository(LicenseConfigurationEntity).find({ where: { tenantId: tenant.id }, order: { id: 'ASC' } });
    return this.engine.read(async (e) => {
      const out = [];
      for (const r of rows) out.push(this.view(r, await this.licensedInstances(this.db.manager, e.fleet, r.id)));
      return { licenseConfigurations: out };
    });
  }

  async get(tenant: TenantEntity, id: string) {
    const row = await this.require(this.db.manager, tenant.id, id);
    return this.engine.read(async (e) => this.view(row, await this.licensedInstances(this.db.manager, e.fleet, id)));
  }

  /** Refused while instances that are not terminated consume from it. */
  delete(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx) => {
      await this.require(tx, tenant.id, id);
      const users = await tx.countBy(InstanceEntity, { licenseConfigurationId: id, state: Not('terminated') });
      if (users > 0) throw new ApiError('LicenseConfigurationInUse', `The license configuration '${id}' is used by ${users} instance(s) that are not terminated.`);
      await tx.update(InstanceEntity, { licenseConfigurationId: id }, { licenseConfigurationId: null });
      await tx.delete(LicenseConfigurationEntity, { id });
    });
  }

  /** Another tenant's configuration is indistinguishable from a missing one. */
  async require(m: EntityManager, tenantId: string, id: string): Promise<LicenseConfigurationEntity> {
    const row = await m.findOneBy(LicenseConfigurationEntity, { id, tenantId });
    if (!row) throw licenseConfigurationNotFound(id);
    return row;
  }

  /** The instances that consume from a configuration now: every one not terminated. */
  async licensedInstances(m: EntityManager, fleet: Fleet, configId: string): Promise<LicensedInstance[]> {
    const rows = await m.find(InstanceEntity, { where: { licenseConfigurationId: configId, state: Not('terminated') }, order: { id: 'ASC' } });
    const out: LicensedInstance[] = [];
    for (const r of rows) {
      const product = findImage(r.imageId)?.byolProduct;
      const type = findInstanceType(r.instanceType);
      if (!product || !type) continue;
      const host = r.dedicatedHostId ? licensedHost(fleet, r.dedicatedHostId) : undefined;
      out.push({ instanceId: r.id, vcpus: type.vcpus, product, ...(host ? { dedicatedHost: host } : {}) });
    }
    return out;
  }

  private view(c: LicenseConfigurationEntity, instances: LicensedInstance[]) {
    const usage = licenseUsage(c.countingType as LicenseCountingType, instances);
    const consumed = usage.reduce((s, u) => s + u.consumedLicenses, 0);
    return {
      licenseConfigurationId: c.id,
      name: c.name,
      countingType: c.countingType,
      limit: c.limit,
      hardLimit: c.hardLimit,
      consumedLicenses: consumed,
      // A soft limit admits launches past it; this says so.
      limitExceeded: consumed > c.limit,
      status: 'AVAILABLE',
      usage,
      createdAt: new Date(c.createdAt).toISOString(),
    };
  }
}
