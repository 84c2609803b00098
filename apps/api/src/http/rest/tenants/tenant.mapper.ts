import { DEFAULT_REQUEST_LIMITS } from '../../../application/throttling';
import { NewApiKey } from '../../../application/tenants/tenants.service';
import { TenantEntity } from '../../../persistence/entities';

export function mapTenant(t: TenantEntity) {
  return {
    tenantId: t.id,
    name: t.name,
    quotas: { onDemandVcpus: t.quotaOnDemandVcpus, provisionedIops: t.quotaProvisionedIops },
    requestLimits: t.requestLimits ?? DEFAULT_REQUEST_LIMITS,
    createdAt: new Date(t.createdAt).toISOString(),
  };
}

/** The secret appears only in the answer that creates the key. */
export function mapNewApiKey(k: NewApiKey) {
  return { keyId: k.row.id, key: k.key, createdAt: new Date(k.row.createdAt).toISOString() };
}
