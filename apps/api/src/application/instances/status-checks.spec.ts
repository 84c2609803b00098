import { reachabilityOf, STATUS_CHECKS_INITIALIZING_MS, statusChecks } from './status-checks';

describe("EC2's status checks of an instance", () => {
  const at = (state: string, stateSince: number, status = 'ok', bootedAt: number | null = state === 'running' ? stateSince : null) => ({ state, stateSince, status, bootedAt });
  const MIN = 60_000;

  it('are initializing for the first two minutes of running, then ok', () => {
    expect(STATUS_CHECKS_INITIALIZING_MS).toBe(2 * MIN);
    expect(statusChecks(at('running', 10 * MIN), 10 * MIN)).toEqual({ system: 'initializing', instance: 'initializing' });
    expect(statusChecks(at('running', 10 * MIN), 12 * MIN - 1)).toEqual({ system: 'initializing', instance: 'initializing' });
    expect(statusChecks(at('running', 10 * MIN), 12 * MIN)).toEqual({ system: 'ok', instance: 'ok' });
  });

  it('are initializing again for two minutes after a reboot (the instance stays running), then ok', () => {
    // Running since 10 min, rebooted at 30 min: initializing until 32 min, as after the launch.
    expect(statusChecks(at('running', 10 * MIN, 'ok', 30 * MIN), 30 * MIN)).toEqual({ system: 'initializing', instance: 'initializing' });
    expect(statusChecks(at('running', 10 * MIN, 'ok', 30 * MIN), 32 * MIN - 1)).toEqual({ system: 'initializing', instance: 'initializing' });
    expect(statusChecks(at('running', 10 * MIN, 'ok', 30 * MIN), 32 * MIN)).toEqual({ system: 'ok', instance: 'ok' });
    // A row of before booted_at was kept: from entering running.
    expect(statusChecks(at('running', 10 * MIN, 'ok', null), 11 * MIN)).toEqual({ system: 'initializing', instance: 'initializing' });
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
