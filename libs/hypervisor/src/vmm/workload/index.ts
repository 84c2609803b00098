// Guest workloads (API.md `PUT /v1/instances/{id}/workload`) and the CPU demand they produce (docs/model.md §3.1).
export * from './workload';
export * from './cpu-demand';
export * from './prng';
