// Scenarios (docs/scenarios.md): the document and its schema, validation, built-ins, datasets,
// the run, its results, cells.
export * from './scenario';
export { SCENARIO_SCHEMA } from './scenario.schema';
export { formatScenarioError, validateScenario } from './scenario.validate';
export type { ScenarioError, ScenarioValidation } from './scenario.validate';
export { resolveScenario } from './scenario.defaults';
export type { ResolvedScenario } from './scenario.defaults';
export { applyScenarioOverrides, builtInScenario, builtInScenarioNames } from './builtin';
export * from './datasets';
export { ScenarioDataMissing, closestType } from './scenario.driver';
export { runScenario } from './run-scenario';
export type { RunScenarioOptions, ScenarioProgress } from './run-scenario';
export * from './results/result';
export { digestOf } from './results/assemble';
export { joinCellResults, splitIntoCells, zonesInteract } from './cells';
export { resultToCsv } from './csv';
