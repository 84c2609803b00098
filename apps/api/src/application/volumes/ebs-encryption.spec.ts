import { awsManagedEbsKeyArn, encryptionKeyOf, kmsKeyArn, NO_ENCRYPTION_BY_DEFAULT } from './ebs-encryption';

const ACCOUNT = '123456789012';
const OTHER = '210987654321';
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY}`;

describe('kmsKeyArn (the four forms the API reference lists)', () => {
  it('a key id is the key of the caller\'s account in us-east-1', () => {
    expect(kmsKeyArn(KEY, ACCOUNT)).toBe(KEY_ARN);
    expect(kmsKeyArn('mrk-1234abcd12ab34cd56ef1234567890ab', ACCOUNT)).toBe(`arn:aws:kms:us-east-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`);
  });

  it('a key ARN is itself, another account\'s too (nothing is looked up)', () => {
    expect(kmsKeyArn(KEY_ARN, ACCOUNT)).toBe(KEY_ARN);
    const others = `arn:aws:kms:us-east-1:${OTHER}:key/${KEY}`;
    expect(kmsKeyArn(others, ACCOUNT)).toBe(others);
  });

  it('alias/aws/ebs, as an alias or an alias ARN, is the account\'s AWS managed key', () => {
    expect(kmsKeyArn('alias/aws/ebs', ACCOUNT)).toBe(awsManagedEbsKeyArn(ACCOUNT));
    expect(kmsKeyArn(`arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/ebs`, ACCOUNT)).toBe(awsManagedEbsKeyArn(ACCOUNT));
  });

  it('another alias names one key of its account, the same every time, in both forms', () => {
    const key = kmsKeyArn('alias/ExampleAlias', ACCOUNT);
    expect(key).toMatch(new RegExp(`^arn:aws:kms:us-east-1:${ACCOUNT}:key/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));
    expect(kmsKeyArn(`arn:aws:kms:us-east-1:${ACCOUNT}:alias/ExampleAlias`, ACCOUNT)).toBe(key);
    expect(kmsKeyArn('alias/Other', ACCOUNT)).not.toBe(key);
    expect(kmsKeyArn('alias/aws/ebs', ACCOUNT)).not.toBe(key);
  });

  it('refuses what is none of the forms, and a key of another Region', () => {
    for (const bad of ['', 'not-a-key', '1234abcd', 'alias/', 'alias/has space', `arn:aws:kms:us-east-1:${ACCOUNT}:key/nope`, `arn:aws:kms:us-east-1:123:key/${KEY}`])
      expect(() => kmsKeyArn(bad, ACCOUNT)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
    expect(() => kmsKeyArn(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY}`, ACCOUNT)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });
});

describe('awsManagedEbsKeyArn', () => {
  it('is a key ARN of the account, stable, and another for another account', () => {
    expect(awsManagedEbsKeyArn(ACCOUNT)).toMatch(new RegExp(`^arn:aws:kms:us-east-1:${ACCOUNT}:key/[0-9a-f-]{36}$`));
    expect(awsManagedEbsKeyArn(ACCOUNT)).toBe(awsManagedEbsKeyArn(ACCOUNT));
    expect(awsManagedEbsKeyArn(OTHER).split('/')[1]).not.toBe(awsManagedEbsKeyArn(ACCOUNT).split('/')[1]);
  });
});

/** The User Guide's "Encryption outcomes" table, row by row. */
describe('encryptionKeyOf (the encryption outcomes)', () => {
  const managed = awsManagedEbsKeyArn(ACCOUNT);
  const byDefault = { byDefault: true, kmsKeyArn: null };
  const SOURCE = `arn:aws:kms:us-east-1:${ACCOUNT}:key/abcd1234-a123-456a-a12b-a123b4cd56ef`;
  const of = (asked: Parameters<typeof encryptionKeyOf>[0], source: string | null, defaults = NO_ENCRYPTION_BY_DEFAULT) => encryptionKeyOf(asked, source, defaults, ACCOUNT);

  it('Encrypted not set, encryption by default off: a new volume or an unencrypted snapshot\'s is not encrypted; an encrypted snapshot\'s by the same key', () => {
    expect(of({}, null)).toBeNull();
    expect(of({ encrypted: false }, null)).toBeNull();
    expect(of({}, SOURCE)).toBe(SOURCE);
  });

  it('Encrypted=false cannot make a volume of an encrypted snapshot plain', () => {
    expect(of({ encrypted: false }, SOURCE)).toBe(SOURCE);
  });

  it('Encrypted=true without a key: the default key (the AWS managed one unless changed); an encrypted source keeps its key', () => {
    expect(of({ encrypted: true }, null)).toBe(managed);
    expect(of({ encrypted: true }, null, { byDefault: false, kmsKeyArn: KEY_ARN })).toBe(KEY_ARN);
    expect(of({ encrypted: true }, SOURCE)).toBe(SOURCE);
  });

  it('a KmsKeyId with Encrypted=true is that key, an encrypted source re-encrypted', () => {
    expect(of({ encrypted: true, kmsKeyId: KEY }, null)).toBe(KEY_ARN);
    expect(of({ encrypted: true, kmsKeyId: KEY }, SOURCE)).toBe(KEY_ARN);
  });

  it('encryption by default on: every new volume is encrypted with the default key, Encrypted=false or not', () => {
    expect(of({}, null, byDefault)).toBe(managed);
    expect(of({ encrypted: false }, null, byDefault)).toBe(managed);
    expect(of({}, null, { byDefault: true, kmsKeyArn: KEY_ARN })).toBe(KEY_ARN);
    expect(of({}, SOURCE, byDefault)).toBe(SOURCE);
  });

  it('a KmsKeyId without Encrypted=true is EC2\'s InvalidParameterDependency', () => {
    for (const encrypted of [undefined, false])
      expect(() => of({ encrypted, kmsKeyId: KEY }, null)).toThrow(expect.objectContaining({ code: 'InvalidParameterDependency', message: 'The parameter KmsKeyId requires the parameter Encrypted to be set.' }));
  });
});
