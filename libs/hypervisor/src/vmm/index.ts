// The VMM's resource models (docs/model.md §3.1–3.5, §3.7, §3.9): pure, deterministic, framework-free.
export * from './shared/fair-share';
export * from './cpu/cpu-allocator';
export * from './cpu/credit-account';
export * from './cpu/effective-limit';
export * from './cpu/guarantee';
export * from './memory/memory-reclaimer';
export * from './io/ebs-volume';
export * from './io/gp2-bucket';
export * from './io/volume-modification';
export * from './io/mclock.scheduler';
export * from './driver/driver-domain.cost';
export * from './network/network-allocator';
export * from './migration/pre-copy.planner';
export * from './power/power-model';
export * from './workload';
export * from './metrics';
