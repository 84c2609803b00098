import { DynamicModule, Module } from '@nestjs/common';
import { SimulationRunner } from '../../api/src/application/simulations/simulation-runner';
import { ExperimentFinisher } from '../../api/src/application/experiments/experiment-finisher';
import { ExperimentsRepository } from '../../api/src/persistence/experiments.repository';
import { SimulationWrites } from '../../api/src/application/simulations/simulation-writes';
import { SCENARIO_EXECUTOR } from '../../api/src/application/simulations/scenario-executor';
import { scenarioExecutor } from '../../api/src/jobs/worker-thread-executor';
import { AppConfig } from '../../api/src/config/app-config';
import { DEFAULT_REDIS_URL } from '../../api/src/jobs/redis';
import { DEFAULT_QUEUE_PREFIX } from '../../api/src/jobs/simulation-jobs';
import { SimulationWorker } from '../../api/src/jobs/simulation.worker';
import { SerialTransactions } from '../../api/src/persistence/serial-transactions';
import { SimulationsRepository } from '../../api/src/persistence/simulations.repository';
import { workerDatabase } from '../../api/src/persistence/worker-database';
import { WorkerSettings } from './worker-config';

/**
 * A worker: a Nest application context (no HTTP) that consumes the simulation queue. It holds no
 * live world and no engine: it reads and writes the runs' rows, and runs scenarios offline.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, settings: WorkerSettings): DynamicModule {
    const database = workerDatabase(config.database);
    return {
      module: WorkerModule,
      imports: [...database.imports],
      providers: [
        ...database.providers,
        SimulationsRepository, SerialTransactions, SimulationRunner, ExperimentsRepository, ExperimentFinisher,
        { provide: SimulationWrites, useExisting: SerialTransactions },
        { provide: SCENARIO_EXECUTOR, useValue: scenarioExecutor(config.simulationThreads) },
        {
          provide: SimulationWorker,
          inject: [SimulationRunner, ExperimentFinisher],
          useFactory: (runner: SimulationRunner, finisher: ExperimentFinisher) =>
            new SimulationWorker({ redisUrl: config.redisUrl ?? DEFAULT_REDIS_URL, prefix: config.queuePrefix ?? DEFAULT_QUEUE_PREFIX, ...settings, threads: config.simulationThreads }, runner, finisher),
        },
      ],
    };
  }
}
