import { constants, privateDecrypt } from 'node:crypto';
import { createKey } from '../networking/key-material';
import { administratorPassword, launchPasswordData, PASSWORD_DATA_DELAY_MS, passwordDataOf, passwordGeneratedAt } from './password-data';

/** RSAES-PKCS1-v1_5 decryption by hand (Node 20 refuses PKCS#1 v1.5 private decryption, CVE-2023-46809): 00 02, ≥ 8 nonzero padding bytes, 00, the message. */
function pkcs1v15Decrypt(privateKeyPem: string, data: Buffer): string {
  const block = privateDecrypt({ key: privateKeyPem, padding: constants.RSA_NO_PADDING }, data);
  expect([block[0], block[1]]).toEqual([0, 2]);
  const end = block.indexOf(0, 2);
  expect(end).toBeGreaterThanOrEqual(10);
  return block.subarray(end + 1).toString('utf8');
}

describe('administratorPassword', () => {
  it('draws 32 characters and draws again until every class (upper, lower, digit, symbol) is in it', () => {
    // The alphabet: A–Z at 0–25, a–z at 26–51, 0–9 at 52–61, symbols from 62 ('!').
    const draws = [...Array<number>(32).fill(0), 0, 26, 52, 62, ...Array<number>(28).fill(0)];
    let i = 0;
    expect(administratorPassword(() => draws[i++])).toBe(`Aa0!${'A'.repeat(28)}`);
    expect(i).toBe(64);
  });

  it('is crypto-random by default: 32 characters of every class, a new one each time', () => {
    const a = administratorPassword();
    expect(a).toHaveLength(32);
    for (const c of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) expect(a).toMatch(c);
    expect(administratorPassword()).not.toBe(a);
  });
});

describe('launchPasswordData', () => {
  it("encrypts a new password with a Windows launch's RSA key pair (PKCS#1 v1.5, base64), not yet generated (its first long enough boot does)", async () => {
    const key = await createKey('rsa', 'pem', 'win');
    const data = launchPasswordData('windows', { keyType: 'rsa', publicKey: key.publicKey });
    expect(data.passwordDataAt).toBeNull();
    const encrypted = Buffer.from(data.passwordData!, 'base64');
    expect(encrypted).toHaveLength(256); // a 2,048-bit key's block
    expect(pkcs1v15Decrypt(key.privateKeyMaterial, encrypted)).toMatch(/^.{32}$/);
    // Each instance its own password.
    const other = launchPasswordData('windows-sql-standard', { keyType: 'rsa', publicKey: key.publicKey });
    expect(pkcs1v15Decrypt(key.privateKeyMaterial, Buffer.from(other.passwordData!, 'base64'))).not.toBe(pkcs1v15Decrypt(key.privateKeyMaterial, encrypted));
  });

  it('makes none for a Linux launch, a Windows one without a key pair, or one with an ED25519 key', async () => {
    const none = { passwordData: null, passwordDataAt: null };
    const rsa = await createKey('rsa', 'pem', 'lin');
    expect(launchPasswordData('linux', { keyType: 'rsa', publicKey: rsa.publicKey })).toEqual(none);
    expect(launchPasswordData('windows', undefined)).toEqual(none);
    expect(launchPasswordData('windows', { keyType: 'ed25519', publicKey: 'ssh-ed25519 AAAA' })).toEqual(none);
  });
});

describe('passwordGeneratedAt', () => {
  it('is 4 minutes into the first boot that lasted 4 minutes; none if none did', () => {
    // Booted at 180 s, stopped at 300 s (2 min: too short); started again, running from 600 s, stopped at 900 s (5 min).
    expect(passwordGeneratedAt([{ startedAt: 180_000, endedAt: 300_000 }, { startedAt: 600_000, endedAt: 900_000 }])).toBe(600_000 + 240_000);
    expect(passwordGeneratedAt([{ startedAt: 180_000, endedAt: 420_000 }])).toBe(420_000);
    expect(passwordGeneratedAt([{ startedAt: 180_000, endedAt: 419_999 }])).toBeUndefined();
    expect(passwordGeneratedAt([])).toBeUndefined();
  });
});

describe('passwordDataOf', () => {
  // Launched at 0, running from 180 s (a Windows boot), the password available from 180 + 240 = 420 s.
  const row = { passwordData: 'ZW5jcnlwdGVk', passwordDataAt: null, state: 'running', launchTime: 0, stateSince: 180_000, bootedAt: 180_000 };

  it("answers '' until 4 minutes into the current boot, with the console output's time; then the data, with the time it became available", () => {
    expect(PASSWORD_DATA_DELAY_MS).toBe(240_000);
    expect(passwordDataOf(row, 419_999)).toEqual({ passwordData: '', timestamp: 180_000 });
    expect(passwordDataOf(row, 420_000)).toEqual({ passwordData: 'ZW5jcnlwdGVk', timestamp: 420_000 });
    expect(passwordDataOf({ ...row, state: 'pending', stateSince: 0, bootedAt: null }, 60_000)).toEqual({ passwordData: '', timestamp: 0 });
  });

  it('once generated, answers it in any state; not generated, a stopped instance has none, and a boot after a reboot counts afresh', () => {
    expect(passwordDataOf({ ...row, passwordDataAt: 420_000, state: 'stopped', stateSince: 900_000 }, 1_000_000)).toEqual({ passwordData: 'ZW5jcnlwdGVk', timestamp: 420_000 });
    // Stopped 2 minutes into its first boot: no password, however long it stays stopped.
    expect(passwordDataOf({ ...row, state: 'stopped', stateSince: 300_000 }, 10_000_000)).toEqual({ passwordData: '', timestamp: 300_000 });
    // Rebooted at 400 s: available at 400 + 240 = 640 s, not 420 s.
    expect(passwordDataOf({ ...row, bootedAt: 400_000 }, 639_999)).toEqual({ passwordData: '', timestamp: 180_000 });
    expect(passwordDataOf({ ...row, bootedAt: 400_000 }, 640_000)).toEqual({ passwordData: 'ZW5jcnlwdGVk', timestamp: 640_000 });
  });

  it("answers '' for an instance without a password, however long it has run", () => {
    expect(passwordDataOf({ ...row, passwordData: null }, 10_000_000)).toEqual({ passwordData: '', timestamp: 180_000 });
  });
});
