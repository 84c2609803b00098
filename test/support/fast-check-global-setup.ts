import { resolveFcSeed } from './fast-check-seed';

/**
 * Jest globalSetup: fixes the run's fast-check seed (resolving FC_SEED=random to a number, passed to
 * the workers through the environment) and prints it once, with how to replay.
 */
export default function fastCheckGlobalSetup(): void {
  const seed = resolveFcSeed(process.env.FC_SEED, () => (Math.random() * 2 ** 32) | 0);
  process.env.FC_SEED = String(seed);
  process.stdout.write(`\nfast-check seed ${seed} (replay: FC_SEED=${seed} npx jest <files>; a new seed: FC_SEED=random)\n`);
}
