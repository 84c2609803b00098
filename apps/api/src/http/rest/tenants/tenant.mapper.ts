import { DEFAULT_REQUEST_LIMITS } from '../../../application/throttling';
import { CreatedTenant, NewApiKey } from '../../../application/tenants/tenants.service';
import { TenantEntity } from '../../../persistence/entities';

export function mapTenant(t: TenantEntity) {
  return {
    tenantId: t.id,
    name: t.name,
    accountId: t.accountId,
    quotas: { onDemandVcpus: t.quotaOnDemandVcpus, provisionedIops: t.quotaProvisionedIops },
    requestLimits: t.requestLimits ?? DEFAULT_REQUEST_LIMITS,
    createdAt: new Date(t.createdAt).toISOString(),
  };
}

export function mapTenants(tenants: readonly TenantEntity[]) {
  return { tenants: tenants.map(mapTenant) };
}

/** A new tenant and its first key (the only time the key is shown). */
export function mapCreatedTenant(r: CreatedTenant) {
  return { tenant: mapTenant(r.tenant), apiKey: mapNewApiKey(r.apiKey) };
}

/** A key added to a tenant (the only time it is shown). */
export function mapCreatedApiKey(k: NewApiKey) {
  return { apiKey: mapNewApiKey(k) };
}

/** The secret appears only in the answer that creates the key. */
export function mapNewApiKey(k: NewApiKey) {
  return { keyId: k.row.id, key: k.key, createdAt: new Date(k.row.createdAt).toISOString() };
}
