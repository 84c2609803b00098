import { Decimal } from 'decimal.js';

/**
 * The state machine of a Spot Instance request, as the EC2 User Guide gives it ("State changes for
 * a Spot request", spot-instances-request-status-lifecycle.html; "Spot Instance requests",
 * spot-requests.html). Pure: the services apply what it answers, and its unit tests check it against
 * the guide's tables. A request's `state` is EC2's (open, active, disabled, closed, cancelled,
 * failed), its `statusCode` the guide's status code.
 */
export interface SpotRequestFacts {
  readonly type: string;
  readonly interruptionBehavior: string;
  readonly state: string;
  readonly statusCode: string;
  /** Why EC2 gave the instance its notice: `capacity`, or `price` (null, absent: price). */
  readonly interruptionReason?: string | null;
}

export interface SpotStatus {
  readonly state: string;
  readonly statusCode: string;
}

/** Why EC2 interrupts a Spot Instance (EC2 User Guide, "Spot Instance interruptions": price, capacity). */
export type InterruptionReason = 'price' | 'capacity';

/** The codes of a request whose instance EC2 stopped (`stop` behaviour): it waits for EC2 to start it again. */
export const STOPPED_BY_EC2: ReadonlySet<string> = new Set(['instance-stopped-by-price', 'instance-stopped-no-capacity']);
/** The codes of a request whose instance EC2 interrupted, stopped or terminated. */
export const INTERRUPTED_BY_EC2: ReadonlySet<string> = new Set([...STOPPED_BY_EC2, 'instance-terminated-by-price', 'instance-terminated-no-capacity']);

/** What happens to a request: its instance's fate, the request's own schedule, the tenant's calls. */
export type SpotRequestEvent =
  /** The two-minute notice has run out: the instance is terminated, or stopped (`stop` behaviour). */
  | 'interrupted'
  | 'terminated-by-user'
  | 'stopped-by-user'
  | 'started-by-user'
  /** An instance launched (or a stopped one started again) for the request. */
  | 'fulfilled'
  /** ValidUntil has come. */
  | 'expired'
  | 'cancelled';

/**
 * The request's state and status after an event, or undefined when the event does not change it.
 *
 * - Interrupted: a one-time request closes (`instance-terminated-by-price`); a persistent one opens
 *   again to launch a new instance, or, with `stop` behaviour, is `disabled` with its instance
 *   stopped (`instance-stopped-by-price`) until it is started for it again. Interrupted because EC2
 *   needed the capacity back (`interruptionReason` `capacity`): the same, the codes
 *   `instance-terminated-no-capacity` and `instance-stopped-no-capacity`.
 * - Terminated by the tenant: a one-time request closes; a persistent one opens again ("If you
 *   terminate a running or stopped Spot Instance that was launched by a persistent Spot request, the
 *   Spot request transitions to the open state so that a new Spot Instance can be launched").
 * - Stopped by the tenant (persistent only: a one-time instance cannot be stopped): `disabled`,
 *   `instance-stopped-by-user`; started by the tenant: `active`, `fulfilled` again.
 * - A cancelled request keeps `cancelled` whatever its instance does; its code says what happened.
 * - ValidUntil: an open request is cancelled (`schedule-expired`); a persistent one whose instance
 *   runs (or is stopped) is cancelled and leaves it be (`request-canceled-and-instance-running`); a
 *   fulfilled one-time request is done with its schedule ("until all instances launch").
 * - CancelSpotInstanceRequests: open → `canceled-before-fulfillment`; active or disabled →
 *   `request-canceled-and-instance-running` (the instance is not terminated).
 */
export function nextStatus(r: SpotRequestFacts, event: SpotRequestEvent): SpotStatus | undefined {
  const persistent = r.type === 'persistent';
  const cancelled = r.state === 'cancelled';
  switch (event) {
    case 'interrupted': {
      const stop = persistent && r.interruptionBehavior === 'stop';
      const why = r.interruptionReason === 'capacity' ? 'no-capacity' : 'by-price';
      const statusCode = stop ? `instance-stopped-${why}` : `instance-terminated-${why}`;
      if (cancelled) return { state: 'cancelled', statusCode };
      if (r.state !== 'active') return undefined;
      return { state: !persistent ? 'closed' : stop ? 'disabled' : 'open', statusCode };
    }
    case 'terminated-by-user':
      if (cancelled) return { state: 'cancelled', statusCode: 'instance-terminated-by-user' };
      if (r.state !== 'active' && r.state !== 'disabled') return undefined;
      return { state: persistent ? 'open' : 'closed', statusCode: 'instance-terminated-by-user' };
    case 'stopped-by-user':
      if (cancelled) return { state: 'cancelled', statusCode: 'instance-stopped-by-user' };
      return r.state === 'active' && persistent ? { state: 'disabled', statusCode: 'instance-stopped-by-user' } : undefined;
    case 'started-by-user':
      if (cancelled) return { state: 'cancelled', statusCode: 'request-canceled-and-instance-running' };
      return r.state === 'disabled' ? { state: 'active', statusCode: 'fulfilled' } : undefined;
    case 'fulfilled':
      return r.state === 'open' || r.state === 'disabled' ? { state: 'active', statusCode: 'fulfilled' } : undefined;
    case 'expired':
      if (r.state === 'open') return { state: 'cancelled', statusCode: 'schedule-expired' };
      return persistent && (r.state === 'active' || r.state === 'disabled') ? { state: 'cancelled', statusCode: 'request-canceled-and-instance-running' } : undefined;
    case 'cancelled':
      if (r.state === 'open') return { state: 'cancelled', statusCode: 'canceled-before-fulfillment' };
      return r.state === 'active' || r.state === 'disabled' ? { state: 'cancelled', statusCode: 'request-canceled-and-instance-running' } : undefined;
  }
}

/** Whether the request waits for the price (or its ValidFrom) to launch an instance, or to start its stopped one. */
export function awaitsFulfilment(r: SpotRequestFacts): boolean {
  return r.state === 'open' || (r.state === 'disabled' && STOPPED_BY_EC2.has(r.statusCode));
}

/**
 * What an evaluation of a waiting request at `at` decides, the Spot price then being `price`:
 * expire at or after ValidUntil; `not-scheduled-yet` before ValidFrom; `price-too-low` while its
 * maximum is below the price ("If the Spot price is above your maximum price, the request stays
 * open", `price-too-low`); else fulfil it (the maximum at or above the price).
 */
export function evaluate(r: { readonly maxPrice: string; readonly validFrom: number | null; readonly validUntil: number | null }, at: number, price: Decimal): 'fulfil' | 'expire' | 'not-scheduled-yet' | 'price-too-low' {
  if (r.validUntil !== null && at >= r.validUntil) return 'expire';
  if (r.validFrom !== null && at < r.validFrom) return 'not-scheduled-yet';
  return price.gt(r.maxPrice) ? 'price-too-low' : 'fulfil';
}
