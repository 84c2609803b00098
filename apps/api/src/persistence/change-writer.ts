import { BucketSummary, mergeBuckets } from '@nimbus/hypervisor';
import { BootChange, Changes, ClosedBucket, World } from '@nimbus/simulation';
import { EntityManager, In } from 'typeorm';
import { HostEntity, HostMetricBucketEntity, InstanceEntity, MetricBucketEntity, SimEventEntity, VolumeEntity } from './entities';
import { bulkUpdate } from './bulk-update';
import { insertRows } from './fast-sql';
import { hostBucketRow } from './host-metric-buckets';
import { StoredVmRuntime, storedVolumeRuntime } from './stored-runtime';
import { UsageWriter } from './usage-writer';

/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_BATCH = 200;

/**
 * Writes a change set of the world in the caller's transaction: state transitions, moves, status
 * checks, host states, timeline events, closed metric buckets, usage, and the data plane's
 * snapshots (credits, gp2/st1/sc1 buckets, standard volumes' I/O request counts, transfer, energy). Returns the instances that reached
 * `terminated` (their volumes detach or go in the same transaction) and those whose last state is
 * `stopped` (their public addresses are released in the same transaction).
 */
export async function writeChanges(tx: EntityManager, world: World, taken: Changes, usage: UsageWriter, rebuiltAt: number): Promise<WrittenStates> {
  const { changes: j, snapshots: snaps } = taken;
  const terminated: string[] = [];
  const stopped: string[] = [];
  const reachedAt = new Map<string, number>();
  // One row per instance: its last state, a later move, its status, its data plane's snapshot.
  const instances = new Map<string, Partial<InstanceEntity> & { id: string }>();
  const row = (id: string) => {
    let r = instances.get(id);
    if (!r) instances.set(id, (r = { id }));
    return r;
  };
  for (const e of j.states.values()) {
    Object.assign(row(e.vmId), { state: e.current, hostId: e.hostId, stateSince: e.time, transitionAt: e.transitionAt });
    if (e.current === 'terminated') terminated.push(e.vmId);
    else if (e.current === 'stopped') stopped.push(e.vmId);
    if (e.current === 'terminated' || e.current === 'stopped') reachedAt.set(e.vmId, e.time);
  }
  await usage.write(tx, j.usage, snaps.vms, world.now, snaps.volumes);
  for (const e of j.moves.values()) if (!j.states.has(e.vmId) || j.states.get(e.vmId)!.time < e.time) row(e.vmId).hostId = e.to;
  for (const e of j.statuses.values()) row(e.vmId).status = e.status;
  const boots = await endedBoots(tx, j.boots);
  for (const [id, b] of j.boots) if (b.current !== undefined) row(id).bootedAt = b.current;
  for (const s of snaps.vms) {
    const runtime: StoredVmRuntime = { credits: s.credits, useMillicores: s.useMillicores, transfer: s.transfer };
    row(s.vmId).runtime = JSON.stringify(runtime);
  }
  await bulkUpdate(tx, InstanceEntity, 'id', [...instances.values()]);
  const hosts = new Map<string, Partial<HostEntity> & { id: string }>();
  for (const e of j.hosts.values()) {
    const host = world.fleet.host(e.hostId);
    hosts.set(e.hostId, { id: e.hostId, state: e.current, stateSince: host?.stateSince ?? e.time, driverDomainState: e.driverDomain });
  }
  for (const s of snaps.hosts) hosts.set(s.hostId, { ...(hosts.get(s.hostId) ?? { id: s.hostId }), runtime: JSON.stringify({ energyJoules: s.energyJoules, asOfMs: s.asOfMs }) });
  await bulkUpdate(tx, HostEntity, 'id', [...hosts.values()]);
  for (let i = 0; i < j.timeline.length; i += INSERT_BATCH) {
    await tx.insert(
      SimEventEntity,
      j.timeline.slice(i, i + INSERT_BATCH).map((e) => ({
        time: e.time, type: e.kind, hostId: e.hostId ?? null, instanceId: e.vmId ?? null, tenantId: e.tenantId ?? null, detail: JSON.stringify(e.detail),
      })),
    );
  }
  await writeBuckets(tx, j.buckets, rebuiltAt);
  await bulkUpdate(tx, VolumeEntity, 'id', snaps.volumes.map((s) => ({ id: s.volumeId, runtime: JSON.stringify(storedVolumeRuntime(s)) })));
  return { terminated, stopped, reachedAt, boots };
}

/**
 * The boots that ended in a change set, each with when it began: a boot that began before the
 * set began at the instance's stored `booted_at` (read here, before this write moves it). A boot
 * whose start is not known (an instance that ran before booted_at was kept) is left out.
 */
