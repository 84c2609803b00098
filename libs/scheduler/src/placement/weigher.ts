import { WeigherName } from '../contract';
import { ZoneCandidates } from './capacity-index';

/**
 * How many hosts with a recent guarantee violation a decision may pass over before it takes them
 * anyway: keeps the "avoid" preference bounded (a zone full of such hosts costs no more than this).
 */
export const AVOID_SCAN_LIMIT = 64;

export interface PickContext {
  /** Hosts to use only when the others cannot take the request (recent guarantee violations). */
  readonly avoid?: (hostId: string) => boolean;
}

/**
 * A soft weigher orders the hosts that pass every filter. Hosts are compared by their *slots* for
 * the request: how many more instances of its shape each could take (see SlotIndex), so "least
 * free capacity" is measured in what the request needs, on whichever dimension binds.
 */
export interface Weigher {
  readonly name: WeigherName;
  /** The order a walk over the zone's feasible hosts follows (group placement uses it too). */
  readonly order: 'fewest-slots-first' | 'most-slots-first';
  /**
   * One host id per instance (a host may repeat), chosen one instance at a time as if each
   * earlier pick had already landed. `count` ≤ zone.fits.
   */
  pick(zone: ZoneCandidates, count: number, context?: PickContext): string[];
}

/** Hosts passed over for `avoid`, taken last (each as many times as it has slots) if still needed. */
export function takeDeferred(hostIds: string[], deferred: readonly { hostId: string; slots: number }[], count: number): void {
  for (const d of deferred) {
    for (let i = 0; i < d.slots && hostIds.length < count; i++) hostIds.push(d.hostId);
    if (hostIds.length === count) return;
  }
}
