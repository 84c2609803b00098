import { ec2Clients } from '../ec2/ec2-support';
import { startApp, TestApp } from './app';

export const SUSE_AMI = 'ami-0e0e0c00000000e15';
export const SQL_AMI = 'ami-0f1d0c00000001f22';
export const BYOL_WINDOWS_AMI = 'ami-0f2d0c00000002f22';
export const HOUR_MS = 3_600_000;
/** The lifecycle's timings the billing models use (docs/model.md §3.6): an Amazon Linux boot, a shutdown. */
export const BOOT_MS = 15_000;
export const SHUTDOWN_MS = 10_000;
export const iso = (ms: number) => new Date(ms).toISOString();

export interface Line {
  lineId: string;
  product: string;
  licenseProduct?: string;
  description: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  amount: string;
}

/** Helpers for billing suites: the manual clock, month boundaries, instances, usage and invoices. */
export function billingHarness(get: () => TestApp) {
  const h = {
    nowMs: async () => Date.parse((await get().admin().get('/v1/admin/clock').expect(200)).body.now),
    /** Advances to exactly `t` (simulated ms). */
    advanceTo: async (t: number) => {
      const now = await h.nowMs();
      if (t > now) await get().advance((t - now) / 1000);
    },
    /** The start of the next whole hour after now, reached; returned. */
    nextHour: async (): Promise<number> => {
      const start = Math.ceil(((await h.nowMs()) + 1) / HOUR_MS) * HOUR_MS;
      await h.advanceTo(start);
      return start;
    },
    /** The start of the next UTC month, reached. Returns [monthStart, nextMonthStart, 'YYYY-MM']. */
    nextMonth: async (): Promise<[number, number, string]> => {
      const d = new Date(await h.nowMs());
      const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, 1);
      await h.advanceTo(start);
      return [start, end, iso(start).slice(0, 7)];
    },
    tenant: async (name: string) => get().tenant(name, { onDemandVcpus: 100_000, provisionedIops: 1_000_000 }),
    launch: async (key: string, body: Record<string, unknown>): Promise<string> =>
      (await get().as(key).post('/v1/instances', { availabilityZone: 'us-east-1a', ...body }).expect(201)).body.instances[0].instanceId,
    op: async (key: string, id: string, op: 'start' | 'stop' | 'reboot') => get().as(key).post(`/v1/instances/${id}/${op}`).expect(200),
    terminate: async (key: string, id: string) => get().as(key).delete(`/v1/instances/${id}`).expect(200),
    state: async (key: string, id: string): Promise<string> => (await get().as(key).get(`/v1/instances/${id}`).expect(200)).body.state.name,
    usage: async (key: string, query: Record<string, string> = {}) => (await get().as(key).get('/v1/usage').query(query).expect(200)).body,
    /** The tenant's invoice for a month (closed or the estimate). */
    invoice: async (key: string, month: string) => {
      const list = (await get().as(key).get('/v1/invoices').expect(200)).body.invoices as { invoiceId: string; month: string }[];
      const found = list.find((i) => i.month === month);
      if (!found) throw new Error(`no invoice for ${month} in ${JSON.stringify(list)}`);
      return (await get().as(key).get(`/v1/invoices/${found.invoiceId}`).expect(200)).body as {
        invoiceId: string; status: string; subtotal: string; credits: string; total: string; lines: Line[];
      };
    },
    line: (invoice: { lines: Line[] }, prefix: string): Line => {
      const found = invoice.lines.filter((l) => l.lineId.startsWith(prefix));
      if (found.length !== 1) throw new Error(`expected one line ${prefix}: ${JSON.stringify(invoice.lines.map((l) => l.lineId))}`);
      return found[0];
    },
  };
  return h;
}

/**
 * A billing suite that drives the EC2 SDK as well as REST: it registers its own beforeAll (an app
 * with two `m5-host` hosts in us-east-1a) and afterAll (the SDK clients it made destroyed, the app
 * closed). `app` is the running app (a new one after `restart`).
 */
export function ec2BillingSuite() {
  let t: TestApp;
  const { client, destroyAll } = ec2Clients(() => t);
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
  });
  afterAll(async () => {
    destroyAll();
    await t.close();
  });
  return {
    get app(): TestApp {
      return t;
    },
    restart: async () => {
      t = await t.restart();
    },
    h: billingHarness(() => t),
    client,
  };
}
