import { Decimal } from 'decimal.js';
import { awaitsFulfilment, evaluate, nextStatus, SpotRequestEvent, SpotRequestFacts, SpotStatus } from './spot-request-rules';

/** A request through a timeline of events, each step's state and status (the User Guide's tables, "State changes for a Spot request"). */
function timeline(start: SpotRequestFacts, events: SpotRequestEvent[]): [string, string][] {
  let r = start;
  return events.map((e) => {
    const next: SpotStatus | undefined = nextStatus(r, e);
    if (next) r = { ...r, ...next };
    return [r.state, r.statusCode];
  });
}

const fulfilled = (type: string, interruptionBehavior = 'terminate'): SpotRequestFacts => ({ type, interruptionBehavior, state: 'active', statusCode: 'fulfilled' });

describe('Spot request rules', () => {
  it('one-time: interrupted by price, the request closes (instance-terminated-by-price); nothing after that reopens it', () => {
    expect(timeline(fulfilled('one-time'), ['interrupted', 'fulfilled', 'expired', 'cancelled'])).toEqual([
      ['closed', 'instance-terminated-by-price'], ['closed', 'instance-terminated-by-price'], ['closed', 'instance-terminated-by-price'], ['closed', 'instance-terminated-by-price'],
    ]);
    expect(timeline(fulfilled('one-time'), ['terminated-by-user'])).toEqual([['closed', 'instance-terminated-by-user']]);
    // A one-time request has no stop: StopInstances refuses it before the rules are asked.
    expect(nextStatus(fulfilled('one-time'), 'stopped-by-user')).toBeUndefined();
  });

  it('persistent, terminate: interrupted → open, fulfilled again → active; terminated by its user → open again; cancelled → the instance left running', () => {
    expect(timeline(fulfilled('persistent'), ['interrupted', 'fulfilled', 'terminated-by-user', 'fulfilled', 'cancelled', 'interrupted'])).toEqual([
      ['open', 'instance-terminated-by-price'],
      ['active', 'fulfilled'],
      ['open', 'instance-terminated-by-user'],
      ['active', 'fulfilled'],
      ['cancelled', 'request-canceled-and-instance-running'],
      // Cancelled stays cancelled; the code says what became of the instance.
      ['cancelled', 'instance-terminated-by-price'],
    ]);
  });

  it('persistent, stop: interrupted → disabled (instance-stopped-by-price), which waits for the price; stopped by its user → disabled, which waits for its user', () => {
    const stop = fulfilled('persistent', 'stop');
    expect(timeline(stop, ['interrupted', 'fulfilled', 'stopped-by-user', 'started-by-user', 'expired'])).toEqual([
      ['disabled', 'instance-stopped-by-price'],
      ['active', 'fulfilled'],
      ['disabled', 'instance-stopped-by-user'],
      ['active', 'fulfilled'],
      ['cancelled', 'request-canceled-and-instance-running'],
    ]);
    expect(awaitsFulfilment({ ...stop, state: 'disabled', statusCode: 'instance-stopped-by-price' })).toBe(true);
    expect(awaitsFulfilment({ ...stop, state: 'disabled', statusCode: 'instance-stopped-by-user' })).toBe(false);
    // A stopped instance terminated by its user: the request opens again to launch another.
    expect(timeline({ ...stop, state: 'disabled', statusCode: 'instance-stopped-by-user' }, ['terminated-by-user'])).toEqual([['open', 'instance-terminated-by-user']]);
  });

  it('interrupted because EC2 needed the capacity back: the same transitions, the no-capacity codes (User Guide, "State changes for a Spot request")', () => {
    const capacity = (f: SpotRequestFacts): SpotRequestFacts => ({ ...f, interruptionReason: 'capacity' });
    expect(nextStatus(capacity(fulfilled('one-time')), 'interrupted')).toEqual({ state: 'closed', statusCode: 'instance-terminated-no-capacity' });
    expect(nextStatus(capacity(fulfilled('persistent')), 'interrupted')).toEqual({ state: 'open', statusCode: 'instance-terminated-no-capacity' });
    const stopped = nextStatus(capacity(fulfilled('persistent', 'stop')), 'interrupted');
    expect(stopped).toEqual({ state: 'disabled', statusCode: 'instance-stopped-no-capacity' });
    // Stopped by EC2 for capacity: it waits for EC2 to start it again, as one stopped by price does.
    expect(awaitsFulfilment({ ...fulfilled('persistent', 'stop'), ...stopped! })).toBe(true);
    expect(nextStatus({ ...capacity(fulfilled('persistent')), state: 'cancelled', statusCode: 'request-canceled-and-instance-running' }, 'interrupted'))
      .toEqual({ state: 'cancelled', statusCode: 'instance-terminated-no-capacity' });
    // Price (or no reason stored, as before capacity interruptions): by price.
    expect(nextStatus({ ...fulfilled('one-time'), interruptionReason: 'price' }, 'interrupted')).toEqual({ state: 'closed', statusCode: 'instance-terminated-by-price' });
    expect(nextStatus({ ...fulfilled('one-time'), interruptionReason: null }, 'interrupted')).toEqual({ state: 'closed', statusCode: 'instance-terminated-by-price' });
  });

  it('open: cancelled before fulfilment (canceled-before-fulfillment), or at ValidUntil (schedule-expired); a fulfilled one-time request has no schedule left', () => {
    const open: SpotRequestFacts = { type: 'one-time', interruptionBehavior: 'terminate', state: 'open', statusCode: 'pending-evaluation' };
    expect(nextStatus(open, 'cancelled')).toEqual({ state: 'cancelled', statusCode: 'canceled-before-fulfillment' });
    expect(nextStatus(open, 'expired')).toEqual({ state: 'cancelled', statusCode: 'schedule-expired' });
    expect(nextStatus(fulfilled('one-time'), 'expired')).toBeUndefined();
  });

  it('evaluate: a timeline of hourly prices against a maximum of $0.05, ValidFrom 02:00, ValidUntil 06:00', () => {
    const r = { maxPrice: '0.05', validFrom: 2 * 3_600_000, validUntil: 6 * 3_600_000 };
    // Hours 1..6 and their prices, worked by hand: before ValidFrom, then above, equal to, below the maximum, then expired.
    const prices = ['0.01', '0.06', '0.05', '0.049999', '0.07', '0.01'];
    expect(prices.map((p, i) => evaluate(r, (i + 1) * 3_600_000, new Decimal(p)))).toEqual(['not-scheduled-yet', 'price-too-low', 'fulfil', 'fulfil', 'price-too-low', 'expire']);
    expect(evaluate({ maxPrice: '0.0104', validFrom: null, validUntil: null }, 0, new Decimal('0.0104'))).toBe('fulfil');
  });
});
