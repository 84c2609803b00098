import { RequestLimits } from '../throttling';

/** The operator's commands and queries on tenants and their API keys (TenantsService). */

export interface TenantQuotas {
  readonly onDemandVcpus?: number;
  readonly provisionedIops?: number;
}

export interface CreateTenantCommand {
  readonly name: string;
  readonly quotas?: TenantQuotas;
}

export interface TenantIdCommand {
  readonly tenantId: string;
}

/** Each part, when given, replaces the current one; `requestLimits: null` resets to EC2's figures. */
export interface UpdateTenantCommand {
  readonly tenantId: string;
  readonly quotas?: TenantQuotas;
  readonly requestLimits?: RequestLimits | null;
}

export interface DeleteApiKeyCommand {
  readonly tenantId: string;
  readonly keyId: string;
}
