import { RequestThrottle } from '../application/throttling';
import { EngineService } from '../engine/engine.service';
import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  it('counts throttled requests by operation, from the protocol-independent throttle', async () => {
    const throttle = new RequestThrottle(() => 0); // a frozen clock: no refill
    const engine = {} as EngineService;
    const metrics = new MetricsService(engine, throttle);
    metrics.onModuleInit();
    // EC2's RunInstances request bucket: 5 tokens (the resource-intensive category).
    const outcomes = Array.from({ length: 8 }, () => throttle.take({ tenantId: 't-1', operation: 'RunInstances', resourceCount: 0 }).allowed);
    const refused = outcomes.filter((ok) => !ok).length;
    expect(refused).toBeGreaterThan(0);
    const text = await metrics.registry.getSingleMetricAsString('nimbus_throttled_requests_total');
    expect(text).toContain(`nimbus_throttled_requests_total{operation="RunInstances"} ${refused}`);
  });

  it('times commits and sizes the groups the engine reports', async () => {
    const engine = {} as EngineService;
    const metrics = new MetricsService(engine, new RequestThrottle(() => 0));
    metrics.onModuleInit();
    engine.onCommit!(3, 0.004, true);
    engine.onCommit!(1, 0.2, false);
    const size = await metrics.registry.getSingleMetricAsString('nimbus_commit_batch_size');
    expect(size).toContain('nimbus_commit_batch_size_bucket{le="2"} 0');
    expect(size).toContain('nimbus_commit_batch_size_bucket{le="4"} 1');
    expect(size).toContain('nimbus_commit_batch_size_count 1'); // a failed group committed nothing
    const time = await metrics.registry.getSingleMetricAsString('nimbus_commit_duration_seconds');
    expect(time).toContain('nimbus_commit_duration_seconds_bucket{le="0.005",outcome="committed"} 1');
    expect(time).toContain('nimbus_commit_duration_seconds_count{outcome="failed"} 1');
  });
});
