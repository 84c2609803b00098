import { createHash } from 'node:crypto';
import { REGION } from '@nimbus/hypervisor';
import { ApiError, invalidParameter } from '../common/api-errors';

/**
 * Amazon EBS encryption (EBS User Guide, "Amazon EBS encryption", its "Encryption outcomes" table;
 * docs/model.md). Nimbus has no KMS: a key is its ARN, nothing more. The account's AWS managed key
 * for EBS (`alias/aws/ebs`) is a key ARN derived from the account id, stable and distinct per
 * account; a customer key is taken in any of the four forms EC2 takes (key id, alias, key ARN,
 * alias ARN) and stored as a key ARN. Encryption is free: nothing here is billed.
 */

/** The alias of the account's AWS managed key for EBS. */
export const AWS_MANAGED_EBS_ALIAS = 'alias/aws/ebs';

/** What a request asks of a new volume's or snapshot's encryption (EC2's `Encrypted`, `KmsKeyId`). */
export interface EncryptionAsked {
  readonly encrypted?: boolean;
  readonly kmsKeyId?: string;
}

/** An account's encryption by default (Enable/DisableEbsEncryptionByDefault) and its default key (Modify/ResetEbsDefaultKmsKeyId, null: the AWS managed key). */
export interface EbsEncryptionDefaults {
  readonly byDefault: boolean;
  readonly kmsKeyArn: string | null;
}

export const NO_ENCRYPTION_BY_DEFAULT: EbsEncryptionDefaults = { byDefault: false, kmsKeyArn: null };

/** A UUID-shaped key id from a hash (version 4 and variant bits set, so it reads as a KMS key id does). */
function derivedKeyId(scope: string): string {
  const h = createHash('sha256').update(scope).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const keyArn = (accountId: string, keyId: string) => `arn:aws:kms:${REGION}:${accountId}:key/${keyId}`;

/** The account's AWS managed key for EBS as a key ARN: the same for the account always, another for every other account. */
export function awsManagedEbsKeyArn(accountId: string): string {
  return keyArn(accountId, derivedKeyId(`aws/ebs\0${accountId}`));
}

/** The key an alias names in an account: `alias/aws/ebs` the AWS managed key, another alias a key of its own (Nimbus keeps no aliases: the same name gives the same key). */
function aliasKeyArn(accountId: string, alias: string): string {
  return alias === AWS_MANAGED_EBS_ALIAS ? awsManagedEbsKeyArn(accountId) : keyArn(accountId, derivedKeyId(`${alias}\0${accountId}`));
}

/** A KMS key id: a UUID, or a multi-Region key's `mrk-` and 32 hex digits. */
const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
/** An alias name (KMS: `alias/` then letters, digits, `/`, `_`, `-`; at most 256 characters in all). */
const ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
const ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/;

/**
 * The key ARN a `KmsKeyId` names, in any of EC2's four forms (the API reference's CreateVolume:
 * key ID, key alias, key ARN, alias ARN), of the caller's account (`accountId`) unless an ARN names
 * another. Another account's key ARN is just that ARN: Nimbus neither looks it up nor says anything
 * of the account. EC2 checks the key later ("if you specify an identifier that is not valid, the
 * action can appear to complete, but eventually fails"); Nimbus refuses a malformed one at once,
 * and one in another Region (the key "must exist in the destination Region").
 */
export function kmsKeyArn(kmsKeyId: string, accountId: string): string {
  const invalid = () => invalidParameter(`Value (${kmsKeyId.slice(0, 128)}) for parameter kmsKeyId is invalid. Specify a KMS key ID, alias, key ARN or alias ARN`);
  if (KEY_ID.test(kmsKeyId)) return keyArn(accountId, kmsKeyId);
  if (ALIAS.test(kmsKeyId)) return aliasKeyArn(accountId, kmsKeyId);
  const arn = ARN.exec(kmsKeyId);
  if (!arn) throw invalid();
  const [, region, account, resource] = arn;
  if (region !== REGION) throw invalidParameter(`The KMS key ${kmsKeyId.slice(0, 128)} is not in ${REGION}: an EBS volume's key must be in its Region`);
  if (resource.startsWith('key/')) {
    if (!KEY_ID.test(resource.slice(4))) throw invalid();
    return kmsKeyId;
  }
  if (!ALIAS.test(resource)) throw invalid();
  return aliasKeyArn(account, resource);
}

/** EC2's answer to a `KmsKeyId` without `Encrypted=true` (its code and words, RunInstances' and CreateVolume's). */
export function checkEncryptionAsked(asked: EncryptionAsked): void {
  if (asked.kmsKeyId !== undefined && asked.encrypted !== true)
    throw new ApiError('InvalidParameterDependency', 'The parameter KmsKeyId requires the parameter Encrypted to be set.');
}

/**
 * The key a new volume or snapshot copy is encrypted with, or null for none: the User Guide's
 * "Encryption outcomes" table. A `KmsKeyId` (with `Encrypted=true`) is that key; else the source's
 * key (a snapshot of an encrypted volume, a volume or copy of an encrypted snapshot: "Encrypted by
 * same key", whatever `Encrypted` says — `Encrypted=false` cannot make it plain); else, asked
 * (`Encrypted=true`) or by the account's encryption by default, the account's default key; else none.
 */
export function encryptionKeyOf(asked: EncryptionAsked, sourceKeyArn: string | null, defaults: EbsEncryptionDefaults, accountId: string): string | null {
  checkEncryptionAsked(asked);
  if (asked.kmsKeyId !== undefined) return kmsKeyArn(asked.kmsKeyId, accountId);
  if (sourceKeyArn !== null) return sourceKeyArn;
  if (asked.encrypted === true || defaults.byDefault) return defaultKeyArn(defaults, accountId);
  return null;
}

/** The account's default key for EBS encryption: the one ModifyEbsDefaultKmsKeyId set, or the AWS managed key. */
export function defaultKeyArn(defaults: EbsEncryptionDefaults, accountId: string): string {
  return defaults.kmsKeyArn ?? awsManagedEbsKeyArn(accountId);
}
