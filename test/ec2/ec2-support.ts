import { EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { AddressInfo } from 'node:net';
import { TestApp } from '../support/app';

/** The app's URL as a client reaches it (the test app listens on 127.0.0.1, a random port). */
export function endpointOf(t: TestApp): string {
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
}

export interface Ec2Tenant {
  readonly tenantId: string;
  readonly key: string;
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A new tenant with an access key issued by the admin (REST). */
export async function ec2Tenant(t: TestApp, name = 'ec2', quotas?: { onDemandVcpus?: number }): Promise<Ec2Tenant> {
  const { tenantId, key } = await t.tenant(name, quotas);
  const res = await t.admin().post(`/v1/admin/tenants/${tenantId}/access-keys`).expect(201);
  const list = await t.admin().get(`/v1/admin/tenants/${tenantId}/access-keys`).expect(200);
  return { tenantId, key, accountId: list.body.accountId, accessKeyId: res.body.accessKeyId, secretAccessKey: res.body.secretAccessKey };
}

/** The JS SDK's EC2 client against the app, as a tenant (no retries unless asked: tests see each answer). */
export function ec2Client(t: TestApp, who: Pick<Ec2Tenant, 'accessKeyId' | 'secretAccessKey'>, options: { maxAttempts?: number } = {}): EC2Client {
  return new EC2Client({
    endpoint: endpointOf(t),
    region: 'us-east-1',
    credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey },
    maxAttempts: options.maxAttempts ?? 1,
  });
}

/** The SDK's error for a call, or a failure if it succeeded. */
export async function failure(p: Promise<unknown>): Promise<EC2ServiceException> {
  try {
    await p;
  } catch (err) {
    return err as EC2ServiceException;
  }
  throw new Error('the call succeeded');
}
