import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { AppOptions } from '../../apps/api/src/app.module';
import { createApp } from '../../apps/api/src/bootstrap';
import { loadConfig } from '../../apps/api/src/config/app-config';
import { createTestDatabase, TestDatabase } from './database';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const LINUX_AMI = 'ami-0a1e0c00000000a23';
export const WINDOWS_AMI = 'ami-0f0d0c00000000f22';

export interface TestApp {
  readonly app: INestApplication;
  readonly db: TestDatabase;
  /** An HTTP client with the admin key. */
  admin(): ReturnType<typeof authed>;
  /** An HTTP client with a tenant key. */
  as(key: string): ReturnType<typeof authed>;
  anonymous(): ReturnType<typeof request>;
  /** Creates a tenant through the API and returns its id and key. */
  tenant(name?: string, quotas?: { onDemandVcpus?: number; provisionedIops?: number }): Promise<{ tenantId: string; key: string }>;
  /** Adds hosts through the API. */
  hosts(hostType: string, availabilityZone: string, count?: number): Promise<string[]>;
  /** Advances the manual clock by simulated seconds. */
  advance(seconds: number): Promise<void>;
  /** Closes the app and opens a new one on the same database (a clean restart). */
  restart(): Promise<TestApp>;
  close(): Promise<void>;
}

function authed(app: INestApplication, key: string) {
  const server = app.getHttpServer();
  const auth = `Bearer ${key}`;
  return {
    get: (url: string) => request(server).get(url).set('Authorization', auth),
    post: (url: string, body?: object) => request(server).post(url).set('Authorization', auth).send(body ?? {}),
    put: (url: string, body?: object) => request(server).put(url).set('Authorization', auth).send(body ?? {}),
    patch: (url: string, body?: object) => request(server).patch(url).set('Authorization', auth).send(body ?? {}),
    delete: (url: string) => request(server).delete(url).set('Authorization', auth),
  };
}

/** A clock a test steps by hand (the request throttle's: wall milliseconds, not simulated time). */
export class ManualClock {
  private ms = 0;
  readonly now = (): number => this.ms;
  advanceSeconds(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/**
 * Throttling in tests whose subject is something else: its clock frozen, so nothing depends on how
 * fast the machine is, and every tenant's limits raised 1000× (RunInstances: 5,000 requests, a
 * million instances), as EC2 raises a busy account's. test/throttling.e2e-spec.ts uses EC2's own.
 */
const FROZEN_GENEROUS_THROTTLE: AppOptions = { throttle: { clockMs: () => 0, baseMultiplier: 1000 } };

/** The real application on a real database, with the manual clock (tests advance time explicitly). */
export async function startApp(existing?: TestDatabase, env: Record<string, string> = {}, options: AppOptions = FROZEN_GENEROUS_THROTTLE): Promise<TestApp> {
  const db = existing ?? (await createTestDatabase());
  const config = loadConfig({ DATABASE_URL: db.url, NIMBUS_CLOCK: 'manual', NIMBUS_ADMIN_KEY: ADMIN_KEY, NIMBUS_DEMO: 'false', LOG_LEVEL: 'silent', ...env });
  const app = await createApp(config, options);
  await app.listen(0, '127.0.0.1');
  const t: TestApp = {
    app,
    db,
    admin: () => authed(app, ADMIN_KEY),
    as: (key) => authed(app, key),
    anonymous: () => request(app.getHttpServer()),
    tenant: async (name = 'tenant', quotas) => {
      const res = await t.admin().post('/v1/admin/tenants', { name, ...(quotas ? { quotas } : {}) }).expect(201);
      return { tenantId: res.body.tenant.tenantId, key: res.body.apiKey.key };
    },
    hosts: async (hostType, availabilityZone, count = 1) => {
      const res = await t.admin().post('/v1/admin/hosts', { hostType, availabilityZone, count }).expect(201);
      return res.body.hosts.map((h: { hostId: string }) => h.hostId);
    },
    advance: async (seconds) => {
      await t.admin().post('/v1/admin/clock/advance', { seconds }).expect(200);
    },
    restart: async () => {
      await app.close();
      return startApp(db, env, options);
    },
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
  return t;
}

/** Asserts the API's error shape and returns the error. */
export function expectError(res: request.Response, status: number, code: string | RegExp): { code: string; message: string; requestId: string } {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code: typeof code === 'string' ? code : expect.stringMatching(code) });
  expect(res.body.error).toEqual({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) });
  return res.body.error;
}
