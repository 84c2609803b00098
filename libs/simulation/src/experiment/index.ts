// Experiments (docs/experiments/): sets of scenario variants with one or two variables changed, and their report.
export * from './experiment';
export { applyExperimentOverrides, builtInExperiment, builtInExperimentNames } from './builtin';
export { runExperimentInProcess } from './run-experiment';
