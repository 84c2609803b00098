import {
  DeleteInternetGatewayCommand, DeleteSubnetCommand, DeleteVpcCommand, DescribeInternetGatewaysCommand, DescribeSubnetsCommand, DescribeVpcsCommand,
  DetachInternetGatewayCommand, EC2Client, EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { constants, privateDecrypt } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { ReadThread } from '../../apps/api/src/persistence/read-thread';
import { startApp, TestApp } from '../support/app';

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

/** EC2 clients made as a suite goes (`client`), all destroyed by `destroyAll` (in its afterAll). */
export function ec2Clients(get: () => TestApp) {
  const made: EC2Client[] = [];
  return {
    client: (who: Pick<Ec2Tenant, 'accessKeyId' | 'secretAccessKey'>) => {
      const c = ec2Client(get(), who);
      made.push(c);
      return c;
    },
    destroyAll: () => {
      for (const c of made.splice(0)) c.destroy();
    },
  };
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

/** The SDK's error code for a call (its name), or a failure if it succeeded. */
export const codeOf = async (p: Promise<unknown>): Promise<string> => (await failure(p)).name;

/** An app with two EC2 tenants, alice and bob, each with a client of the JS SDK. */
export interface TwoTenantApp {
  readonly t: TestApp;
  readonly alice: Ec2Tenant;
  readonly bob: Ec2Tenant;
  /** Alice's client. */
  readonly ec2: EC2Client;
  readonly bobEc2: EC2Client;
}

/** A fresh app with `m5-host` hosts in the zones given (`[zone, count]`), and alice and bob with a client each. */
export async function twoTenantApp(hosts: readonly (readonly [string, number])[] = []): Promise<TwoTenantApp> {
  const t = await startApp();
  for (const [zone, count] of hosts) await t.hosts('m5-host', zone, count);
  const alice = await ec2Tenant(t, 'alice');
  const bob = await ec2Tenant(t, 'bob');
  return { t, alice, bob, ec2: ec2Client(t, alice), bobEc2: ec2Client(t, bob) };
}

/** Destroys the two clients and closes the app (a failed start leaves some undefined). */
export async function closeTwoTenantApp(app: Partial<TwoTenantApp>): Promise<void> {
  app.ec2?.destroy();
  app.bobEc2?.destroy();
  await app.t?.close();
}

/** The id of the same kind that no one has: its 17 hex digits all f. */
/** The id with its hex digits (17, or 8 as EC2's short ids have) all `f`: well formed, never made. */
export const missing = (id: string) => id.replace(/-([0-9a-f]{17}|[0-9a-f]{8})$/, (m) => `-${'f'.repeat(m.length - 1)}`);

/**
 * Asks for another tenant's resource and for a missing one: the same error code, and the same
 * message but for the id. Thunks: each call is sent only when awaited (a rejected promise left
 * waiting would be an unhandled rejection). The code.
 */
export async function sameAsMissing(theirs: () => Promise<unknown>, mine: () => Promise<unknown>, id: string): Promise<string> {
  const a = await failure(theirs());
  const b = await failure(mine());
  expect([a.name, a.message.replace(id, 'ID')]).toEqual([b.name, b.message.replace(missing(id), 'ID')]);
  return a.name;
}

/** Runs `fn` as a new tenant of its own, with its client, destroyed after. */
export async function withNewTenant(t: TestApp, name: string, fn: (client: EC2Client, who: Ec2Tenant) => Promise<void>): Promise<void> {
  const who = await ec2Tenant(t, name);
  const client = ec2Client(t, who);
  try {
    await fn(client, who);
  } finally {
    client.destroy();
  }
}

/**
 * Deletes the tenant's default VPC as a tenant must on EC2: its subnets, its internet gateway
 * (detached, then deleted), then the VPC. Its id.
 */
export async function deleteDefaultVpc(c: EC2Client): Promise<string> {
  const [vpc] = (await c.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
  const vpcId = vpc.VpcId!;
  for (const s of (await c.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets!) {
    await c.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
  }
  for (const g of (await c.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }))).InternetGateways!) {
    await c.send(new DetachInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId, VpcId: vpcId }));
    await c.send(new DeleteInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId }));
  }
  await c.send(new DeleteVpcCommand({ VpcId: vpcId }));
  return vpcId;
}

/**
 * Every SQL statement the server sends while `run` runs: through every query runner of either
 * database, and SQLite's read thread. For tests that hold a request to a number of statements.
 */
export async function statementsSent(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const sent = [[BetterSqlite3QueryRunner.prototype, 'query'], [PostgresQueryRunner.prototype, 'query'], [ReadThread.prototype, 'read']] as const;
  type Send = (...args: unknown[]) => unknown;
  const originals = sent.map(([p, m]) => (p as unknown as Record<string, Send>)[m]);
  sent.forEach(([p, m], i) => ((p as unknown as Record<string, Send>)[m] = function (this: unknown, ...args: unknown[]) {
    seen.push(String(args[0]));
    return originals[i].apply(this, args);
  }));
  try {
    await run();
  } finally {
    sent.forEach(([p, m], i) => ((p as unknown as Record<string, Send>)[m] = originals[i]));
  }
  return seen;
}

/**
 * RSAES-PKCS1-v1_5 decryption, as `aws ec2 get-password-data --priv-launch-key` does it. By hand on
 * the raw RSA block: Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809). The block is
 * 00 02, at least 8 nonzero padding bytes, 00, then the message.
 */
export function decryptPassword(privateKeyPem: string, passwordData: string): string {
  const block = privateDecrypt({ key: privateKeyPem, padding: constants.RSA_NO_PADDING }, Buffer.from(passwordData, 'base64'));
  expect([block[0], block[1]]).toEqual([0, 2]);
  const end = block.indexOf(0, 2);
  expect(end).toBeGreaterThanOrEqual(10);
  expect([...block.subarray(2, end)].every((b) => b !== 0)).toBe(true);
  return block.subarray(end + 1).toString('utf8');
}
