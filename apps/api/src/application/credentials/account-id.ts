import { randomInt } from 'node:crypto';

/** EC2's account ids: 12 decimal digits (shown as `ownerId`); the first is not 0, so none reads as shorter. */
export function newAccountId(): string {
  return String(randomInt(1, 10)) + String(randomInt(0, 100_000)).padStart(5, '0') + String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export const ACCOUNT_ID = /^[1-9]\d{11}$/;
