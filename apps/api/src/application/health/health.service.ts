import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-errors';
import { HealthRepository } from '../../persistence/health.repository';
import { EngineService } from '../../engine/engine.service';
import { SimulationQueue } from '../simulations/simulation-writes';

/** One dependency's state, for readiness: up, or down with why. */
export type DependencyState = { readonly up: true; readonly detail?: Record<string, unknown> } | { readonly up: false; readonly reason: string };

/** The engine may lag its wall-paced clock this long (wall seconds) and still be ready. */
export const MAX_PACING_LAG_SECONDS = 5;

/** Nimbus's health: the database answers; which database; where simulated time stands; how many hosts. */
export interface Health {
  readonly database: 'postgres' | 'sqlite';
  readonly simulatedTime: string;
  readonly hosts: number;
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: HealthRepository,
    private readonly engine: EngineService,
    private readonly queue: SimulationQueue,
  ) {}

  /** Throws ServiceUnavailable when the database does not answer (the readiness check's rule). */
  async check(): Promise<Health> {
    const db = await this.database();
    if (!db.up) throw new ApiError('ServiceUnavailable', db.reason);
    return { database: this.db.databaseKind, simulatedTime: this.engine.clock().now, hosts: this.engine.fleet.hostCount };
  }

  /** The database answers a query (within `timeoutMs`). */
  async database(timeoutMs = 2000): Promise<DependencyState> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.db.ping(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs))),
      ]);
      return { up: true, detail: { kind: this.db.databaseKind } };
    } catch (err) {
      return { up: false, reason: `${this.db.databaseKind} does not answer: ${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Redis answers, when load-simulation runs go through it (BullMQ); undefined when they run in-process. */
  async redis(): Promise<DependencyState | undefined> {
    if (this.queue.mode !== 'bullmq') return undefined;
    const reason = await this.queue.unavailable();
    return reason === undefined ? { up: true } : { up: false, reason };
  }

  /** The engine keeps up with its clock: it lags the wall-paced time by at most MAX_PACING_LAG_SECONDS. */
  engineState(): DependencyState {
    const lag = this.engine.pacingLagSeconds;
    if (lag > MAX_PACING_LAG_SECONDS) return { up: false, reason: `the engine is ${lag.toFixed(1)} s behind its clock (at most ${MAX_PACING_LAG_SECONDS} s)` };
    return { up: true, detail: { pacingLagSeconds: Math.round(lag * 1000) / 1000, queued: this.engine.queued } };
  }
}
