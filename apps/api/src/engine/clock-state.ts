import { ClockSetting } from '../config/app-config';

/** The clock as the admin API shows it. */
export function clockView(nowMs: number, setting: ClockSetting) {
  return { now: new Date(nowMs).toISOString(), mode: setting.mode, rate: setting.mode === 'manual' ? 0 : setting.rate };
}
