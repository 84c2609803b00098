import { Initial1763701200000 } from './1763701200000-Initial';

/** Every migration, in order. The app runs them at start; `synchronize` is never on. */
export const MIGRATIONS = [Initial1763701200000];
