import { Injectable, OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RequestThrottle } from '../application/throttling';
import { EngineService } from '../engine/engine.service';
import { SimulationsRepository } from '../persistence/simulations.repository';

/** Seconds: from a fast read (1 ms) to a slow commit or a long request. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's Prometheus metrics (prom-client), served at `GET /metrics` to the admin key.
 * Request metrics are observed as requests end (`http/server.ts`), throttling where it refuses
 * (the guard), commits by the engine's write path; the world's figures (fleet, clock, events) are
 * read when Prometheus scrapes, so they cost nothing in between. Node's own process metrics come
 * with them (`collectDefaultMetrics`), all under the `nimbus_` prefix. Load-simulation runs by state
 * are counted in the database at each scrape (workers may run anywhere).
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'nimbus_http_requests_total', help: 'HTTP requests answered, by route template, method and status.',
    labelNames: ['route', 'method', 'status'] as const, registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'nimbus_http_request_duration_seconds', help: 'Time from a request\'s arrival to its answer, by route template and method.',
    labelNames: ['route', 'method'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  private readonly throttled = new Counter({
    name: 'nimbus_throttled_requests_total', help: 'Requests refused with RequestLimitExceeded, by EC2 operation.',
    labelNames: ['operation'] as const, registers: [this.registry],
  });
  private readonly commitSize = new Histogram({
    name: 'nimbus_commit_batch_size', help: 'Commands committed together in one transaction (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers: [this.registry],
  });
  private readonly commitDuration = new Histogram({
    name: 'nimbus_commit_duration_seconds', help: 'Time to apply a group of commands and commit it, by outcome.',
    labelNames: ['outcome'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry],
  });

  constructor(
    private readonly engine: EngineService,
    private readonly throttle: RequestThrottle,
    runs?: SimulationsRepository,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'nimbus_' });
    const engine_ = engine;
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    /** A counter whose total the process already keeps: each scrape adds what it grew by. */
    const total = (name: string, help: string, read: () => number) => {
      let seen = 0;
      return new Counter({ name, help, registers: [this.registry], collect() { const v = read(); if (v > seen) this.inc(v - seen); seen = v; } });
    };
    gauge('nimbus_write_queue_depth', 'Commands waiting for the next group commit.', () => engine_.queued);
    gauge('nimbus_simulated_time_seconds', 'The simulated clock, in Unix seconds.', () => engine_.world.now / 1000);
    gauge('nimbus_clock_rate', 'Simulated seconds per wall second (0: manual clock).', () => engine_.clock().rate);
    gauge('nimbus_engine_pacing_lag_seconds', 'How far the world is behind its wall-paced clock, in wall seconds.', () => engine_.pacingLagSeconds);
    total('nimbus_engine_events_total', 'Events the simulation has run (its rate is the events per second).', () => engine_.world.eventsEmitted);
    total('nimbus_host_recomputations_total', 'Host recomputations by the data plane (a cost measure).', () => engine_.dataPlane.hostRecomputations);
    total('nimbus_usage_records_written_total', 'Usage records written by committed transactions.', () => engine_.usage.recordsWritten);
    new Gauge({
      name: 'nimbus_hosts', help: 'Hosts by state.', labelNames: ['state'] as const, registers: [this.registry],
      collect() {
        this.reset();
        for (const h of engine_.fleet.hosts()) this.inc({ state: h.state });
      },
    });
    new Gauge({
      name: 'nimbus_instances', help: 'Instances in the world by state (terminated ones while the world keeps them).', labelNames: ['state'] as const, registers: [this.registry],
      collect() {
        this.reset();
        for (const vm of engine_.fleet.allVms()) this.inc({ state: vm.state });
      },
    });
    if (runs) {
      new Gauge({
        name: 'nimbus_simulation_runs', help: 'Load-simulation runs by state (queued: the queue\'s depth; running: active).', labelNames: ['state'] as const, registers: [this.registry],
        async collect() {
          const counts = await runs.countByState();
          this.reset();
          for (const state of ['queued', 'running', 'completed', 'failed', 'cancelled']) this.set({ state }, counts[state] ?? 0);
        },
      });
    }
    new Gauge({
      name: 'nimbus_fleet_utilization_ratio', help: 'The fleet\'s use of its capacity: CPU delivered and memory resident, over hosts that are up.',
      labelNames: ['resource'] as const, registers: [this.registry],
      collect() {
        let cpu = 0, cpuCap = 0, mem = 0, memCap = 0;
        for (const h of engine_.fleet.hosts()) {
          if (h.state === 'failed' || h.state === 'off') continue;
          const v = engine_.dataPlane.hostView(h.id);
          cpu += (v.cpuUtilization / 100) * v.cpuCapacityCores;
          cpuCap += v.cpuCapacityCores;
          mem += v.memory.residentMiB;
          memCap += v.memory.capacityMiB;
        }
        this.set({ resource: 'cpu' }, cpuCap > 0 ? cpu / cpuCap : 0);
        this.set({ resource: 'memory' }, memCap > 0 ? mem / memCap : 0);
      },
    });
  }

  onModuleInit(): void {
    this.throttle.onRefused = (operation) => this.throttled.inc({ operation });
    this.engine.onCommit = (commands, seconds, committed) => {
      if (committed) this.commitSize.observe(commands);
      this.commitDuration.observe({ outcome: committed ? 'committed' : 'failed' }, seconds);
    };
  }

  /** Prometheus's text format. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
