import { ApiError } from '../common/api-errors';
import { formatScenarioError, ScenarioError } from './scenario-port';

export const simulationNotFound = (id: string) => new ApiError('InvalidSimulationID.NotFound', `The simulation ID '${id}' does not exist`);

/** A bad scenario: each bad field by its JSON path (`/fleet/zones/0/hosts/1/count: must be ≥ 1`). */
export const invalidScenario = (errors: readonly ScenarioError[]) => new ApiError('InvalidScenario', `The scenario is not valid: ${errors.map(formatScenarioError).join('; ')}`);

export const incorrectSimulationState = (id: string, state: string, wanted: string) =>
  new ApiError('IncorrectSimulationState', `The simulation '${id}' is ${state}: ${wanted}`);
