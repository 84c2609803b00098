import fc from 'fast-check';
import { resolveFcSeed } from './fast-check-seed';

// Jest setupFiles: every property of every test file starts from the run's seed (see
// fast-check-seed.ts). A property's own options (numRuns) still apply on top.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: resolveFcSeed(process.env.FC_SEED, () => (Math.random() * 2 ** 32) | 0) });
