import { ApiError } from '../common/api-errors';
import { formatScenarioError, ScenarioError } from '@nimbus/simulation';

export const simulationNotFound = (id: string) => new ApiError('InvalidSimulationID.NotFound', `The simulation ID '${id}' does not exist`);

/** At most this many of a scenario's errors are listed (a document can be wrong everywhere). */
const MAX_LISTED_ERRORS = 50;

/**
 * A bad scenario: the validator's errors, each as formatScenarioError writes it, naming the bad
 * field by its JSON path (`/fleet/zones/0/hosts/1/count: must be ≥ 1`), separated by `; `.
 */
export const invalidScenario = (errors: readonly ScenarioError[]) => {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map(formatScenarioError);
  const more = errors.length > MAX_LISTED_ERRORS ? `; and ${errors.length - MAX_LISTED_ERRORS} more` : '';
  return new ApiError('InvalidScenario', `The scenario is not valid: ${listed.join('; ')}${more}`);
};

export const incorrectSimulationState = (id: string, state: string, wanted: string) =>
  new ApiError('IncorrectSimulationState', `The simulation '${id}' is ${state}: ${wanted}`);
