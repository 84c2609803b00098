import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { LINUX_AMI, startApp, TestApp } from './support/app';
import { billingHarness, HOUR_MS, BOOT_MS, SHUTDOWN_MS } from './support/billing';
import { Reach } from './support/reach';

type Op = 'start' | 'stop' | 'terminate';
const N = 4;

/**
 * No double billing across restarts and concurrent commands (property): several instances get
 * random batches of start/stop/terminate sent at once (one group commit, or a few), with clean
 * restarts of the app in between. Afterwards each instance's usage records never overlap, and
 * they add up to the running time of the model below (docs/model.md §3.6): a run begins when the
 * instance reaches running and ends at the stop or terminate that ends it.
 */
describe('billing (property): concurrent commands and restarts bill each running second once', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
  });
  afterAll(() => t.close());

  it('for random concurrent lifecycles with restarts', async () => {
    const restarted = new Reach();
    let n = 0;
    const batch = fc.tuple(fc.integer({ min: 1, max: 120 }), fc.array(fc.tuple(fc.nat(N - 1), fc.constantFrom<Op>('start', 'stop', 'stop', 'terminate')), { minLength: 1, maxLength: N }), fc.boolean());
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 2, maxLength: 8 }), async (batches) => {
        restarted.run();
        const { key } = await h.tenant(`conc-${n++}`);
        const ids: string[] = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', minCount: N, maxCount: N }).expect(201))
          .body.instances.map((i: { instanceId: string }) => i.instanceId);
        const m = ids.map(() => ({ state: 'pending', doneAt: BOOT_MS, since: 0, ran: 0 }));
        let t0 = 0;
        const settle = () => {
          for (const s of m) {
            if (s.doneAt > t0) continue;
            if (s.state === 'pending') [s.state, s.since] = ['running', s.doneAt];
            else if (s.state === 'stopping') s.state = 'stopped';
            else if (s.state === 'shutting-down') s.state = 'terminated';
            s.doneAt = Infinity;
          }
        };
        let restarts = 0;
        for (const [gap, ops, restart] of batches) {
          await t.advance(gap);
          t0 += gap * 1000;
          settle();
          if (restart) {
            t = await t.restart();
            restarts++;
          }
          // One op per instance in a batch, all sent at once.
          const byInstance = new Map(ops.map(([k, op]) => [k, op]));
          const sent = [...byInstance].map(([k, op]) => (op === 'terminate' ? t.as(key).delete(`/v1/instances/${ids[k]}`) : t.as(key).post(`/v1/instances/${ids[k]}/${op}`)));
          const answers = await Promise.all(sent);
          [...byInstance].forEach(([k, op], j) => {
            const s = m[k];
            const ok = answers[j].status === 200;
            if (op === 'start' && s.state === 'stopped') [s.state, s.doneAt] = ['pending', t0 + BOOT_MS];
            else if (op === 'stop' && s.state === 'running') [s.state, s.doneAt, s.ran] = ['stopping', t0 + SHUTDOWN_MS, s.ran + (t0 - s.since)];
            else if (op === 'terminate' && s.state !== 'terminated' && s.state !== 'shutting-down') {
              if (s.state === 'running') s.ran += t0 - s.since;
              [s.state, s.doneAt] = ['shutting-down', t0 + (s.state === 'stopped' ? 1000 : SHUTDOWN_MS)];
            } else return; // a no-op or a refusal: the model does not move
            expect(ok).toBe(true);
          });
        }
        // End every run: terminate all.
        await t.advance(BOOT_MS / 1000 + 1);
        t0 += BOOT_MS + 1000;
        settle();
        for (const [k, s] of m.entries()) {
          if (s.state === 'terminated' || s.state === 'shutting-down') continue;
          if (s.state === 'running') s.ran += t0 - s.since;
          await t.as(key).delete(`/v1/instances/${ids[k]}`).expect(200);
        }
        await t.advance(60);
        if (restarts > 0) restarted.hit();

        // Per instance: records never overlap, and add up to the model's running time.
        const rows: { resource_id: string; start_ms: string | number; end_ms: string | number | null }[] = await t.app
          .get(DataSource)
          .query(`SELECT resource_id, start_ms, end_ms FROM usage_records WHERE kind = 'instance-usage' AND resource_id IN (${ids.map((id) => `'${id}'`).join(', ')})`);
        ids.forEach((id, k) => {
          const spans = rows.filter((r) => r.resource_id === id).map((r) => [Number(r.start_ms), Number(r.end_ms)]).sort((a, b) => a[0] - b[0]);
          spans.forEach(([s, e], i) => {
            expect(e).toBeGreaterThan(s);
            if (i > 0) expect(s).toBeGreaterThanOrEqual(spans[i - 1][1]);
          });
          expect(spans.reduce((sum, [s, e]) => sum + (e - s), 0)).toBe(m[k].ran);
        });
        const ranMs = m.reduce((s, x) => s + x.ran, 0);
        // Instance-hours (its public IPv4 address is billed too: billing-public-ipv4.e2e-spec.ts).
        const usage = (await h.usage(key)).usage.filter((u: { product: string }) => u.product === 'ec2-instance');
        expect(usage).toEqual(ranMs === 0 ? [] : [{ usageType: 'BoxUsage:m5.large', product: 'ec2-instance', unit: 'instance-hour', quantity: new Decimal(ranMs).div(HOUR_MS).toDecimalPlaces(8).toFixed() }]);
      }),
      { numRuns: 8 },
    );
    restarted.expectAtLeast(0.6, 'cases with a restart');
  }, 90_000);
});
