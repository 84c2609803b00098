import { FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { del, get, patch, post } from '../api';
import { Chart } from '../chart';
import { getClock, Invoice, Tenant, tenantNameMap } from '../data';
import { formatDateTime, formatMoney, formatMonth, formatNumber, monthOf } from '../format';
import { Confirm, ErrorBox, Show, Table, useLoad, useParam } from '../ui';

export function Tenants() {
  const [q, setQ] = useParam('q');
  const [loaded, reload] = useLoad(() => get<{ tenants: Tenant[] }>('/v1/admin/tenants'), []);
  return (
    <>
      <h1>Tenants</h1>
      <div className="filters">
        <label>Search by name or id<input type="search" value={q} onChange={(e) => setQ(e.target.value)} /></label>
      </div>
      <Show loaded={loaded} what="tenants" onRetry={reload}>
        {(d) => {
          const needle = q.trim().toLowerCase();
          const rows = d.tenants.filter((t) => !needle || t.name.toLowerCase().includes(needle) || t.tenantId.includes(needle));
          return (
            <Table caption={`Tenants (${rows.length})`} rows={rows} pageParam="page" rowKey={(t) => t.tenantId} empty={needle ? 'No tenant matches the search.' : 'No tenants yet.'} columns={[
              { header: 'Name', cell: (t) => <Link to={`/tenants/${t.tenantId}`}>{t.name}</Link>, csv: (t) => t.name },
              { header: 'Tenant id', cell: (t) => t.tenantId },
              { header: 'On-demand vCPU quota', numeric: true, cell: (t) => formatNumber(t.quotas.onDemandVcpus, 0) },
              { header: 'Provisioned IOPS quota', numeric: true, cell: (t) => formatNumber(t.quotas.provisionedIops, 0) },
              { header: 'Created', cell: (t) => formatDateTime(t.createdAt) },
            ]} />
          );
        }}
      </Show>
    </>
  );
}

interface UsageRow { usageType?: string; product: string; day?: string; unit: string; quantity: string }
interface Instance { instanceId: string; instanceType: string; state: { name: string }; availabilityZone: string; platform: string; launchTime: string }

function Quotas({ tenant, onSaved }: { tenant: Tenant; onSaved: () => void }) {
  const [vcpus, setVcpus] = useState(String(tenant.quotas.onDemandVcpus));
  const [iops, setIops] = useState(String(tenant.quotas.provisionedIops));
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await patch(`/v1/admin/tenants/${tenant.tenantId}`, { quotas: { onDemandVcpus: Number(vcpus), provisionedIops: Number(iops) } });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form className="filters" onSubmit={save} aria-label="Quotas">
      <label>On-demand vCPUs<input type="number" min={0} value={vcpus} onChange={(e) => setVcpus(e.target.value)} /></label>
      <label>Provisioned IOPS<input type="number" min={0} value={iops} onChange={(e) => setIops(e.target.value)} /></label>
      <button type="submit" className="primary">Save quotas</button>
      {saved && <span role="status">Saved.</span>}
      {error && <ErrorBox error={error} />}
    </form>
  );
}

/**
 * Issuing and revoking a tenant's keys under `path` (POST to issue, DELETE `path/{id}` to revoke):
 * the key just issued (its secret shown only once), the key awaiting the revoke's confirmation, and
 * the API's error, shown as it answers. `idOf` names an issued key, so revoking it hides its secret.
 */
