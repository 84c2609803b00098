import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';
import { billingHarness } from './support/billing';
import { Reach } from './support/reach';

const VCPUS: Record<string, number> = { 't3.micro': 2, 'm5.large': 2, 'm5.xlarge': 4, 'c5.2xlarge': 8 };
const HOURLY: Record<string, string> = { 't3.micro': '0.0104', 'm5.large': '0.096', 'm5.xlarge': '0.192', 'c5.2xlarge': '0.34' };
const TYPES = Object.keys(VCPUS);

/**
 * Invariants a tenant and an operator rely on, through HTTP (properties, fast-check, seeded):
 * concurrent launches never take a tenant past its vCPU quota, and the admin's billing summary of a
 * closed month is the sum of that month's invoices.
 */
describe('quota and billing invariants (properties, e2e)', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  beforeAll(async () => {
    t = await startApp();
    // Room for every launch: refusals can only be the quota's.
    await t.hosts('m5-host', 'us-east-1a', 6);
    await t.hosts('c5-host', 'us-east-1a', 6);
  });
  afterAll(() => t.close());

  it('concurrent launches never exceed the vCPU quota; every refusal is VcpuLimitExceeded and could not have fitted', async () => {
    const refused = new Reach();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 4, max: 24 }).filter((q) => q % 2 === 0),
        fc.array(fc.tuple(fc.constantFrom(...TYPES), fc.integer({ min: 1, max: 3 })), { minLength: 4, maxLength: 14 }),
        async (quota, launches) => {
          refused.run();
          const { key } = await t.tenant(`quota-${n++}`, { onDemandVcpus: quota });
          const answers = await Promise.all(
            launches.map(([instanceType, count]) => t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType, availabilityZone: 'us-east-1a', minCount: count, maxCount: count })),
          );
          const live = ((await t.as(key).get('/v1/instances').query({ maxResults: 1000 }).expect(200)).body.instances as { instanceType: string; state: { name: string } }[])
            .filter((i) => i.state.name === 'pending' || i.state.name === 'running');
          const used = live.reduce((s, i) => s + VCPUS[i.instanceType], 0);
          expect(used).toBeLessThanOrEqual(quota);
          // What was acknowledged is what runs; the quota's own count agrees.
          const acknowledged = answers.filter((r) => r.status === 201).reduce((s, r) => s + r.body.instances.length * VCPUS[r.body.instances[0].instanceType], 0);
          expect(acknowledged).toBe(used);
          expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus).toEqual({ limit: quota, used });
          answers.forEach((r, i) => {
            if (r.status === 201) return;
            expectError(r, 400, 'VcpuLimitExceeded');
            // Use only grew during the case: a refused launch did not fit even into what is left now.
            const [instanceType, count] = launches[i];
            expect(used + count * VCPUS[instanceType]).toBeGreaterThan(quota);
          });
          if (answers.some((r) => r.status !== 201)) refused.hit();
          // Free the hosts for the next case.
          for (const r of answers.filter((a) => a.status === 201)) for (const i of r.body.instances) await t.as(key).delete(`/v1/instances/${i.instanceId}`).expect(200);
          await t.advance(60);
        },
      ),
      { numRuns: 25 },
    );
    refused.expectAtLeast(0.6, 'quota cases with a refusal');
  }, 60_000);

  it("the admin summary of a closed month is the sum of that month's invoices", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.tuple(fc.constantFrom(...TYPES), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 20 * 60 })), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        async (tenants) => {
          const [start, , month] = await h.nextMonth();
          // Each tenant launches; each launch runs its minutes and stops (all before the month ends).
          const stops: { at: number; key: string; ids: string[] }[] = [];
          const expectedByTenant = new Map<string, Decimal>();
          for (const launches of tenants) {
            const { key, tenantId } = await h.tenant(`summary-${n++}`);
            let total = new Decimal(0);
            const perType = new Map<string, number>();
            let addressMs = 0;
            for (const [instanceType, count, minutes] of launches) {
              const ids = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType, availabilityZone: 'us-east-1a', minCount: count, maxCount: count }).expect(201))
                .body.instances.map((i: { instanceId: string }) => i.instanceId);
              stops.push({ at: start + 15_000 + minutes * 60_000, key, ids });
              perType.set(instanceType, (perType.get(instanceType) ?? 0) + count * minutes * 60_000);
              // Each holds a public IPv4 address from its launch until it stopped: its boot, its minutes, the 10 s shutdown.
              addressMs += count * (15_000 + minutes * 60_000 + 10_000);
            }
            total = total.plus(new Decimal(addressMs).div(3_600_000).times('0.005').toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
            // Amazon Linux boots in 15 s; each ran its minutes (≥ 1, over the 60 s minimum): one line per type, rounded once.
            for (const [type, ms] of perType) total = total.plus(new Decimal(ms).div(3_600_000).times(HOURLY[type]).toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
            expectedByTenant.set(tenantId, total);
          }
          for (const s of [...stops].sort((a, b) => a.at - b.at)) {
            await h.advanceTo(s.at);
            for (const id of s.ids) await h.op(s.key, id, 'stop');
          }
          await h.nextMonth();
          await t.admin().post('/v1/admin/billing/close', { month }).expect(200);

          const invoices = (await t.admin().get('/v1/admin/invoices').query({ month }).expect(200)).body.invoices as { tenantId: string; subtotal: string; credits: string; total: string }[];
          const summary = (await t.admin().get('/v1/admin/billing/summary').query({ month }).expect(200)).body;
          const sum = (f: (i: (typeof invoices)[number]) => string) => invoices.reduce((s, i) => s.plus(f(i)), new Decimal(0)).toFixed(2);
          expect(summary).toMatchObject({ month, status: 'closed', currency: 'USD', subtotal: sum((i) => i.subtotal), credits: { total: sum((i) => i.credits) }, total: sum((i) => i.total) });
          expect([...summary.revenueByTenant].sort((a: { tenantId: string }, b: { tenantId: string }) => (a.tenantId < b.tenantId ? -1 : 1)))
            .toEqual(invoices.map(({ tenantId, subtotal, credits, total }) => ({ tenantId, subtotal, credits, total })).sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1)));
          // And each of this case's tenants was invoiced what it ran, so the sum is not of nothing.
          for (const [tenantId, total] of expectedByTenant) expect(invoices.find((i) => i.tenantId === tenantId)?.total).toBe(total.toFixed(2));
        },
      ),
      { numRuns: 6 },
    );
  }, 90_000);
});
