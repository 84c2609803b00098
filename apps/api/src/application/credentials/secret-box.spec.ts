import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sut = new SecretBox('server-key-0123456789-0123456789-01');
    const sealed = sut.seal(secret, 'AKIAEXAMPLE');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain(secret);
    expect(Buffer.from(sealed.slice(3), 'base64').includes(Buffer.from(secret))).toBe(false);
    expect(sut.open(sealed, 'AKIAEXAMPLE')).toBe(secret);
    expect(sut.seal(secret, 'AKIAEXAMPLE')).not.toBe(sealed); // a fresh IV each time
  });

  it('refuses another server key, another key id, or a tampered ciphertext', () => {
    const sut = new SecretBox('server-key-0123456789-0123456789-01');
    const sealed = sut.seal(secret, 'AKIAEXAMPLE');
    expect(() => new SecretBox('server-key-0123456789-0123456789-02').open(sealed, 'AKIAEXAMPLE')).toThrow();
    expect(() => sut.open(sealed, 'AKIAOTHER')).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => sut.open(`v1:${raw.toString('base64')}`, 'AKIAEXAMPLE')).toThrow();
  });
});
