import { ApiError, get } from '../api';
import { FleetUtilization, getClock, Revenue, Simulation, tenantNameMap } from '../data';
import { monthOf } from '../format';

/**
 * The Overview's data, without React: main.tsx's first import (boot.ts) starts it before the
 * browser evaluates React and the pages, and the Overview takes it when it first renders.
 */

async function revenueOrNone(month: 'current' | 'previous'): Promise<Revenue | null> {
  try {
    return await get<Revenue>('/v1/admin/billing/revenue', { month });
  } catch (e) {
    // A month before the simulated world began has no revenue.
    if (e instanceof ApiError && e.status === 400 && /has not begun/.test(e.message)) return null;
    throw e;
  }
}

/**
 * Every API call at once, in one round: the revenue route takes month=current / previous (the
 * clock's month, resolved by the server), so no call waits for the clock's answer.
 */
export async function loadOverview(signal?: AbortSignal) {
  const [clock, current, last, names, fleet, sims] = await Promise.all([
    getClock(),
    revenueOrNone('current'),
    revenueOrNone('previous'),
    tenantNameMap(),
    get<FleetUtilization>('/v1/admin/fleet/utilization', { period: 3600 }, signal),
    get<{ simulations: Simulation[] }>('/v1/admin/simulations', { maxResults: 50 }, signal),
  ]);
  // The revenue's month is the one its figures are of (the clock may have moved on since).
  const month = current?.month ?? monthOf(clock.now);
  return { clock, month, names, current, last, fleet, sims: sims.simulations.filter((s) => s.state === 'running' || s.state === 'queued') };
}

export type OverviewData = Awaited<ReturnType<typeof loadOverview>>;

let early: Promise<OverviewData> | null = null;

/** Starts the Overview's API calls now, so that the server works on them while the browser runs the app's and ECharts' code. */
export function prefetchOverview(): void {
  early = loadOverview();
  early.catch(() => undefined); // the page's load reports it
}

/** The calls prefetchOverview started (once), or new ones. */
export function takeOverview(signal: AbortSignal): Promise<OverviewData> {
  const pending = early;
  early = null;
  return pending ?? loadOverview(signal);
}
