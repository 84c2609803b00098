import { at, hours } from '../testing/usage-fixtures';
import { tenantZoneOutages } from './zone-outages';

describe('tenantZoneOutages', () => {
  const run = (instanceId: string, availabilityZone: string, s: number, e: number) => ({ instanceId, availabilityZone, startMs: at(s), endMs: at(e) });
  const down = (instanceId: string, s: number, e: number) => ({ instanceId, startMs: at(s), endMs: at(e) });

  it('is a zone outage when the only instance the tenant runs there is impaired', () => {
    expect(tenantZoneOutages([run('i-1', 'us-east-1a', 0, hours(10))], [down('i-1', hours(2), hours(3))])).toEqual([
      { availabilityZone: 'us-east-1a', startMs: at(hours(2)), endMs: at(hours(3)) },
    ]);
  });

  it('is no outage while another running instance in the zone is fine, and counts only running time', () => {
    const running = [run('i-1', 'us-east-1a', 0, hours(10)), run('i-2', 'us-east-1a', 0, hours(2) + hours(1) / 2)];
    // i-2 stops half-way through i-1's impairment: from then on every running instance there is impaired.
    expect(tenantZoneOutages(running, [down('i-1', hours(2), hours(3)), down('i-2', hours(9), hours(12))])).toEqual([
      { availabilityZone: 'us-east-1a', startMs: at(hours(2) + hours(1) / 2), endMs: at(hours(3)) },
    ]);
  });

  it('keeps zones apart', () => {
    const running = [run('i-1', 'us-east-1a', 0, hours(10)), run('i-2', 'us-east-1b', 0, hours(10))];
    expect(tenantZoneOutages(running, [down('i-2', hours(1), hours(2))])).toEqual([{ availabilityZone: 'us-east-1b', startMs: at(hours(1)), endMs: at(hours(2)) }]);
  });
});
