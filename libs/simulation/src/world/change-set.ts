import { BucketSummary, FleetEvent, MetricKind, SimTime, TimelineEvent } from '@nimbus/hypervisor';
import { UsageEvent } from '../metering/usage-meter';

export type StateChange = Extract<FleetEvent, { type: 'vm.state-changed' }>;
export type StatusChange = Extract<FleetEvent, { type: 'vm.status-changed' }>;
export type HostMove = Extract<FleetEvent, { type: 'vm.host-changed' }>;
export type HostChange = Extract<FleetEvent, { type: 'host.state-changed' }>;

/**
 * A boot of a VM's guest that ended: it began when the VM entered `running` or was rebooted, and
 * ended when it left `running` or was rebooted. `startedAt` null: the boot began before the change
 * set (the store has when).
 */
export interface EndedBoot {
  readonly startedAt: SimTime | null;
  readonly endedAt: SimTime;
}

/** A VM's boots in a change set: those that ended, in order, and the one still going if it began here. */
export interface BootChange {
  readonly ended: EndedBoot[];
  current?: SimTime;
}

/** A closed metric bucket of one series. */
export interface ClosedBucket {
  readonly kind: MetricKind;
  readonly id: string;
  readonly bucket: BucketSummary;
}

/**
 * The journal of what a command or an advance changed in the world: each VM's last state
 * transition, status and host move, each host's last state, each VM's guest boots, every timeline
 * event and closed metric bucket, and every usage event, in order. A store writes it in one transaction; if that
 * fails, the world takes it back (`World.requeue`) so that the next write includes it.
 */
export interface ChangeSet {
  readonly states: Map<string, StateChange>;
  readonly statuses: Map<string, StatusChange>;
  readonly moves: Map<string, HostMove>;
  readonly hosts: Map<string, HostChange>;
  /** Each VM's boots (entering `running`, a reboot) and their ends, for the status checks and the guest's first-boot work. */
  readonly boots: Map<string, BootChange>;
  readonly timeline: TimelineEvent[];
  readonly buckets: ClosedBucket[];
  /** Every transition billing needs, in order (`states` keeps only each VM's last). */
  readonly usage: UsageEvent[];
}

export const emptyChangeSet = (): ChangeSet => ({ states: new Map(), statuses: new Map(), moves: new Map(), hosts: new Map(), boots: new Map(), timeline: [], buckets: [], usage: [] });

const bootOf = (c: ChangeSet, vmId: string): BootChange => {
  let b = c.boots.get(vmId);
  if (!b) c.boots.set(vmId, (b = { ended: [] }));
  return b;
};

/** The VM's current boot ends at `time` (it leaves `running`, or reboots). */
function endBoot(b: BootChange, time: SimTime): void {
  b.ended.push({ startedAt: b.current ?? null, endedAt: time });
  delete b.current;
}

/** Records one fleet event in a change set. */
export function record(c: ChangeSet, e: FleetEvent): void {
  switch (e.type) {
    case 'vm.state-changed':
      c.states.set(e.vmId, e);
      if (e.previous === 'running' && e.current !== 'running') endBoot(bootOf(c, e.vmId), e.time);
      if (e.current === 'running' && e.previous !== 'running') bootOf(c, e.vmId).current = e.time;
      break;
    case 'vm.rebooted': {
      const b = bootOf(c, e.vmId);
      endBoot(b, e.time);
      b.current = e.time;
      break;
    }
    case 'vm.status-changed':
      c.statuses.set(e.vmId, e);
      break;
    case 'vm.host-changed':
      c.moves.set(e.vmId, e);
      break;
    case 'host.state-changed':
      c.hosts.set(e.hostId, e);
      break;
    case 'timeline':
      c.timeline.push(e);
      break;
  }
}

/** `a` then `b`: b's last states win, lists are concatenated in order. */
export function mergeChangeSets(a: ChangeSet, b: ChangeSet): ChangeSet {
  const out = emptyChangeSet();
  for (const j of [a, b]) {
    for (const [k, v] of j.states) out.states.set(k, v);
    for (const [k, v] of j.statuses) out.statuses.set(k, v);
    for (const [k, v] of j.moves) out.moves.set(k, v);
    for (const [k, v] of j.hosts) out.hosts.set(k, v);
    for (const [k, v] of j.boots) {
      const before = out.boots.get(k);
      // A boot that b ends began in a (its start, unknown to b, is a's current boot).
      const ended = v.ended.map((x, i) => (i === 0 && x.startedAt === null && before?.current !== undefined ? { ...x, startedAt: before.current } : x));
      const current = v.current ?? (v.ended.length === 0 ? before?.current : undefined);
      out.boots.set(k, { ended: [...(before?.ended ?? []), ...ended], ...(current !== undefined ? { current } : {}) });
    }
    out.timeline.push(...j.timeline);
    out.buckets.push(...j.buckets);
    out.usage.push(...j.usage);
  }
  return out;
}
