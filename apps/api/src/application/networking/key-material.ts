import { constants, createHash, createPublicKey, generateKeyPair, KeyObject, publicEncrypt } from 'node:crypto';
import { promisify } from 'node:util';
import sshpk from 'sshpk';
import { ApiError, invalidParameter } from '../common/api-errors';

/**
 * Key pairs' material and fingerprints, as EC2 computes them (API reference, KeyPairInfo.keyFingerprint):
 * - created by CreateKeyPair, RSA: the SHA-1 digest of the DER-encoded (PKCS#8) private key;
 * - imported by ImportKeyPair, RSA: the MD5 digest of the DER-encoded public key (SubjectPublicKeyInfo,
 *   as the EC2 user guide's `openssl … -outform DER | openssl md5 -c` computes it);
 * - ED25519, either way: the base64-encoded SHA-256 digest of the OpenSSH key blob (OpenSSH 6.8's default).
 * Hex digests are colon-separated pairs. Keys are generated with node:crypto; OpenSSH and PuTTY
 * formats are read and written by sshpk.
 */

export type KeyType = 'rsa' | 'ed25519';
export type KeyFormat = 'pem' | 'ppk';

/** RSA sizes EC2 imports. */
const IMPORTABLE_RSA_BITS = [1024, 2048, 4096];

const colonHex = (digest: Buffer) => digest.toString('hex').match(/../g)!.join(':');

/** SHA-1 of the DER PKCS#8 private key (EC2's fingerprint of an RSA key pair it created). */
export function createdRsaFingerprint(privateKey: KeyObject): string {
  return colonHex(createHash('sha1').update(privateKey.export({ type: 'pkcs8', format: 'der' })).digest());
}

/** MD5 of the DER SubjectPublicKeyInfo (EC2's fingerprint of an imported RSA key). */
export function importedRsaFingerprint(publicKey: KeyObject): string {
  return colonHex(createHash('md5').update(publicKey.export({ type: 'spki', format: 'der' })).digest());
}

/** Base64 of the SHA-256 of the OpenSSH wire-format blob (`ssh-keygen -l`'s digest, with base64's padding). */
export function ed25519Fingerprint(openSshPublicKey: string): string {
  const blob = Buffer.from(openSshPublicKey.trim().split(/\s+/)[1], 'base64');
  return createHash('sha256').update(blob).digest('base64');
}

/** A key pair EC2 made: the private key in the asked format (shown once), the public key in OpenSSH's one-line form, the fingerprint. */
export interface CreatedKey {
  readonly keyType: KeyType;
  readonly privateKeyMaterial: string;
  readonly publicKey: string;
  readonly fingerprint: string;
}

const generate = promisify(generateKeyPair);

/**
 * Generated on libuv's thread pool, not the event loop: an RSA-2048 key takes 50 ms to seconds of
 * CPU, and done synchronously it stalled every other request (a CreateKeyPair flood took 2 s answers).
 */
export async function createKey(keyType: KeyType, format: KeyFormat, comment: string): Promise<CreatedKey> {
  const { privateKey } = keyType === 'rsa' ? await generate('rsa', { modulusLength: 2048 }) : await generate('ed25519');
  const parsed = sshpk.parsePrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'pem');
  parsed.comment = comment;
  const publicKey = parsed.toPublic().toString('ssh');
  // EC2's PEM answers: RSA as PKCS#1 (`BEGIN RSA PRIVATE KEY`), ED25519 in OpenSSH's own format.
  const privateKeyMaterial =
    // (sshpk writes PuTTY's format, which its type declarations do not list.)
    format === 'ppk' ? parsed.toString('putty' as sshpk.PrivateKeyFormatType) : keyType === 'rsa' ? (privateKey.export({ type: 'pkcs1', format: 'pem' }) as string) : parsed.toString('openssh');
  const fingerprint = keyType === 'rsa' ? createdRsaFingerprint(privateKey) : ed25519Fingerprint(publicKey);
  return { keyType, privateKeyMaterial: privateKeyMaterial.trimEnd(), publicKey, fingerprint };
}

/** An imported public key: its type, OpenSSH one-line form and fingerprint. */
export interface ImportedKey {
  readonly keyType: KeyType;
  readonly publicKey: string;
  readonly fingerprint: string;
}

/**
 * ImportKeyPair's material (already base64-decoded by the caller's protocol): OpenSSH's
 * `ssh-rsa AAAA… comment` or `ssh-ed25519 …`, RFC 4716's SSH2 public key file, or a PEM/DER public key.
 * RSA of 1,024, 2,048 or 4,096 bits, or ED25519, as EC2 imports.
 */
export function importKey(material: Buffer): ImportedKey {
  let key: sshpk.Key;
  try {
    key = sshpk.parseKey(material, 'auto');
  } catch {
    // EC2's own code and words for material it cannot read (ImportKeyPair; the "Error codes" list's InvalidKey.Format).
    throw new ApiError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
  }
  if (key.type === 'rsa') {
    if (!IMPORTABLE_RSA_BITS.includes(key.size)) throw invalidParameter(`Invalid RSA key length ${key.size}: EC2 imports RSA keys of ${IMPORTABLE_RSA_BITS.join(', ')} bits`);
    const publicKey = key.toString('ssh');
    return { keyType: 'rsa', publicKey, fingerprint: importedRsaFingerprint(createPublicKey(key.toString('pkcs8'))) };
  }
  if (key.type === 'ed25519') {
    const publicKey = key.toString('ssh');
    return { keyType: 'ed25519', publicKey, fingerprint: ed25519Fingerprint(publicKey) };
  }
  throw invalidParameter(`Unsupported key type '${key.type}': EC2 imports RSA and ED25519 keys`);
}

/**
 * `plaintext` encrypted with an RSA key pair's public key (its OpenSSH one-line form, as stored) by
 * RSAES-PKCS1-v1_5, as EC2 encrypts a Windows instance's Administrator password: what the key
 * pair's private key decrypts (the AWS CLI's `get-password-data --priv-launch-key`, the console).
 */
export function encryptForKeyPair(openSshPublicKey: string, plaintext: string): Buffer {
  const key = createPublicKey(sshpk.parseKey(openSshPublicKey, 'ssh').toString('pkcs8'));
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(plaintext, 'utf8'));
}