async function endedBoots(tx: EntityManager, changes: ReadonlyMap<string, BootChange>): Promise<Map<string, Boot[]>> {
  const unknown = [...changes].filter(([, b]) => b.ended[0]?.startedAt === null).map(([id]) => id);
  const stored = new Map<string, number | null>();
  for (let i = 0; i < unknown.length; i += INSERT_BATCH)
    for (const r of await tx.find(InstanceEntity, { select: { id: true, bootedAt: true }, where: { id: In(unknown.slice(i, i + INSERT_BATCH)) } })) stored.set(r.id, r.bootedAt);
  const out = new Map<string, Boot[]>();
  for (const [id, b] of changes) {
    const ended: Boot[] = [];
    for (const x of b.ended) {
      const startedAt = x.startedAt ?? stored.get(id) ?? null;
      if (startedAt !== null) ended.push({ startedAt, endedAt: x.endedAt });
    }
    if (ended.length > 0) out.set(id, ended);
  }
  return out;
}

/** A guest boot that ended: from entering `running` (or a reboot) to leaving it (or the next reboot). */
export interface Boot {
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * Instances by their last state in a change set. The set keeps only each VM's last transition, so
 * a VM that stopped and was started again in one group is not among `stopped`: its start
 * (InstancesService.start) saw it stopped and did what a stop leaves undone.
 */
export interface WrittenStates {
  readonly terminated: string[];
  readonly stopped: string[];
  /** When each of them reached that state. */
  readonly reachedAt: ReadonlyMap<string, number>;
  /** Each instance's guest boots that ended, in order. */
  readonly boots: ReadonlyMap<string, readonly Boot[]>;
}

/**
 * Closed buckets are new rows, except a bucket that was open when the world was rebuilt (or
 * written at a clean shutdown): it may have a row already, and the two halves are merged. A host's
 * bucket also writes its row of `host_metric_buckets` (the fields the fleet views read), from the
 * summary its JSON row holds, merged or not: the two never disagree (host-metric-buckets.ts).
 */
async function writeBuckets(tx: EntityManager, buckets: readonly ClosedBucket[], rebuiltAt: number): Promise<void> {
  const fresh: MetricBucketEntity[] = [];
  const hostRows: HostMetricBucketEntity[] = [];
  // Only a bucket open at the rebuild may have a row already.
  const written = await writtenBuckets(tx, buckets.filter((b) => b.bucket.start <= rebuiltAt));
  for (const { kind, id, bucket } of buckets) {
    let summary = bucket;
    const existing = written.get(bucketKey(id, bucket.start));
    if (existing) {
      summary = mergeBuckets(JSON.parse(existing.summary) as BucketSummary, bucket);
      await tx.update(MetricBucketEntity, { entityId: id, bucketStart: bucket.start }, { summary: JSON.stringify(summary) });
    } else fresh.push({ entityId: id, bucketStart: bucket.start, kind, summary: JSON.stringify(bucket) });
    if (kind === 'host') hostRows.push(hostBucketRow(id, summary));
  }
  // Plain statements (fast-sql.ts): a busy fleet writes rows per host and instance every minute, and TypeORM's upsert costs more than the database.
  for (let i = 0; i < fresh.length; i += INSERT_BATCH) await insertRows(tx, MetricBucketEntity, fresh.slice(i, i + INSERT_BATCH), { upsert: true });
  // In the order the fleet views read them (host by host, in id order): on PostgreSQL, whose table
  // is a heap in insertion order, a commit's rows of the hosts read together then share pages.
  hostRows.sort((a, b) => (a.hostId < b.hostId ? -1 : a.hostId > b.hostId ? 1 : a.bucketStart - b.bucketStart));
  for (let i = 0; i < hostRows.length; i += INSERT_BATCH) await insertRows(tx, HostMetricBucketEntity, hostRows.slice(i, i + INSERT_BATCH), { upsert: true });
}

const bucketKey = (entityId: string, start: number) => `${start}\u0000${entityId}`;

/**
 * The rows already written of these buckets (open when the world was rebuilt), by `bucketKey`: a
 * statement per bucket start and 500 series, not one per bucket (after a restart, the first minute
 * closes a bucket for every host and instance at once).
 */
async function writtenBuckets(tx: EntityManager, buckets: readonly ClosedBucket[]): Promise<Map<string, MetricBucketEntity>> {
  const out = new Map<string, MetricBucketEntity>();
  const idsByStart = new Map<number, string[]>();
  for (const { id, bucket } of buckets) {
    const ids = idsByStart.get(bucket.start);
    if (ids) ids.push(id);
    else idsByStart.set(bucket.start, [id]);
  }
  for (const [start, ids] of idsByStart) {
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
      for (const row of await tx.findBy(MetricBucketEntity, { bucketStart: start, entityId: In(ids.slice(i, i + LOOKUP_BATCH)) })) out.set(bucketKey(row.entityId, row.bucketStart), row);
    }
  }
  return out;
}

/** Series per look-up statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const LOOKUP_BATCH = 500;
