import { describe, expect, it } from 'vitest';
import { ApiError, problemPaths } from './api';

describe('problemPaths: the JSON paths InvalidScenario and InvalidExperiment name, with their messages', () => {
  it('splits a scenario error into its paths', () => {
    const e = new ApiError(400, 'InvalidScenario', 'The scenario is not valid: /durationHours: must be >= 1; /fleet/zones/0/hosts: must be integer', 'r-1');
    expect([...problemPaths(e)]).toEqual([['/durationHours', 'must be >= 1'], ['/fleet/zones/0/hosts', 'must be integer']]);
  });

  it('splits an experiment error, a variant’s path first (the message as the API wrote it)', () => {
    const e = new ApiError(400, 'InvalidExperiment', 'The experiment is not valid: /repetitions: must be >= 1; /variants/1/tenants/2/workloads/0/arrivals/bursts/0/atHours: /tenants/2/workloads/0/arrivals/bursts/0/atHours: must be within the run (< 2 h) (variant {"weigher":"spread"})', 'r-2');
    expect([...problemPaths(e)]).toEqual([
      ['/repetitions', 'must be >= 1'],
      ['/variants/1/tenants/2/workloads/0/arrivals/bursts/0/atHours', '/tenants/2/workloads/0/arrivals/bursts/0/atHours: must be within the run (< 2 h) (variant {"weigher":"spread"})'],
    ]);
  });

  it('keeps a message without a path under "/"', () => {
    expect([...problemPaths(new ApiError(400, 'InvalidExperiment', 'The experiment is not valid: and 3 more', null))]).toEqual([['/', 'and 3 more']]);
  });
});
