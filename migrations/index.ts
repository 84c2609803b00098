import { Initial1763701200000 } from './1763701200000-Initial';
import { Vmm1763900000000 } from './1763900000000-Vmm';

/** Every migration, in order. The app runs them at start; `synchronize` is never on. */
export const MIGRATIONS = [Initial1763701200000, Vmm1763900000000];
// Billing (issue 5): appended, so that other issues' migrations merge without conflict.
import { Billing1764100000000 } from './1764100000000-Billing';
MIGRATIONS.push(Billing1764100000000);
