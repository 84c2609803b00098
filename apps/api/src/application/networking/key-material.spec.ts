import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import sshpk from 'sshpk';
import { createdRsaFingerprint, createKey, ed25519Fingerprint, importKey } from './key-material';

/*
 * Known vectors, made with OpenSSH and OpenSSL on this project's machine (a throwaway test key):
 *   ssh-keygen -t rsa -b 2048 -m PEM -C vector-rsa -f rsa; ssh-keygen -t ed25519 -C vector-ed -f ed
 *   created RSA (SHA-1 of the DER PKCS#8 private key):
 *     openssl pkcs8 -in rsa -topk8 -nocrypt -outform DER | openssl sha1 -c
 *   imported RSA (MD5 of the DER public key, as the EC2 user guide computes it):
 *     ssh-keygen -e -m PKCS8 -f rsa.pub | openssl pkey -pubin -outform DER | openssl md5 -c
 *   ED25519 (SHA-256 of the key blob, base64; ssh-keygen prints it without the padding):
 *     ssh-keygen -l -E sha256 -f ed.pub
 */
const RSA_PRIVATE_PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAnKkAdW8gPEy0yqH1VxLIC7DRFbD48R188fpTkaZAndZC+asT',
  '5K3MbWfx8eUa0OS5BYseGKI/SXOqGtGrX6PacEB35ywqcDr3jEXJ1GevwwKLVtR2',
  '5tpHYV9+pWUo7qbViUPohdxVYzEin10pCWaTPpKY0mGh9DW5ZSDlvFxmPSsTwUAP',
  'VVOADXLY2y4BQuzyU/R+hWzSlpZcrtIvWpEhF3zNBJXD22g7wSZWVHvPuaX8ZE8p',
  '61ULg5/gPrSAjTGdmzaCSKFcaPTwTbxpGU4eacNIpsGURH1ccLs+pljlP6JEjkAx',
  '72K2pxNcVjFa6L90pKTgrobZuZZwNDkGm4hpJQIDAQABAoIBAESlNUM//2MMxYeo',
  '8iVGYIvm3adglaSppC8v3mCK9fNziIN4OE5S7anfC0BQgLCaGIzaScTHi223FgmM',
  'aEiPNs9LIH8Wdj4ZSJGZnvfIu1Z7De1tSfCcIv0C6C63Jfl090qfjArj4jKFvEMS',
  'gkHRRaH8gKRnDZ1B0UwD30brQg1429J0x2+8WkyuViM6/jI1BAEzd27OrFVZwysJ',
  'xphriBQNBFJY+Ul8zIpgKfWXxUZfRp29Ub8rEzg6W5UNL0xiwhfuq3En7RtPqNux',
  'nH2hzzawbiTdC/fVQ8Z5g12zvyq/jFXnPDVii2/AiDt5G1EgDuoh/0Gunup5Kd7C',
  'Gl+2AZ0CgYEA1olbTkn/kubk4IiBxS33NKSCsq5MZBcYocmY90fPt5DxwhtWjcFQ',
  'd9svDg8IQ1RfbYbqpKZnOBiPkTl/3BhO+Xdyj1VkXteXpbp/4mOCmvKU3I+Slss4',
  '+zb5U7JhF/lUhwGUo2TjcMPJqQ+oJbd9BRu4KMoITcV5pplx76bMZosCgYEAuvAX',
  'FjWlsMoofzjkAmljVb1I32fIWrUaQa09jgahbBjAFL/juWjaNbWNse3XXbxEofNn',
  'QMYxJ3rhxri/Uss/z+Utow8qEkh/rF+0upBnkIw2yRyQ9n6hsTNc+HKgFWOgUwi4',
  'aR74wOpSX9N7O0m1eBUNwt6IFHh5tcU2Gg0PFQ8CgYAHLBpoWKL5t0xpkUa9X9cG',
  '5IUWEiutoPQK3KGHitgP7AGZGq7fGFpnV2WQU8JT9esmzz7i+Ek1H+UU1tZGdm2V',
  'e3/R+OndHdoNCVojKG6CXZ/Ka+ZbsjmadHELckg6s/Q2e0AL4mCUMYd5ZnOZpzO/',
  'yvhyLKbwaqyxfCnJ+EqXFwKBgQCBpnSMncZ9t6egnMdeeNNBKtd4wlTtvD8qn8la',
  'UHTyMLQ/b9qzw+nbaECOz+MXirSbEeJhxVNgC1S9a3KeLILkYBFnzuOh7JBH79S7',
  's91wHh79GofbvXXNHU90rKMkUoVmMV0c4zMpMRrShS0psHRghVGW/pmogOoAzHc6',
  'WCZGtwKBgBAD1xXGbToGiHh+7UplFJhPSb4VBslBtzeso+jxpWCZ+N/2iA/Hxn06',
  'cWeZbRxvxP2/p4YxJtYam11E7aMKZiHghG+MSVgEDKFFT5qOVcMpfJY9Znc4o4v8',
  'VtFds98C7e+k43mSL32bSi4rXTPbpgHXT+1zaV8BVirKO24FTg81',
  '-----END RSA PRIVATE KEY-----'
].join('\n');
const RSA_PUBLIC_OPENSSH = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCcqQB1byA8TLTKofVXEsgLsNEVsPjxHXzx+lORpkCd1kL5qxPkrcxtZ/Hx5RrQ5LkFix4Yoj9Jc6oa0atfo9pwQHfnLCpwOveMRcnUZ6/DAotW1Hbm2kdhX36lZSjuptWJQ+iF3FVjMSKfXSkJZpM+kpjSYaH0NbllIOW8XGY9KxPBQA9VU4ANctjbLgFC7PJT9H6FbNKWllyu0i9akSEXfM0ElcPbaDvBJlZUe8+5pfxkTynrVQuDn+A+tICNMZ2bNoJIoVxo9PBNvGkZTh5pw0imwZREfVxwuz6mWOU/okSOQDHvYranE1xWMVrov3SkpOCuhtm5lnA0OQabiGkl vector-rsa';
const ED25519_PUBLIC_OPENSSH = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMB25bjJcW7d6ZSDrhyyQFjVuJZ9UxJqR4cn5N1b6FbX vector-ed';
/** `ssh-keygen -e -f rsa.pub`: RFC 4716's SSH2 public key file. */
const RSA_PUBLIC_RFC4716 = [
  '---- BEGIN SSH2 PUBLIC KEY ----',
  'Comment: "2048-bit RSA, converted by root@vm from OpenSSH"',
  'AAAAB3NzaC1yc2EAAAADAQABAAABAQCcqQB1byA8TLTKofVXEsgLsNEVsPjxHXzx+lORpk',
  'Cd1kL5qxPkrcxtZ/Hx5RrQ5LkFix4Yoj9Jc6oa0atfo9pwQHfnLCpwOveMRcnUZ6/DAotW',
  '1Hbm2kdhX36lZSjuptWJQ+iF3FVjMSKfXSkJZpM+kpjSYaH0NbllIOW8XGY9KxPBQA9VU4',
  'ANctjbLgFC7PJT9H6FbNKWllyu0i9akSEXfM0ElcPbaDvBJlZUe8+5pfxkTynrVQuDn+A+',
  'tICNMZ2bNoJIoVxo9PBNvGkZTh5pw0imwZREfVxwuz6mWOU/okSOQDHvYranE1xWMVrov3',
  'SkpOCuhtm5lnA0OQabiGkl',
  '---- END SSH2 PUBLIC KEY ----'
].join('\n');

