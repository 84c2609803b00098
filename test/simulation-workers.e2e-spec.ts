import { ChildProcess, spawn } from 'node:child_process';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { probeRedis } from '../apps/api/src/jobs/redis';
import { startApp, TestApp } from './support/app';
import { freePort } from './support/server-process';
import { eventually, LONG, queuePrefix, redisForTests, runWholeInChildProcess, scenario, startWorkerProcess, TEST_REDIS_URL, WorkerProcess } from './support/simulations';

const HOUR_MS = 3_600_000;
/** Waits for a run of LONG (about 3.5 s alone on a worker, more on a busy machine) allow this much. */
const LONG_RUN_TIMEOUT_MS = 60_000;

/**
 * Load-simulation runs on BullMQ, against a real Redis, with apps/worker as separate processes
 * (as `npm run worker` starts them), running real scenarios (@nimbus/simulation). With CI=true a
 * missing Redis fails these tests. Runs that are acted on mid-run are LONG (no slow-down knob:
 * the tests wait for progress > 0, then act).
 */
describe('simulations on BullMQ workers', () => {
  let redis = false;
  let t: TestApp | undefined;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await redisForTests();
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    await t?.close();
    t = undefined;
  });

  const start = async (redisUrl = TEST_REDIS_URL) => {
    const prefix = queuePrefix();
    t = await startApp(undefined, { REDIS_URL: redisUrl, NIMBUS_QUEUE_PREFIX: prefix });
    const env = { DATABASE_URL: t.db.url, REDIS_URL: redisUrl, NIMBUS_QUEUE_PREFIX: prefix, NIMBUS_WORKER_LOCK_MS: '2000' };
    return { app: t, worker: async () => workers[workers.push(await startWorkerProcess(env)) - 1] };
  };
  const get = async (id: string) => (await t!.admin().get(`/v1/admin/simulations/${id}`).expect(200)).body;
  const until = (id: string, state: string, timeoutMs = 30_000) =>
    eventually(async () => {
      const run = await get(id);
      return run.state === state ? run : undefined;
    }, timeoutMs, `${id} to be ${state}`);
  const submit = async (body: object) => (await t!.admin().post('/v1/admin/simulations', body).expect(202)).body.simulationId as string;
  const underWay = (id: string) =>
    eventually(async () => {
      const run = await get(id);
      return run.state === 'running' && run.progress.simulatedTime > 0 ? run : undefined;
    }, 30_000, `${id} to be under way`);
  const reportText = async (id: string) => (await t!.admin().get(`/v1/admin/simulations/${id}/report`).expect(200)).text;
  const reportRows = async (id: string) => {
    const ds = t!.app.get<DataSource>(getDataSourceToken());
    return Number((await ds.query(`SELECT COUNT(*) AS n FROM simulation_reports WHERE run_id = '${id}'`))[0].n);
  };

  it('a worker process runs a submitted run to completion; the report is stored once', async () => {
    if (!redis) return;
    const { worker } = await start();
    const w = await worker();
    const id = await submit({ scenario: scenario({ hours: 6 }) });
    const done = await until(id, 'completed');
    expect(done).toMatchObject({ attempt: 1, worker: expect.stringMatching(new RegExp(`:${w.child.pid}$`)), progress: { fraction: 1 } });
    expect(done.report).toMatchObject({ scenario: 'test', cancelled: false, simulatedMs: 6 * HOUR_MS, digest: done.digest });
    expect(done.progress.events).toBe(done.report.events);
    expect(await reportRows(id)).toBe(1);
    // A built-in scenario with overrides, its data loaded by the worker (data/).
    const builtIn = await submit({ builtIn: 'azure-small', overrides: { seed: 3, durationHours: 12 } });
    expect((await until(builtIn, 'completed')).report).toMatchObject({ scenario: 'azure-small', seed: 3, cancelled: false, simulatedMs: 12 * HOUR_MS });
    // A missing dataset fails the run, naming it; the worker carries on.
    const missing = await submit({ scenario: { ...scenario({ hours: 1 }), tenants: [{ id: 'bb', workloads: [{ kind: 'trace', zone: 'us-east-1a', dataset: { kind: 'bitbrains', path: 'bitbrains-rnd/not-there' }, limit: 2 }] }] } });
    expect((await until(missing, 'failed')).error).toMatch(/^a dataset the scenario needs is missing: .*'bitbrains\/bitbrains-rnd\/not-there'/);
    await until(await submit({ scenario: scenario({ hours: 1 }) }), 'completed');
  });

  it('a worker killed with SIGKILL mid-run: BullMQ\'s stalled-job check hands the run to another worker, which completes it; stored once, the same results', async () => {
    if (!redis) return;
    const { worker } = await start();
    const a = await worker();
    // One zone: the run runs whole (a run of cells is the test below).
    const id = await submit({ scenario: scenario({ ...LONG, seed: 3, zones: 1 }) });
    const mid = await underWay(id);
    expect(mid.worker).toMatch(new RegExp(`:${a.child.pid}$`));
    await a.kill9();
    expect(await get(id)).toMatchObject({ state: 'running', attempt: 1 }); // killed mid-run

    const b = await worker();
    const done = await until(id, 'completed', LONG_RUN_TIMEOUT_MS);
    expect(done).toMatchObject({ attempt: 2, worker: expect.stringMatching(new RegExp(`:${b.child.pid}$`)) });
    expect(done.report.simulatedMs).toBe(LONG.hours! * HOUR_MS);
    expect(await reportRows(id)).toBe(1);
    expect(b.output()).toContain('simulation run stored');

    // Restarted from scratch, it is the run it would have been: the same digest and the same
    // report, byte for byte, as one never interrupted (determinism across workers and attempts).
    const again = await submit({ scenario: scenario({ ...LONG, seed: 3, zones: 1 }) });
    expect((await until(again, 'completed', LONG_RUN_TIMEOUT_MS)).digest).toBe(done.digest);
    expect((await reportText(again)).replace(again, id)).toBe(await reportText(id));
  }, 150_000);

  it('cancel: the worker stops the run and stores its partial results, marked cancelled', async () => {
    if (!redis) return;
    const { worker } = await start();
    await worker();
    const id = await submit({ scenario: scenario({ ...LONG, zones: 1 }) });
    await underWay(id);
    await t!.admin().post(`/v1/admin/simulations/${id}/cancel`).expect(200);
    const done = await until(id, 'cancelled');
    expect(done.report.cancelled).toBe(true);
    expect(done.report.simulatedMs).toBeGreaterThan(0);
    expect(done.report.simulatedMs).toBeLessThan(LONG.hours! * HOUR_MS);
    expect(await reportRows(id)).toBe(1);
    // A run cancelled while queued never reaches a worker.
    const busy = await submit({ scenario: scenario({ ...LONG, zones: 1 }) });
    await until(busy, 'running');
    const queued = await submit({ scenario: scenario({ hours: 1 }) });
    await t!.admin().post(`/v1/admin/simulations/${queued}/cancel`).expect(200);
    await t!.admin().post(`/v1/admin/simulations/${busy}/cancel`).expect(200);
    await until(busy, 'cancelled');
    await new Promise((r) => setTimeout(r, 500));
    expect(await get(queued)).toMatchObject({ state: 'cancelled', attempt: 0 });
  }, 120_000);

  it('a fleet of three zones that do not interact runs as three cells on two workers (a BullMQ flow), joined into the result of one whole run; a worker killed mid-cell is taken over', async () => {
    if (!redis) return;
    const { worker } = await start();
    const a = await worker();
    const b = await worker();
    const doc = scenario({ ...LONG, hours: 96, zones: 3, seed: 5 });
    const id = await submit({ scenario: doc });
    expect((await get(id)).execution).toMatchObject({ cells: 3, cellStates: [{ cell: 0, zone: 'us-east-1a' }, { cell: 1, zone: 'us-east-1b' }, { cell: 2, zone: 'us-east-1c' }] });
    // Both workers take a cell at once.
    const both = await eventually(async () => {
      const run = await get(id);
      const running = run.execution.cellStates.filter((c: { state: string }) => c.state === 'running');
      return new Set(running.map((c: { worker: string }) => c.worker)).size === 2 ? run : undefined;
    }, 30_000, 'two workers to run a cell each');
    expect(both.state).toBe('running');
    const done = await until(id, 'completed', LONG_RUN_TIMEOUT_MS);
    const workersUsed = new Set(done.execution.cellStates.map((c: { worker: string }) => c.worker.split(':').pop()));
    expect(workersUsed).toEqual(new Set([String(a.child.pid), String(b.child.pid)]));
    expect(done.execution.cellStates.map((c: { state: string }) => c.state)).toEqual(['done', 'done', 'done']);
    expect(await reportRows(id)).toBe(1);
    // The joined result is the whole run's, byte for byte (the digest covers every figure).
    const whole = await runWholeInChildProcess(done.scenario);
    expect(done.digest).toBe(whole.digest);
    expect(JSON.parse(await reportText(id))).toEqual(expect.objectContaining({ digest: whole.digest, simulatedMs: whole.simulatedMs }));
    expect(JSON.stringify({ ...JSON.parse(await reportText(id)), simulationId: undefined, state: undefined })).toBe(JSON.stringify({ ...JSON.parse(whole.report), simulationId: undefined, state: undefined }));

    // A worker killed mid-cell: its cell goes to the other worker (BullMQ's stalled-job check), restarted from scratch; the result is the same.
    const again = await submit({ scenario: doc });
    const mid = await eventually(async () => {
      const run = await get(again);
      const cell = run.execution.cellStates.find((c: { state: string; worker?: string; simulatedTime: number }) => c.state === 'running' && c.worker?.endsWith(`:${a.child.pid}`) && c.simulatedTime > 0);
      return cell;
    }, 30_000, 'a cell under way on worker a');
    await a.kill9();
    const redone = await until(again, 'completed', LONG_RUN_TIMEOUT_MS);
    const taken = redone.execution.cellStates.find((c: { cell: number }) => c.cell === mid.cell);
    expect(taken).toMatchObject({ state: 'done', worker: expect.stringMatching(new RegExp(`:${b.child.pid}$`)) });
    expect(taken.attempt).toBeGreaterThanOrEqual(2);
    expect(redone.digest).toBe(whole.digest);
    expect(await reportRows(again)).toBe(1);
  }, 240_000);

  it('an experiment runs as one BullMQ flow: its runs (one of them split into cells) as children, its report stored by the finish-experiment job on a worker', async () => {
    if (!redis) return;
    const { worker } = await start();
    const w = await worker();
    const experiment = {
      version: 1, name: 'flow', seed: 3, repetitions: 1, headline: ['energyKWh'],
      base: { scenario: scenario({ hours: 3, zones: 2, vmsPerZone: 10 }) },
      variables: [{ name: 'weigher', path: '/policies/placement/weigher', values: ['pack', 'spread'] }],
    };
    const x = (await t!.admin().post('/v1/admin/experiments', { experiment }).expect(202)).body;
    const done = await eventually(async () => {
      // Read through the database, not GET (which would finish it itself): the worker's job must.
      const ds = t!.app.get<DataSource>(getDataSourceToken());
      const rows = await ds.query(`SELECT state FROM experiments WHERE id = '${x.experimentId}'`);
      return rows[0]?.state === 'completed' ? rows[0] : undefined;
    }, 60_000, 'the experiment to be completed by the worker');
    expect(done.state).toBe('completed');
    // The job stores the report, then BullMQ completes it and the worker logs it: the line follows the row.
    await eventually(async () => (w.output().includes('experiment job done') ? true : undefined), 10_000, 'the worker to log its finish-experiment job done');
    const body = (await t!.admin().get(`/v1/admin/experiments/${x.experimentId}`).expect(200)).body;
    expect(body.report.variants).toHaveLength(2);
    for (const r of body.runs) expect((await get(r.simulationId)).execution.cells).toBe(2);
  }, 120_000);

  it('Redis restarted mid-run (its data lost): the run completes, and a run queued before the restart is queued again and completes', async () => {
    if (!redis) return;
    const port = await freePort();
    const startRedis = async (): Promise<ChildProcess> => {
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await eventually(async () => ((await probeRedis(`redis://127.0.0.1:${port}`)) ? true : undefined), 10_000, 'redis-server');
      return child;
    };
    let server = await startRedis();
    try {
      const { worker } = await start(`redis://127.0.0.1:${port}`);
      await worker();
      const id = await submit({ scenario: scenario(LONG) });
      await underWay(id);
      const queued = await submit({ scenario: scenario({ hours: 2 }) });
      const stopped = new Promise((r) => server.once('exit', r));
      server.kill('SIGKILL');
      await stopped;
      await new Promise((r) => setTimeout(r, 500));
      expect((await get(id)).state).toBe('running'); // the run goes on without Redis
      server = await startRedis();
      const done = await until(id, 'completed', LONG_RUN_TIMEOUT_MS);
      expect(done.report.simulatedMs).toBe(LONG.hours! * HOUR_MS);
      expect(await reportRows(id)).toBe(1);
      expect((await until(queued, 'completed', 30_000)).report.cancelled).toBe(false);
    } finally {
      // The app and the workers first, while their Redis is there to say goodbye to.
      for (const w of workers.splice(0)) await w.stop();
      await t?.close();
      t = undefined;
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGKILL');
      await exited;
    }
  }, 120_000);
});
