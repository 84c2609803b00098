import { InstanceEntity, ReservationEntity } from '../apps/api/src/persistence/entities';
import { EngineService, PIPELINE_BACKOFF_MS } from '../apps/api/src/engine/engine.service';
import { findImage, findInstanceType } from '@nimbus/hypervisor';
import { launch } from '@nimbus/simulation';
import { DataSource } from 'typeorm';
import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { getDataSourceToken } from '@nestjs/typeorm';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

/**
 * The write path commits in groups (docs/architecture.md): commands that arrive during a commit
 * are applied in order and committed together; each is answered after its own group's commit; a
 * command that fails leaves nothing of itself; reads do not wait behind writes.
 */
describe('group commit and the read path', () => {
  let t: TestApp;
  let engine: EngineService;
  let db: DataSource;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
    engine = t.app.get(EngineService);
    db = t.app.get(getDataSourceToken());
  });
  afterAll(() => t.close());

  const body = (extra: object = {}) => ({ imageId: LINUX_AMI, instanceType: 'm5.large', ...extra });

  it('launches that arrive during a commit are committed together, in order, and each reads back at once', async () => {
    const { key } = await t.tenant('crowd');
    // Hold the write path with a command whose transaction stays open until released.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const holding = engine.command(() => gate);
    while (engine.queued > 0) await new Promise((r) => setTimeout(r, 5));
    const requests = Array.from({ length: 24 }, (_, i) => t.as(key).post('/v1/instances', body({ tags: { n: String(i) } })).then((r) => r));
    while (engine.queued < 24) await new Promise((r) => setTimeout(r, 5));
    const before = { ...engine.stats };
    release();
    await holding;
    const results = await Promise.all(requests);
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(201));
    // One commit for the held command's group, one for the 24 that queued behind it.
    expect(engine.stats.commits - before.commits).toBe(2);
    expect(engine.stats.maxGroup).toBeGreaterThanOrEqual(24);
    // A tenant reads its own acknowledged writes: every id is there, with its tags.
    for (const [i, r] of results.entries()) {
      const id = r.body.instances[0].instanceId;
      const got = await t.as(key).get(`/v1/instances/${id}`).expect(200);
      expect(got.body.tags).toEqual({ n: String(i) });
    }
  });

  it('a command that fails in a group leaves nothing of itself, and the others commit', async () => {
    const { key } = await t.tenant('mixed');
    const [ok1, bad, ok2] = await Promise.all([
      t.as(key).post('/v1/instances', body({ clientToken: 'ok-1' })),
      t.as(key).post('/v1/instances', body({ clientToken: 'bad-1', placementGroup: 'no-such-group' })),
      t.as(key).post('/v1/instances', body({ clientToken: 'ok-2' })),
    ]);
    expect([ok1.status, ok2.status]).toEqual([201, 201]);
    expectError(bad, 404, 'InvalidPlacementGroup.Unknown');
    expect(await db.getRepository(ReservationEntity).findOneBy({ clientToken: 'bad-1' })).toBeNull();
    const listed = (await t.as(key).get('/v1/instances').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId).sort();
    expect(listed).toEqual([ok1.body.instances[0].instanceId, ok2.body.instances[0].instanceId].sort());
  });

  it("a launch whose rows the database refuses answers that refusal, not what the statements behind it met; its group's others commit; nothing of it is kept", async () => {
    const { key } = await t.tenant('refused-rows');
    const postgres = db.options.type === 'postgres';
    // The database refuses an m5.2xlarge's instance row. On PostgreSQL the refusal is a full disk
    // (53100, answered 503 with its words); the network's read sent behind it on the pipelined
    // connection then meets an aborted transaction (25P02), which must not be the answer.
    await db.query(
      postgres
        ? `CREATE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.instance_type = 'm5.2xlarge' THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '53100'; END IF; RETURN NEW; END $$`
        : `CREATE TRIGGER refuse_row BEFORE INSERT ON instances WHEN NEW.instance_type = 'm5.2xlarge' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
    );
    if (postgres) await db.query('CREATE TRIGGER refuse_row BEFORE INSERT ON instances FOR EACH ROW EXECUTE FUNCTION refuse_row()');
    try {
      const vcpus = async () => {
        const hosts = (await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts as { allocated: { vcpus: number } }[];
        return hosts.reduce((n, h) => n + h.allocated.vcpus, 0);
      };
      const before = await vcpus();
      if (postgres) await pipeliningResumed();
      const retries = engine.stats.pipelineRetries;
      const hold = await holdWritePath();
      const requests = [body({ clientToken: 'refused-ok-1' }), body({ clientToken: 'refused-bad', instanceType: 'm5.2xlarge' }), body({ clientToken: 'refused-ok-2' })].map((b) =>
        t.as(key).post('/v1/instances', b).then((r) => r),
      );
      while (engine.queued < 3) await new Promise((r) => setTimeout(r, 5));
      hold.release();
      await hold.held;
      const [ok1, bad, ok2] = await Promise.all(requests);
      expect([ok1.status, ok2.status]).toEqual([201, 201]);
      if (postgres) expect(expectError(bad, 503, 'ServiceUnavailable').message).toBe('The database is unavailable (53100: refused by the test); nothing of this request was kept, retry shortly.');
      else expectError(bad, 500, 'InternalError');
      expect(await db.getRepository(ReservationEntity).findOneBy({ clientToken: 'refused-bad' })).toBeNull();
      const listed = (await t.as(key).get('/v1/instances').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId).sort();
      expect(listed).toEqual([ok1.body.instances[0].instanceId, ok2.body.instances[0].instanceId].sort());
      // The world agrees: the refused launch holds no capacity (two m5.large, 2 vCPUs each).
      expect((await vcpus()) - before).toBe(4);
      // On PostgreSQL the group was sent pipelined, the refusal found before its COMMIT, and the group run again, awaited.
      expect(engine.stats.pipelineRetries - retries).toBe(postgres ? 1 : 0);
    } finally {
      await db.query(postgres ? 'DROP TRIGGER refuse_row ON instances' : 'DROP TRIGGER refuse_row');
      if (postgres) await db.query('DROP FUNCTION refuse_row()');
    }
  });

  it('after-commit callbacks run once the group has committed, only for the commands that succeeded, before their answers', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const holding = engine.command(() => gate);
    while (engine.queued > 0) await new Promise((r) => setTimeout(r, 5));
    const ran: { name: string; afterCommit: boolean }[] = [];
    const ok = engine.command(async (_tx, e) => {
      const commits = engine.stats.commits;
      e.afterCommit(() => ran.push({ name: 'ok', afterCommit: engine.stats.commits > commits }));
      return 'ok';
    });
    const answered = ok.then(() => ran.map((r) => r.name));
    const failing = engine.command(async (_tx, e) => {
      e.afterCommit(() => ran.push({ name: 'failed', afterCommit: true }));
      throw new Error('this command fails');
    });
    failing.catch(() => undefined);
    while (engine.queued < 2) await new Promise((r) => setTimeout(r, 5));
    release();
    await holding;
    expect(await answered).toEqual(['ok']); // run before the answer
    await expect(failing).rejects.toThrow('this command fails');
    expect(ran).toEqual([{ name: 'ok', afterCommit: true }]);
    expect(() => engine.afterCommit(() => undefined)).toThrow('afterCommit is only for a running command');
  });

  /** Called in a command: the commit of its group fails (a commit writer throws in it). */
  let failingCommit = false;
  const failThisCommit = () => (failingCommit = true);
  beforeAll(() =>
    engine.beforeCommit(async () => {
      if (!failingCommit) return undefined;
      failingCommit = false;
      throw new Error('the commit fails');
    }),
  );

  /** Holds the write path until the returned function is called; the commands queued meanwhile form one group. */
  /** After a pipelined group could not commit as sent, groups run awaited for a while (PIPELINE_BACKOFF_MS): wait that out. */
  const pipeliningResumed = () => new Promise((r) => setTimeout(r, PIPELINE_BACKOFF_MS + 50));

  const holdWritePath = async (): Promise<{ release: () => void; held: Promise<unknown> }> => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = engine.command(() => gate);
    while (engine.queued > 0) await new Promise((r) => setTimeout(r, 5));
    return { release, held };
  };

  it('abort callbacks undo a failed command, and every command of a group whose commit fails, newest first; never a committed one', async () => {
    const undone: string[] = [];
    // A command that fails: its own callbacks run, the group's others do not.
    let hold = await holdWritePath();
    const ok = engine.command(async (_tx, e) => e.onAbort(() => undone.push('ok')));
    const failing = engine.command(async (_tx, e) => {
      e.onAbort(() => undone.push('failed, first'));
      e.onAbort(() => undone.push('failed, second'));
      throw new Error('this command fails');
    });
    failing.catch(() => undefined);
    while (engine.queued < 2) await new Promise((r) => setTimeout(r, 5));
    hold.release();
    await hold.held;
    await ok;
    await expect(failing).rejects.toThrow('this command fails');
    expect(undone).toEqual(['failed, second', 'failed, first']);

    // A group whose commit fails (a commit writer throws, as a command of the group asked): each command's callbacks, the last command's first.
    undone.length = 0;
    hold = await holdWritePath();
    const a = engine.command(async (_tx, e) => {
      e.onAbort(() => undone.push('a'));
      failThisCommit();
    });
    const b = engine.command(async (_tx, e) => e.onAbort(() => undone.push('b')));
    while (engine.queued < 2) await new Promise((r) => setTimeout(r, 5));
    hold.release();
    await hold.held.catch(() => undefined);
    await expect(a).rejects.toThrow('the commit fails');
    await expect(b).rejects.toThrow('the commit fails');
    expect(undone).toEqual(['b', 'a']);
    expect(() => engine.onAbort(() => undefined)).toThrow('onAbort is only for a running command');
  });

  it('a commit writer runs in every commit, in its transaction; what it returns runs only once that commit succeeded', async () => {
    const log: string[] = [];
    let fail = false;
    engine.beforeCommit(async (tx) => {
      await tx.query('SELECT 1');
      log.push('write');
      if (fail) throw new Error('refused');
      return () => log.push('stored');
    });
    await engine.command(async () => undefined);
    expect(log.slice(-2)).toEqual(['write', 'stored']);
    log.length = 0;
    fail = true;
    await expect(engine.command(async () => undefined)).rejects.toThrow('refused');
    expect(log).toEqual(['write']);
    fail = false;
    await engine.command(async () => undefined);
    expect(log.slice(-2)).toEqual(['write', 'stored']);
  });

  it("each command's savepoint is one statement: a failed command's rows roll back, the next command's and the group's commit", async () => {
    const { tenantId } = await t.tenant('savepoints');
    let retries = 0;
    const statements: string[] = [];
    const runner = db.options.type === 'postgres' ? PostgresQueryRunner.prototype : BetterSqlite3QueryRunner.prototype;
    const original = runner.query;
    runner.query = function (this: never, ...args: Parameters<typeof original>) {
      statements.push(String(args[0]));
      return original.apply(this, args);
    } as typeof original;
    try {
      await pipeliningResumed();
      retries = engine.stats.pipelineRetries;
      const hold = await holdWritePath();
      const row = (id: string) => ({ id, tenantId, clientToken: null, requestHash: 'x', createdAt: engine.now });
      const first = engine.command((tx) => tx.insert(ReservationEntity, row('r-00000000000000a1')));
      const failing = engine.command(async (tx) => {
        await tx.insert(ReservationEntity, row('r-00000000000000a2'));
        throw new Error('this command fails');
      });
      failing.catch(() => undefined);
      const third = engine.command((tx) => tx.insert(ReservationEntity, row('r-00000000000000a3')));
      while (engine.queued < 3) await new Promise((r) => setTimeout(r, 5));
      statements.length = 0;
      hold.release();
      await Promise.all([hold.held, first, third]);
      await expect(failing).rejects.toThrow('this command fails');
    } finally {
      runner.query = original;
    }
    const ids = (await db.getRepository(ReservationEntity).find({ where: { tenantId } })).map((r) => r.id).sort();
    expect(ids).toEqual(['r-00000000000000a1', 'r-00000000000000a3']);
    const savepointStatements = statements.filter((q) => /SAVEPOINT/i.test(q));
    if (db.options.type === 'postgres') {
      // Sent pipelined first, without savepoints: the failing command had written, so the group ran
      // again, awaited, each command in a savepoint. One per command (the previous one released as
      // the next is set), and the failed command's rollback.
      expect(engine.stats.pipelineRetries - retries).toBe(1);
      expect(savepointStatements).toEqual([
        'SAVEPOINT nimbus_command',
        'RELEASE SAVEPOINT nimbus_command; SAVEPOINT nimbus_command',
        'ROLLBACK TO SAVEPOINT nimbus_command',
        'RELEASE SAVEPOINT nimbus_command; SAVEPOINT nimbus_command',
      ]);
    } else {
      // SQLite, in-process: TypeORM's savepoint and release per command.
      expect(savepointStatements.filter((q) => /^SAVEPOINT/.test(q))).toHaveLength(3);
    }
  });

  it("a quota raised in a launch's own group applies to it; one raised in a group whose commit fails is not kept", async () => {
    const { tenantId, key } = await t.tenant('quota-in-group', { onDemandVcpus: 2 });
    await t.as(key).post('/v1/instances', body()).expect(201); // 2 of 2 vCPUs
    expectError(await t.as(key).post('/v1/instances', body()), 400, 'VcpuLimitExceeded');
    // Raised, then a launch, in one group: the launch sees the raised quota.
    let hold = await holdWritePath();
    const raise = t.admin().patch(`/v1/admin/tenants/${tenantId}`).send({ quotas: { onDemandVcpus: 4 } }).then((r) => r);
    while (engine.queued < 1) await new Promise((r) => setTimeout(r, 5));
    const second = t.as(key).post('/v1/instances', body()).then((r) => r);
    while (engine.queued < 2) await new Promise((r) => setTimeout(r, 5));
    hold.release();
    await hold.held;
    expect((await raise).status).toBe(200);
    expect((await second).status).toBe(201); // 4 of 4
    // Raised to 6 in a group whose commit fails: the quota stays 4 for the next launch.
    hold = await holdWritePath();
    const lost = t.admin().patch(`/v1/admin/tenants/${tenantId}`).send({ quotas: { onDemandVcpus: 6 } }).then((r) => r);
    while (engine.queued < 1) await new Promise((r) => setTimeout(r, 5));
    const failing = engine.command(async () => {
      failThisCommit();
    });
    failing.catch(() => undefined);
    while (engine.queued < 2) await new Promise((r) => setTimeout(r, 5));
    hold.release();
    await hold.held;
    expect((await lost).status).toBe(500);
    await expect(failing).rejects.toThrow('the commit fails');
    expect((await t.admin().get(`/v1/admin/tenants/${tenantId}`).expect(200)).body.quotas.onDemandVcpus).toBe(4);
    expectError(await t.as(key).post('/v1/instances', body()), 400, 'VcpuLimitExceeded');
  });

  it('two requests with one client token in one group answer the same reservation', async () => {
    const { key } = await t.tenant('twins');
    const [a, b] = await Promise.all([
      t.as(key).post('/v1/instances', body({ clientToken: 'twin' })),
      t.as(key).post('/v1/instances', body({ clientToken: 'twin' })),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.reservationId).toBe(a.body.reservationId);
    expect((await t.as(key).get('/v1/instances').expect(200)).body.instances).toHaveLength(1);
  });

  it("a launch's client token is predicted unused (PostgreSQL), and checked: a retry makes its group run again, awaited, and it answers the first launch's reservation", async () => {
    const postgres = db.options.type === 'postgres';
    if (postgres) await pipeliningResumed();
    const { key } = await t.tenant('retried');
    const retries = engine.stats.pipelineRetries;
    const first = await t.as(key).post('/v1/instances', body({ clientToken: 'once' })).expect(201);
    await t.as(key).post('/v1/instances', body({ clientToken: 'other' })).expect(201);
    expect(engine.stats.pipelineRetries).toBe(retries);
    const again = await t.as(key).post('/v1/instances', body({ clientToken: 'once' })).expect(201);
    expect(again.body).toEqual(first.body);
    expect(engine.stats.pipelineRetries - retries).toBe(postgres ? 1 : 0);
    // The same token with another request is refused, as before.
    if (postgres) await pipeliningResumed();
    expectError(await t.as(key).post('/v1/instances', body({ clientToken: 'once', instanceType: 'm5.xlarge' })), 409, 'IdempotentParameterMismatch');
    expect(engine.stats.pipelineRetries - retries).toBe(postgres ? 2 : 0);
    expect((await t.as(key).get('/v1/instances').expect(200)).body.instances).toHaveLength(2);
  });

  it('a command that changed the world and then failed is undone: its rows roll back and the world is rebuilt', async () => {
    const { tenantId, key } = await t.tenant('undone');
    const vcpusBefore = engine.fleet.vcpusInUse(tenantId);
    await expect(
      engine.command(async (tx, e) => {
        const r = launch(e.world, {
          tenantId, instanceType: findInstanceType('m5.large')!, image: findImage(LINUX_AMI)!, minCount: 1, maxCount: 1, newVmId: () => 'i-0000000000000dead',
        });
        await tx.insert(ReservationEntity, { id: 'r-0000000000000dead', tenantId, clientToken: null, requestHash: 'x', createdAt: e.now });
        await tx.insert(InstanceEntity, {
          id: r.vms[0].vmId, tenantId, reservationId: 'r-0000000000000dead', imageId: LINUX_AMI, instanceType: 'm5.large', platform: 'linux', tenancy: 'default',
          availabilityZone: r.availabilityZone, hostId: r.vms[0].hostId, state: 'pending', stateReason: null, stateSince: e.now, transitionAt: null, launchTime: e.now,
          cpuReservationMillicores: 0, cpuLimitMillicores: 2000, cpuWeight: 2048, creditSpecification: null, workload: null, autoRecovery: 'default', status: 'ok',
          runtime: null, placementGroupId: null, partitionNumber: null, dedicatedHostId: null, licenseConfigurationId: null,
        });
        throw new Error('boom after changing the world');
      }),
    ).rejects.toThrow('boom');
    expect(await db.getRepository(InstanceEntity).findOneBy({ id: 'i-0000000000000dead' })).toBeNull();
    expect(await db.getRepository(ReservationEntity).findOneBy({ id: 'r-0000000000000dead' })).toBeNull();
    expect(engine.fleet.vm('i-0000000000000dead')).toBeUndefined();
    expect(engine.fleet.vcpusInUse(tenantId)).toBe(vcpusBefore);
    // The write path still works afterwards.
    await t.as(key).post('/v1/instances', body()).expect(201);
  });

  it("a launch's addresses are predicted above the subnet's floor, and checked: one asked by value there makes the prediction fail, and the launch gets the next free address", async () => {
    const postgres = db.options.type === 'postgres';
    if (postgres) await pipeliningResumed();
    const { key } = await t.tenant('predicted');
    const launchOne = async (extra: object = {}) => (await t.as(key).post('/v1/instances', body(extra)).expect(201)).body.instances[0];
    const next = (address: string, n: number) => address.replace(/\d+$/, (last) => String(Number(last) + n));
    const first = await launchOne();
    const subnetId = first.subnetId as string;
    const a = first.privateIpAddress as string;
    // The floor is now the address after the first. One asked by value takes it.
    const retries = engine.stats.pipelineRetries;
    expect((await launchOne({ subnetId, privateIpAddress: next(a, 1) })).privateIpAddress).toBe(next(a, 1));
    expect(engine.stats.pipelineRetries).toBe(retries);
    // The next launch predicts the floor's address: held, so (PostgreSQL) its group runs again, awaited, and it gets the next free one.
    expect((await launchOne()).privateIpAddress).toBe(next(a, 2));
    expect(engine.stats.pipelineRetries - retries).toBe(postgres ? 1 : 0);
    // Then the floor has passed it: the next launch's prediction holds.
    if (postgres) await pipeliningResumed();
    expect((await launchOne()).privateIpAddress).toBe(next(a, 3));
    expect(engine.stats.pipelineRetries - retries).toBe(postgres ? 1 : 0);

    // In one group: an address asked by value at the floor, then two launches that predict from
    // the addresses the group's earlier commands sent (not yet committed).
    const hold = await holdWritePath();
    const requests = [{ subnetId, privateIpAddress: next(a, 4) }, {}, {}].map((extra) => t.as(key).post('/v1/instances', body(extra)).then((r) => r));
    while (engine.queued < 3) await new Promise((r) => setTimeout(r, 5));
    hold.release();
    await hold.held;
    const answers = await Promise.all(requests);
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(answers.map((r) => r.body.instances[0].privateIpAddress)).toEqual([next(a, 4), next(a, 5), next(a, 6)]);
    expect(engine.stats.pipelineRetries - retries).toBe(postgres ? 2 : 0);
    // What was stored is what was answered, each address once.
    const listed = (await t.as(key).get('/v1/instances').expect(200)).body.instances.map((i: { privateIpAddress: string }) => i.privateIpAddress).sort();
    expect(listed).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => next(a, n)).sort());
  });

  it('a group that runs again (PostgreSQL: a command failed after it wrote) advances the clock once, and keeps what its other commands did', async () => {
    const postgres = db.options.type === 'postgres';
    if (postgres) await pipeliningResumed();
    const { tenantId, key } = await t.tenant('advance-again');
    const retries = engine.stats.pipelineRetries;
    const before = engine.now;
    const hold = await holdWritePath();
    const advanced = engine.advance(60_000);
    const launched = t.as(key).post('/v1/instances', body()).then((r) => r);
    const failing = engine.command(async (tx) => {
      await tx.insert(ReservationEntity, { id: 'r-00000000000000b1', tenantId, clientToken: null, requestHash: 'x', createdAt: engine.now });
      throw new Error('fails after writing');
    });
    failing.catch(() => undefined);
    while (engine.queued < 3) await new Promise((r) => setTimeout(r, 5));
    hold.release();
    await hold.held;
    await advanced;
    await expect(failing).rejects.toThrow('fails after writing');
    const launch = await launched;
    expect(launch.status).toBe(201);
    expect(engine.stats.pipelineRetries - retries).toBe(postgres ? 1 : 0);
    expect(engine.now - before).toBe(60_000);
    expect((await t.admin().get('/v1/admin/clock').expect(200)).body.now).toBe(new Date(before + 60_000).toISOString());
    expect(await db.getRepository(ReservationEntity).findOneBy({ id: 'r-00000000000000b1' })).toBeNull();
    const id = launch.body.instances[0].instanceId;
    expect((await t.as(key).get(`/v1/instances/${id}`).expect(200)).body.instanceId).toBe(id);
  });

  it('a read does not wait behind a write in progress', async () => {
    const { key } = await t.tenant('reader');
    const id = (await t.as(key).post('/v1/instances', body()).expect(201)).body.instances[0].instanceId;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let writeDone = false;
    const slow = engine.command(async () => {
      await gate;
    }).then(() => (writeDone = true));
    // While that command holds the write path (its transaction open), reads answer.
    const got = await t.as(key).get(`/v1/instances/${id}`).expect(200);
    expect(got.body.instanceId).toBe(id);
    await t.as(key).get('/v1/instances').expect(200);
    expect(writeDone).toBe(false);
    release();
    await slow;
    expect(writeDone).toBe(true);
  });
});
