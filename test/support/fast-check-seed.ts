/**
 * One fast-check seed for the whole Jest run, from the environment, so that a failure can be
 * replayed: `FC_SEED=<n>` (an integer) replays a run, `FC_SEED=random` picks a new seed (printed
 * once by test/support/fast-check-global-setup.ts), and with FC_SEED unset every run uses
 * DEFAULT_FC_SEED, so CI explores the same cases each time.
 */
export const DEFAULT_FC_SEED = 20_260_101;

export function resolveFcSeed(raw: string | undefined, pick: () => number): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_FC_SEED;
  if (raw.trim() === 'random') return pick();
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or 'random', not '${raw}'`);
  // fast-check takes a 32-bit seed; larger ones it would fold silently, so a replay could differ.
  return seed | 0;
}
