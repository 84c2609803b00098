import { DescribeRegionsCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import { Logger } from '@nestjs/common';
import { startApp, TestApp } from '../support/app';
import { ec2Client, ec2Tenant, Ec2Tenant, failure } from './ec2-support';

const KEY_A = 'server-key-A-0123456789abcdef0123456789';
const KEY_B = 'server-key-B-0123456789abcdef0123456789';

/** What a client sees of a refusal: the SDK's error name, HTTP status and message (the key id masked). */
const answer = (e: EC2ServiceException, keyId: string) => ({ name: e.name, status: e.$metadata.httpStatusCode, message: e.message.replace(keyId, 'KEY') });

/**
 * Access keys sealed under one server key, the server started under another: a client is answered
 * exactly as for a key that does not exist, and the operator is told at start (one error) and on
 * each such key's first use (one warning each), with what to do.
 */
describe('EC2 access keys sealed under another NIMBUS_SECRET_KEY', () => {
  let t: TestApp | undefined;
  let errors: jest.SpyInstance;
  let warnings: jest.SpyInstance;
  /** The calls CredentialsService made of a Logger spy: [fields, message]. */
  const credentialsCalls = (spy: jest.SpyInstance) =>
    spy.mock.calls.filter((_, i) => (spy.mock.contexts[i] as { context?: string }).context === 'CredentialsService') as [Record<string, unknown>, string][];

  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error');
    warnings = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await t?.close();
  });

  it('answers the client as for an unknown key, and tells the operator once at start and once per key used', async () => {
    t = await startApp(undefined, { NIMBUS_SECRET_KEY: KEY_A });
    const alice: Ec2Tenant = await ec2Tenant(t, 'alice');
    const bob: Ec2Tenant = await ec2Tenant(t, 'bob');
    await ec2Client(t, alice).send(new DescribeRegionsCommand({}));
    // A start under the key they were sealed with finds nothing to say.
    expect(credentialsCalls(errors)).toEqual([]);

    await t.app.close();
    t = await startApp(t.db, { NIMBUS_SECRET_KEY: KEY_B });
    const atStart = credentialsCalls(errors);
    expect(atStart).toHaveLength(1);
    const [fields, message] = atStart[0];
    expect(fields).toMatchObject({ count: 2, total: 2 });
    expect(message).toMatch(/^2 of the 2 stored EC2 access keys cannot be opened/);
    expect(message).toContain('NIMBUS_SECRET_KEY');
    expect(message).toContain('revoke and reissue them');
    expect(message).toContain('/v1/admin/tenants/{tenantId}/access-keys');
    expect(JSON.stringify(atStart)).not.toContain(alice.secretAccessKey);
    expect(credentialsCalls(warnings)).toEqual([]);

    // The client's answer: that of an access key id that was never issued.
    const sealedElsewhere = await failure(ec2Client(t, alice).send(new DescribeRegionsCommand({})));
    const neverIssued = await failure(ec2Client(t, { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: alice.secretAccessKey }).send(new DescribeRegionsCommand({})));
    expect(answer(sealedElsewhere, alice.accessKeyId)).toEqual(answer(neverIssued, 'AKIAAAAAAAAAAAAAAAAA'));
    expect(answer(neverIssued, 'AKIAAAAAAAAAAAAAAAAA')).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });

    // One warning per key, however many requests it signs; an unknown key is no operator's business.
    await failure(ec2Client(t, alice).send(new DescribeRegionsCommand({})));
    await failure(ec2Client(t, bob).send(new DescribeRegionsCommand({})));
    const warned = credentialsCalls(warnings);
    expect(warned.map(([f]) => f.accessKeyId)).toEqual([alice.accessKeyId, bob.accessKeyId]);
    for (const [f, m] of warned) {
      expect(m).toContain(`EC2 access key ${f.accessKeyId as string} cannot be opened`);
      expect(m).toContain('NIMBUS_SECRET_KEY');
      expect(m).toContain('revoke and reissue it');
    }
    expect(JSON.stringify(warned)).not.toContain(alice.secretAccessKey);

    // The remedy the messages give: a key reissued under this server key works, and is not warned about.
    await t.admin().delete(`/v1/admin/tenants/${alice.tenantId}/access-keys/${alice.accessKeyId}`).expect(204);
    const reissued = (await t.admin().post(`/v1/admin/tenants/${alice.tenantId}/access-keys`).expect(201)).body as { accessKeyId: string; secretAccessKey: string };
    await ec2Client(t, reissued).send(new DescribeRegionsCommand({}));
    expect(credentialsCalls(warnings)).toHaveLength(2);

    // Started again under the same key: bob's key alone is left to fix.
    errors.mockClear();
    await t.app.close();
    t = await startApp(t.db, { NIMBUS_SECRET_KEY: KEY_B });
    expect(credentialsCalls(errors).map(([f, m]) => [f, m.slice(0, 50)])).toEqual([
      [{ count: 1, total: 2, accessKeys: [{ accessKeyId: bob.accessKeyId, tenantId: bob.tenantId }] }, '1 of the 2 stored EC2 access keys cannot be opened'],
    ]);
  });
});
