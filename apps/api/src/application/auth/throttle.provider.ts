import { Provider } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { RequestThrottle, ThrottleClock } from '../throttling';

/** How the app's throttle is built: in service, EC2's figures on a monotonic wall clock. */
export interface ThrottleOptions {
  /** Milliseconds, monotonic. Tests pass a clock they step by hand. */
  readonly clockMs?: ThrottleClock;
  /** Scales every tenant's limits (default 1). Test rigs that are not about throttling raise it. */
  readonly baseMultiplier?: number;
}

/** Throttling is about real request rates, not simulated time: it runs on the process's clock. */
const monotonicMs: ThrottleClock = () => performance.now();

export function throttleProvider(options: ThrottleOptions = {}): Provider {
  return { provide: RequestThrottle, useFactory: () => new RequestThrottle(options.clockMs ?? monotonicMs, options.baseMultiplier ?? 1) };
}
