import { Logger } from '@nestjs/common';
import { SimulationRunEntity } from '../../persistence/entities';
import { ProgressAck, SimulationsRepository } from '../../persistence/simulations.repository';
import { Tx } from '../../persistence/tx';
import { SimulationRunner } from './simulation-runner';
import { SimulationWrites } from './simulation-writes';

const TX = {} as Tx;
const READER = {} as Tx;

/** A real scenario (docs/scenarios.md): one zone of two hosts, a few VMs; a few milliseconds per simulated hour. */
function scenario(hours: number) {
  return {
    version: 1, name: 'unit', seed: 1, durationHours: hours,
    fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 2 }] }] },
    tenants: [{
      id: 'acme',
      workloads: [{
        kind: 'synthetic', zone: 'us-east-1a', initial: 4, arrivals: { ratePerHour: 2 },
        lifetime: { distribution: 'exponential', meanHours: 2 }, size: { distribution: 'fixed', instanceType: 'm5.large' },
        utilization: { distribution: 'fixed', percent: 40 },
      }],
    }],
  };
}

function row(doc: object): SimulationRunEntity {
  return Object.assign(new SimulationRunEntity(), { id: 'sim-0123456789abcdef0', state: 'running', scenario: JSON.stringify(doc), untilMs: 0, attempt: 1 });
}

/** A strict repository double: a method the test did not give fails the test when called. */
function repository(methods: Partial<Record<keyof SimulationsRepository, jest.Mock>>): SimulationsRepository {
  return new Proxy({ reader: READER } as unknown as SimulationsRepository, {
    get: (target, name: string) => {
      if (name === 'reader') return READER;
      const m = methods[name as keyof SimulationsRepository];
      if (!m) throw new Error(`unexpected call: repository.${name}`);
      return m;
    },
  });
}

const writes: SimulationWrites = { run: (fn) => fn(TX) };
const owned: ProgressAck = { owned: true, cancelRequested: false };

