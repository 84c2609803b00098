import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminAuth } from '../auth/guards';
import { SimulationsService } from '../../../application/simulations/simulations.service';
import { BuiltInScenarioListResponseDto } from './simulation.dto';
import { mapBuiltInScenarios } from './simulation.mapper';

/** What a simulation can be given: the built-in scenarios and the scenario document's JSON Schema (docs/scenarios.md). */
@ApiTags('admin: simulations')
@AdminAuth()
@Controller('v1/admin/scenarios')
export class ScenariosController {
  constructor(private readonly simulations: SimulationsService) {}

  @Get()
  @ApiOkResponse({ type: BuiltInScenarioListResponseDto, description: 'The built-in scenarios: each one\'s name (what `builtIn` takes), a summary and its document' })
  list() {
    return mapBuiltInScenarios(this.simulations.builtIns());
  }

  @Get('schema')
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true, example: { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Nimbus scenario, version 1', type: 'object' } }, description: 'The scenario document\'s JSON Schema (draft-07), as the validator uses it' })
  schema() {
    return this.simulations.scenarioSchema();
  }
}
