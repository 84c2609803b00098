import { FactoryProvider, Logger } from '@nestjs/common';
import { SimulationRunner } from '../application/simulations/simulation-runner';
import { SimulationQueue } from '../application/simulations/simulation-writes';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { SimulationsRepository } from '../persistence/simulations.repository';
import { BullmqSimulationQueue } from './bullmq-simulation.queue';
import { InProcessSimulationQueue } from './in-process-simulation.queue';
import { DEFAULT_REDIS_URL, probeRedis, redisLabel } from './redis';
import { DEFAULT_QUEUE_PREFIX } from './simulation-jobs';

/**
 * Chooses, once at start, where simulation runs go: BullMQ when Redis answers at REDIS_URL (or at
 * API.md's default, redis://127.0.0.1:6379, when REDIS_URL is unset), else the API's own process,
 * one run at a time. Either way the log says which, plainly: `npm start` works with no Redis.
 */
export const simulationQueueProvider: FactoryProvider<SimulationQueue> = {
  provide: SimulationQueue,
  inject: [APP_CONFIG, SimulationRunner, SimulationsRepository],
  useFactory: async (config: AppConfig, runner: SimulationRunner, runs: SimulationsRepository): Promise<SimulationQueue> => {
    const logger = new Logger('SimulationQueue');
    const url = config.redisUrl ?? DEFAULT_REDIS_URL;
    if (await probeRedis(url)) {
      logger.log(`Simulations: queued on BullMQ at ${redisLabel(url)} (prefix '${config.queuePrefix ?? DEFAULT_QUEUE_PREFIX}'); start workers with \`npm run worker\`.`);
      return new BullmqSimulationQueue({ redisUrl: url, prefix: config.queuePrefix ?? DEFAULT_QUEUE_PREFIX }, runs);
    }
    logger.warn(
      `Simulations: no Redis reachable at ${redisLabel(url)}${config.redisUrl ? '' : ' (REDIS_URL unset: the default)'}; ` +
        'runs execute IN-PROCESS in this API, one at a time. Set REDIS_URL to a reachable Redis and run `npm run worker` to run them on workers.',
    );
    return new InProcessSimulationQueue(runner, runs);
  },
};
