import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not } from 'typeorm';
import { READ_DB } from './data-source';
import { insertTogether, part, placeholders, selectOwned, selectWhere } from './fast-sql';
import { fuseReads } from './fused-reads';
import { ReadThreadHost, readOnThread } from './read-thread';
import { inBatches } from './volumes.repository';
import { InstanceEntity, InstanceTagEntity, ReservationEntity } from './entities';
import { monitoringChanged } from './monitoring-usage';
import { Tx } from './tx';

/** A page of one tenant's instances, by id (keyset pagination). */
export interface InstancePageFilter {
  readonly tenantId: string;
  /** Terminated instances whose state changed at or before this time (ms) are gone. */
  readonly terminatedGoneBy: number;
  readonly state?: string;
  readonly instanceType?: string;
  readonly availabilityZone?: string;
  /** `[key, value]`: the instance has that tag with that value (every pair must hold). */
  readonly tags: readonly (readonly [string, string])[];
  /** Ids after this one only. */
  readonly afterId?: string;
  readonly take: number;
}

@Injectable()
export class InstancesRepository {
  constructor(
    @InjectDataSource(READ_DB) private readonly db: DataSource,
    private readonly readThread: ReadThreadHost,
  ) {}

  /** The committed state, for reads outside a command: it never waits behind the write path. */
  get reader(): Tx {
    return this.db.manager;
  }

  /**
   * Runs `fn` with a reader of the committed state on one connection of the read pool. On
   * PostgreSQL the SELECTs `fn` sends in the same tick go as one statement (fused-reads.ts), so a
   * describe's reads cost one statement and one round trip rather than one each. Only for reads
   * of the describe's tables, whose columns JSON carries as the driver would (fused-reads.ts). On
   * a SQLite file, the SELECTs go to the read thread (read-thread.ts), off the event loop; on an
   * in-memory one, `reader` itself.
   */
  async withReader<T>(fn: (m: Tx) => Promise<T>): Promise<T> {
    const thread = this.readThread.current;
    if (this.db.options.type !== 'postgres' && !thread) return fn(this.db.manager);
    const runner = this.db.createQueryRunner();
    if (thread) readOnThread(runner, thread);
    else fuseReads(runner);
    try {
      return await fn(runner.manager);
    } finally {
      await runner.release();
    }
  }

  /** The tenant's instance with this id, whatever its state (another tenant's: none). */
  async findOwned(m: Tx, tenantId: string, id: string): Promise<InstanceEntity | null> {
    return selectOwned(m, InstanceEntity, id, tenantId);
  }

  /** The instances of the filter's page, by id, from the committed state. */
  page(f: InstancePageFilter): Promise<InstanceEntity[]> {
    const qb = this.db
      .getRepository(InstanceEntity)
      .createQueryBuilder('i')
      .where('i.tenantId = :tenantId', { tenantId: f.tenantId })
      .andWhere("NOT (i.state = 'terminated' AND i.stateSince <= :cutoff)", { cutoff: f.terminatedGoneBy });
    if (f.state) qb.andWhere('i.state = :state', { state: f.state });
    if (f.instanceType) qb.andWhere('i.instanceType = :type', { type: f.instanceType });
    if (f.availabilityZone) qb.andWhere('i.availabilityZone = :az', { az: f.availabilityZone });
    f.tags.forEach(([key, value], n) => {
      qb.andWhere(
        `EXISTS (SELECT 1 FROM instance_tags t${n} WHERE t${n}.instance_id = i.id AND t${n}.tag_key = :k${n} AND t${n}.tag_value = :v${n})`,
        { [`k${n}`]: key, [`v${n}`]: value },
      );
    });
    if (f.afterId) qb.andWhere('i.id > :after', { after: f.afterId });
    return qb.orderBy('i.id', 'ASC').take(f.take).getMany();
  }

  /** The instances a reservation launched, in launch order (a ClientToken retry answers as the launch did). */
  ofReservation(m: Tx, reservationId: string): Promise<InstanceEntity[]> {
    return selectWhere(m, InstanceEntity, { reservationId }, { orderBy: 'launchIndex' });
  }

  /** The tenant's reservation made with this client token, if any. */
  async reservationByClientToken(tx: Tx, tenantId: string, clientToken: string): Promise<ReservationEntity | null> {
    return (await selectWhere(tx, ReservationEntity, { tenantId, clientToken }))[0] ?? null;
  }

  /** A launch's reservation, its instances and their tags (the same tags on each): one statement on PostgreSQL. */
  async insertLaunch(tx: Tx, reservation: Omit<ReservationEntity, 'tenant'>, rows: readonly InstanceEntity[], tags: Readonly<Record<string, string>>): Promise<void> {
    await insertTogether(tx, [
      part(ReservationEntity, [reservation]),
      part(InstanceEntity, rows),
      part(InstanceTagEntity, rows.flatMap((r) => Object.entries(tags).map(([key, value]) => ({ instanceId: r.id, key, value, tenantId: r.tenantId })))),
    ]);
  }

  /** An instance was started again (placed anew): its launch time is now, its state reason cleared. */
  async markRelaunched(tx: Tx, id: string, now: number): Promise<void> {
    await tx.update(InstanceEntity, { id }, { launchTime: now, stateReason: null });
  }

