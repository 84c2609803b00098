import { LINUX_AMI, TestApp } from './app';

/** Helpers shared by the suites that drive the simulation by hand: the manual clock, launches, hosts and events. */

export const MINUTE = 60_000;
export const iso = (ms: number) => new Date(ms).toISOString();
/** Rounds away float noise (1e-9) before comparing. */
export const round = (v: number) => Math.round(v * 1e9) / 1e9;

/** A timeline event as `GET /v1/admin/events` and `GET /v1/instances/{id}/events` answer it. */
export interface SimEvent {
  time: string;
  type: string;
  instanceId?: string;
  hostId?: string;
  tenantId?: string;
  detail: Record<string, unknown>;
}

export function simHarness(get: () => TestApp) {
  const h = {
    nowMs: async () => Date.parse((await get().admin().get('/v1/admin/clock').expect(200)).body.now),
    /** Advances until the clock is `second` seconds past a multiple of `everySeconds` (0 past a whole minute by default). */
    align: async (everySeconds = 60, second = 0) => {
      const period = everySeconds * 1000;
      const wait = (((second * 1000 - (await h.nowMs())) % period) + period) % period;
      if (wait > 0) await get().advance(wait / 1000);
      return h.nowMs();
    },
    /** One m5.large (or what `body` says) in us-east-1a; its id. */
    launch: async (key: string, body: object = {}): Promise<string> =>
      (await get().as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', ...body }).expect(201)).body.instances[0].instanceId,
    host: async (id: string) => (await get().admin().get(`/v1/admin/hosts/${id}`).expect(200)).body,
    /** The host each instance on the given hosts is on (by the admin's host views). */
    placement: async (hostIds: string[]) => {
      const out: Record<string, string> = {};
      for (const hostId of hostIds) for (const i of (await h.host(hostId)).instanceIds) out[i] = hostId;
      return out;
    },
    adminEvents: async (query: Record<string, string>): Promise<SimEvent[]> =>
      (await get().admin().get('/v1/admin/events').query({ maxResults: 1000, ...query }).expect(200)).body.events,
  };
  return h;
}
