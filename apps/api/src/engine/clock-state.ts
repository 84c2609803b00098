import { ClockSetting } from '../config/app-config';

/** The simulated clock as persisted: where it stood, and how it is paced. */
export interface ClockState {
  readonly nowMs: number;
  readonly setting: ClockSetting;
}

export function clockView(nowMs: number, setting: ClockSetting) {
  return { now: new Date(nowMs).toISOString(), mode: setting.mode, rate: setting.mode === 'manual' ? 0 : setting.rate };
}
