import { reachabilityOf, STATUS_CHECKS_INITIALIZING_MS, statusChecks } from './status-checks';

describe("EC2's status checks of an instance", () => {
  const at = (state: string, stateSince: number, status = 'ok') => ({ state, stateSince, status });
  const MIN = 60_000;

  it('are initializing for the first two minutes of running, then ok', () => {
    expect(STATUS_CHECKS_INITIALIZING_MS).toBe(2 * MIN);
    expect(statusChecks(at('running', 10 * MIN), 10 * MIN)).toEqual({ system: 'initializing', instance: 'initializing' });
    expect(statusChecks(at('running', 10 * MIN), 12 * MIN - 1)).toEqual({ system: 'initializing', instance: 'initializing' });
    expect(statusChecks(at('running', 10 * MIN), 12 * MIN)).toEqual({ system: 'ok', instance: 'ok' });
  });

  it('are impaired, both, while the host or driver domain under it is down, initializing or not', () => {
    expect(statusChecks(at('running', 10 * MIN, 'impaired'), 10 * MIN)).toEqual({ system: 'impaired', instance: 'impaired' });
    expect(statusChecks(at('running', 0, 'impaired'), 60 * MIN)).toEqual({ system: 'impaired', instance: 'impaired' });
  });

  it('do not apply to an instance that is not running', () => {
    for (const state of ['pending', 'stopping', 'stopped', 'shutting-down', 'terminated'])
      expect(statusChecks(at(state, 0), 60 * MIN)).toEqual({ system: 'not-applicable', instance: 'not-applicable' });
  });

  it("report reachability as EC2's details do", () => {
    expect(['ok', 'impaired', 'initializing', 'not-applicable'].map((s) => reachabilityOf(s as never))).toEqual(['passed', 'failed', 'initializing', undefined]);
  });
});
