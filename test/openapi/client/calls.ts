/**
 * A client of Nimbus as a user would write one: types generated from /docs-json by
 * openapi-typescript (`./nimbus-api`, written by test/openapi/client.e2e-spec.ts next to a copy of
 * this file), calls made with openapi-fetch. The test type-checks this file against the generated
 * types (so a schema that disagrees with what this code reads breaks the build), then runs it
 * against a running app and checks what it prints. Not part of the repository's own typecheck: the
 * types it imports exist only once generated.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './nimbus-api';

type Instance = components['schemas']['InstanceResponseDto'];

const baseUrl = process.env.NIMBUS_URL!;
const admin = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${process.env.NIMBUS_ADMIN_KEY}` } });

function must<T>(r: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (r.data === undefined) throw new Error(`${what}: ${r.response.status} ${JSON.stringify(r.error)}`);
  return r.data;
}

async function main(): Promise<void> {
  // Admin: a fleet and a tenant (its key is shown once).
  const added = must(await admin.POST('/v1/admin/hosts', { body: { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 2 } }), 'add hosts');
  const hostIds: string[] = added.hosts.map((h) => h.hostId);
  const created = must(await admin.POST('/v1/admin/tenants', { body: { name: 'client', quotas: { onDemandVcpus: 32 } } }), 'create tenant');
  const key: string = created.apiKey.key;
  const tenants = must(await admin.GET('/v1/admin/tenants'), 'list tenants');
  const tenantNames: string[] = tenants.tenants.map((t) => t.name);
  const quota: number = tenants.tenants.find((t) => t.tenantId === created.tenant.tenantId)!.quotas.onDemandVcpus;

  // Tenant: the catalog, a launch, a describe, a workload, the quotas.
  const tenant = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });
  const types = must(await tenant.GET('/v1/instance-types'), 'instance types');
  const micro = types.instanceTypes.find((t) => t.name === 't3.micro')!;
  const linuxHourly: string = micro.hourlyPriceUsd.linux;
  const reservation = must(
    await tenant.POST('/v1/instances', { body: { imageId: 'ami-0a1e0c00000000a23', instanceType: 't3.micro', availabilityZone: 'us-east-1a', tags: { Name: 'client-1' } } }),
    'launch',
  );
  const launched: Instance = reservation.instances[0];
  await admin.POST('/v1/admin/clock/advance', { body: { seconds: 3600 } });
  const described = must(await tenant.GET('/v1/instances/{id}', { params: { path: { id: launched.instanceId } } }), 'describe');
  const state: string = described.state.name;
  const stateCode: number = described.state.code;
  const page = must(await tenant.GET('/v1/instances', { params: { query: { state: 'running' } } }), 'list instances');
  const workload = must(
    await tenant.PUT('/v1/instances/{id}/workload', { params: { path: { id: launched.instanceId } }, body: { cpu: { model: 'constant', cores: 1 } } }),
    'workload',
  );
  const quotas = must(await tenant.GET('/v1/quotas'), 'quotas');
  const vcpusUsed: number = quotas.onDemandVcpus.used;
  const missing = await tenant.GET('/v1/instances/{id}', { params: { path: { id: 'i-00000000000000000' } } });
  const missingCode: string | undefined = missing.error?.error.code;

  // Billing: usage, the invoice estimate, the admin summary.
  const usage = must(await tenant.GET('/v1/usage', { params: { query: { groupBy: 'product' } } }), 'usage');
  const instanceHours: string | undefined = usage.usage.find((u) => u.product === 'ec2-instance')?.quantity;
  const invoices = must(await tenant.GET('/v1/invoices'), 'invoices');
  const estimate = invoices.invoices[0];
  // JSON, or CSV when asked with Accept: text/csv (the document says both): this asks for JSON.
  const answer = must(await tenant.GET('/v1/invoices/{id}', { params: { path: { id: estimate.invoiceId } } }), 'invoice');
  if (typeof answer === 'string') throw new Error('asked for JSON, got CSV');
  const invoice = answer;
  const lineAmounts: string[] = invoice.lines.map((l) => l.amount);
  const clock = must(await admin.GET('/v1/admin/clock'), 'clock');
  const month = clock.now.slice(0, 7);
  const summary = must(await admin.GET('/v1/admin/billing/summary', { params: { query: { month } } }), 'billing summary');
  const host = must(await admin.GET('/v1/admin/hosts/{id}', { params: { path: { id: hostIds[0] } } }), 'host');
  const terminated = must(await tenant.DELETE('/v1/instances/{id}', { params: { path: { id: launched.instanceId } } }), 'terminate');

  process.stdout.write(
    JSON.stringify({
      hostIds, tenantNames, quota, linuxHourly, instanceId: launched.instanceId, launchState: launched.state.name, state, stateCode,
      listed: page.instances.map((i) => i.instanceId), workloadInstance: workload.instanceId, vcpusUsed, missingCode, missingStatus: missing.response.status,
      instanceHours, invoiceStatus: estimate.status, invoiceTotal: invoice.total, lineAmounts, summaryTotal: summary.total, summaryStatus: summary.status,
      hostInstances: host.allocated.instances, terminatedTo: terminated.currentState.name,
    }),
  );
}

main().catch((err) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
