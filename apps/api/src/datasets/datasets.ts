import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  AzureDistributions, BitbrainsVm, datasetKey, DatasetRef, datasetsNeeded, parseAzureDistributions, parseBitbrainsCsv, parsePlanetLabDay, PlanetLabDay, Scenario,
  ScenarioData,
} from '@nimbus/simulation';

/**
 * Loads the datasets a scenario needs (docs/scenarios.md, "Data"): the Azure 2019 distributions
 * and PlanetLab day 20110303 ship in the repository (`data/`, gzipped JSON of the original
 * files); anything else is read from the directory named by NIMBUS_DATA_DIR, laid out as
 * `../shared/data` is (`planetlab/<day>/`, `bitbrains-rnd/2013-7/`, `azure2019-distributions/`).
 * The parsing is libs/simulation's; this reads files.
 */
export class DatasetNotFound extends Error {
  constructor(readonly dataset: string, message: string) {
    super(message);
    this.name = 'DatasetNotFound';
  }
}

const BUILT_IN = { azure2019: 'azure2019-distributions.json.gz', 'planetlab/20110303': 'planetlab-20110303.json.gz' } as Readonly<Record<string, string>>;

/** The repository's `data/` folder: found upwards from here (source or compiled). */
export function builtInDataDir(from = __dirname): string {
  for (let dir = resolve(from); ; dir = resolve(dir, '..')) {
    if (existsSync(join(dir, 'data', BUILT_IN.azure2019))) return join(dir, 'data');
    if (resolve(dir, '..') === dir) throw new DatasetNotFound('built-in', `the built-in datasets (data/${BUILT_IN.azure2019}) were not found above ${from}`);
  }
}

function readBuiltIn(file: string): Record<string, string> {
  const doc = JSON.parse(gunzipSync(readFileSync(join(builtInDataDir(), file))).toString('utf8')) as { files: Record<string, string> };
  return doc.files;
}

/** Every file of a folder (gunzipped when it ends in .gz), by name without .gz. */
function readFolder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    out[name.replace(/\.gz$/, '')] = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  }
  return out;
}

function externalDir(ref: DatasetRef, relative: string, env: NodeJS.ProcessEnv): string {
  const root = env.NIMBUS_DATA_DIR;
  if (!root) throw new DatasetNotFound(datasetKey(ref), `the scenario needs the dataset '${datasetKey(ref)}', which does not ship with Nimbus: set NIMBUS_DATA_DIR to a directory that has ${relative}/`);
  const dir = resolve(root, relative);
  if (!dir.startsWith(resolve(root))) throw new DatasetNotFound(datasetKey(ref), `'${relative}' is outside NIMBUS_DATA_DIR`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DatasetNotFound(datasetKey(ref), `the dataset '${datasetKey(ref)}' was not found: ${dir} is not a directory (NIMBUS_DATA_DIR=${root})`);
  return dir;
}

export function loadAzure2019(): AzureDistributions {
  return parseAzureDistributions(readBuiltIn(BUILT_IN.azure2019));
}

export function loadPlanetLabDay(day: string, env: NodeJS.ProcessEnv = process.env): PlanetLabDay {
  const key = `planetlab/${day}`;
  if (BUILT_IN[key]) return parsePlanetLabDay(day, readBuiltIn(BUILT_IN[key]));
  return parsePlanetLabDay(day, readFolder(externalDir({ kind: 'planetlab', day }, key, env)));
}

/** A Bitbrains folder's first `limit` VM files, in file-name order. */
export function loadBitbrains(path: string, limit: number | undefined, env: NodeJS.ProcessEnv = process.env): BitbrainsVm[] {
  const dir = externalDir({ kind: 'bitbrains', path }, path, env);
  const names = readdirSync(dir).filter((n) => /\.csv(\.gz)?$/.test(n)).sort();
  if (names.length === 0) throw new DatasetNotFound(`bitbrains/${path}`, `no .csv or .csv.gz files in ${dir}`);
  return names.slice(0, limit ?? names.length).map((name) => {
    const bytes = readFileSync(join(dir, name));
    return parseBitbrainsCsv(name.replace(/\.gz$/, ''), (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
  });
}

/** Everything `runScenario` needs from datasets for `s`. */
export async function loadScenarioData(s: Scenario, env: NodeJS.ProcessEnv = process.env): Promise<ScenarioData> {
  let azure2019: AzureDistributions | undefined;
  const planetlab: Record<string, PlanetLabDay> = {};
  const bitbrains: Record<string, BitbrainsVm[]> = {};
  for (const ref of datasetsNeeded(s)) {
    if (ref.kind === 'azure2019') azure2019 = loadAzure2019();
    else if (ref.kind === 'planetlab') planetlab[ref.day] = loadPlanetLabDay(ref.day, env);
    else bitbrains[ref.path] = loadBitbrains(ref.path, ref.limit, env);
  }
  return { ...(azure2019 ? { azure2019 } : {}), planetlab, bitbrains };
}