  /** The attributes ModifyInstanceAttribute / ModifyInstanceCreditSpecification / ModifyInstanceMetadataOptions change. */
  async saveAttributes(tx: Tx, row: InstanceEntity): Promise<void> {
    await tx.update(InstanceEntity, { id: row.id }, {
      userData: row.userData, disableApiTermination: row.disableApiTermination, disableApiStop: row.disableApiStop, shutdownBehavior: row.shutdownBehavior, ebsOptimized: row.ebsOptimized,
      creditSpecification: row.creditSpecification, instanceType: row.instanceType, metadataOptions: row.metadataOptions,
      cpuReservationMillicores: row.cpuReservationMillicores, cpuLimitMillicores: row.cpuLimitMillicores, cpuWeight: row.cpuWeight,
    });
  }

  /**
   * MonitorInstances / UnmonitorInstances at `at`: the monitoring asked and when, and its billing (an
   * instance running since `runningSince`, null if it is not running: monitoring-usage.ts).
   */
  async setMonitoring(tx: Tx, before: InstanceEntity, m: Pick<InstanceEntity, 'monitoring' | 'monitoringSince'>, at: number, runningSince: number | null): Promise<void> {
    await tx.update(InstanceEntity, { id: before.id }, { monitoring: m.monitoring, monitoringSince: m.monitoringSince });
    await monitoringChanged(tx, before, m.monitoring === 'enabled', at, runningSince);
  }

  /** Instances' passwords generated at these times: those not yet generated (a password, no time) take theirs. */
  async setPasswordsGenerated(tx: Tx, generatedAt: ReadonlyMap<string, number>): Promise<void> {
    for (const ids of inBatches([...generatedAt.keys()])) {
      const pending = await tx.find(InstanceEntity, { select: { id: true }, where: { id: In(ids), passwordData: Not(IsNull()), passwordDataAt: IsNull() } });
      for (const { id } of pending) await tx.update(InstanceEntity, { id }, { passwordDataAt: generatedAt.get(id)! });
    }
  }

  async setStateReason(tx: Tx, id: string, stateReason: string): Promise<void> {
    await tx.update(InstanceEntity, { id }, { stateReason });
  }

  /** Each instance's tags, keys in order (instances without tags are absent). */
  async tagsOf(m: Tx, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (ids.length === 0) return out;
    const rows: InstanceTagEntity[] = [];
    for (let i = 0; i < ids.length; i += 500) rows.push(...(await selectWhere(m, InstanceTagEntity, {}, { in: { prop: 'instanceId', values: ids.slice(i, i + 500) }, orderBy: 'key' })));
    if (ids.length > 500) rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const t of rows) out.set(t.instanceId, { ...(out.get(t.instanceId) ?? {}), [t.key]: t.value });
    return out;
  }

  /** Sets these tags (adding or replacing values) on the tenant's instance. */
  async saveTags(tx: Tx, tenantId: string, instanceId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await tx.save(InstanceTagEntity, Object.entries(tags).map(([key, value]) => ({ instanceId, key, value, tenantId })));
  }

  async deleteTag(tx: Tx, instanceId: string, key: string): Promise<void> {
    await tx.delete(InstanceTagEntity, { instanceId, key });
  }

  /**
   * Since when each of these instances has been unavailable, for those that still are: the start of
   * its open `unavailable` SLA interval, which the engine opens when an instance's status turns
   * impaired and closes when it is ok again or stops running (instances with none are absent).
   */
  async unavailableSince(m: Tx, instanceIds: readonly string[]): Promise<Map<string, number>> {
    if (instanceIds.length === 0) return new Map();
    const rows = await Promise.all(inBatches([...new Set(instanceIds)]).map((batch) => m.query(
      `SELECT "instance_id" AS "id", MAX("start_ms") AS "since" FROM "sla_intervals" WHERE "instance_id" IN (${placeholders(m, batch.length)}) AND "end_ms" IS NULL AND "kind" = 'unavailable' GROUP BY "instance_id"`,
      batch,
    ) as Promise<{ id: string; since: string | number }[]>));
    return new Map(rows.flat().map((r) => [r.id, Number(r.since)]));
  }

  /**
   * What each instance's launch gave it beside its row, by instance id: its placement group's name
   * and its reservation's client token (instances with neither are absent). One statement for both,
   * so DescribeInstances reads the token without a statement more.
   */
  async launchFacts(m: Tx, instanceIds: readonly string[]): Promise<Map<string, { readonly placementGroupName?: string; readonly clientToken?: string }>> {
    if (instanceIds.length === 0) return new Map();
    const rows = await Promise.all(inBatches([...new Set(instanceIds)]).map((batch) => m.query(
      `SELECT i."id" AS "id", g."name" AS "group_name", r."client_token" AS "client_token" FROM "instances" i`
      + ` LEFT JOIN "placement_groups" g ON g."id" = i."placement_group_id" LEFT JOIN "reservations" r ON r."id" = i."reservation_id"`
      + ` WHERE i."id" IN (${placeholders(m, batch.length)}) AND (g."name" IS NOT NULL OR r."client_token" IS NOT NULL)`,
      batch,
    ) as Promise<{ id: string; group_name: string | null; client_token: string | null }[]>));
    return new Map(rows.flat().map((r) => [r.id, {
      ...(r.group_name !== null ? { placementGroupName: r.group_name } : {}), ...(r.client_token !== null ? { clientToken: r.client_token } : {}),
    }]));
  }
}