describe('SimulationRunner', () => {
  beforeAll(() => Logger.overrideLogger(false));
  it('claims the run, writes progress, and stores the results once, as this attempt', async () => {
    const finish = jest.fn().mockResolvedValue(true);
    const progress = jest.fn().mockResolvedValue(owned);
    const sut = new SimulationRunner(repository({ claim: jest.fn().mockResolvedValue(1), findById: jest.fn().mockResolvedValue(row(scenario(3))), progress, finish }), writes);
    sut.configure({ flushEveryMs: 0 });
    expect(await sut.execute({ simulationId: 'sim-0123456789abcdef0', worker: 'w1' })).toBe('completed');
    expect(progress).toHaveBeenCalledWith(TX, 'sim-0123456789abcdef0', 1, expect.objectContaining({ untilMs: 3 * 3_600_000 }), expect.any(Number));
    expect(finish).toHaveBeenCalledTimes(1);
    const [, , attempt, end] = finish.mock.calls[0];
    expect(attempt).toBe(1);
    expect(end).toMatchObject({ state: 'completed', progress: { simulatedMs: 3 * 3_600_000 } });
    expect(JSON.parse(end.report)).toMatchObject({ version: 1, scenario: 'unit', cancelled: false, simulatedMs: 3 * 3_600_000, digest: end.digest });
  });

  it('does nothing with a run it cannot claim (finished, cancelled, deleted)', async () => {
    const sut = new SimulationRunner(repository({ claim: jest.fn().mockResolvedValue(null), cancelAbandoned: jest.fn().mockResolvedValue(false) }), writes);
    expect(await sut.execute({ simulationId: 'sim-0123456789abcdef0', worker: 'w1' })).toBe('skipped');
  });

  it('stops and stores nothing once another worker has taken the run over', async () => {
    const sut = new SimulationRunner(
      repository({ claim: jest.fn().mockResolvedValue(1), findById: jest.fn().mockResolvedValue(row(scenario(500))), progress: jest.fn().mockResolvedValue({ owned: false, cancelRequested: false }) }),
      writes,
    );
    sut.configure({ flushEveryMs: 0 });
    expect(await sut.execute({ simulationId: 'sim-0123456789abcdef0', worker: 'w1' })).toBe('lost');
  });

  it('a cancellation seen at a progress write stores the partial results, marked cancelled', async () => {
    const finish = jest.fn().mockResolvedValue(true);
    let writesSeen = 0;
    const progress = jest.fn().mockImplementation(async () => ({ owned: true, cancelRequested: ++writesSeen >= 3 }));
    const sut = new SimulationRunner(repository({ claim: jest.fn().mockResolvedValue(2), findById: jest.fn().mockResolvedValue(row(scenario(500))), progress, finish }), writes);
    sut.configure({ flushEveryMs: 0 });
    expect(await sut.execute({ simulationId: 'sim-0123456789abcdef0', worker: 'w1' })).toBe('cancelled');
    const end = finish.mock.calls[0][3];
    expect(end.state).toBe('cancelled');
    expect(JSON.parse(end.report)).toMatchObject({ cancelled: true });
    expect(end.progress.simulatedMs).toBeLessThan(500 * 3_600_000);
  });

  it('a shutdown stops the run and stores nothing: the run is to be run again', async () => {
    const stop = new AbortController();
    const progress = jest.fn().mockImplementation(async () => {
      stop.abort();
      return owned;
    });
    const sut = new SimulationRunner(repository({ claim: jest.fn().mockResolvedValue(1), findById: jest.fn().mockResolvedValue(row(scenario(500))), progress }), writes);
    sut.configure({ flushEveryMs: 0 });
    expect(await sut.execute({ simulationId: 'sim-0123456789abcdef0', worker: 'w1', stop: stop.signal })).toBe('stopped');
  });

  it('a stored scenario that no longer validates fails the run, saying why', async () => {
    const fail = jest.fn().mockResolvedValue(true);
    const sut = new SimulationRunner(repository({ claim: jest.fn().mockResolvedValue(1), findById: jest.fn().mockResolvedValue(row({ ...scenario(1), durationHours: 0 })), fail }), writes);
    expect(await sut.execute({ simulationId: 'sim-0123456789abcdef0', worker: 'w1' })).toBe('failed');
    expect(fail.mock.calls[0][3]).toContain('/durationHours: must be > 0');
  });

  it('a dataset that cannot be loaded fails the run, naming it (the worker carries on)', async () => {
    const fail = jest.fn().mockResolvedValue(true);
    const doc = { ...scenario(1), tenants: [{ id: 'bb', workloads: [{ kind: 'trace', zone: 'us-east-1a', dataset: { kind: 'bitbrains', path: 'bitbrains-rnd/not-there' }, limit: 2 }] }] };
    const sut = new SimulationRunner(repository({ claim: jest.fn().mockResolvedValue(1), findById: jest.fn().mockResolvedValue(row(doc)), progress: jest.fn().mockResolvedValue(owned), fail }), writes);
    expect(await sut.execute({ simulationId: 'sim-0123456789abcdef0', worker: 'w1' })).toBe('failed');
    expect(fail.mock.calls[0][3]).toMatch(/^a dataset the scenario needs is missing: .*'bitbrains\/bitbrains-rnd\/not-there'/);
  });

  it('lets the event loop turn between slices (BullMQ renews its lock, the API answers)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const finish = jest.fn().mockResolvedValue(true);
    const sut = new SimulationRunner(repository({ claim: jest.fn().mockResolvedValue(1), findById: jest.fn().mockResolvedValue(row(scenario(48))), progress: jest.fn().mockResolvedValue(owned), finish }), writes);
    sut.configure({ flushEveryMs: 60_000 });
    try {
      expect(await sut.execute({ simulationId: 'sim-0123456789abcdef0', worker: 'w1' })).toBe('completed');
    } finally {
      clearInterval(timer);
    }
    // A timer fires at least once per slice turn: 48 slices (hourly buckets), so many turns.
    expect(ticks).toBeGreaterThanOrEqual(24);
  });

  it('a database error while writing progress is thrown (the queue retries), not stored as a failed run', async () => {
    const progress = jest.fn().mockRejectedValue(new Error('connection lost'));
    const sut = new SimulationRunner(repository({ claim: jest.fn().mockResolvedValue(1), findById: jest.fn().mockResolvedValue(row(scenario(500))), progress }), writes);
    sut.configure({ flushEveryMs: 0 });
    await expect(sut.execute({ simulationId: 'sim-0123456789abcdef0', worker: 'w1' })).rejects.toThrow('connection lost');
  });
});
