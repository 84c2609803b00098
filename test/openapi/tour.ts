import request from 'supertest';
import { ADMIN_KEY, LINUX_AMI, TestApp } from '../support/app';
import { eventually, scenario } from '../support/simulations';

/** One real answer, filed under the OpenAPI operation that gave it. */
export interface Exchange {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The OpenAPI path template, e.g. /v1/instances/{id}. */
  path: string;
  status: number;
  contentType: string;
  body: unknown;
  text: string;
}

/**
 * A tour of the REST API as a user takes it: every feature, successes and the errors each route
 * really gives (a missing id, a wrong state, a bad body, no key, the wrong key), recorded with the
 * operation they belong to, so a test can hold each answer to the document's schema for its status.
 * A new route adds its calls here: at least one success, and the errors it documents that a call
 * can reach (test/openapi/openapi.e2e-spec.ts fails for an operation the tour does not call).
 */
export async function tour(t: TestApp): Promise<Exchange[]> {
  const log: Exchange[] = [];
  const server = t.app.getHttpServer();
  const call = async (key: string | undefined, method: Exchange['method'], path: string, params: Record<string, string> = {}, opts: { body?: unknown; query?: Record<string, string>; accept?: string } = {}) => {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]));
    let req = request(server)[method](url);
    if (key) req = req.set('Authorization', `Bearer ${key}`);
    if (opts.accept) req = req.set('Accept', opts.accept);
    if (opts.query) req = req.query(opts.query);
    const res = await (opts.body !== undefined ? req.send(opts.body as object) : req);
    log.push({ method, path, status: res.status, contentType: String(res.headers['content-type'] ?? ''), body: res.body, text: res.text });
    return res;
  };
  const admin = (method: Exchange['method'], path: string, params?: Record<string, string>, opts?: Parameters<typeof call>[4]) => call(ADMIN_KEY, method, path, params, opts);

  // Operations: health, metrics.
  await call(undefined, 'get', '/health');
  await call(undefined, 'get', '/health/live');
  await call(undefined, 'get', '/health/ready');
  await admin('get', '/metrics');
  await call(undefined, 'get', '/metrics');

  // Fleet and tenants (admin).
  await admin('get', '/v1/admin/host-types');
  const hosts = (await admin('post', '/v1/admin/hosts', {}, { body: { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 4 } })).body.hosts.map((h: { hostId: string }) => h.hostId);
  await admin('post', '/v1/admin/hosts', {}, { body: { hostType: 'm5-xen-pv-host', availabilityZone: 'us-east-1b', count: 1 } });
  await admin('post', '/v1/admin/hosts', {}, { body: { hostType: 'no-such-host', availabilityZone: 'us-east-1a' } });
  await admin('get', '/v1/admin/hosts', {}, { query: { availabilityZone: 'us-east-1a' } });
  const created = (await admin('post', '/v1/admin/tenants', {}, { body: { name: 'tour', quotas: { onDemandVcpus: 64, provisionedIops: 100000 } } })).body;
  const tenantId: string = created.tenant.tenantId;
  const key: string = created.apiKey.key;
  const other = (await admin('post', '/v1/admin/tenants', {}, { body: { name: 'other' } })).body;
  await admin('post', '/v1/admin/tenants', {}, { body: {} });
  await admin('get', '/v1/admin/tenants');
  await admin('get', '/v1/admin/tenants/{id}', { id: tenantId });
  await admin('get', '/v1/admin/tenants/{id}', { id: 't-00000000000000000' });
  await admin('patch', '/v1/admin/tenants/{id}', { id: tenantId }, { body: { quotas: { onDemandVcpus: 128 } } });
  await admin('patch', '/v1/admin/tenants/{id}', { id: tenantId }, { body: { requestLimits: { multiplier: 1000 } } });
  await admin('patch', '/v1/admin/tenants/{id}', { id: tenantId }, { body: { quotas: { onDemandVcpus: -1 } } });
  const extraKey = (await admin('post', '/v1/admin/tenants/{id}/api-keys', { id: tenantId })).body.apiKey;
  await admin('delete', '/v1/admin/tenants/{id}/api-keys/{keyId}', { id: tenantId, keyId: extraKey.keyId });
  await admin('delete', '/v1/admin/tenants/{id}/api-keys/{keyId}', { id: tenantId, keyId: extraKey.keyId });
  await call(key, 'get', '/v1/admin/tenants');
  await call('not-a-key', 'get', '/v1/admin/tenants');
  await call(undefined, 'get', '/v1/quotas');
  await call(ADMIN_KEY, 'get', '/v1/quotas');

  // Clock.
  await admin('get', '/v1/admin/clock');
  await admin('post', '/v1/admin/clock/advance', {}, { body: { seconds: 60 } });
  await admin('post', '/v1/admin/clock/advance', {}, { body: { seconds: -1 } });
  await admin('put', '/v1/admin/clock', {}, { body: { mode: 'manual' } });
  await admin('put', '/v1/admin/clock', {}, { body: { rate: 'fast' } });

  // Catalog.
  const tenant = (method: Exchange['method'], path: string, params?: Record<string, string>, opts?: Parameters<typeof call>[4]) => call(key, method, path, params, opts);
  await tenant('get', '/v1/instance-types');
  await tenant('get', '/v1/images');
  await tenant('get', '/v1/availability-zones');
  await tenant('get', '/v1/quotas');

  // Placement groups, Dedicated Hosts, license configurations.
  await tenant('post', '/v1/placement-groups', {}, { body: { groupName: 'tour-spread', strategy: 'spread' } });
  await tenant('post', '/v1/placement-groups', {}, { body: { groupName: 'tour-part', strategy: 'partition', partitionCount: 3 } });
  await tenant('post', '/v1/placement-groups', {}, { body: { groupName: 'tour-spread', strategy: 'spread' } });
  await tenant('get', '/v1/placement-groups');
  const dh = (await tenant('post', '/v1/dedicated-hosts', {}, { body: { instanceType: 'm5.large', availabilityZone: 'us-east-1a' } })).body.hosts[0].hostId;
  await tenant('post', '/v1/dedicated-hosts', {}, { body: { instanceFamily: 'm5', availabilityZone: 'us-east-1a', quantity: 1000 } });
  await tenant('get', '/v1/dedicated-hosts');
  await tenant('get', '/v1/dedicated-hosts/{id}', { id: dh });
  await tenant('get', '/v1/dedicated-hosts/{id}', { id: 'h-00000000000000000' });
  const lic = (await tenant('post', '/v1/license-configurations', {}, { body: { name: 'tour-lic', countingType: 'vCPU', limit: 64 } })).body.licenseConfigurationId;
  await tenant('post', '/v1/license-configurations', {}, { body: { name: 'tour-lic', countingType: 'Potato', limit: 64 } });
  await tenant('get', '/v1/license-configurations');
  await tenant('get', '/v1/license-configurations/{id}', { id: lic });
  await tenant('get', '/v1/license-configurations/{id}', { id: 'lic-00000000000000000' });

  // Instances.
  const launched = (await tenant('post', '/v1/instances', {}, {
    body: { imageId: LINUX_AMI, instanceType: 't3.micro', availabilityZone: 'us-east-1a', tags: { Name: 'tour-1' }, volumes: [{ sizeGiB: 20, type: 'gp3' }], clientToken: 'tour-1' },
  })).body;
  const id: string = launched.instances[0].instanceId;
  await tenant('post', '/v1/instances', {}, { body: { imageId: LINUX_AMI, instanceType: 'm5.large', placementGroup: 'tour-part', partitionNumber: 2, tenancy: 'dedicated' } });
  const onHost = (await tenant('post', '/v1/instances', {}, { body: { imageId: LINUX_AMI, instanceType: 'm5.large', hostId: dh } })).body.instances[0].instanceId;
  await tenant('post', '/v1/instances', {}, { body: { imageId: LINUX_AMI, instanceType: 't3.micro', clientToken: 'tour-1' } });
  await tenant('post', '/v1/instances', {}, { body: { imageId: 'ami-00000000000000000', instanceType: 't3.micro' } });
  await tenant('post', '/v1/instances', {}, { body: { instanceType: 't3.micro' } });
  await tenant('post', '/v1/instances', {}, { body: { imageId: LINUX_AMI, instanceType: 'm5.24xlarge', minCount: 20, maxCount: 20 } });
  await tenant('post', '/v1/instances', {}, { body: { imageId: LINUX_AMI, instanceType: 't3.micro', availabilityZone: 'us-east-1c' } });
  await tenant('get', '/v1/instances');
  await tenant('get', '/v1/instances', {}, { query: { state: 'pending', maxResults: '5', 'tag:Name': 'tour-1' } });
  await tenant('get', '/v1/instances', {}, { query: { state: 'sleeping' } });
  await tenant('get', '/v1/instances/{id}', { id });
  await tenant('get', '/v1/instances/{id}', { id: 'i-00000000000000000' });
  await tenant('get', '/v1/instances/{id}', { id: 'i-bad' });
  await tenant('get', '/v1/instances/{id}/password-data', { id });
  await tenant('get', '/v1/instances/{id}/password-data', { id: 'i-bad' });
  await tenant('post', '/v1/instances/{id}/stop', { id });
  await t.advance(30);
  await tenant('put', '/v1/instances/{id}/tags', { id }, { body: { tags: { team: 'infra' } } });
  await tenant('put', '/v1/instances/{id}/tags', { id }, { body: {} });
  await tenant('delete', '/v1/instances/{id}/tags/{key}', { id, key: 'team' });
  await tenant('put', '/v1/instances/{id}/workload', { id }, { body: { cpu: { model: 'constant', cores: 1.5 }, memory: { workingSetMiB: 300, dirtyRateMiBps: 5 }, network: [{ to: 'internet', mbps: 20 }] } });
  await tenant('put', '/v1/instances/{id}/workload', { id }, { body: { cpu: { model: 'sideways' } } });
  await tenant('get', '/v1/instances/{id}/workload', { id });
  await t.advance(600);
  await tenant('get', '/v1/instances/{id}', { id });
  await tenant('get', '/v1/instances/{id}/metrics', { id });
  await tenant('get', '/v1/instances/{id}/metrics', { id }, { query: { period: '61' } });
  await tenant('get', '/v1/instances/{id}/events', { id });
  await tenant('post', '/v1/instances/{id}/reboot', { id });
  await tenant('post', '/v1/instances/{id}/start', { id });
  await tenant('post', '/v1/instances/{id}/stop', { id });
  await t.advance(60);
  await tenant('post', '/v1/instances/{id}/reboot', { id });
  await tenant('post', '/v1/instances/{id}/start', { id });
  await t.advance(60);

  // Volumes.
  const vol = (await tenant('post', '/v1/volumes', {}, { body: { availabilityZone: 'us-east-1a', sizeGiB: 100, type: 'gp3', iops: 4000 } })).body.volumeId;
  await tenant('post', '/v1/volumes', {}, { body: { availabilityZone: 'us-east-1a', sizeGiB: 100, type: 'gp2', iops: 4000 } });
  await tenant('get', '/v1/volumes');
  await tenant('get', '/v1/volumes', {}, { query: { state: 'nope' } });
  await tenant('post', '/v1/volumes/{id}/attach', { id: vol }, { body: { instanceId: id } });
  await tenant('post', '/v1/volumes/{id}/attach', { id: vol }, { body: { instanceId: id } });
  await tenant('get', '/v1/volumes/{id}', { id: vol });
  await tenant('get', '/v1/volumes/{id}/modification', { id: vol });
  await tenant('post', '/v1/volumes/{id}/modify', { id: vol }, { body: { sizeGiB: 200, iops: 5000 } });
  await tenant('post', '/v1/volumes/{id}/modify', { id: vol }, { body: { sizeGiB: 300 } });
  await tenant('post', '/v1/volumes/{id}/modify', { id: 'vol-00000000000000000' }, { body: { sizeGiB: 50 } });
  await tenant('get', '/v1/volumes/{id}/modification', { id: vol });
  await tenant('delete', '/v1/volumes/{id}', { id: vol });
  await tenant('post', '/v1/volumes/{id}/detach', { id: vol });
  await tenant('post', '/v1/volumes/{id}/detach', { id: vol });
  await tenant('get', '/v1/volumes/{id}', { id: 'vol-00000000000000000' });
  await tenant('delete', '/v1/volumes/{id}', { id: vol });

  // Admin VMM.
  const host = hosts[0];
  await admin('get', '/v1/admin/hosts/{id}', { id: host });
  await admin('get', '/v1/admin/hosts/{id}', { id: 'h-00000000000000000' });
  await admin('get', '/v1/admin/fleet/utilization');
  await admin('get', '/v1/admin/events', {}, { query: { maxResults: '5' } });
  await admin('get', '/v1/admin/scheduler');
  await admin('put', '/v1/admin/scheduler', {}, { body: { ramAllocationRatio: 1 } });
  await admin('put', '/v1/admin/scheduler', {}, { body: { ramAllocationRatio: 'lots' } });
  await admin('get', '/v1/admin/rebalancer');
  await admin('put', '/v1/admin/rebalancer', {}, { body: { maxConcurrentMigrations: 8 } });
  await admin('put', '/v1/admin/rebalancer', {}, { body: { maxConcurrentMigrations: -8 } });
  const described = (await admin('get', '/v1/admin/hosts', {}, { query: { availabilityZone: 'us-east-1a' } })).body.hosts as { hostId: string; allocated: { instances: number } }[];
  // Two of our hosts with nothing on them: one to migrate to, one to switch off, fail, repair, drain and remove.
  const idle = described.filter((h) => h.allocated.instances === 0 && hosts.includes(h.hostId)).map((h) => h.hostId);
  const target = idle[0];
  await admin('post', '/v1/admin/instances/{id}/migrate', { id }, { body: { targetHostId: target } });
  await admin('post', '/v1/admin/instances/{id}/migrate', { id }, { body: {} });
  await t.advance(120);
  const empty = idle[1];
  await admin('post', '/v1/admin/hosts/{id}/power-off', { id: empty });
  await admin('post', '/v1/admin/hosts/{id}/power-off', { id: empty });
  await admin('post', '/v1/admin/hosts/{id}/power-on', { id: empty });
  await admin('post', '/v1/admin/hosts/{id}/fail', { id: empty }, { body: { component: 'host' } });
  await admin('post', '/v1/admin/hosts/{id}/fail', { id: empty }, { body: { component: 'disk' } });
  await admin('post', '/v1/admin/hosts/{id}/repair', { id: empty });
  await admin('post', '/v1/admin/hosts/{id}/drain', { id: empty });
  await admin('delete', '/v1/admin/hosts/{id}', { id: empty });
  await admin('delete', '/v1/admin/hosts/{id}', { id: 'h-00000000000000000' });

  // Billing.
  await tenant('get', '/v1/usage');
  await tenant('get', '/v1/usage', {}, { query: { groupBy: 'product' } });
  await tenant('get', '/v1/usage', {}, { query: { groupBy: 'day' } });
  await tenant('get', '/v1/usage', {}, { query: { groupBy: 'color' } });
  const invoices = (await tenant('get', '/v1/invoices')).body.invoices as { invoiceId: string }[];
  await tenant('get', '/v1/invoices/{id}', { id: invoices[0].invoiceId });
  await tenant('get', '/v1/invoices/{id}', { id: invoices[0].invoiceId }, { accept: 'text/csv' });
  await tenant('get', '/v1/invoices/{id}', { id: 'inv-00000000000000000' });
  // Reserved Instances, and their utilization and coverage.
  const offering = (await tenant('get', '/v1/reserved-instance-offerings', {}, { query: { instanceType: 'm5.large', term: '1yr', offeringType: 'No Upfront', scope: 'Region' } })).body.offerings[0];
  await tenant('get', '/v1/reserved-instance-offerings', {}, { query: { term: '2yr' } });
  const riId = (await tenant('post', '/v1/reserved-instances', {}, { body: { offeringId: offering.offeringId, instanceCount: 1, clientToken: 'tour-ri' } })).body.reservedInstancesId;
  await tenant('post', '/v1/reserved-instances', {}, { body: { offeringId: offering.offeringId, instanceCount: 2, clientToken: 'tour-ri' } });
  await tenant('post', '/v1/reserved-instances', {}, { body: { offeringId: '00000000-0000-4000-a000-000000000000', instanceCount: 1 } });
  await tenant('get', '/v1/reserved-instances');
  await tenant('get', '/v1/reserved-instances/{id}', { id: riId });
  await tenant('get', '/v1/reserved-instances/{id}', { id: '00000000-0000-4000-a000-000000000000' });
  await tenant('get', '/v1/billing/reserved-instances');
  await tenant('get', '/v1/billing/reserved-instances', {}, { query: { month: '2025-13' } });
  await admin('get', '/v1/admin/tenants/{id}/reserved-instances', { id: tenantId });
  await admin('get', '/v1/admin/billing/reserved-instances', {}, { query: { month: 'current' } });
  await admin('get', '/v1/admin/prices');
  await admin('put', '/v1/admin/prices', {}, { body: { instanceTypes: { 'm5.large': { hourly: { linux: '0.1' } } } } });
  await admin('put', '/v1/admin/prices', {}, { body: { colour: 'green' } });
  await admin('get', '/v1/admin/billing/credit-policy');
  await admin('put', '/v1/admin/billing/credit-policy', {}, { body: { guaranteeViolation: { creditPercent: '25', minimumDurationMs: 60000 } } });
  await admin('put', '/v1/admin/billing/credit-policy', {}, { body: { nope: 1 } });
  const now = new Date(Date.parse((await admin('get', '/v1/admin/clock')).body.now));
  const month = now.toISOString().slice(0, 7);
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  await admin('get', '/v1/admin/billing/summary', {}, { query: { month } });
  await admin('get', '/v1/admin/billing/summary', {}, { query: { month: '2025-13' } });
  await admin('post', '/v1/admin/billing/close', {}, { body: { month } });
  await admin('post', '/v1/admin/billing/close', {}, { body: { month: previous } });
  await admin('post', '/v1/admin/billing/close', {}, { body: { month: previous } });
  await admin('post', '/v1/admin/billing/close', {}, { body: {} });
  await admin('get', '/v1/admin/invoices', {}, { query: { month } });
  await admin('get', '/v1/admin/invoices', {}, { query: { tenantId } });
  const all = (await admin('get', '/v1/admin/invoices', {}, { query: { month, tenantId } })).body.invoices as { invoiceId: string }[];
  await admin('get', '/v1/admin/invoices', {}, { query: { tenantId: 'nobody' } });
  await admin('get', '/v1/admin/invoices/{id}', { id: all[0].invoiceId }, { query: { recompute: 'true' } });
  await admin('get', '/v1/admin/invoices/{id}', { id: all[0].invoiceId }, { accept: 'text/csv' });
  await admin('get', '/v1/admin/invoices/{id}', { id: 'inv-00000000000000000' });

  // Simulations (a small real scenario, run in-process).
  await admin('get', '/v1/admin/scenarios');
  await admin('get', '/v1/admin/scenarios/schema');
  const sim = (await admin('post', '/v1/admin/simulations', {}, { body: { scenario: scenario({ hours: 2, hostsPerZone: 2, vmsPerZone: 4 }) } })).body.simulationId;
  await admin('post', '/v1/admin/simulations', {}, { body: { scenario: { version: 1, durationHours: -1 } } });
  await admin('post', '/v1/admin/simulations', {}, { body: { builtIn: 'no-such-scenario' } });
  await eventually(async () => ((await request(server).get(`/v1/admin/simulations/${sim}`).set('Authorization', `Bearer ${ADMIN_KEY}`)).body.state === 'completed' ? true : undefined), 60_000, 'the tour simulation to complete');
  const sim2 = (await admin('post', '/v1/admin/simulations', {}, { body: { scenario: scenario({ hours: 2, hostsPerZone: 2, vmsPerZone: 4, seed: 2 }) } })).body.simulationId;
  await eventually(async () => ((await request(server).get(`/v1/admin/simulations/${sim2}`).set('Authorization', `Bearer ${ADMIN_KEY}`)).body.state === 'completed' ? true : undefined), 60_000, 'the second tour simulation to complete');
  await admin('get', '/v1/admin/simulations', {}, { query: { maxResults: '5' } });
  await admin('get', '/v1/admin/simulations/{id}', { id: sim });
  await admin('get', '/v1/admin/simulations/{id}', { id: 'sim-00000000000000000' });
  await admin('get', '/v1/admin/simulations/{id}/report', { id: sim });
  const report = log[log.length - 1].body as { series: { name: string }[]; tables?: Record<string, unknown> | { name: string }[] };
  const seriesName = report.series[0].name;
  await admin('get', '/v1/admin/simulations/{id}/series/{name}', { id: sim, name: seriesName });
  await admin('get', '/v1/admin/simulations/{id}/series/{name}', { id: sim, name: seriesName }, { accept: 'text/csv' });
  await admin('get', '/v1/admin/simulations/{id}/series/{name}', { id: sim, name: 'no-such-series' });
  await admin('get', '/v1/admin/simulations/{id}/csv', { id: sim }, { query: { series: seriesName } });
  await admin('get', '/v1/admin/simulations/compare', {}, { query: { a: sim, b: sim2 } });
  await admin('get', '/v1/admin/simulations/compare', {}, { query: { a: 'x' } });
  await admin('get', '/v1/admin/simulations/{id}/events', { id: 'sim-00000000000000000' });
  await admin('post', '/v1/admin/simulations/{id}/cancel', { id: sim });
  const sim3 = (await admin('post', '/v1/admin/simulations', {}, { body: { scenario: scenario({ hours: 48, seed: 3 }) } })).body.simulationId;
  await admin('post', '/v1/admin/simulations/{id}/cancel', { id: sim3 });
  await admin('delete', '/v1/admin/simulations/{id}', { id: sim2 });
  await admin('delete', '/v1/admin/simulations/{id}', { id: sim2 });

  // Experiments (a small real one, run in-process).
  await admin('get', '/v1/admin/experiments/built-in');
  await admin('get', '/v1/admin/experiments/schema');
  const experiment = {
    version: 1, name: 'tour-weigher', question: 'Does the weigher change the energy?', seed: 7, repetitions: 1, headline: ['energyKWh'],
    base: { scenario: scenario({ hours: 2, zones: 1, vmsPerZone: 4 }) },
    variables: [{ name: 'weigher', path: '/policies/placement/weigher', values: ['pack', 'spread'] }],
  };
  const exp = (await admin('post', '/v1/admin/experiments', {}, { body: { experiment } })).body.experimentId;
  await admin('post', '/v1/admin/experiments', {}, { body: { builtIn: 'no-such-experiment' } });
  await eventually(async () => ((await request(server).get(`/v1/admin/experiments/${exp}`).set('Authorization', `Bearer ${ADMIN_KEY}`)).body.state === 'completed' ? true : undefined), 60_000, 'the tour experiment to complete');
  await admin('get', '/v1/admin/experiments', {}, { query: { maxResults: '5' } });
  await admin('get', '/v1/admin/experiments/{id}', { id: exp });
  await admin('get', '/v1/admin/experiments/{id}', { id: 'exp-00000000000000000' });
  await admin('get', '/v1/admin/experiments/{id}/csv', { id: exp });
  await admin('get', '/v1/admin/experiments/{id}/csv', { id: 'exp-00000000000000000' });

  // Access keys (EC2 protocol): the tenant's own, and the admin's for any tenant.
  const ak = (await tenant('post', '/v1/access-keys')).body.accessKeyId;
  await tenant('get', '/v1/access-keys');
  await tenant('delete', '/v1/access-keys/{accessKeyId}', { accessKeyId: ak });
  await tenant('delete', '/v1/access-keys/{accessKeyId}', { accessKeyId: ak });
  const adminAk = (await admin('post', '/v1/admin/tenants/{id}/access-keys', { id: tenantId })).body.accessKeyId;
  await admin('post', '/v1/admin/tenants/{id}/access-keys', { id: 't-00000000000000000' });
  await admin('get', '/v1/admin/tenants/{id}/access-keys', { id: tenantId });
  await admin('get', '/v1/admin/tenants/{id}/access-keys', { id: 't-00000000000000000' });
  await admin('delete', '/v1/admin/tenants/{id}/access-keys/{accessKeyId}', { id: tenantId, accessKeyId: adminAk });
  await admin('delete', '/v1/admin/tenants/{id}/access-keys/{accessKeyId}', { id: tenantId, accessKeyId: adminAk });

  // A tenant as operators see it (the dashboard's tenant page).
  await admin('get', '/v1/admin/tenants/{id}/api-keys', { id: tenantId });
  await admin('get', '/v1/admin/tenants/{id}/api-keys', { id: 't-00000000000000000' });
  await admin('get', '/v1/admin/tenants/{id}/usage', { id: tenantId });
  await admin('get', '/v1/admin/tenants/{id}/usage', { id: 't-00000000000000000' });
  await admin('get', '/v1/admin/tenants/{id}/instances', { id: tenantId });
  await admin('get', '/v1/admin/tenants/{id}/instances', { id: 't-00000000000000000' });
  await admin('get', '/v1/admin/license-configurations');
  await admin('get', '/v1/admin/license-configurations/{id}/history', { id: lic });
  await admin('get', '/v1/admin/license-configurations/{id}/history', { id: 'lic-00000000000000000' });
  await admin('get', '/v1/admin/fleet/heatmap');
  await admin('get', '/v1/admin/fleet/availability');
  await admin('get', '/v1/admin/billing/revenue', {}, { query: { month } });
  await admin('get', '/v1/admin/billing/revenue', {}, { query: { month: '2025-13' } });
  await admin('get', '/v1/admin/billing/revenue', {}, { query: { month: 'previous' } });

  // The operator's catalog: an image and a custom instance type.
  const adminImage = (await admin('post', '/v1/admin/images', {}, { body: { name: 'tour-base', platform: 'linux' } })).body.imageId;
  await admin('post', '/v1/admin/images', {}, { body: { name: 'tour-base', platform: 'linux', imageId: adminImage } });
  await admin('get', '/v1/admin/images');
  await admin('delete', '/v1/admin/images/{id}', { id: adminImage });
  await admin('delete', '/v1/admin/images/{id}', { id: adminImage });
  await admin('post', '/v1/admin/instance-types', {}, { body: { name: 'm5.tour', vcpus: 2, memoryMiB: 8192, hourlyPrices: { linux: '0.1' } } });
  await admin('post', '/v1/admin/instance-types', {}, { body: { name: 'm5.tour', vcpus: 2, memoryMiB: 8192, hourlyPrices: { linux: '0.1' } } });
  await admin('get', '/v1/admin/instance-types');
  await admin('delete', '/v1/admin/instance-types/{name}', { name: 'm5.tour' });
  await admin('delete', '/v1/admin/instance-types/{name}', { name: 'm5.tour' });

  // The tenant's images and snapshots.
  const image = (await tenant('post', '/v1/images', {}, { body: { instanceId: id, name: 'tour-image', noReboot: true } })).body.imageId;
  await tenant('post', '/v1/images', {}, { body: { instanceId: 'i-00000000000000000', name: 'tour-image-2' } });
  await tenant('get', '/v1/images/{id}', { id: image });
  await tenant('get', '/v1/images/{id}', { id: 'ami-00000000000000000' });
  const snap = (await tenant('post', '/v1/snapshots', {}, { body: { volumeId: launched.instances[0].volumes[0].volumeId, description: 'tour' } })).body.snapshotId;
  await tenant('post', '/v1/snapshots', {}, { body: { volumeId: 'vol-00000000000000000' } });
  await tenant('get', '/v1/snapshots');
  await tenant('get', '/v1/snapshots/{id}', { id: snap });
  await tenant('get', '/v1/snapshots/{id}', { id: 'snap-00000000000000000' });
  await t.advance(600);
  await tenant('delete', '/v1/snapshots/{id}', { id: snap });
  await tenant('delete', '/v1/snapshots/{id}', { id: snap });
  await tenant('delete', '/v1/images/{id}', { id: image });
  await tenant('delete', '/v1/images/{id}', { id: image });

  // Teardown of the tenant's resources: each delete route's success.
  await tenant('delete', '/v1/instances/{id}/tags/{key}', { id: 'i-00000000000000000', key: 'Name' });
  await tenant('delete', '/v1/instances/{id}', { id });
  await tenant('delete', '/v1/instances/{id}', { id: 'i-00000000000000000' });
  await tenant('delete', '/v1/dedicated-hosts/{id}', { id: dh });
  await tenant('delete', '/v1/instances/{id}', { id: onHost });
  await t.advance(60);
  await tenant('delete', '/v1/placement-groups/{name}', { name: 'tour-spread' });
  await tenant('delete', '/v1/placement-groups/{name}', { name: 'tour-spread' });
  await tenant('delete', '/v1/license-configurations/{id}', { id: lic });
  await tenant('delete', '/v1/license-configurations/{id}', { id: lic });
  await tenant('delete', '/v1/dedicated-hosts/{id}', { id: dh });
  await tenant('delete', '/v1/dedicated-hosts/{id}', { id: 'h-00000000000000000' });
  // Another tenant's resource is a missing one.
  await call(other.apiKey.key, 'get', '/v1/instances/{id}', { id });
  return log;
}