const CREATED_RSA_SHA1 = 'b3:da:71:61:2e:05:76:e2:16:b3:aa:1a:7e:4e:4e:81:dd:b3:84:28';
const IMPORTED_RSA_MD5 = 'ac:30:35:a2:6c:db:ea:50:06:dc:10:68:00:e3:01:55';
const ED25519_SHA256 = 'M2wQNALDGgcGjO8tVX2u6Bip2Tlxpbd9ALtAoE6SyLw=';

describe('key pair fingerprints, as EC2 computes them', () => {
  it('an RSA key pair EC2 created: the SHA-1 of its DER PKCS#8 private key, colon-separated (openssl sha1 -c)', () => {
    expect(createdRsaFingerprint(createPrivateKey(RSA_PRIVATE_PEM))).toBe(CREATED_RSA_SHA1);
  });

  it('an imported RSA key: the MD5 of its DER public key (openssl md5 -c), from OpenSSH or RFC 4716 material alike', () => {
    expect(importKey(Buffer.from(RSA_PUBLIC_OPENSSH))).toEqual({ keyType: 'rsa', publicKey: RSA_PUBLIC_OPENSSH, fingerprint: IMPORTED_RSA_MD5 });
    expect(importKey(Buffer.from(RSA_PUBLIC_RFC4716)).fingerprint).toBe(IMPORTED_RSA_MD5);
  });

  it('an ED25519 key: the base64 SHA-256 of its OpenSSH blob (ssh-keygen -l -E sha256, padded)', () => {
    expect(ed25519Fingerprint(ED25519_PUBLIC_OPENSSH)).toBe(ED25519_SHA256);
    expect(importKey(Buffer.from(ED25519_PUBLIC_OPENSSH))).toEqual({ keyType: 'ed25519', publicKey: ED25519_PUBLIC_OPENSSH, fingerprint: ED25519_SHA256 });
  });

  it('refuses material that is not a public key, and RSA sizes EC2 does not import', () => {
    expect(() => importKey(Buffer.from('ssh-rsa not-base64!!'))).toThrow(expect.objectContaining({ code: 'InvalidKey.Format', message: 'Key is not in valid OpenSSH public key format' }));
    expect(() => importKey(Buffer.from('hello'))).toThrow(expect.objectContaining({ code: 'InvalidKey.Format' }));
    const odd = sshpk.parsePrivateKey(generateKeyPairSync('rsa', { modulusLength: 1536 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'pem')
      .toPublic().toString('ssh');
    expect(() => importKey(Buffer.from(odd))).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });
});

describe('createKey', () => {
  it('RSA in PEM: a 2048-bit PKCS#1 private key whose public half is the stored one, fingerprinted as EC2 does', async () => {
    const k = await createKey('rsa', 'pem', 'my-key');
    expect(k.privateKeyMaterial).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----$/);
    const priv = createPrivateKey(k.privateKeyMaterial);
    expect(priv.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(k.fingerprint).toBe(createdRsaFingerprint(priv));
    expect(k.fingerprint).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    expect(k.publicKey).toMatch(/^ssh-rsa AAAA\S+ my-key$/);
    // The stored public key verifies what the returned private key signs.
    const data = Buffer.from('nimbus');
    const pub = createPublicKey(sshpk.parseKey(k.publicKey, 'ssh').toString('pkcs8'));
    expect(verify('sha256', data, pub, sign('sha256', data, priv))).toBe(true);
  });

  it('ED25519 in PEM is OpenSSH\'s private key format; in PPK, PuTTY\'s', async () => {
    const k = await createKey('ed25519', 'pem', 'ed');
    expect(k.privateKeyMaterial).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(k.fingerprint).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(sshpk.parsePrivateKey(k.privateKeyMaterial, 'openssh').toPublic().toString('ssh')).toBe(k.publicKey);
    expect((await createKey('rsa', 'ppk', 'p')).privateKeyMaterial).toMatch(/^PuTTY-User-Key-File-2: ssh-rsa/);
  });

  it('generates off the event loop: other callbacks run while an RSA key is made (the EC2 attack suite saw 2 s stalls)', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    // Generated synchronously, the key would be ready before the event loop turned once.
    await createKey('rsa', 'pem', 'k');
    expect(ran).toBe(true);
  });
});
