import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '../../api/src/config/app-config';
import { SimulationWorker } from '../../api/src/jobs/simulation.worker';
import { waitForSchema } from '../../api/src/persistence/worker-database';
import { configureLogger, PinoNestLogger } from '../../api/src/logging/logger';
import { loadWorkerSettings, missingWorkerV8Flags } from './worker-config';
import { WorkerModule } from './worker.module';

/**
 * `npm run worker`: consumes load-simulation runs from BullMQ at REDIS_URL, reading and writing them
 * in the database at DATABASE_URL. Start any number, on any machine that reaches both.
 */
async function main(): Promise<void> {
  let config;
  let settings;
  try {
    config = loadConfig(process.env);
    settings = loadWorkerSettings(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  configureLogger(config.logLevel);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, settings), { logger: new PinoNestLogger() });
  const missing = missingWorkerV8Flags();
  if (missing.length > 0) {
    // Runs are the same either way; only their CPU differs (worker-config.ts, WORKER_V8_FLAGS).
    new Logger('SimulationWorker').warn({ missing }, `started without ${missing.join(' ')} (npm run worker passes it): V8 compiles on background threads, which costs short runs more CPU`);
  }
  app.enableShutdownHooks();
  // The API applies the migrations; a worker waits for them rather than race it.
  await waitForSchema(app);
  await app.get(SimulationWorker).start();
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
