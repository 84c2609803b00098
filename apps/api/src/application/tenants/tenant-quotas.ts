import { Injectable } from '@nestjs/common';
import { EngineService } from '../../engine/engine.service';
import { TenantsRepository } from '../../persistence/tenants.repository';
import { Tx } from '../../persistence/tx';

/**
 * Each tenant's On-Demand vCPU quota as the write path sees it, for the launch's and the start's
 * quota check: read from the tenant's row once, then kept here, instead of a SELECT in every
 * launch. Inside commands only: they run one at a time on the write path, the only writer of a
 * quota (TenantsService.update sets it here in the same command). What a command read or set is
 * forgotten if the command or its group fails, so what is kept is always what has committed, or
 * what the commands before it in its own group changed.
 */
@Injectable()
export class TenantQuotas {
  private readonly onDemandVcpus = new Map<string, number>();

  constructor(
    private readonly engine: EngineService,
    private readonly tenants: TenantsRepository,
  ) {}

  /** The tenant's On-Demand vCPU quota, as committed before this command's group or changed in it. */
  async onDemandVcpuQuota(tx: Tx, tenantId: string): Promise<number> {
    const known = this.onDemandVcpus.get(tenantId);
    if (known !== undefined) return known;
    const quota = await this.tenants.onDemandVcpuQuota(tx, tenantId);
    this.remember(tenantId, quota);
    return quota;
  }

  /** In the command that writes the tenant's row: its new quota. */
  quotaChanged(tenantId: string, onDemandVcpus: number): void {
    this.remember(tenantId, onDemandVcpus);
  }

  private remember(tenantId: string, quota: number): void {
    const before = this.onDemandVcpus.get(tenantId);
    this.onDemandVcpus.set(tenantId, quota);
    this.engine.onAbort(() => {
      if (before === undefined) this.onDemandVcpus.delete(tenantId);
      else this.onDemandVcpus.set(tenantId, before);
    });
  }
}
