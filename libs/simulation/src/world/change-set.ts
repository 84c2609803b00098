import { BucketSummary, FleetEvent, MetricKind, TimelineEvent } from '@nimbus/hypervisor';
import { UsageEvent } from '../metering/usage-meter';

export type StateChange = Extract<FleetEvent, { type: 'vm.state-changed' }>;
export type StatusChange = Extract<FleetEvent, { type: 'vm.status-changed' }>;
export type HostMove = Extract<FleetEvent, { type: 'vm.host-changed' }>;
export type HostChange = Extract<FleetEvent, { type: 'host.state-changed' }>;

/** A closed metric bucket of one series. */
export interface ClosedBucket {
  readonly kind: MetricKind;
  readonly id: string;
  readonly bucket: BucketSummary;
}

/**
 * The journal of what a command or an advance changed in the world: each VM's last state
 * transition, status and host move, each host's last state, every timeline event and closed
 * metric bucket, and every usage event, in order. A store writes it in one transaction; if that
 * fails, the world takes it back (`World.requeue`) so that the next write includes it.
 */
export interface ChangeSet {
  readonly states: Map<string, StateChange>;
  readonly statuses: Map<string, StatusChange>;
  readonly moves: Map<string, HostMove>;
  readonly hosts: Map<string, HostChange>;
  readonly timeline: TimelineEvent[];
  readonly buckets: ClosedBucket[];
  /** Every transition billing needs, in order (`states` keeps only each VM's last). */
  readonly usage: UsageEvent[];
}

export const emptyChangeSet = (): ChangeSet => ({ states: new Map(), statuses: new Map(), moves: new Map(), hosts: new Map(), timeline: [], buckets: [], usage: [] });

/** Records one fleet event in a change set. */
export function record(c: ChangeSet, e: FleetEvent): void {
  switch (e.type) {
    case 'vm.state-changed':
      c.states.set(e.vmId, e);
      break;
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
    out.timeline.push(...j.timeline);
    out.buckets.push(...j.buckets);
    out.usage.push(...j.usage);
  }
  return out;
}