function useKeys<K>(path: string, reload: () => void, idOf: (k: K) => string) {
  const [created, setCreated] = useState<K | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const issue = async () => {
    setError(null);
    try {
      setCreated(await post<K>(path));
      reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  const revoke = async (id: string) => {
    setRevoking(null);
    setError(null);
    try {
      await del(`${path}/${id}`);
      setCreated((k) => (k !== null && idOf(k) === id ? null : k));
      reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  return { created, revoking, setRevoking, error, issue, revoke };
}

function Keys({ tenantId }: { tenantId: string }) {
  const [loaded, reload] = useLoad(() => get<{ apiKeys: { keyId: string; createdAt: string }[] }>(`/v1/admin/tenants/${tenantId}/api-keys`), [tenantId]);
  const { created: issued, revoking, setRevoking, error, issue, revoke } = useKeys<{ apiKey: { keyId: string; key: string } }>(`/v1/admin/tenants/${tenantId}/api-keys`, reload, (r) => r.apiKey.keyId);
  const created = issued && `${issued.apiKey.keyId}: ${issued.apiKey.key}`;
  return (
    <>
      <button type="button" className="primary" onClick={issue}>Issue a key</button>
      {created && <div className="notice" role="status">New key (shown only now, keep it): <code data-testid="new-key">{created}</code></div>}
      {error && <ErrorBox error={error} />}
      <Show loaded={loaded} what="keys" onRetry={reload}>
        {(d) => (
          <Table caption="API keys" rows={d.apiKeys} rowKey={(k) => k.keyId} empty="The tenant has no API key." columns={[
            { header: 'Key id', cell: (k) => k.keyId },
            { header: 'Created', cell: (k) => formatDateTime(k.createdAt) },
            { header: 'Action', cell: (k) => <button type="button" className="danger" onClick={() => setRevoking(k.keyId)} aria-label={`Revoke ${k.keyId}`}>Revoke</button>, csv: () => '' },
          ]} />
        )}
      </Show>
      {revoking && (
        <Confirm title="Revoke this key?" confirmLabel="Revoke" onConfirm={() => revoke(revoking)} onCancel={() => setRevoking(null)}>
          Requests with key <code>{revoking}</code> are refused from now on.
        </Confirm>
      )}
    </>
  );
}

/**
 * The tenant's request limits (the throttling of its API calls, REST and EC2 alike): a multiplier
 * over every bucket, and per-operation figures as JSON. The API checks both and its 400 names each
 * bad path; a JSON syntax error is shown before anything is sent.
 */
function RequestLimits({ tenant, onSaved }: { tenant: Tenant; onSaved: () => void }) {
  const current = tenant.requestLimits ?? { multiplier: 1, operations: {} };
  const [multiplier, setMultiplier] = useState(String(current.multiplier));
  const [operations, setOperations] = useState(JSON.stringify(current.operations, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setJsonError(null);
    setSaved(false);
    let parsed: unknown;
    try {
      parsed = JSON.parse(operations.trim() === '' ? '{}' : operations);
    } catch (err) {
      setJsonError(`not valid JSON: ${(err as Error).message}`);
      return;
    }
    try {
      await patch(`/v1/admin/tenants/${tenant.tenantId}`, { requestLimits: { multiplier: Number(multiplier), operations: parsed } });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form onSubmit={save} aria-label="Request limits">
      <div className="filters">
        <label>Multiplier (every bucket&rsquo;s size and refill)<input type="number" min={1} step="any" value={multiplier} onChange={(e) => setMultiplier(e.target.value)} /></label>
      </div>
      <label>Per-operation limits (JSON: operation → bucketSize, refillPerSecond, resourceBucketSize, resourceRefillPerSecond)
        <textarea name="operations" rows={4} value={operations} onChange={(e) => setOperations(e.target.value)} aria-invalid={jsonError !== null} aria-describedby="err-operations" />
      </label>
      {jsonError && <span id="err-operations" className="field-error">{jsonError}</span>}
      <div><button type="submit" className="primary">Save request limits</button> {saved && <span role="status">Saved.</span>}</div>
      {error && <ErrorBox error={error} />}
    </form>
  );
}

interface AccessKey { accessKeyId: string; createdAt: string }

/**
 * The tenant's access keys for the EC2 Query protocol (the AWS CLI and SDKs): issued and revoked
 * here by the admin, as through the API. The secret is shown once, with the settings a client
 * needs to use it against this Nimbus; how many keys a tenant may hold is the API's rule, and its
 * refusal is shown as it answers it.
 */
function AccessKeys({ tenantId }: { tenantId: string }) {
  const [loaded, reload] = useLoad(() => get<{ accountId: string; accessKeys: AccessKey[] }>(`/v1/admin/tenants/${tenantId}/access-keys`), [tenantId]);
  const { created, revoking, setRevoking, error, issue, revoke } = useKeys<AccessKey & { secretAccessKey: string }>(`/v1/admin/tenants/${tenantId}/access-keys`, reload, (k) => k.accessKeyId);
  return (
    <>
      <button type="button" className="primary" onClick={issue}>Issue an access key</button>
      {created && (
        <div className="notice" role="status">
          New access key (the secret is shown only now, keep it): <code data-testid="new-access-key-id">{created.accessKeyId}</code>,
          secret <code data-testid="new-secret-access-key">{created.secretAccessKey}</code>. For the AWS CLI:
          <pre data-testid="new-access-key-cli">{[
            `export AWS_ACCESS_KEY_ID=${created.accessKeyId}`,
            `export AWS_SECRET_ACCESS_KEY=${created.secretAccessKey}`,
            'export AWS_DEFAULT_REGION=us-east-1',
            `aws ec2 describe-instances --endpoint-url ${window.location.origin}`,
          ].join('\n')}</pre>
        </div>
      )}
      {error && <ErrorBox error={error} />}
      <Show loaded={loaded} what="access keys" onRetry={reload}>
        {(d) => (
          <>
            <p>Account id (EC2&rsquo;s <code>ownerId</code>): <code data-testid="account-id">{d.accountId}</code></p>
            <Table caption="EC2 access keys" rows={d.accessKeys} rowKey={(k) => k.accessKeyId} empty="The tenant has no access key: the AWS CLI and SDKs cannot sign in as it." columns={[
              { header: 'Access key id', cell: (k) => k.accessKeyId },
              { header: 'Created', cell: (k) => formatDateTime(k.createdAt) },
              { header: 'Action', cell: (k) => <button type="button" className="danger" onClick={() => setRevoking(k.accessKeyId)} aria-label={`Revoke access key ${k.accessKeyId}`}>Revoke</button>, csv: () => '' },
            ]} />
          </>
        )}
      </Show>
      {revoking && (
        <Confirm title="Revoke this access key?" confirmLabel="Revoke" onConfirm={() => revoke(revoking)} onCancel={() => setRevoking(null)}>
          Requests signed with <code>{revoking}</code> are refused from now on.
        </Confirm>
      )}
    </>
  );
}

export function TenantDetail() {
  const { id = '' } = useParams();
  const [unit, setUnit] = useParam('unit');
  const [loaded, reload] = useLoad(async () => {
    const clock = await getClock();
    const [tenant, usage, invoices, instances] = await Promise.all([
      get<Tenant>(`/v1/admin/tenants/${id}`),
      get<{ usage: UsageRow[] }>(`/v1/admin/tenants/${id}/usage`, { groupBy: 'day' }),
      get<{ invoices: Invoice[] }>('/v1/admin/invoices', { tenantId: id }),
      get<{ instances: Instance[] }>(`/v1/admin/tenants/${id}/instances`, { maxResults: 1000 }),
    ]);
    // Estimates of the running month are listed by month, so the running month is asked for too.
    const estimate = await get<{ invoices: Invoice[] }>('/v1/admin/invoices', { tenantId: id, month: monthOf(clock.now) });
    return { tenant, usage: usage.usage, invoices: [...estimate.invoices, ...invoices.invoices], instances: instances.instances };
  }, [id]);
  return (
    <Show loaded={loaded} what="the tenant" onRetry={reload}>
      {(d) => {
        const units = [...new Set(d.usage.map((u) => u.unit))].sort();
        const shownUnit = units.includes(unit) ? unit : units[0] ?? '';
        const rows = d.usage.filter((u) => u.unit === shownUnit);
        const days = [...new Set(rows.map((u) => u.day!))].sort();
        const types = [...new Set(rows.map((u) => u.usageType ?? u.product))].sort();
        const value = new Map(rows.map((u) => [`${u.day}|${u.usageType ?? u.product}`, Number(u.quantity)]));
        return (
          <>
            <p><Link to="/tenants">← Tenants</Link></p>
            <h1>{d.tenant.name} <span className="unit">{d.tenant.tenantId}</span></h1>
            <h2>Usage this month by usage type</h2>
            {units.length > 1 && (
              <div className="filters"><label>Unit<select value={shownUnit} onChange={(e) => setUnit(e.target.value)}>{units.map((u) => <option key={u}>{u}</option>)}</select></label></div>
            )}
            <Chart title={`Usage by day (${shownUnit || 'no usage'})`} kind="bar" stacked categories={days} xName="day (UTC)" yName={shownUnit || 'quantity'} format={(v) => `${formatNumber(v, 2)} ${shownUnit}`}
              series={types.map((t) => ({ name: t, values: days.map((day) => value.get(`${day}|${t}`) ?? 0) }))} />
            <h2>Invoices</h2>
            <Table caption="Invoices" rows={d.invoices} rowKey={(i) => i.invoiceId} empty="No invoices." columns={[
              { header: 'Month', cell: (i) => <Link to={`/invoices?month=${i.month}&tenantId=${i.tenantId}&invoice=${i.invoiceId}`}>{formatMonth(i.month)}</Link>, csv: (i) => i.month },
              { header: 'Status', cell: (i) => i.status },
              { header: 'Total', numeric: true, cell: (i) => formatMoney(i.total) },
            ]} />
            <h2>Quotas</h2>
            <Quotas tenant={d.tenant} onSaved={() => { tenantNameMap(true); reload(); }} />
            <h2>Request limits</h2>
            <RequestLimits tenant={d.tenant} onSaved={reload} />
            <h2>API keys</h2>
            <Keys tenantId={id} />
            <h2>EC2 access keys</h2>
            <AccessKeys tenantId={id} />
            <h2>Instances</h2>
            <Table caption="Instances" rows={d.instances} rowKey={(i) => i.instanceId} empty="No instances." columns={[
              { header: 'Instance', cell: (i) => i.instanceId },
              { header: 'Type', cell: (i) => i.instanceType },
              { header: 'State', cell: (i) => i.state.name },
              { header: 'Zone', cell: (i) => i.availabilityZone },
              { header: 'Platform', cell: (i) => i.platform },
              { header: 'Launched', cell: (i) => formatDateTime(i.launchTime) },
            ]} />
          </>
        );
      }}
    </Show>
  );
}
