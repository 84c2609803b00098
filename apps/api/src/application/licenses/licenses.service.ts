import { Injectable } from '@nestjs/common';
import { licensedHost } from '@nimbus/simulation';
import { Fleet, MS_PER_HOUR } from '@nimbus/hypervisor';
import { parseWindow } from '../vmm/metrics-query';
import { MetricsWindowQuery } from '../vmm/vmm.commands';
import { LicenseCountingType, LicensedInstance, LicenseLimit, LicenseUsage, licenseUsage } from '@nimbus/scheduler';
import { ApiError } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { LicenseConfigurationEntity, TenantEntity } from '../../persistence/entities';
import { LicensesRepository } from '../../persistence/licenses.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { CreateLicenseConfigurationCommand } from './licenses.commands';

export const licenseConfigurationNotFound = (id: string) =>
  new ApiError('InvalidLicenseConfigurationId.NotFound', `The license configuration '${id}' does not exist`);

export const limitOf = (c: LicenseConfigurationEntity): LicenseLimit => ({
  licenseConfigurationId: c.id, countingType: c.countingType as LicenseCountingType, limit: c.limit, hardLimit: c.hardLimit,
});

/** A configuration with what its instances consume from it now. */
export interface LicenseConfigurationState {
  readonly configuration: LicenseConfigurationEntity;
  readonly usage: readonly LicenseUsage[];
  readonly consumedLicenses: number;
  /** A soft limit admits launches past it; this says so. */
  readonly limitExceeded: boolean;
}

/** A configuration's consumption at the start of each period. */
export interface LicenseHistory {
  readonly configuration: LicenseConfigurationEntity;
  readonly periodMs: number;
  readonly points: readonly { readonly timeMs: number; readonly consumedLicenses: number }[];
}

/**
 * AWS License Manager's self-managed licenses. An instance consumes from launch until it is
 * terminated — stopped ones too: the license stays associated with the instance (and, for core or
 * socket counting, with its Dedicated Host, to which a stopped instance returns), so stopping
 * frees nothing and starting again needs no new admission.
 */
@Injectable()
export class LicensesService {
  constructor(
    private readonly repo: LicensesRepository,
    private readonly engine: EngineService,
  ) {}

  create(tenant: TenantEntity, cmd: CreateLicenseConfigurationCommand): Promise<LicenseConfigurationState> {
    return this.engine.command(async (tx, e) => {
      const row: LicenseConfigurationEntity = {
        id: resourceId('lic'), tenantId: tenant.id, name: cmd.name, countingType: cmd.countingType, limit: cmd.limit, hardLimit: cmd.hardLimit, createdAt: e.now,
      };
      await this.repo.insert(tx, row);
      return stateOf(row, []);
    });
  }

  /** Every tenant's configurations with their consumption now (operators). */
  listAll(): Promise<LicenseConfigurationState[]> {
    return this.listRows(this.repo.all());
  }

  list(tenant: TenantEntity): Promise<LicenseConfigurationState[]> {
    return this.listRows(this.repo.listOf(tenant.id));
  }

  private async listRows(query: Promise<LicenseConfigurationEntity[]>): Promise<LicenseConfigurationState[]> {
    const rows = await query;
    return this.engine.read(async (e) => {
      const out = [];
      for (const r of rows) out.push(stateOf(r, await this.consumersOf(e.fleet, r.id)));
      return out;
    });
  }

  async get(tenant: TenantEntity, id: string): Promise<LicenseConfigurationState> {
    const row = await this.repo.findOwned(tenant.id, id);
    if (!row) throw licenseConfigurationNotFound(id);
    return this.engine.read(async (e) => stateOf(row, await this.consumersOf(e.fleet, id)));
  }

  /**
   * A configuration's consumption over time (operators): at the start of each period, the
   * instances launched and not yet terminated, counted by the same rule as now (licenseUsage).
   */
  history(q: MetricsWindowQuery & { licenseConfigurationId: string }): Promise<LicenseHistory> {
    return this.engine.read(async (e) => {
      const w = parseWindow(q, e.now, 30 * 24 * MS_PER_HOUR);
      const row = await this.repo.findAny(q.licenseConfigurationId);
      if (!row) throw licenseConfigurationNotFound(q.licenseConfigurationId);
      const rows = await this.repo.everConsumers(row.id);
      const points: { timeMs: number; consumedLicenses: number }[] = [];
      for (let t = Math.floor(w.fromMs / w.periodMs) * w.periodMs; t < w.toMs; t += w.periodMs) {
        const alive: LicensedInstance[] = [];
        for (const r of rows) {
          if (r.launchTimeMs > t || (r.endedMs !== null && r.endedMs <= t)) continue;
          // The world's catalog, which the launch read: an operator's images and custom types too.
          const product = e.world.catalog.image(r.imageId)?.byolProduct;
          const type = e.world.catalog.instanceType(r.instanceType);
          if (!product || !type) continue;
          const host = r.dedicatedHostId ? licensedHost(e.fleet, r.dedicatedHostId) : undefined;
          alive.push({ instanceId: r.id, vcpus: type.vcpus, product, ...(host ? { dedicatedHost: host } : {}) });
        }
        points.push({ timeMs: t, consumedLicenses: stateOf(row, alive).consumedLicenses });
      }
      return { configuration: row, periodMs: w.periodMs, points };
    });
  }

  /** Refused while instances that are not terminated consume from it. */
  delete(tenant: TenantEntity, id: string): Promise<void> {
    return this.engine.command(async (tx) => {
      await this.require(tx, tenant.id, id);
      const users = await this.repo.countConsumers(tx, id);
      if (users > 0) throw new ApiError('LicenseConfigurationInUse', `The license configuration '${id}' is used by ${users} instance(s) that are not terminated.`);
      await this.repo.delete(tx, id);
    });
  }

  /** Another tenant's configuration is indistinguishable from a missing one. */
  async require(tx: Tx, tenantId: string, id: string): Promise<LicenseConfigurationEntity> {
    const row = await this.repo.findOwned(tenantId, id, tx);
    if (!row) throw licenseConfigurationNotFound(id);
    return row;
  }

  /** The instances that consume from a configuration now: every one not terminated. */
  licensedInstances(tx: Tx, fleet: Fleet, configId: string): Promise<LicensedInstance[]> {
    return this.consumersOf(fleet, configId, tx);
  }

  private async consumersOf(fleet: Fleet, configId: string, tx?: Tx): Promise<LicensedInstance[]> {
    const out: LicensedInstance[] = [];
    for (const r of await this.repo.consumers(configId, tx)) {
      const product = this.engine.world.catalog.image(r.imageId)?.byolProduct;
      const type = this.engine.world.catalog.instanceType(r.instanceType);
      if (!product || !type) continue;
      const host = r.dedicatedHostId ? licensedHost(fleet, r.dedicatedHostId) : undefined;
      out.push({ instanceId: r.id, vcpus: type.vcpus, product, ...(host ? { dedicatedHost: host } : {}) });
    }
    return out;
  }
}

function stateOf(c: LicenseConfigurationEntity, instances: readonly LicensedInstance[]): LicenseConfigurationState {
  const usage = licenseUsage(c.countingType as LicenseCountingType, instances);
  const consumed = usage.reduce((s, u) => s + u.consumedLicenses, 0);
  return { configuration: c, usage, consumedLicenses: consumed, limitExceeded: consumed > c.limit };
}
