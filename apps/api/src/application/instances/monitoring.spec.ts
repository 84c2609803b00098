import { changeMonitoring, launchMonitoring, MONITORING_CHANGE_MS, monitoringStateOf } from './monitoring';

describe('detailed monitoring states', () => {
  it('launches pending for a minute, then enabled; off: disabled from the start', () => {
    const on = launchMonitoring(true, 1_000);
    expect(on).toEqual({ monitoring: 'enabled', monitoringSince: 1_000 });
    expect(monitoringStateOf(on, 1_000)).toBe('pending');
    expect(monitoringStateOf(on, 1_000 + MONITORING_CHANGE_MS - 1)).toBe('pending');
    expect(monitoringStateOf(on, 61_000)).toBe('enabled');
    expect(monitoringStateOf(launchMonitoring(undefined, 1_000), 1_000)).toBe('disabled');
    expect(monitoringStateOf(launchMonitoring(false, 1_000), 1_000)).toBe('disabled');
  });

  it('answers a change under way (disabling / pending) and settles a minute after it was asked; asking again changes nothing', () => {
    const enabled = { monitoring: 'enabled', monitoringSince: 0 };
    const off = changeMonitoring(enabled, false, 120_000);
    expect(off).toEqual({ row: { monitoring: 'disabled', monitoringSince: 120_000 }, answer: 'disabling' });
    expect(monitoringStateOf(off.row, 179_999)).toBe('disabling');
    expect(monitoringStateOf(off.row, 180_000)).toBe('disabled');
    const again = changeMonitoring(off.row, false, 150_000);
    expect(again.row).toBe(off.row);
    expect(again.answer).toBe('disabling');
    expect(changeMonitoring(off.row, true, 200_000).answer).toBe('pending');
  });
});
