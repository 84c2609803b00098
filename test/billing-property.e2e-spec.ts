import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';
import { billingHarness, HOUR_MS, BOOT_MS, SHUTDOWN_MS } from './support/billing';

type Op = 'start' | 'stop' | 'reboot';

/**
 * The invariant of metering, end to end (property, fast-check): for any lifecycle driven through
 * the API, the usage the engine's events produced is exactly the running time (before minimums),
 * and the invoice bills each start max(60 s, its run) — whatever reboots and refused calls came
 * in between. The model below is the lifecycle of docs/model.md §3.6 with its timings.
 */
describe('billing (property): billed instance-seconds are the running seconds', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
  });
  afterAll(() => t.close());

  it('for random lifecycles', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom<Op>('start', 'stop', 'reboot', 'stop')), { minLength: 1, maxLength: 14 }), async (steps) => {
        const now0 = await h.nowMs();
        const d = new Date(now0);
        if (Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - now0 < 24 * HOUR_MS) await h.nextMonth();
        const { key } = await h.tenant(`prop-${n++}`);
        const month = new Date(await h.nowMs()).toISOString().slice(0, 7);
        const id = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
        // The model: state, when its transition completes, when the current run began.
        let state = 'pending';
        let doneAt = BOOT_MS;
        let t0 = 0;
        let runningSince = 0;
        const runs: number[] = [];
        const settle = (at: number) => {
          if (doneAt <= at) {
            if (state === 'pending') {
              state = 'running';
              runningSince = doneAt;
            } else if (state === 'stopping') state = 'stopped';
            doneAt = Infinity;
          }
        };
        for (const [gap, op] of [...steps, [BOOT_MS / 1000 + 1, 'stop'] as [number, Op]]) {
          await t.advance(gap);
          t0 += gap * 1000;
          settle(t0);
          if (op === 'stop' && state === 'running') {
            await h.op(key, id, 'stop');
            runs.push(t0 - runningSince);
            state = 'stopping';
            doneAt = t0 + SHUTDOWN_MS;
          } else if (op === 'start' && state === 'stopped') {
            await h.op(key, id, 'start');
            state = 'pending';
            doneAt = t0 + BOOT_MS;
          } else if (op === 'reboot' && state === 'running') {
            await h.op(key, id, 'reboot');
          } else {
            // Not valid now: EC2 answers a stop of a stopping or stopped instance, and a start of a
            // pending or running one, with its state unchanged; anything else is IncorrectInstanceState.
            const res = await t.as(key).post(`/v1/instances/${id}/${op}`);
            const noOp = (op === 'stop' && (state === 'stopping' || state === 'stopped')) || (op === 'start' && (state === 'pending' || state === 'running'));
            if (noOp) expect({ status: res.status, previous: res.body.previousState?.name, current: res.body.currentState?.name }).toEqual({ status: 200, previous: state, current: state });
            else expectError(res, 409, 'IncorrectInstanceState');
          }
        }
        if (state === 'running') {
          await h.op(key, id, 'stop');
          runs.push(t0 - runningSince);
        }
        const ranMs = runs.reduce((a, b) => a + b, 0);
        const billedMs = runs.reduce((a, r) => a + Math.max(60_000, r), 0);
        const hoursOf = (ms: number) => new Decimal(ms).div(HOUR_MS).toDecimalPlaces(8).toFixed();
        // Instance-hours (its public IPv4 address is billed too: billing-public-ipv4.e2e-spec.ts).
        const usage = (await h.usage(key)).usage.filter((u: { product: string }) => u.product === 'ec2-instance');
        expect(usage).toEqual(ranMs === 0 ? [] : [{ usageType: 'BoxUsage:m5.large', product: 'ec2-instance', unit: 'instance-hour', quantity: hoursOf(ranMs) }]);
        const inv = await h.invoice(key, month);
        const compute = inv.lines.filter((l) => l.product === 'ec2-instance');
        expect(compute.map((l) => l.quantity)).toEqual(runs.length === 0 ? [] : [hoursOf(billedMs)]);
      }),
      { numRuns: 12 },
    );
  });
});
