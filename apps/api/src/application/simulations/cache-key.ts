import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version of the simulation's code: SHA-256 of the four libs' sources (libs/<lib>/src, tests
 * left out; in a build without sources, of their compiled JavaScript), computed once. Any change
 * to the model gives a new version, so a cached result is never reused across one.
 */
let version: string | undefined;

export function simulationCodeVersion(): string {
  return (version ??= computeVersion());
}

function computeVersion(): string {
  const root = projectRoot(__dirname);
  const hash = createHash('sha256');
  const sources = join(root, 'libs');
  const compiled = join(root, 'dist', 'libs');
  const [dir, ext] = existsSync(sources) ? [sources, '.ts'] : [compiled, '.js'];
  for (const file of filesUnder(dir).filter((f) => f.endsWith(ext) && !/\.(spec|property\.spec|fuzz-spec)\.[jt]s$/.test(f) && !f.includes(`${join('src', 'testing')}`)).sort()) {
    hash.update(file.slice(dir.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function projectRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'tsconfig.build.json')) === false) {
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
  return dir;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Keys in sorted order, so the same document hashes the same whatever its key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The cache key of a validated scenario: runs with equal keys compute byte-identical results (same scenario, seed and code). */
export function scenarioCacheKey(scenario: unknown): string {
  return createHash('sha256').update(canonical(scenario)).update('\0').update(simulationCodeVersion()).digest('hex');
}
