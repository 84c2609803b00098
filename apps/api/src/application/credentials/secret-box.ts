import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts the access keys' secrets under the server's key: AES-256-GCM (node:crypto), a random
 * 96-bit IV per secret, the access key id as additional data (a ciphertext copied onto another key
 * id does not decrypt). The AES key is the SHA-256 of the server key, which is itself random
 * (generated) or at least 32 characters (configured).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(serverKey: string) {
    this.key = createHash('sha256').update(serverKey, 'utf8').digest();
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The plaintext; throws when the ciphertext was not sealed under this key for `boundTo`. */
  open(sealed: string, boundTo: string): string {
    if (!sealed.startsWith(VERSION)) throw new Error('unknown secret format');
    const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
