import { Injectable } from '@nestjs/common';
import { EngineService } from '../../engine/engine.service';
import { Tx } from '../../persistence/tx';
import { SimulationWrites } from './simulation-writes';

/** In the API, a run's bookkeeping commits through the engine's write path, like every control-plane change. */
@Injectable()
export class EngineSimulationWrites extends SimulationWrites {
  constructor(private readonly engine: EngineService) {
    super();
  }

  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.engine.command((tx) => fn(tx));
  }
}
