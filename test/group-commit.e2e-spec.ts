import { InstanceEntity, ReservationEntity } from '../apps/api/src/persistence/entities';
import { EngineService } from '../apps/api/src/engine/engine.service';
import { findImage, findInstanceType } from '@nimbus/hypervisor';
import { launch } from '@nimbus/simulation';
import { DataSource } from 'typeorm';
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
