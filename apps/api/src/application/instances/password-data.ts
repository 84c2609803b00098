import { isWindowsPlatform } from '@nimbus/hypervisor';
import { randomInt } from 'node:crypto';
import type { InstanceEntity } from '../../persistence/entities/instance.entity';
import { encryptForKeyPair } from '../networking/key-material';
import { consoleOutputTime } from './boot-log';

/**
 * How long a Windows instance's boot must run before its password is available: EC2's console
 * answers "Password not available yet. Please wait at least 4 minutes after launching an instance
 * before trying to retrieve the auto-generated password." EC2Launch generates it during the guest's
 * first boot, so Nimbus counts the 4 minutes of running from the start of a boot (entering
 * `running`, or a reboot) and generates the password in the first boot that lasts that long: an
 * instance stopped (or rebooted) sooner has none yet, and its next boot counts 4 minutes afresh.
 * GetPasswordData and the waiters built on it (`password-data-available`) poll as against EC2.
 */
export const PASSWORD_DATA_DELAY_MS = 4 * 60_000;

/** Windows' complexity rules ask for three of these four classes; the password has all four. */
const PASSWORD_CLASSES = ['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz', '0123456789', '!@#$%&*()-_=+;:,.?'] as const;
const PASSWORD_ALPHABET = PASSWORD_CLASSES.join('');
export const PASSWORD_LENGTH = 32;

/** A random Administrator password (crypto-random): PASSWORD_LENGTH characters with every class of PASSWORD_CLASSES. */
export function administratorPassword(random: (max: number) => number = randomInt): string {
  for (;;) {
    let password = '';
    for (let i = 0; i < PASSWORD_LENGTH; i++) password += PASSWORD_ALPHABET[random(PASSWORD_ALPHABET.length)];
    // Drawn again rather than patched, so every password of the alphabet that passes is equally likely.
    if (PASSWORD_CLASSES.every((c) => [...password].some((ch) => c.includes(ch)))) return password;
  }
}

/**
 * The password data a launch stores for one instance: for a Windows image launched with an RSA key
 * pair, a new password encrypted with the key pair's public key (RSAES-PKCS1-v1_5, base64, as EC2's
 * GetPasswordData answers it), not yet generated (`passwordDataAt` null: the first boot that lasts
 * PASSWORD_DATA_DELAY_MS generates it). None otherwise: a Linux instance, or a Windows one without a
 * key pair, answers an empty `passwordData`. Stored encrypted at the launch, so a key pair deleted
 * afterwards changes nothing.
 */
export function launchPasswordData(
  platform: string, keyPair: { readonly keyType: string; readonly publicKey: string } | undefined,
): Pick<InstanceEntity, 'passwordData' | 'passwordDataAt'> {
  if (!isWindowsPlatform(platform) || keyPair?.keyType !== 'rsa') return { passwordData: null, passwordDataAt: null };
  return { passwordData: encryptForKeyPair(keyPair.publicKey, administratorPassword()).toString('base64'), passwordDataAt: null };
}

/**
 * When a password is generated, given an instance's boots that ended, in order: PASSWORD_DATA_DELAY_MS
 * into the first that lasted that long; undefined if none did.
 */
export function passwordGeneratedAt(boots: readonly { readonly startedAt: number; readonly endedAt: number }[]): number | undefined {
  const boot = boots.find((b) => b.endedAt - b.startedAt >= PASSWORD_DATA_DELAY_MS);
  return boot && boot.startedAt + PASSWORD_DATA_DELAY_MS;
}

/** GetPasswordData's answer. */
export interface PasswordData {
  /** Base64 of the encrypted password; '' while it is not available, or when the instance has none. */
  readonly passwordData: string;
  /** EC2's "time the data was last updated": when the password became available; until then, the console output's time. */
  readonly timestamp: number;
}

/**
 * An instance's password data at simulated time `now`: once generated (`passwordDataAt`, set when the
 * boot that generated it ended), or PASSWORD_DATA_DELAY_MS into the boot it is running now.
 */
export function passwordDataOf(
  row: Pick<InstanceEntity, 'passwordData' | 'passwordDataAt' | 'state' | 'launchTime' | 'stateSince' | 'bootedAt'>, now: number,
): PasswordData {
  const at = row.passwordDataAt ?? (row.state === 'running' && row.bootedAt !== null ? row.bootedAt + PASSWORD_DATA_DELAY_MS : null);
  if (row.passwordData !== null && at !== null && now >= at) return { passwordData: row.passwordData, timestamp: at };
  return { passwordData: '', timestamp: consoleOutputTime(row) };
}
